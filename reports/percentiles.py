"""Count, mean, median and 90th percentile per group, computed in SQL on either database.

Percentile definition (the same as PostgreSQL's `percentile_cont` and numpy's default "linear"
method): sort the n values of a group, v[0] ≤ … ≤ v[n−1]; the p-th percentile sits at the
fractional position r = (n − 1) · p / 100 and is v[⌊r⌋] + (r − ⌊r⌋) · (v[⌊r⌋+1] − v[⌊r⌋]).
The median of 1, 2, 3, 10 is therefore 2.5 and its 90th percentile 7.9.

`time_stats` computes it the fastest way each database allows. PostgreSQL uses its own
`percentile_cont … WITHIN GROUP` (one sort per group). SQLite's window functions sort three
times per statement, so instead the values are copied once into a temporary table in (group,
value) order: a row's INTEGER PRIMARY KEY is then its rank, each group's first key and count
come from one GROUP BY, and the one or two rows around r are read by key and weighted. p is a
whole percent, so ⌊r⌋ and its fraction come from integer arithmetic and never depend on
floating-point rounding. The tests check both paths against `statistics.quantiles` and against a
plain window-function statement (tests/reports/test_percentiles.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    FromClause,
    Integer,
    MetaData,
    Row,
    Select,
    Table,
    case,
    func,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

PERCENTILES = (50, 90)


def native_time_stats(
    source: FromClause, keys: Sequence[ColumnElement[Any]], value: ColumnElement[float]
) -> Select[Any]:
    """Select keys…, count, mean, p50, p90 per group with PostgreSQL's `percentile_cont`."""
    columns = [func.count(value).label("count"), func.avg(value).label("mean")]
    for p in PERCENTILES:
        columns.append(func.percentile_cont(p / 100).within_group(value).label(f"p{p}"))
    statement = select(*keys, *columns).select_from(source).where(value.is_not(None))
    return statement.group_by(*keys) if keys else statement


def time_stats(
    connection: Connection,
    source: FromClause,
    keys: Sequence[ColumnElement[Any]],
    value: ColumnElement[float],
) -> Sequence[Row[Any]]:
    """Return rows of keys…, count, mean, p50, p90 of `value` per group, the fastest way here."""
    if connection.dialect.name != "sqlite":
        return connection.execute(native_time_stats(source, keys, value)).all()
    ranked = Table(
        "report_ranked_values",
        MetaData(),
        Column("pos", Integer, primary_key=True),
        *(Column(f"k{i}", key.type) for i, key in enumerate(keys)),
        Column("v", Float),
        prefixes=["TEMPORARY"],
    )
    ranked.drop(connection, checkfirst=True)  # left by a failed report on this connection
    ranked.create(connection)
    try:
        in_order = (
            select(*keys, value)
            .select_from(source)
            .where(value.is_not(None))
            .order_by(*keys, value)
        )
        names = [f"k{i}" for i in range(len(keys))]
        connection.execute(ranked.insert().from_select([*names, "v"], in_order))
        return connection.execute(_ranked_stats(ranked, names)).all()
    finally:
        ranked.drop(connection)


def _ranked_stats(ranked: Table, names: list[str]) -> Select[Any]:
    r = ranked.c
    group = [r[name] for name in names]
    groups = select(
        *group,
        func.count().label("n"),
        func.min(r.pos).label("first"),
        func.avg(r.v).label("mean"),
    ).select_from(ranked)
    g = (groups.group_by(*group) if group else groups).subquery("groups")
    inner = ranked.alias("around")
    columns: list[ColumnElement[Any]] = [g.c.n, g.c.mean]
    for p in PERCENTILES:
        position = (g.c.n - 1) * p
        lower = g.c.first + position // 100
        fraction = (position % 100) * 0.01
        weighted = case(
            (inner.c.pos == lower, inner.c.v * (1 - fraction)),
            else_=inner.c.v * fraction,
        )
        around = (
            select(func.sum(weighted))
            .where(inner.c.pos >= lower, inner.c.pos <= lower + 1)
            .where(inner.c.pos < g.c.first + g.c.n)
            .scalar_subquery()
        )
        columns.append(around.label(f"p{p}"))
    return select(*(g.c[name] for name in names), *columns)
