"""The SQL percentiles equal linear interpolation (statistics.quantiles 'inclusive')."""

from __future__ import annotations

import random
import statistics

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table
from sqlalchemy.orm import Session, sessionmaker

from reports.percentiles import grouped_time_stats

values_table = Table(
    "report_test_values",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("grp", String(10)),
    Column("value", Float),
)


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
        rows = connection.execute(
            grouped_time_stats(values_table, [values_table.c.grp], values_table.c.value)
        ).all()
        values_table.drop(connection)
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
