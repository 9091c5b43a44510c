"""Count, mean, median and 90th percentile per group, computed by window functions in SQL.

Percentile definition (the same as PostgreSQL's `percentile_cont` and numpy's default "linear"
method): sort the n values of a group, v[0] ≤ … ≤ v[n−1]; the p-th percentile sits at the
fractional position r = (n − 1) · p / 100 and is v[⌊r⌋] + (r − ⌊r⌋) · (v[⌊r⌋+1] − v[⌊r⌋]).
The median of 1, 2, 3, 10 is therefore 2.5 and its 90th percentile 7.9.

Both databases run the same statement: ROW_NUMBER and COUNT over the group pick the one or two
rows around r, and a weighted SUM interpolates between them. p is a whole percent, so ⌊r⌋ and
its fraction come from integer arithmetic and never depend on floating-point rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import FromClause, Select, case, func, select
from sqlalchemy.sql.elements import ColumnElement

PERCENTILES = (50, 90)


def grouped_time_stats(
    source: FromClause,
    keys: Sequence[ColumnElement[Any]],
    value: ColumnElement[float],
) -> Select[Any]:
    """Select keys…, count, mean, p50, p90 of `value` per group of `keys` (nulls ignored).

    Without keys the statement returns one row for all rows (count 0 and nulls when empty).
    """
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
