"""``Series.rank``, ``DataFrame.rank`` and the column ranking ``groupby(...).rank`` shares.

pandas ranks as float64 (``Float64`` for nullable columns, ``UInt64`` for their whole ranks:
``Series.rank`` by min, max, first or dense without ``pct``); ``method``, ``ascending``,
``na_option`` and ``pct`` must be constants, since they choose the kernel's walk. Under MPI
(``relational.dist_series_rank``) rows move to the rank owning their value range, are ranked
there, continue the ranks of the value ranges before (an exscan of the rows, or distinct
values, each rank ranked) and go back to their rows: nothing is gathered.
"""
import numpy as np
from numba import types
from numba.extending import register_jitable

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.runtime.rank_kernels import (METHODS, NA_OPTIONS, by_group, ranks_in_order,
                                        ranks_of_groups)
from hpjit.runtime.sort_kernels import argsort_rows
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.operations import ROWS, method
from hpjit.typing.series import SeriesType, init_series

F64 = types.Array(types.float64, 1, "C")


def rank_output_type(t, what):
    """The column type of the ranks of column type ``t``."""
    plain = isinstance(t, types.Array) and isinstance(
        t.dtype, (types.Integer, types.Float, types.Boolean, types.NPDatetime))
    if not (plain or isinstance(t, (MaskedArrayType, StringArrayType))):
        hint = "; convert it with pd.to_datetime first" if isinstance(t, DateArrayType) else ""
        raise user_error(f"{what}: hpjit ranks number, bool, string and datetime columns, "
                         f"not {t}{hint}")
    return MaskedArrayType(types.float64) if isinstance(t, MaskedArrayType) else F64


def rank_options(what, method="average", ascending=True, na_option="keep", pct=False):
    """The checked constant options of a ``rank`` call, as ``(name, value)`` pairs."""
    values = {"method": const_value(method, "average"), "ascending": const_value(ascending, True),
              "na_option": const_value(na_option, "keep"), "pct": const_value(pct, False)}
    for name, v in values.items():
        if v is NOT_CONSTANT:
            raise user_error(f"{what}: hpjit needs {name}= as a constant")
    if values["method"] not in METHODS:
        raise user_error(f"{what}: method must be one of {', '.join(METHODS)}, "
                         f"not {values['method']!r}")
    if values["na_option"] not in NA_OPTIONS:
        raise user_error(f"{what}: na_option must be one of {', '.join(NA_OPTIONS)}, "
                         f"not {values['na_option']!r}")
    for name in ("ascending", "pct"):
        if not isinstance(values[name], bool):
            raise user_error(f"{what}: {name}= must be True or False")
    return tuple(values.items())


def rank_codes(opts):
    """``(method code, keep, ascending, na_last, pct)`` of checked options: the kernels' flags."""
    o = dict(opts)
    return (METHODS.index(o["method"]), o["na_option"] == "keep", o["ascending"],
            o["na_option"] != "top", o["pct"])


@register_jitable
def rank_column(a, group, ngroups, code, keep, ascending, na_last, pct):
    """The ranks of column ``a`` within its groups (``group`` codes, -1 for rows of no group)."""
    order = by_group(argsort_rows((a,), (ascending,), na_last), group, ngroups)
    ranks, denominators = ranks_in_order(a, group, ngroups, order, code, keep)
    return ranks_of_groups(ranks, group, denominators, pct)


@register_jitable
def local_ranks(a, code, keep, ascending, na_last):
    """``(ranks, ranked)``: the ranks of column ``a`` among its own rows, and how many rows (or
    distinct values, for ``dense``) they rank — what the rows of later ranks continue from."""
    order = argsort_rows((a,), (ascending,), na_last)
    ranks, denominators = ranks_in_order(a, np.zeros(len(a), np.int64), 1, order, code, keep)
    return ranks, denominators[0]


@register_jitable
def finish_ranks(ranks, before, total, pct):
    """Ranks continued from ``before`` ranked rows, as fractions of ``total`` when ``pct`` (none
    is ranked when ``total`` is 0: the ranks are all NaN)."""
    share = pct and total > 0
    for i in range(len(ranks)):
        ranks[i] = (ranks[i] + before) / total if share else ranks[i] + before
    return ranks


@register_jitable
def one_block_ranks(a, code, keep, ascending, na_last, pct):
    """The ranks of a whole column held by one process."""
    ranks, ranked = local_ranks(a, code, keep, ascending, na_last)
    return finish_ranks(ranks, 0.0, ranked, pct)


def series_rank_impl(s, opts, ranks_of):
    """``impl`` of ``s.rank(...)`` with the checked options ``opts``, ``ranks_of(a, code, keep,
    ascending, na_last, pct)`` giving the ranks of this block's rows."""
    code, keep, asc, na_last, share = rank_codes(opts)
    if isinstance(s.data, MaskedArrayType) and code != 0 and not share:
        # pandas: whole ranks of a nullable column are UInt64
        def impl(s, axis=0, method="average", numeric_only=False, na_option="keep",
                 ascending=True, pct=False):
            r = ranks_of(s._data, code, keep, asc, na_last, share)
            missing = np.isnan(r)
            return init_series(make_masked(np.where(missing, 0.0, r).astype(np.uint64), missing),
                               s._index, s)
        return impl
    if isinstance(s.data, MaskedArrayType):
        def impl(s, axis=0, method="average", numeric_only=False, na_option="keep",
                 ascending=True, pct=False):
            r = ranks_of(s._data, code, keep, asc, na_last, share)
            return init_series(make_masked(r, np.isnan(r)), s._index, s)
        return impl

    def impl(s, axis=0, method="average", numeric_only=False, na_option="keep", ascending=True,
             pct=False):
        return init_series(ranks_of(s._data, code, keep, asc, na_last, share), s._index, s)
    return impl


@method(SeriesType, "rank", ROWS, form="relational.dist_series_rank", prefer_literal=True)
def _rank(s, axis=0, method="average", numeric_only=False, na_option="keep", ascending=True,
          pct=False):
    what = "Series.rank"
    rank_output_type(s.data, what)
    if const_value(axis, 0) not in (0, "index"):
        raise user_error(f"{what}: axis must be 0")
    return series_rank_impl(s, rank_options(what, method, ascending, na_option, pct),
                            one_block_ranks)


def _numeric(t):
    return isinstance(t, (types.Array, MaskedArrayType)) and \
        isinstance(t.dtype, (types.Integer, types.Float, types.Boolean))


def frame_rank_impl(df, opts, numeric_only, ranks_of):
    """``impl`` of ``df.rank(...)``: each column ranked as ``Series.rank`` ranks it, all
    float64 (missing values NaN, as pandas gives a frame's ranks)."""
    numeric = const_value(numeric_only, False)
    if numeric not in (True, False):
        raise user_error("DataFrame.rank: hpjit needs numeric_only= as a constant True or False")
    kept = [j for j, t in enumerate(df.data) if not numeric or _numeric(t)]
    for j in kept:
        rank_output_type(df.data[j], f"DataFrame.rank of column {df.columns[j]!r}")
    out_t = DataFrameType([df.columns[j] for j in kept], [F64] * len(kept), df.index)
    code, keep, asc, na_last, share = rank_codes(opts)
    cols = "".join(f"ranks_of(column_at(df, {j}), code, keep, asc, na_last, share), " for j in kept)
    return gen_impl(f"def impl(df, axis=0, method='average', numeric_only=False, "
                    f"na_option='keep', ascending=True, pct=False):\n"
                    f"    return init_frame(({cols}), df._index, out_t)\n",
                    ranks_of=ranks_of, code=code, keep=keep, asc=asc, na_last=na_last,
                    share=share, init_frame=init_frame, out_t=out_t)


@method(DataFrameType, "rank", ROWS, form="relational.dist_frame_rank", prefer_literal=True)
def _frame_rank(df, axis=0, method="average", numeric_only=False, na_option="keep",
                ascending=True, pct=False):
    what = "DataFrame.rank"
    if const_value(axis, 0) not in (0, "index"):
        raise user_error(f"{what}: axis must be 0")
    return frame_rank_impl(df, rank_options(what, method, ascending, na_option, pct),
                           numeric_only, one_block_ranks)
