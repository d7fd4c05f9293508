"""``ffill`` / ``bfill`` of Series and frames: a missing value takes the nearest present one
before (after) it.

The fill of a row can reach any earlier row, so under MPI a rank's leading (trailing) missing
values take the last (first) present value of the ranks before (after) it: each rank
contributes its one edge row and every rank gathers those (rule ``ROWS``; the distributed
twins are ``frame_collectives.dist_ffill`` / ``dist_bfill``). The kernel here takes those
neighbours' rows as a column of zero or one row on either side, so one process and MPI share it.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl, named
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import (concat_columns, copy_column, isna_at, slice_rows,
                                         take_or_missing)
from hpjit.typing.constants import const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.operations import ROWS, method
from hpjit.typing.series import SeriesType, init_series


def can_miss(t):
    """Whether column type ``t`` holds missing values (a plain int or bool column does not)."""
    return not (isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Boolean)))


@register_jitable
def fill_sources(c, forward):
    """For each row of column ``c``: the nearest present row at or before it (``forward``) or
    at or after it, -1 when there is none."""
    n = len(c)
    src = np.empty(n, np.int64)
    last = -1
    for k in range(n):
        i = k if forward else n - 1 - k
        if not isna_at(c, i):
            last = i
        src[i] = last
    return src


@register_jitable
def edge_row(a, forward):
    """The last (``forward``) or first present row of ``a`` as a column of one row, or of none."""
    n = len(a)
    for k in range(n):
        i = n - 1 - k if forward else k
        if not isna_at(a, i):
            return slice_rows(a, i, i + 1)
    return slice_rows(a, 0, 0)


def filled(a, before, after, forward):
    """Column ``a`` filled forward or backward, ``before`` / ``after`` (columns of zero or one
    row) the rows of the other ranks next to it."""


@overload(filled)
def _filled(a, before, after, forward):
    if not can_miss(a):
        return lambda a, before, after, forward: copy_column(a)

    def impl(a, before, after, forward):
        c = a if len(before) + len(after) == 0 else concat_columns(before,
                                                                 concat_columns(a, after))
        src = fill_sources(c, forward)
        return take_or_missing(c, src[len(before):len(before) + len(a)])
    return impl


def _check(what, axis, inplace, limit, limit_area):
    if const_value(axis, None) not in (None, 0, "index", "rows"):
        raise user_error(f"{what}: hpjit fills along the rows (axis=0) only")
    if const_value(inplace, False) is not False:
        raise user_error(f"{what}: inplace=True is not supported by hpjit; assign the result")
    if const_value(limit, None) is not None or const_value(limit_area, None) is not None:
        raise user_error(f"{what}: limit= and limit_area= are not supported by hpjit yet")


def fill_impl(x, forward, edges):
    """``impl(x, before, after)``: a Series or frame filled, ``edges(column, forward)`` giving
    each column's ``(before, after)`` rows of the neighbouring ranks."""
    if isinstance(x, SeriesType):
        def impl(x):
            before, after = edges(x._data, forward)
            return init_series(filled(x._data, before, after, forward), x._index, x)
        return named(impl, forward, edges)
    cols = "".join(f"    b{j}, a{j} = edges(column_at(x, {j}), FORWARD)\n"
                   for j, t in enumerate(x.data) if can_miss(t))
    items = "".join(f"filled(column_at(x, {j}), b{j}, a{j}, FORWARD), " if can_miss(t)
                    else f"copy_column(column_at(x, {j})), " for j, t in enumerate(x.data))
    return gen_impl(f"def impl(x):\n{cols}    return init_frame(({items}), x._index, x)\n",
                    edges=edges, filled=filled, copy_column=copy_column, init_frame=init_frame,
                    FORWARD=forward, key=(forward, edges))


@register_jitable
def no_edges(a, forward):
    """One process: no neighbouring rows."""
    return slice_rows(a, 0, 0), slice_rows(a, 0, 0)


def _declare(name, forward):
    def typer(x, axis=None, inplace=False, limit=None, limit_area=None):
        _check(f"{type(x).__name__.removesuffix('Type')}.{name}", axis, inplace, limit,
               limit_area)
        body = register_jitable(fill_impl(x, forward, no_edges))
        return named(lambda x, axis=None, inplace=False, limit=None, limit_area=None: body(x),
                     name)
    method((SeriesType, DataFrameType), name, ROWS, form=f"frame_collectives.dist_{name}",
           prefer_literal=True, parallel=True)(typer)


_declare("ffill", True)
_declare("bfill", False)
