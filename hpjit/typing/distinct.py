"""Distinct rows: ``Series.value_counts``, ``Series.unique``, ``drop_duplicates``, ``duplicated``.

Each numbers the distinct key rows with the hash table (``factorize``: first-appearance
order; missing values equal to each other, as pandas counts them). Under MPI the
distributed pass calls the twins in ``hpjit.transforms.distributed.distinct`` with the same
arguments: counts and uniques combine per-rank partial results gathered in rank order
(which keeps global first-appearance order), ``drop_duplicates`` and ``duplicated`` ask the
rank that owns each key which copy to keep.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.runtime.groupby_kernels import (agg_sum, dense_direct, dense_first_counts,
                                           dense_keep_mask, group_sizes, take_key_rows)
from hpjit.runtime.hashtable import compact_span, factorize, one_integer_key
from hpjit.runtime.sort_kernels import argsort_rows
from hpjit.typing.columns.arrays import take_rows
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.constants import const_names, const_value, required_const
from hpjit.typing.dataframe import DataFrameType, check_columns
from hpjit.typing.index import IndexNames, KeyIndexType, make_key_index
from hpjit.typing.operations import ROWS, SUBSET, WHOLE, method
from hpjit.typing.series import SeriesType, init_series
from hpjit.typing.sort_values import rows_of

# --- value_counts -----------------------------------------------------------------


class CountsSpec(types.Type):
    """What ``value_counts`` returns: sorted (and which way), as proportions, missing kept."""

    def __init__(self, s, normalize, sort, ascending, dropna):
        self.normalize, self.sort, self.ascending, self.dropna = normalize, sort, ascending, dropna
        values = types.Array(types.float64 if normalize else types.int64, 1, "C")
        if isinstance(s.data, MaskedArrayType):  # pandas' Int64 / Float64, none missing
            values = MaskedArrayType(values.dtype)
        self.out_type = SeriesType(values, KeyIndexType(s.data, s.series_name),
                                   "proportion" if normalize else "count")
        super().__init__(name=f"CountsSpec({s}, normalize={normalize}, sort={sort}, "
                              f"ascending={ascending}, dropna={dropna})")


def counts_spec(s, normalize, sort, ascending, bins, dropna):
    what = "Series.value_counts"
    if const_value(bins, None) is not None:
        raise user_error(f"{what}: bins= is not supported by hpjit")
    opts = [bool(required_const(t, f"{n}=", what, d)) for t, n, d in
            ((normalize, "normalize", False), (sort, "sort", True),
             (ascending, "ascending", False), (dropna, "dropna", True))]
    return CountsSpec(s, *opts)


def distinct_counts(keys, dropna):
    """``(distinct key rows, count of each)``, in order of first appearance. One integer key
    of compact range is counted by key value (``dense_first_counts``)."""


@register_jitable
def _hashed_counts(keys, dropna):
    group, first = factorize(keys, dropna)
    return take_key_rows(keys, first), group_sizes(group, len(first))


@overload(distinct_counts)
def _distinct_counts(keys, dropna):
    if not one_integer_key(keys):
        return _hashed_counts

    def impl(keys, dropna):
        lo, span = compact_span(keys[0])
        if dense_direct(keys[0], lo, span):
            values, counts = dense_first_counts(keys[0], lo, span)
            return (values,), counts
        return _hashed_counts(keys, dropna)
    return impl


@register_jitable
def merge_counts(keys, counts, dropna):
    """Partial ``distinct_counts`` concatenated in rank order, combined: first appearance in
    the concatenation is global first appearance."""
    group, first = factorize(keys, dropna)
    return take_key_rows(keys, first), agg_sum(counts, group, len(first))


def counts_result(keys, counts, spec):
    """The ``value_counts`` Series of distinct ``keys`` (a 1-tuple) and their ``counts``."""


@overload(counts_result)
def _counts_result(keys, counts, spec):
    s = spec.instance_type
    if not s.sort:
        order = "np.arange(len(counts))"
    else:  # pandas sorts with kind='stable': ties stay in first-appearance order
        order = f"argsort_rows((counts,), ({s.ascending},), True)"
    values = "counts[order] / counts.sum()" if s.normalize else "counts[order]"
    if isinstance(s.out_type.data, MaskedArrayType):
        values = f"make_masked({values}, np.zeros(len(counts), np.bool_))"
    return gen_impl(f"def impl(keys, counts, spec):\n"
                    f"    order = {order}\n"
                    f"    index = make_key_index((take_rows(keys[0], order),), names)\n"
                    f"    return init_series({values}, index, out_t)\n",
                    np=np, make_key_index=make_key_index, take_rows=take_rows,
                    argsort_rows=argsort_rows, init_series=init_series, out_t=s.out_type,
                    make_masked=make_masked,
                    names=IndexNames((s.out_type.index.index_name,)))


@method(SeriesType, "value_counts", WHOLE, form="distinct.dist_value_counts", prefer_literal=True)
def _series_value_counts(s, normalize=False, sort=True, ascending=False, bins=None, dropna=True):
    spec = counts_spec(s, normalize, sort, ascending, bins, dropna)
    drop = spec.dropna

    def impl(s, normalize=False, sort=True, ascending=False, bins=None, dropna=True):
        keys, counts = distinct_counts((s._data,), drop)
        return counts_result(keys, counts, spec)
    return impl


# --- unique ------------------------------------------------------------------------


@register_jitable
def unique_values(a):
    """The distinct values of column ``a`` in order of first appearance (missing kept once)."""
    _, first = factorize((a,), False)
    return take_rows(a, first)


@method(SeriesType, "unique", WHOLE, form="distinct.dist_unique")
def _series_unique(s):
    if isinstance(s.data, types.Array) and isinstance(s.data.dtype, types.NPDatetime):
        raise user_error("Series.unique of datetime64 values (pandas gives a DatetimeArray) is "
                         "not supported by hpjit yet; use drop_duplicates()")
    return lambda s: unique_values(s._data)


# --- drop_duplicates -----------------------------------------------------------------


#: drop_duplicates' keep= as the number its kernels take
KEEP = {"first": 0, "last": 1, False: 2}


def keep_option(keep, what):
    v = required_const(keep, "keep=", what, "first")
    if not (v is False or v in ("first", "last")):
        raise user_error(f"{what}: keep must be 'first', 'last' or False, not {v!r}")
    return KEEP[v]


@register_jitable
def group_last(group, ngroups):
    """The last row of each group."""
    last = np.empty(ngroups, np.int64)
    for i in range(len(group)):
        last[group[i]] = i
    return last


def keep_rows(keys, keep):
    """Which rows ``drop_duplicates`` keeps (``keep``: a ``KEEP`` number), as a boolean mask.
    One integer key of compact range is looked at by key value (``dense_keep_mask``)."""


@overload(keep_rows)
def _keep_rows(keys, keep):
    if not one_integer_key(keys):
        return _hashed_keep_rows

    def impl(keys, keep):
        lo, span = compact_span(keys[0])
        if dense_direct(keys[0], lo, span):
            return dense_keep_mask(keys[0], lo, span, keep)
        return _hashed_keep_rows(keys, keep)
    return impl


@register_jitable
def _hashed_keep_rows(keys, keep):
    group, first = factorize(keys, False)
    n = len(group)
    mask = np.zeros(n, np.bool_)
    if keep == 2:
        sizes = group_sizes(group, len(first))
        for i in range(n):
            mask[i] = sizes[group[i]] == 1
        return mask
    reps = first if keep == 0 else group_last(group, len(first))
    for r in reps:
        mask[r] = True
    return mask


def dedup_keys(x, subset, what):
    """Source of the key tuple of ``x.drop_duplicates(subset)`` (or ``duplicated``)."""
    if isinstance(x, SeriesType):
        return "(x._data,)"
    names = const_names(subset) if const_value(subset, None) is not None else list(x.columns)
    if names is None:
        raise user_error(f"{what}: hpjit needs constant column names in subset=")
    check_columns(x, names, what)
    return "(" + "".join(f"column_at(x, {x.column_index(n)}), " for n in names) + ")"


def drop_duplicates_impl(x, subset, keep, ignore_index, what, mask_fn, relabel=None):
    """``impl`` of ``x.drop_duplicates(...)`` whose kept-rows mask comes from ``mask_fn(keys,
    keep)`` (``keep_rows`` here, the distributed version under MPI); a fresh index
    (``ignore_index``) goes through ``relabel`` (under MPI: continued from the ranks before)."""
    keep_v = keep_option(keep, what)
    fresh = bool(required_const(ignore_index, "ignore_index=", what, False))
    keys = dedup_keys(x, subset, what)
    params = "x, keep='first', inplace=False" if isinstance(x, SeriesType) else \
        "x, subset=None, keep='first', inplace=False, ignore_index=False"
    return gen_impl(f"def impl({params}):\n"
                    f"    rows = np.flatnonzero(mask_fn({keys}, keep_v))\n"
                    f"    return relabel(rows_of(x, rows, {fresh}))\n",
                    np=np, mask_fn=mask_fn, keep_v=keep_v, rows_of=rows_of,
                    relabel=relabel if fresh and relabel is not None else same)


@register_jitable
def same(x):
    return x


def duplicated_impl(x, subset, keep, what, mask_fn):
    """``impl`` of ``x.duplicated(...)``: every row that ``drop_duplicates`` would drop, from
    the same kept-rows mask ``mask_fn(keys, keep)``."""
    keep_v = keep_option(keep, what)
    keys = dedup_keys(x, subset, what)
    params = "x, keep='first'" if isinstance(x, SeriesType) else "x, subset=None, keep='first'"
    named = x if isinstance(x, SeriesType) else SeriesType(types.none, types.none, None)
    return gen_impl(f"def impl({params}):\n"
                    f"    return init_series(~mask_fn({keys}, keep_v), x._index, NAMED)\n",
                    mask_fn=mask_fn, keep_v=keep_v, init_series=init_series, NAMED=named,
                    key=(mask_fn, keep_v))


def _check_inplace(inplace, what):
    if required_const(inplace, "inplace=", what, False):
        raise user_error(f"{what}: inplace=True is not supported by hpjit; use the result")


@method(DataFrameType, "drop_duplicates", SUBSET, form="distinct.dist_drop_duplicates",
        prefer_literal=True)
def _frame_drop_duplicates(x, subset=None, keep="first", inplace=False, ignore_index=False):
    _check_inplace(inplace, "DataFrame.drop_duplicates")
    return drop_duplicates_impl(x, subset, keep, ignore_index, "DataFrame.drop_duplicates",
                                keep_rows)


@method(DataFrameType, "duplicated", ROWS, form="distinct.dist_duplicated", prefer_literal=True)
def _frame_duplicated(x, subset=None, keep="first"):
    return duplicated_impl(x, subset, keep, "DataFrame.duplicated", keep_rows)


@method(SeriesType, "duplicated", ROWS, form="distinct.dist_series_duplicated",
        prefer_literal=True)
def _series_duplicated(x, keep="first"):
    return duplicated_impl(x, None, keep, "Series.duplicated", keep_rows)


@method(SeriesType, "drop_duplicates", SUBSET, form="distinct.dist_series_drop_duplicates",
        prefer_literal=True)
def _series_drop_duplicates(x, keep="first", inplace=False):
    _check_inplace(inplace, "Series.drop_duplicates")
    return drop_duplicates_impl(x, None, keep, False, "Series.drop_duplicates", keep_rows)
