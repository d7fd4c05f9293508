"""Group-wise results aligned with the rows: ``cumsum cumprod cummin cummax cumcount``,
``shift(n)``, ``diff(n)``, ``rank(...)`` and ``transform('sum'|'mean'|...)``.

The result keeps the frame's index and row order. A row whose key is missing (pandas'
default ``dropna=True``) gets NaN, so when the keys can hold a missing value (float,
string, datetime, nullable keys) an integer result is typed ``float64`` at compile time;
pandas keeps ``int64`` when no key happens to be missing. ``transform_columns`` computes
the outputs from key and value columns; under MPI ``dist_relational.dist_transform_columns``
moves the rows to the rank owning their key, computes there (arrival order is global row
order) and sends each result back to its row.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.runtime import groupby_kernels as kernels
from hpjit.runtime.hashtable import factorize
from hpjit.typing.columns.arrays import (copy_column, isna_at, take_or_missing, values_of,
                                         with_missing)
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.groupby import (AGGREGATIONS, GroupByType, _kernel_call, _supported,
                                  agg_output_type)
from hpjit.typing.operations import ROWS, method
from hpjit.typing.rank import rank_codes, rank_column, rank_options, rank_output_type
from hpjit.typing.series import SeriesType, init_series

CUMULATIVE = ("cumsum", "cumprod", "cummin", "cummax")
F64 = types.Array(types.float64, 1, "C")


def keys_can_miss(gb):
    """Whether a key column can hold a missing value (so some rows may belong to no group)."""
    if not gb.dropna:
        return False
    for k in gb.keys:
        t = gb.df.data[gb.df.column_index(k)]
        if not (isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Boolean))):
            return True
    return False


class TransformSpec(types.Type):
    """Per output column: (input column or None, function); the function's constant options
    (``periods`` of shift, ``method`` of rank...); the result's type."""

    def __init__(self, gb, outputs, out_type, options=()):
        self.gb = gb
        self.outputs = tuple(outputs)
        self.out_type = out_type
        self.options = tuple(options)
        super().__init__(name=f"TransformSpec({gb}, {self.outputs}, {self.options})")


def _is_number(t):
    return isinstance(t, (types.Array, MaskedArrayType)) and \
        isinstance(t.dtype, (types.Integer, types.Float))


def _output_type(gb, func, t, what, options):
    if func == "shift":
        if (isinstance(t, types.Array) and isinstance(t.dtype, types.Boolean)) or \
                isinstance(t, DateArrayType):
            raise user_error(f"{what}: hpjit shifts number, string, datetime and nullable "
                             f"columns, not {t}")
        return t if _option(options, "periods") == 0 else with_missing(t)  # shift(0): a copy
    if func == "diff":
        if _option(options, "periods") == 0:
            raise user_error(f"{what}: periods=0 is not supported by hpjit (pandas gives zeros "
                             "of the column's dtype there, rows of no group too)")
        if not _is_number(t):
            raise user_error(f"{what}: hpjit computes diff of number columns, not {t}")
        return t if isinstance(t, MaskedArrayType) or isinstance(t.dtype, types.Float) else F64
    if func == "rank":
        return rank_output_type(t, what)
    if func == "cumcount":
        out = types.Array(types.int64, 1, "C")
    elif func in CUMULATIVE and isinstance(t, MaskedArrayType) and \
            isinstance(t.dtype, (types.Integer, types.Float)):
        # pandas' Int64/Float64 answer: a missing value, or a row of no group, is <NA>
        return MaskedArrayType(t.dtype if isinstance(t.dtype, types.Float) or
                               func in ("cummin", "cummax") else types.int64)
    elif func in CUMULATIVE:
        if not (isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Float))):
            raise user_error(f"{what}: hpjit computes {func} of number columns, not {t}")
        out = F64 if isinstance(t.dtype, types.Float) else (
            t if func in ("cummin", "cummax") else types.Array(types.int64, 1, "C"))
    elif func == "count":  # of a nullable column: pandas' Int64, none missing
        out = MaskedArrayType(types.int64) if isinstance(t, MaskedArrayType) else \
            types.Array(types.int64, 1, "C")
    else:
        out = agg_output_type(func, t)
        if not (isinstance(out, types.Array) and isinstance(out.dtype, (types.Integer, types.Float,
                                                                        types.Boolean))):
            raise user_error(f"{what}: hpjit's transform gives number columns; {func} of {t} "
                             "is not one")
        if not _supported(func, t):
            raise user_error(f"{what}: hpjit cannot compute {func} of {t}")
    if keys_can_miss(gb) and isinstance(out.dtype, types.Boolean):
        raise user_error(f"{what}: a bool result where the keys can be missing is an object "
                         "column in pandas (True, False and NaN for rows of no group), which "
                         "hpjit does not support; convert the column with astype(float) first")
    if keys_can_miss(gb) and not isinstance(out.dtype, types.Float):
        return F64
    return out


def transform_spec(gb, func, what, options=()):
    """The spec of ``gb.<func>(...)`` (``func`` a cumulative method, ``cumcount``, ``shift``,
    ``diff``, ``rank`` or an aggregation name given to ``transform``; ``options`` its constant
    arguments as ``(name, value)`` pairs)."""
    gb.check_by_key(what)
    df = gb.df
    if func == "cumcount":
        outs = [(None, "cumcount")]
        out_t = SeriesType(_output_type(gb, func, None, what, options), df.index, None)
        return TransformSpec(gb, outs, out_t)
    cols = gb.selection
    outs = [(c, func) for c in cols]
    data = [_output_type(gb, func, df.data[df.column_index(c)], what, options) for c in cols]
    if gb.series:
        out_t = SeriesType(data[0], df.index, cols[0])
    else:
        out_t = DataFrameType(cols, data, df.index)
    return TransformSpec(gb, outs, out_t, options)


@register_jitable
def group_cumcount(group, out, missing):
    """Each row's position within its group (``missing`` for rows of no group), into ``out``."""
    seen = np.zeros(len(group) + 1, np.int64)
    for i in range(len(group)):
        g = group[i]
        if g >= 0:
            out[i] = seen[g]
            seen[g] += 1
        else:
            out[i] = missing
    return out


def group_cumulative(a, group, ngroups, op, out, missing):
    """Running ``op`` (0 sum, 1 prod, 2 min, 3 max) per group in row order, into ``out``; a
    missing value is skipped, as pandas' ``skipna=True``, and it and rows of no group get
    ``missing`` (NaN: the output is float whenever either can occur)."""


@overload(group_cumulative)
def _group_cumulative(a, group, ngroups, op, out, missing):
    def impl(a, group, ngroups, op, out, missing):
        values = values_of(a)
        acc = np.zeros(ngroups, out.dtype)
        started = np.zeros(ngroups, np.bool_)
        for i in range(len(group)):
            g = group[i]
            if g < 0 or isna_at(a, i):
                out[i] = missing
                continue
            v = values[i]
            if not started[g]:
                acc[g] = v
                started[g] = True
            elif op == 0:
                acc[g] += v
            elif op == 1:
                acc[g] *= v
            elif op == 2:
                acc[g] = min(acc[g], v)
            else:
                acc[g] = max(acc[g], v)
            out[i] = acc[g]
        return out
    return impl


@register_jitable
def masked_rows(out, a, group):
    """``out`` as a nullable column: missing where ``a`` is or the row has no group."""
    mask = np.empty(len(group), np.bool_)
    for i in range(len(group)):
        mask[i] = group[i] < 0 or isna_at(a, i)
    return make_masked(out, mask)


@register_jitable
def per_row(values, group, out, missing):
    """``values[group[i]]`` for each row (``missing`` for rows of no group), into ``out``."""
    for i in range(len(group)):
        g = group[i]
        out[i] = values[g] if g >= 0 else missing
    return out


@register_jitable
def group_shift_sources(group, ngroups, periods):
    """For each row, the row ``periods`` rows before it in its group (after, if negative), or
    -1 when there is none or the row has no group."""
    n = len(group)
    start = np.zeros(ngroups + 1, np.int64)
    for i in range(n):
        if group[i] >= 0:
            start[group[i] + 1] += 1
    for g in range(ngroups):
        start[g + 1] += start[g]
    fill = start[:ngroups].copy()
    by_group = np.empty(n, np.int64)
    at = np.empty(n, np.int64)
    for i in range(n):
        g = group[i]
        if g >= 0:
            by_group[fill[g]] = i
            at[i] = fill[g]
            fill[g] += 1
    src = np.full(n, -1, np.int64)
    for i in range(n):
        g = group[i]
        if g >= 0:
            j = at[i] - periods
            if start[g] <= j < start[g + 1]:
                src[i] = by_group[j]
    return src


def group_diff(a, src, out):
    """``a[i] - a[src[i]]`` for each row into ``out`` (a nullable ``out`` comes back with its
    mask), missing where either is or ``src[i]`` is -1."""


@overload(group_diff)
def _group_diff(a, src, out):
    if isinstance(a, MaskedArrayType):
        def impl(a, src, out):
            mask = np.empty(len(src), np.bool_)
            for i in range(len(src)):
                j = src[i]
                mask[i] = j < 0 or a._mask[i] or a._mask[j]
                out[i] = 0 if mask[i] else a._values[i] - a._values[j]
            return make_masked(out, mask)
        return impl

    def impl(a, src, out):
        for i in range(len(src)):
            j = src[i]
            out[i] = np.nan if j < 0 else a[i] - a[j]
        return out
    return impl


@register_jitable
def as_nullable_ranks(r):
    return make_masked(r, np.isnan(r))


def _option(options, name):
    return dict(options)[name]


def _kernel(func, col, out_t, options):
    """Source computing output ``func`` of column expression ``col`` as ``out_t``."""
    out = f"np.empty(len(group), np.{out_t.dtype})"
    missing = "np.nan" if isinstance(out_t.dtype, types.Float) else "0"
    if func == "shift":
        src = f"group_shift_sources(group, ngroups, {_option(options, 'periods')})"
        if _option(options, "periods") == 0:
            return f"copy_column({col})"
        return f"take_or_missing({col}, {src})"
    if func == "diff":
        src = f"group_shift_sources(group, ngroups, {_option(options, 'periods')})"
        return f"group_diff({col}, {src}, {out})"
    if func == "rank":
        call = f"rank_column({col}, group, ngroups, {', '.join(map(str, rank_codes(options)))})"
        return f"as_nullable_ranks({call})" if isinstance(out_t, MaskedArrayType) else call
    if func == "cumcount":
        return f"group_cumcount(group, {out}, {missing})"
    if func in CUMULATIVE:
        call = f"group_cumulative({col}, group, ngroups, {CUMULATIVE.index(func)}, {out}, {missing})"
        return f"masked_rows({call}, {col}, group)" if isinstance(out_t, MaskedArrayType) else call
    counts = f"kernels.agg_count({col}, group, ngroups)"
    rows = f"per_row({counts if func == 'count' else _kernel_call(func, col)}, group, {out}, " \
        f"{missing})"
    return f"kernels.as_nullable({col}, {rows})" if isinstance(out_t, MaskedArrayType) else rows


def transform_columns(keys, cols, spec):
    """The output columns of ``spec`` from key columns ``keys`` and input columns ``cols``
    (tuples; ``cols`` in the spec's output order)."""


@overload(transform_columns)
def _transform_columns(keys, cols, spec):
    s = spec.instance_type
    data = s.out_type.data if isinstance(s.out_type, DataFrameType) else (s.out_type.data,)
    outs = "".join(_kernel(f, f"cols[{k}]", t, s.options) + ", " for k, ((_, f), t) in
                   enumerate(zip(s.outputs, data)))
    return gen_impl(f"def impl(keys, cols, spec):\n"
                    f"    group, first = factorize(keys, {s.gb.dropna})\n"
                    f"    ngroups = len(first)\n"
                    f"    return ({outs})\n",
                    np=np, factorize=factorize, kernels=kernels, group_cumcount=group_cumcount,
                    group_cumulative=group_cumulative, per_row=per_row, masked_rows=masked_rows,
                    group_shift_sources=group_shift_sources, group_diff=group_diff,
                    take_or_missing=take_or_missing, copy_column=copy_column,
                    rank_column=rank_column, as_nullable_ranks=as_nullable_ranks)


def groupby_transform(gb, spec):
    """The result of transform ``spec`` of groupby value ``gb``."""


def transform_call_source(spec, fn="transform_columns", params="gb, spec", spec_var="spec"):
    """Source of ``impl(<params>)`` calling ``fn(keys, cols, <spec_var>)`` and building the
    result."""
    s = spec
    df = s.gb.df
    keys = df.columns_source(s.gb.keys, "data")
    cols = df.columns_source([c for c, _ in s.outputs if c], "data")
    build = ("init_series(outs[0], gb._df._index, out_t)" if isinstance(s.out_type, SeriesType)
             else "init_frame(outs, gb._df._index, out_t)")
    return (f"def impl({params}):\n"
            f"    data = gb._df._data\n"
            f"    outs = {fn}({keys}, {cols}, {spec_var})\n"
            f"    return {build}\n")


@overload(groupby_transform)
def _groupby_transform(gb, spec):
    s = spec.instance_type
    return gen_impl(transform_call_source(s), transform_columns=transform_columns,
                    init_series=init_series, init_frame=init_frame, out_t=s.out_type)


def _method(func):
    def typer(gb):
        spec = transform_spec(gb, func, f"groupby(...).{func}()")
        return lambda gb: groupby_transform(gb, spec)
    return typer


for _f in CUMULATIVE + ("cumcount",):
    method(GroupByType, _f, ROWS, form=f"relational.dist_groupby_{_f}")(_method(_f))


def transform_func(func, what):
    v = const_value(func)
    if v is NOT_CONSTANT or not isinstance(v, str):
        raise user_error(f"{what}: hpjit needs an aggregation named by a constant string, "
                         "e.g. transform('sum')")
    if v not in AGGREGATIONS + CUMULATIVE or v == "size":
        raise user_error(f"{what}: {v!r} is not supported by hpjit; supported: "
                         f"{', '.join(a for a in AGGREGATIONS + CUMULATIVE if a != 'size')}")
    return v


@method(GroupByType, "transform", ROWS, form="relational.dist_groupby_transform",
        prefer_literal=True)
def _groupby_transform_method(gb, func):
    what = "groupby(...).transform"
    spec = transform_spec(gb, transform_func(func, what), what)
    return lambda gb, func: groupby_transform(gb, spec)


def _periods(periods, what):
    v = const_value(periods, 1)
    if not isinstance(v, int) or isinstance(v, bool):
        raise user_error(f"{what}: hpjit needs periods= as a constant integer")
    return (("periods", v),)


def shift_spec(gb, periods=1):
    what = "groupby(...).shift"
    return transform_spec(gb, "shift", what, _periods(periods, what))


def diff_spec(gb, periods=1):
    what = "groupby(...).diff"
    return transform_spec(gb, "diff", what, _periods(periods, what))


def rank_spec(gb, method="average", ascending=True, na_option="keep", pct=False):
    what = "groupby(...).rank"
    return transform_spec(gb, "rank", what, rank_options(what, method, ascending, na_option, pct))


@method(GroupByType, "shift", ROWS, form="relational.dist_groupby_shift", prefer_literal=True)
def _groupby_shift(gb, periods=1):
    spec = shift_spec(gb, periods)
    return lambda gb, periods=1: groupby_transform(gb, spec)


@method(GroupByType, "diff", ROWS, form="relational.dist_groupby_diff", prefer_literal=True)
def _groupby_diff(gb, periods=1):
    spec = diff_spec(gb, periods)
    return lambda gb, periods=1: groupby_transform(gb, spec)


@method(GroupByType, "rank", ROWS, form="relational.dist_groupby_rank", prefer_literal=True)
def _groupby_rank(gb, method="average", ascending=True, na_option="keep", pct=False):
    spec = rank_spec(gb, method, ascending, na_option, pct)
    return lambda gb, method="average", ascending=True, na_option="keep", pct=False: \
        groupby_transform(gb, spec)
