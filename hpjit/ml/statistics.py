"""pandas statistics over rows that may be split across ranks: quantiles, covariance, correlation.

Each method is a function ``stat(self, comm, ...)`` (``comm`` as in :mod:`comm`), so
the distributed pass only swaps ``LOCAL`` for ``WORLD``:

- ``Series.quantile(q)`` / ``median()``: numpy's 'linear' interpolation between the
  two order statistics around ``q (n - 1)``, found by distributed selection —
  each round the ranks agree on a pivot from a sample of their candidates, count
  the values below and at it, and keep one side; the last few thousand
  candidates are gathered and sorted. The column itself is never gathered.
- ``DataFrame.cov()`` / ``corr()``: pandas' pairwise-complete statistics (rows
  where both columns are present), two passes: per-pair counts and means, then
  centered co-moments, each combined by one ``comm_sum``.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.ml.comm import LOCAL, comm_allgatherv, comm_sum
from hpjit.ml.kernel import kernel
from hpjit.typing.columns.arrays import isna_at, strings_from_list, values_of
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import IndexNames, make_key_index
from hpjit.typing.operations import STAT, collective, method
from hpjit.typing.series import SeriesType, init_series

NAMES = IndexNames((None,))
GATHER_BELOW = 4096
SAMPLE = 32


@kernel
def _global_min(comm, x):
    return comm_allgatherv(comm, np.full(1, x)).min()


@kernel
def _keep(cand, pivot, below, n_keep):
    """The candidates below ``pivot`` (``below``) or above it."""
    keep = np.empty(n_keep)
    j = 0
    for v in cand:
        if (v < pivot) if below else (v > pivot):
            keep[j] = v
            j += 1
    return keep


@kernel
def order_statistics(comm, values, k):
    """The k-th and (k+1)-th smallest (0-based) of the values on all ranks, the second clipped
    to the largest value: sampled-pivot selection rounds, then a gather of the few left."""
    cand = values
    above = np.inf  # the smallest value known to lie beyond the candidates, if any
    while True:
        total = comm_sum(comm, len(cand))
        if total <= GATHER_BELOW:
            s = np.sort(comm_allgatherv(comm, cand))
            if k + 1 < total:
                return s[k], s[k + 1]
            return s[k], (above if above < np.inf else s[k])
        step = max(1, len(cand) // SAMPLE)
        sample = np.empty(min(SAMPLE, len(cand)))
        for t in range(len(sample)):
            sample[t] = cand[t * step]
        pool = np.sort(comm_allgatherv(comm, sample))
        pivot = pool[min(len(pool) - 1, int(len(pool) * (k / total)))]
        below = 0
        equal = 0
        for v in cand:
            if v < pivot:
                below += 1
            elif v == pivot:
                equal += 1
        below_all = comm_sum(comm, below)
        equal_all = comm_sum(comm, equal)
        if k < below_all:
            cand = _keep(cand, pivot, True, below)
            above = pivot
        elif k < below_all + equal_all:
            if k + 1 < below_all + equal_all:
                return pivot, pivot
            nxt = np.inf
            for v in cand:
                if pivot < v < nxt:
                    nxt = v
            nxt = _global_min(comm, nxt)
            if nxt == np.inf:
                nxt = above if above < np.inf else pivot
            return pivot, nxt
        else:
            cand = _keep(cand, pivot, False, len(cand) - below - equal)
            k -= below_all + equal_all


def present_values(a):
    """The present (not NA, not NaN) values of numeric column ``a`` as float64."""


@overload(present_values)
def _present_values(a):
    def impl(a):
        v = values_of(a)
        out = np.empty(len(v))
        j = 0
        for i in range(len(v)):
            if not isna_at(a, i) and v[i] == v[i]:
                out[j] = v[i]
                j += 1
        return out[:j].copy()
    return impl


@kernel
def quantile_linear(comm, values, q):
    """numpy's ``quantile(values, q)`` ('linear'), NaN for no values; ``values`` hold this
    rank's values (no NaN)."""
    n = comm_sum(comm, len(values))
    if n == 0:
        return np.nan
    virtual = (n - 1) * q
    if virtual >= n - 1:
        k, gamma = n - 1, 0.0
    elif virtual < 0:
        k, gamma = 0, 0.0
    else:
        k = int(np.floor(virtual))
        gamma = virtual - k
    a, b = order_statistics(comm, values, k)
    diff = b - a
    if gamma >= 0.5:
        return b - diff * (1.0 - gamma)
    return a + diff * gamma


@kernel
def pandas_quantile(comm, values, q):
    """pandas' ``quantile(q)``: numpy's, handed q as a percentage and back."""
    return quantile_linear(comm, values, (q * 100.0) / 100.0)


@kernel
def median_of(comm, values):
    """numpy's ``median``: the middle value, or the mean of the two middle values."""
    n = comm_sum(comm, len(values))
    if n == 0:
        return np.nan
    a, b = order_statistics(comm, values, (n - 1) // 2)
    return a if n % 2 == 1 else (a + b) / 2.0


@register_jitable
def _checked(q):
    if not 0.0 <= q <= 1.0:
        raise ValueError("percentiles should all be in the interval [0, 1]")
    return float(q)


@register_jitable
def _q_array(q):
    out = np.empty(len(q))
    for i in range(len(q)):
        out[i] = _checked(q[i])
    return out


def _one_q(q):
    """A jitted ``get(q)`` giving one quantile's value (taken from the type for a constant),
    or None when ``q`` is a list or array of quantiles."""
    if isinstance(q, (types.List, types.Array, types.BaseTuple)):
        return None
    value = const_value(q)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = _checked(value)
        return register_jitable(lambda q: value)
    if isinstance(q, (types.Number, float, int)):
        return register_jitable(lambda q: _checked(q))
    raise user_error(f"quantile(q): q must be a number or a list of numbers, not {q}")


def _plain_numeric(t):
    return isinstance(getattr(t, "dtype", None), types.Number) and isinstance(t, types.Array)


@collective('selection: allreduce of counts around sampled pivots, allgatherv of the last few candidates')
def series_quantile(s, comm, q=0.5):
    """``s.quantile(q)`` over the ranks of ``comm``."""


@overload(series_quantile)
def _series_quantile(s, comm, q=0.5):
    if not (isinstance(s, SeriesType) and isinstance(s.data.dtype, (types.Number,))):
        raise user_error(f"Series.quantile is not supported by hpjit for {s.data} columns")
    get = _one_q(q)
    if get is not None:
        return lambda s, comm, q=0.5: pandas_quantile(comm, present_values(s._data), get(q))
    if not _plain_numeric(s.data):
        raise user_error(f"Series.quantile of a list is not supported by hpjit for {s.data} "
                         f"columns (pandas gives a nullable Float64 Series)")

    def impl(s, comm, q=0.5):
        qs = _q_array(q)
        values = present_values(s._data)
        out = np.empty(len(qs))
        for i in range(len(qs)):
            out[i] = pandas_quantile(comm, values, qs[i])
        return init_series(out, make_key_index((qs,), NAMES), s)
    return impl


@collective('selection per column: allreduce of counts around sampled pivots, allgatherv of the last few candidates')
def frame_quantile(df, comm, q=0.5):
    """``df.quantile(q)`` over the ranks of ``comm``."""


@overload(frame_quantile)
def _frame_quantile(df, comm, q=0.5):
    for name, t in zip(df.columns, df.data):
        if not _plain_numeric(t):
            raise user_error(f"DataFrame.quantile is not supported by hpjit for column {name!r} "
                             f"({t}): numeric columns without missing-value masks only")
    p = len(df.columns)
    loads = "".join(f"    v{j} = present_values(column_at(df, {j}))\n" for j in range(p))
    names = "".join(f"{n!r}, " for n in df.columns)
    glbs = dict(np=np, present_values=present_values, pandas_quantile=pandas_quantile,
                strings_from_list=strings_from_list, init_frame=init_frame,
                init_series=init_series, make_key_index=make_key_index, NAMES=NAMES,
                _q_array=_q_array)
    get = _one_q(q)
    if get is not None:
        value = const_value(q)
        if value is NOT_CONSTANT:
            raise user_error("DataFrame.quantile(q) needs a constant q in hpjit: pandas names "
                             "the result by it")
        fill = "".join(f"    out[{j}] = pandas_quantile(comm, v{j}, qv)\n" for j in range(p))
        return gen_impl(
            f"def impl(df, comm, q=0.5):\n    qv = get(q)\n{loads}    out = np.empty({p})\n"
            f"{fill}    labels = strings_from_list([{names}], np.zeros({p}, np.bool_))\n"
            f"    return init_series(out, make_key_index((labels,), NAMES), NAMED)\n",
            get=get, NAMED=SeriesType(types.none, types.none, float(value)), **glbs)
    cols = "".join(f"c{j}, " for j in range(p))
    fill = "".join(f"    c{j} = np.empty(len(qs))\n" for j in range(p))
    each = "".join(f"        c{j}[i] = pandas_quantile(comm, v{j}, qs[i])\n" for j in range(p))
    return gen_impl(
        f"def impl(df, comm, q=0.5):\n    qs = _q_array(q)\n{loads}{fill}"
        f"    for i in range(len(qs)):\n{each}"
        f"    return init_frame(({cols}), make_key_index((qs,), NAMES), df)\n", **glbs)


@collective('selection: allreduce of counts around sampled pivots, allgatherv of the last few candidates')
def series_median(s, comm):
    """``s.median()`` over the ranks of ``comm``."""


@overload(series_median)
def _series_median(s, comm):
    if not (isinstance(s, SeriesType) and isinstance(s.data.dtype, (types.Number,))):
        raise user_error(f"Series.median is not supported by hpjit for {s.data} columns")
    return lambda s, comm: median_of(comm, present_values(s._data))


@method(SeriesType, "quantile", STAT, form=series_quantile, params=("q",))
def _quantile(s, q=0.5):
    return lambda s, q=0.5: series_quantile(s, LOCAL, q)


@method(DataFrameType, "quantile", STAT, form=frame_quantile, params=("q",))
def _frame_quantile_method(df, q=0.5):
    return lambda df, q=0.5: frame_quantile(df, LOCAL, q)


@method(SeriesType, "median", STAT, form=series_median)
def _median(s):
    return lambda s: series_median(s, LOCAL)


@collective('selection per column: allreduce of counts around sampled pivots, allgatherv of the last few candidates')
def frame_median(df, comm, numeric_only=False):
    """``df.median(numeric_only=)`` over the ranks of ``comm``: each column's median (float64),
    a Series labelled by the column names."""


@overload(frame_median)
def _frame_median(df, comm, numeric_only=False):
    kept = [j for j, t in enumerate(df.data) if _plain_numeric(t)]
    others = [(c, t) for j, (c, t) in enumerate(zip(df.columns, df.data)) if j not in kept]
    # bool and nullable numbers are numeric to pandas (numeric_only keeps them): refused always
    numeric = [(c, t) for c, t in others
               if isinstance(getattr(t, "dtype", None), (types.Number, types.Boolean))]
    bad = numeric or ([] if const_value(numeric_only, False) is True else others)
    if not bad and not kept:
        raise user_error("DataFrame.median of a frame with no numeric columns is not supported "
                         "by hpjit yet")
    if bad:
        raise user_error(f"DataFrame.median is not supported by hpjit for column {bad[0][0]!r} "
                         f"({bad[0][1]}): int and float columns (a constant numeric_only=True "
                         "leaves out text and dates)")
    fill = "".join(f"    out[{k}] = median_of(comm, present_values(column_at(df, {j})))\n"
                   for k, j in enumerate(kept))
    names = "".join(f"{df.columns[j]!r}, " for j in kept)
    return gen_impl(
        f"def impl(df, comm, numeric_only=False):\n    out = np.empty({len(kept)})\n{fill}"
        f"    labels = strings_from_list([{names}], np.zeros({len(kept)}, np.bool_))\n"
        f"    return init_series(out, make_key_index((labels,), NAMES), UNNAMED)\n",
        np=np, median_of=median_of, present_values=present_values, NAMES=NAMES,
        strings_from_list=strings_from_list, make_key_index=make_key_index,
        init_series=init_series, UNNAMED=SeriesType(types.none, types.none, None),
        key=tuple(kept))


@method(DataFrameType, "median", STAT, form=frame_median, params=("numeric_only",),
        prefer_literal=True)
def _frame_median_method(df, numeric_only=False):
    return lambda df, numeric_only=False: frame_median(df, LOCAL, numeric_only)


@kernel
def pairwise(comm, X, present, corr):
    """pandas' pairwise-complete covariance (``corr``: Pearson correlation) of the columns of X,
    over the rows where both columns are ``present``."""
    n, p = X.shape
    first = np.zeros((p, p, 3))  # count, sum of column i, sum of column j
    for r in range(n):
        for i in range(p):
            if present[r, i]:
                for j in range(i + 1):
                    if present[r, j]:
                        first[i, j, 0] += 1.0
                        first[i, j, 1] += X[r, i]
                        first[i, j, 2] += X[r, j]
    first = comm_sum(comm, first)
    second = np.zeros((p, p, 3))  # centered sums of squares (i, j) and products
    for r in range(n):
        for i in range(p):
            if present[r, i]:
                for j in range(i + 1):
                    if present[r, j]:
                        c = first[i, j, 0]
                        di = X[r, i] - first[i, j, 1] / c
                        dj = X[r, j] - first[i, j, 2] / c
                        second[i, j, 0] += di * di
                        second[i, j, 1] += dj * dj
                        second[i, j, 2] += di * dj
    second = comm_sum(comm, second)
    out = np.empty((p, p))
    for i in range(p):
        for j in range(i + 1):
            c = first[i, j, 0]
            div = np.sqrt(second[i, j, 0] * second[i, j, 1]) if corr else c - 1.0
            v = second[i, j, 2] / div if c >= 1 and div != 0 else np.nan
            out[i, j] = v
            out[j, i] = v
    return out


def _numeric_columns(df, what):
    for name, t in zip(df.columns, df.data):
        dt = getattr(t, "dtype", None)
        if not isinstance(dt, (types.Number, types.Boolean)):
            raise user_error(f"DataFrame.{what}() is not supported by hpjit for column {name!r} "
                             f"({t}): pandas' default numeric_only=False needs numbers")


def _frame_stat(corr):
    what = "corr" if corr else "cov"

    def ov(df, comm):
        _numeric_columns(df, what)
        p = len(df.columns)
        fill = "".join(f"        X[i, {j}] = v{j}[i]\n        present[i, {j}] = not isna_at(a{j}, i)"
                       f" and v{j}[i] == v{j}[i]\n" for j in range(p))
        loads = "".join(f"    a{j} = column_at(df, {j})\n    v{j} = values_of(a{j})\n" for j in range(p))
        cols = "".join(f"out[:, {j}].copy(), " for j in range(p))
        names = "".join(f"{n!r}, " for n in df.columns)
        return gen_impl(
            f"def impl(df, comm):\n    n = len(df)\n    X = np.empty((n, {p}))\n"
            f"    present = np.empty((n, {p}), np.bool_)\n{loads}    for i in range(n):\n{fill}"
            f"    out = pairwise(comm, X, present, {corr})\n"
            f"    labels = strings_from_list([{names}], np.zeros({p}, np.bool_))\n"
            f"    return init_frame(({cols}), make_key_index((labels,), NAMES), df)\n",
            np=np, isna_at=isna_at, values_of=values_of, pairwise=pairwise,
            strings_from_list=strings_from_list, init_frame=init_frame,
            make_key_index=make_key_index, NAMES=NAMES)
    return ov


@collective('allreduce of pairwise counts, sums and co-moments')
def frame_cov(df, comm):
    """``df.cov()`` over the ranks of ``comm``."""


@collective('allreduce of pairwise counts, sums and co-moments')
def frame_corr(df, comm):
    """``df.corr()`` over the ranks of ``comm``."""


overload(frame_cov)(_frame_stat(False))
overload(frame_corr)(_frame_stat(True))


@method(DataFrameType, "cov", STAT, form=frame_cov)
def _cov(df):
    return lambda df: frame_cov(df, LOCAL)


@method(DataFrameType, "corr", STAT, form=frame_corr)
def _corr(df):
    return lambda df: frame_corr(df, LOCAL)


@kernel
def summary(comm, values):
    """describe()'s eight numbers for one column's present values on all ranks: count, mean,
    std, min, 25%, 50%, 75%, max."""
    out = np.full(8, np.nan)
    n = comm_sum(comm, float(len(values)))
    out[0] = n
    if n == 0:
        return out
    total = 0.0
    lo, hi = np.inf, -np.inf
    for v in values:
        total += v
        lo = min(lo, v)
        hi = max(hi, v)
    mean = comm_sum(comm, total) / n
    sq = 0.0
    for v in values:
        sq += (v - mean) * (v - mean)
    sq = comm_sum(comm, sq)
    out[1] = mean
    out[2] = np.sqrt(sq / (n - 1)) if n > 1 else np.nan
    out[3] = _global_min(comm, lo)
    out[7] = -_global_min(comm, -hi)
    out[4] = quantile_linear(comm, values, 0.25)
    out[5] = quantile_linear(comm, values, 0.5)
    out[6] = quantile_linear(comm, values, 0.75)
    return out


#: the rows of describe()'s numbers, in pandas' order
_SUMMARY_ROWS = "'count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'"


@register_jitable
def _nullable_summary(out):
    """describe()'s numbers of a nullable column: pandas' ``Float64``, NaN as missing."""
    return make_masked(out, np.isnan(out))


def _summarised(t):
    """How describe() states a number column's numbers: float64, or Float64 for nullable ones."""
    return "_nullable_summary(summary(comm, present_values({})))" if isinstance(
        t, MaskedArrayType) else "summary(comm, present_values({}))"


def _described_columns(df):
    """The positions of the columns ``df.describe()`` summarises: number columns, nullable ones
    included; bool and text columns are left out, as pandas leaves them out beside numbers."""
    keep = []
    for j, (name, t) in enumerate(zip(df.columns, df.data)):
        dt = getattr(t, "dtype", None)
        if isinstance(dt, types.NPDatetime):
            raise user_error(f"DataFrame.describe(): column {name!r} holds datetimes, which "
                             f"pandas describes in an object column; select the number columns "
                             f"first")
        if isinstance(dt, types.Number):
            keep.append(j)
    if not keep:
        raise user_error("DataFrame.describe() of a frame with no number columns: pandas gives "
                         "counts, unique values, top and freq in object columns, which hpjit "
                         "does not support")
    return keep


@collective('allreduce of counts, sums and extremes; quantiles by selection')
def frame_describe(df, comm):
    """``df.describe()`` of the number columns of a frame over the ranks of ``comm``."""


@overload(frame_describe)
def _frame_describe(df, comm):
    keep = _described_columns(df)
    cols = "".join(f"    c{j} = {_summarised(df.data[j]).format(f'column_at(df, {j})')}\n"
                   for j in keep)
    return gen_impl(
        f"def impl(df, comm):\n{cols}"
        f"    labels = strings_from_list([{_SUMMARY_ROWS}], np.zeros(8, np.bool_))\n"
        f"    return init_frame(({''.join(f'c{j}, ' for j in keep)}), "
        f"make_key_index((labels,), NAMES), OUT)\n",
        np=np, summary=summary, present_values=present_values,
        _nullable_summary=_nullable_summary, strings_from_list=strings_from_list,
        init_frame=init_frame, make_key_index=make_key_index, NAMES=NAMES,
        OUT=DataFrameType([df.columns[j] for j in keep], [df.data[j] for j in keep], df.index))


@method(DataFrameType, "describe", STAT, form=frame_describe)
def _describe(df):
    return lambda df: frame_describe(df, LOCAL)


@collective('allreduce of counts, sums and extremes; quantiles by selection')
def series_describe(s, comm):
    """``s.describe()`` of a number Series over the ranks of ``comm``."""


@overload(series_describe)
def _series_describe(s, comm):
    if not isinstance(getattr(s.data, "dtype", None), types.Number):
        raise user_error(f"Series.describe() of a {s.data} column: pandas gives counts, unique "
                         f"values, top and freq in an object Series, which hpjit does not "
                         f"support (number columns are)")
    return gen_impl(
        f"def impl(s, comm):\n    out = {_summarised(s.data).format('s._data')}\n"
        f"    labels = strings_from_list([{_SUMMARY_ROWS}], np.zeros(8, np.bool_))\n"
        f"    return init_series(out, make_key_index((labels,), NAMES), s)\n",
        np=np, summary=summary, present_values=present_values,
        _nullable_summary=_nullable_summary, strings_from_list=strings_from_list,
        init_series=init_series, make_key_index=make_key_index, NAMES=NAMES)


@method(SeriesType, "describe", STAT, form=series_describe)
def _series_describe_method(s):
    return lambda s: series_describe(s, LOCAL)
