"""Count, mean, median and 90th percentile per group, computed in SQL on either database.

Percentile definition (the same as PostgreSQL's `percentile_cont` and numpy's default "linear"
method): sort the n values of a group, v[0] ≤ … ≤ v[n−1]; the p-th percentile sits at the
fractional position r = (n − 1) · p / 100 and is v[⌊r⌋] + (r − ⌊r⌋) · (v[⌊r⌋+1] − v[⌊r⌋]).
The median of 1, 2, 3, 10 is therefore 2.5 and its 90th percentile 7.9.

`grouped_time_stats` is one portable statement: ROW_NUMBER and COUNT over the group pick the one
or two rows around r, and a weighted SUM interpolates between them. p is a whole percent, so ⌊r⌋
and its fraction come from integer arithmetic and never depend on floating-point rounding.

`time_stats` runs the report's queries faster with the same definition. PostgreSQL uses its own
`percentile_cont … WITHIN GROUP` (one sort per group; it agrees with the window version to the
last bits of a double). SQLite's window functions sort three times per statement, so instead the
values are copied once into a temporary table in (group, value) order: a row's INTEGER PRIMARY
KEY is then its rank, each group's first key and count come from one GROUP BY, and the one or two
rows around r are read by key — the same weighted sum, in the same order, as the window version.
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


def grouped_time_stats(
    source: FromClause,
    keys: Sequence[ColumnElement[Any]],
    value: ColumnElement[float],
    dialect: str = "sqlite",
) -> Select[Any]:
    """Select keys…, count, mean, p50, p90 of `value` per group of `keys` (nulls ignored).

    Without keys the statement returns one row for all rows (count 0 and nulls when empty).
    `dialect` "postgresql" selects the native percentile aggregate.
    """
    if dialect == "postgresql":
        return _native_time_stats(source, keys, value)
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


def _native_time_stats(
    source: FromClause, keys: Sequence[ColumnElement[Any]], value: ColumnElement[float]
) -> Select[Any]:
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
        return connection.execute(grouped_time_stats(source, keys, value, "postgresql")).all()
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
