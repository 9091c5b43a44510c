"""The SQL percentiles equal linear interpolation (statistics.quantiles 'inclusive').

`window_time_stats` is the plain, portable way to compute them (ROW_NUMBER and COUNT over the
group pick the one or two rows around r, a weighted SUM interpolates). The report does not run
it — it is slower on both databases — but it is kept here as the reference the report's faster
paths (`reports.percentiles.time_stats`) are checked against.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Float,
    FromClause,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from reports.percentiles import PERCENTILES, time_stats

values_table = Table(
    "report_test_values",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("grp", String(10)),
    Column("value", Float),
)


def window_time_stats(
    source: FromClause, keys: Sequence[ColumnElement[Any]], value: ColumnElement[float]
) -> Select[Any]:
    """Select keys…, count, mean, p50, p90 per group with window functions (nulls ignored)."""
    labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
    partition = list(keys) or None
    ranked = (
        select(
            *labelled,
            value.label("v"),
            (func.row_number().over(partition_by=partition, order_by=value) - 1).label("i"),
            func.count().over(partition_by=partition).label("n"),
        )
        .select_from(source)
        .where(value.is_not(None))
        .subquery("ranked")
    )
    group = [ranked.c[f"k{i}"] for i in range(len(keys))]
    columns = [func.count().label("count"), func.avg(ranked.c.v).label("mean")]
    for p in PERCENTILES:
        position = (ranked.c.n - 1) * p
        lower = position // 100
        fraction = (position % 100) * 0.01
        weighted = case(
            (ranked.c.i == lower, ranked.c.v * (1 - fraction)),
            (ranked.c.i == lower + 1, ranked.c.v * fraction),
            else_=0.0,
        )
        columns.append(func.sum(weighted).label(f"p{p}"))
    statement = select(*group, *columns)
    return statement.group_by(*group) if group else statement


def test_percentiles_match_linear_interpolation(sessions: sessionmaker[Session]) -> None:
    rng = random.Random(3)
    groups = {"a": [rng.uniform(0, 3600) for _ in range(101)], "b": [5.0], "c": [1, 2, 3, 10]}
    engine = sessions.kw["bind"]
    with engine.begin() as connection:
        values_table.create(connection)
        connection.execute(
            values_table.insert(),
            [{"grp": g, "value": v} for g, vs in groups.items() for v in vs]
            + [{"grp": "a", "value": None}],
        )
        keys, value = [values_table.c.grp], values_table.c.value
        results = [  # the reference statement, then the report's own path on this database
            connection.execute(window_time_stats(values_table, keys, value)).all(),
            time_stats(connection, values_table, keys, value),
        ]
        values_table.drop(connection)
    for rows in results:
        _check(rows, groups)


def _check(rows: Sequence[Any], groups: dict[str, list[float]]) -> None:
    found = {r[0]: r[1:] for r in rows}
    for group, values in groups.items():
        count, mean, p50, p90 = found[group]
        assert count == len(values)
        assert mean == pytest.approx(statistics.fmean(values))
        if len(values) > 1:
            deciles = statistics.quantiles(values, n=10, method="inclusive")
            assert p50 == pytest.approx(deciles[4])
            assert p90 == pytest.approx(deciles[8])
        else:
            assert p50 == p90 == values[0]
    assert found["c"][2:] == (pytest.approx(2.5), pytest.approx(7.9))


def test_fast_statistics_equal_the_window_statement(sessions: sessionmaker[Session]) -> None:
    """The report's faster path gives the portable statement's figures, groups of one included."""
    rng = random.Random(5)
    groups: list[str | None] = ["a", "b", "c", None]
    rows = [
        {"grp": rng.choice(groups), "value": round(rng.uniform(0, 3600), 3)} for _ in range(500)
    ]
    rows += [{"grp": "single", "value": 7.0}, {"grp": "a", "value": None}]
    engine = sessions.kw["bind"]
    c = values_table.c
    with engine.begin() as connection:
        values_table.create(connection)
        connection.execute(values_table.insert(), rows)
        for keys in ([c.grp], []):
            expected = connection.execute(window_time_stats(values_table, keys, c.value)).all()
            found = time_stats(connection, values_table, keys, c.value)
            assert sorted(found, key=str) == [
                pytest.approx(tuple(row)) for row in sorted(expected, key=str)
            ]
        nothing = values_table.select().where(c.id < 0).subquery()
        empty = time_stats(connection, nothing, [], nothing.c.value)
        values_table.drop(connection)
    assert tuple(empty[0]) == (0, None, None, None)
