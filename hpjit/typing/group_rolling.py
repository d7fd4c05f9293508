"""``groupby(...).rolling(window, min_periods=)`` and its ``sum mean min max count std var
median``:
trailing windows within each group.

pandas labels the result by (key..., row label) and orders it as a groupby aggregation does —
groups by key, a group's rows in their order — one row per input row whose key is present.
Each group runs the window kernels of ``rolling`` over its values. Under MPI
(``relational.dist_group_rolling``) rows go to the rank owning their key's range, as for a
sorted groupby, and the result stays there (rule ``SHUFFLE``): split by key range, in pandas'
order, nothing gathered.
"""
import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import (intrinsic, make_attribute_wrapper, models, overload,
                             register_jitable, register_model)

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.runtime.groupby_kernels import sorted_groups, take_key_rows
from hpjit.runtime.rank_kernels import by_group
from hpjit.runtime.window_kernels import rolling_kernel
from hpjit.typing.columns.arrays import take_rows
from hpjit.typing.constants import const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.groupby import GroupByType
from hpjit.typing.index import IndexNames, MultiKeyIndexType, make_key_index
from hpjit.typing.index_columns import label_columns, label_names, label_types
from hpjit.typing.operations import ELEMENTWISE, SHUFFLE, method
from hpjit.typing.rolling import METHODS, ORDER_METHODS, window_values, windowed
from hpjit.typing.series import SeriesType, init_series

F64 = types.Array(types.float64, 1, "C")


class GroupRollingType(types.Type):
    """``gb.rolling(window, min_periods)`` of groupby type ``gb``."""

    def __init__(self, gb):
        self.gb = gb
        super().__init__(name=f"GroupRolling({gb})")


@register_model(GroupRollingType)
class _GroupRollingModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("gb", fe_type.gb), ("window", types.int64),
                                        ("min_periods", types.int64)])


make_attribute_wrapper(GroupRollingType, "gb", "_gb")
make_attribute_wrapper(GroupRollingType, "window", "_window")
make_attribute_wrapper(GroupRollingType, "min_periods", "_min_periods")


@intrinsic
def make_group_rolling(typingctx, gb, window, min_periods):
    def codegen(context, builder, sig, args):
        r = cgutils.create_struct_proxy(sig.return_type)(context, builder)
        r.gb = args[0]
        r.window = context.cast(builder, args[1], sig.args[1], types.int64)
        r.min_periods = context.cast(builder, args[2], sig.args[2], types.int64)
        context.nrt.incref(builder, gb, args[0])
        return r._getvalue()
    return GroupRollingType(gb)(gb, window, min_periods), codegen


@method(GroupByType, "rolling", ELEMENTWISE)
def _groupby_rolling(gb, window, min_periods=None, center=False):
    what = "groupby(...).rolling"
    gb.check_by_key(what)
    if not gb.sort:
        raise user_error(f"{what}: hpjit orders the groups by key; groupby(sort=False) is not "
                         "supported here")
    df = gb.df
    for c in gb.selection:
        t = df.data[df.column_index(c)]
        if not windowed(t):
            raise user_error(f"{what}: hpjit rolls int, float and bool columns (and their "
                             f"nullable forms), not column {c!r} ({t})")
    if not isinstance(window, types.Integer):
        raise user_error(f"{what}: hpjit takes a window of a number of rows, not {window}")
    if const_value(center, False) is not False:
        raise user_error(f"{what}: center=True is not supported by hpjit yet")
    if min_periods is None or isinstance(min_periods, (types.NoneType, types.Omitted)):
        return lambda gb, window, min_periods=None, center=False: make_group_rolling(
            gb, window, window)
    return lambda gb, window, min_periods=None, center=False: make_group_rolling(
        gb, window, min_periods)


class GroupRollingSpec(types.Type):
    """The windows' method, the groupby and the result type of ``gb.rolling(w).<name>()``."""

    def __init__(self, r, name):
        gb = r.gb
        df = gb.df
        self.gb, self.method = gb, name
        keys = tuple(df.data[df.column_index(k)] for k in gb.keys)
        index = MultiKeyIndexType(keys + tuple(label_types(df.index)),
                                  tuple(gb.keys) + tuple(label_names(df.index)))
        cols = gb.selection
        self.out_type = (SeriesType(F64, index, cols[0]) if gb.series
                         else DataFrameType(cols, [F64] * len(cols), index))
        super().__init__(name=f"GroupRollingSpec({gb}, {name})")


def group_rolling_spec(r, name, args=None):
    return GroupRollingSpec(r, name)


def rolled(keys, cols, labels, window, min_periods, spec):
    """The result of ``spec`` from key columns ``keys``, value columns ``cols`` and the rows'
    label columns ``labels`` (tuples): groups by key, each group's rows in their order."""


@overload(rolled)
def _rolled(keys, cols, labels, window, min_periods, spec):
    s = spec.instance_type
    kernel = rolling_kernel(s.method)
    n_cols = len(s.out_type.data) if isinstance(s.out_type, DataFrameType) else 1
    outs = "".join(f"roll(cols[{k}], order, starts, window, min_periods), "
                   for k in range(n_cols))
    build = ("init_series(outs[0], index, out_t)" if isinstance(s.out_type, SeriesType)
             else "init_frame(outs, index, out_t)")
    names = IndexNames(s.out_type.index.names)
    return gen_impl(f"def impl(keys, cols, labels, window, min_periods, spec):\n"
                    f"    if window < 1:\n"
                    f"        raise ValueError('window must be an integer 0 or greater')\n"
                    f"    group, first = sorted_groups(keys, {s.gb.dropna})\n"
                    f"    order, starts = rows_of_groups(group, len(first))\n"
                    f"    outs = ({outs})\n"
                    f"    index = make_key_index(take_key_rows(keys, order) +\n"
                    f"                           take_key_rows(labels, order), index_names)\n"
                    f"    return {build}\n",
                    sorted_groups=sorted_groups, rows_of_groups=rows_of_groups,
                    roll=_roll_impl(kernel), make_key_index=make_key_index,
                    take_key_rows=take_key_rows, init_series=init_series,
                    init_frame=init_frame, out_t=s.out_type, index_names=names,
                    key=(s.name,))


def rows_of_groups(group, ngroups):
    """``(order, starts)``: the rows with a group, grouped in group order (stable), and where
    each group's rows start in ``order`` (``ngroups + 1`` bounds)."""


@overload(rows_of_groups)
def _rows_of_groups(group, ngroups):
    def impl(group, ngroups):
        ordered = by_group(np.arange(len(group)), group, ngroups)
        starts = np.zeros(ngroups + 1, np.int64)
        for g in group:
            if g >= 0:
                starts[g + 1] += 1
        for g in range(ngroups):
            starts[g + 1] += starts[g]
        skipped = len(group) - starts[ngroups]  # rows of no group come first
        return ordered[skipped:], starts
    return impl


_ROLLS = {}


def _roll_impl(kernel):
    """``roll(c, order, starts, window, min_periods)``: ``kernel`` over each group's values."""
    if kernel not in _ROLLS:
        def roll(c, order, starts, window, min_periods):
            out = np.empty(len(order), np.float64)
            v = window_values(c)
            for g in range(len(starts) - 1):
                lo, hi = starts[g], starts[g + 1]
                out[lo:hi] = kernel(take_rows(v, order[lo:hi]), 0, window, min_periods)
            return out
        _ROLLS[kernel] = register_jitable(roll)
    return _ROLLS[kernel]


def group_rolling(r, spec):
    """``r.<method>()`` of a groupby rolling window ``r`` on this process's rows."""


def call_source(spec, fn):
    """Source of ``impl(r, spec)`` giving the keys, values and labels of ``r``'s frame to
    ``fn(keys, cols, labels, window, min_periods, spec)``."""
    gb = spec.gb
    df = gb.df
    keys = df.columns_source(gb.keys, "data")
    cols = df.columns_source(gb.selection, "data")
    return (f"def impl(r, spec):\n"
            f"    data = r._gb._df._data\n"
            f"    labels = label_columns(r._gb._df._index)\n"
            f"    return {fn}({keys}, {cols}, labels, r._window, r._min_periods, spec)\n")


@overload(group_rolling)
def _group_rolling(r, spec):
    return gen_impl(call_source(spec.instance_type, "rolled"), rolled=rolled,
                    label_columns=label_columns)


def _declare(name):
    def typer(r):
        spec = GroupRollingSpec(r, name)
        return lambda r: group_rolling(r, spec)
    method(GroupRollingType, name, SHUFFLE, form="relational.dist_group_rolling",
           spec=group_rolling_spec)(typer)


for _name in METHODS + ORDER_METHODS:
    _declare(_name)
