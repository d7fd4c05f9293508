"""Distributed versions of pandas operations, called where the distributed pass put them.

Each takes this rank's chunk and meets the other ranks through
``hpjit.runtime.collectives``: reductions become local partials plus an
allreduce, ``len``/``shape`` become global, ``head`` and returns gather.
Imported only when the world has more than one rank.
"""
import numba
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import column_at, gen_impl, named
from hpjit.core.mpi import block_range
from hpjit.ml.estimator import EstimatorType, build_estimator, estimator_fields
from hpjit.runtime.collectives import (OP_AND, OP_MAX, OP_MIN, OP_OR, OP_PROD, OP_SUM, allgather_int64,
                                       allgatherv_array, allreduce,
                                       allreduce_array, alltoallv_array, barrier, bcast,
                                       exscan_int64, world_rank_now, world_size_now)
from hpjit.runtime.parquet_write import write_parquet_block
from hpjit.runtime.shared_file import write_csv_block
from hpjit.runtime.window_kernels import STATE, block_state, join_states, no_state
from hpjit.typing.accessors import to_datetime_impl
from hpjit.typing.missing_values import dropna_impl
from hpjit.typing.columns.arrays import get_value, isna_at, slice_rows, values_of
from hpjit.typing.columns.datetime import DateArrayType, make_date_array
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import (StringArrayType, make_string_array, present_bytes,
                                          utf8_to_str, view_to_str)
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.constants import required_const
from hpjit.typing.fill_rows import edge_row, fill_impl
from hpjit.typing.frame_constructor import frame_of_columns
from hpjit.typing.frame_reductions import frame_reduction
from hpjit.typing.index import (IndexNames, KeyIndexType, MultiKeyIndexType, RangeIndexType,
                                index_key_columns, index_len, index_slice, label_position,
                                make_key_index, make_range_index, make_stepped_index)
from hpjit.typing.index_columns import label_names
from hpjit.typing.io_write import (WRITERS, _index_arg, check_directory, csv_text_is_per_value,
                                   partition_columns)
from hpjit.typing.numpy_creation import linspace_part
from hpjit.typing.operations import collective
from hpjit.typing.positional import local_span, one_position, positional, scalar_at
from hpjit.typing.series import SeriesType, init_series
from hpjit.typing.rolling import METHODS as ROLLING_METHODS
from hpjit.typing.rolling import ORDER_METHODS
from hpjit.typing.rolling import rolling_impl
from hpjit.typing.ewm import block_summary, ewm_mean_impl, state_after
from hpjit.typing.expanding import expanding_impl
from hpjit.typing.series_reductions import arg_extreme, extreme_row, label_at
from hpjit.typing.windows import cumulative_rows, diff_rows, shift_rows

# --- gathering --------------------------------------------------------------


def gather_column(a):
    """The whole column on every rank, from each rank's chunk in rank order."""


@overload(gather_column)
def _gather_column(a):
    if isinstance(a, types.Array) and a.ndim == 2:
        def impl(a):
            p = a.shape[1]
            flat = allgatherv_array(np.ascontiguousarray(a).reshape(a.size))
            return flat.reshape((len(flat) // p if p else allreduce(a.shape[0], OP_SUM), p))
        return impl
    if isinstance(a, types.Array):
        return lambda a: allgatherv_array(a)
    if isinstance(a, DateArrayType):
        return lambda a: make_date_array(allgatherv_array(a._days))
    if isinstance(a, MaskedArrayType):
        return lambda a: make_masked(allgatherv_array(a._values), allgatherv_array(a._mask))
    if isinstance(a, StringArrayType):
        def impl(a):
            n = len(a._offsets) - 1
            base = a._offsets[0]
            lens = np.diff(a._offsets)
            data = allgatherv_array(a._data[base:a._offsets[n]].copy())
            all_lens = allgatherv_array(lens)
            m = len(all_lens)
            offsets = np.zeros(m + 1, np.int64)
            for i in range(m):
                offsets[i + 1] = offsets[i] + all_lens[i]
            bits = np.empty(n, np.uint8)
            for i in range(n):
                bits[i] = (a._valid[i >> 3] >> (i & 7)) & 1
            all_bits = allgatherv_array(bits)
            valid = np.zeros((m + 7) >> 3, np.uint8)
            for i in range(m):
                if all_bits[i]:
                    valid[i >> 3] |= np.uint8(1 << (i & 7))
            return make_string_array(offsets, data, valid)
        return impl


def gather_index(idx):
    """The global index on every rank."""


@overload(gather_index)
def _gather_index(idx):
    if isinstance(idx, KeyIndexType) and idx.freq:
        names = IndexNames((idx.index_name,), idx.freq)
        return lambda idx: make_stepped_index(gather_column(idx._data), names, idx._regular)
    if isinstance(idx, (KeyIndexType, MultiKeyIndexType)):
        names = IndexNames(label_names(idx))
        cols = "".join(f"gather_column(keys[{k}]), " for k in range(
            1 if isinstance(idx, KeyIndexType) else len(idx.data)))
        ns = dict(make_key_index=make_key_index, gather_column=gather_column,
                  index_key_columns=index_key_columns, names=names)
        exec(f"def impl(idx):\n    keys = index_key_columns(idx)\n"
             f"    return make_key_index(({cols}), names)\n", ns)
        return ns["impl"]
    if isinstance(idx, RangeIndexType):
        def impl(idx):  # the ranks' pieces are one run of labels: it starts at the least
            n = index_len(idx)  # first label of a non-empty piece
            total = allreduce(n, OP_SUM)
            start = allreduce(idx._start if n > 0 or total == 0 else _NO_LABEL, OP_MIN)
            return make_range_index(start, start + total * idx._step, idx._step)
        return impl
    return lambda idx: allgatherv_array(idx)


_NO_LABEL = np.iinfo(np.int64).max


@collective('allgatherv: the whole value on every rank')
def gather(x):
    """A distributed frame, series or column made whole on every rank."""


@overload(gather)
def _gather(x):
    if isinstance(x, DataFrameType):
        items = "".join(f"gather_column(column_at(x, {j})), " for j in range(len(x.columns)))
        ns = dict(init_frame=init_frame, gather_column=gather_column, gather_index=gather_index,
                  column_at=column_at)
        exec(f"def impl(x):\n    return init_frame(({items}), gather_index(x._index), x)\n", ns)
        return ns["impl"]
    if isinstance(x, SeriesType):
        return lambda x: init_series(gather_column(x._data), gather_index(x._index), x)
    if isinstance(x, EstimatorType):
        items = "".join(f"gather_column(f[{k}]), " if name in x.row_fields else f"f[{k}], "
                        for k, (name, _) in enumerate(x.fields))
        return gen_impl(f"def impl(x):\n    f = estimator_fields(x)\n"
                        f"    return build_estimator(T, ({items}))\n", T=x,
                        estimator_fields=estimator_fields, build_estimator=build_estimator,
                        gather_column=gather_column)
    return lambda x: gather_column(x)


# --- sizes and reductions ---------------------------------------------------


@collective('allreduce: global length')
def dist_len(x):
    """Global ``len``."""


@overload(dist_len)
def _dist_len(x):
    return lambda x: allreduce(len(x), OP_SUM)


@collective('allreduce: global shape')
def dist_shape(x):
    """Global ``shape``."""


@overload(dist_shape)
def _dist_shape(x):
    if isinstance(x, DataFrameType):
        ncols = len(x.columns)
        return lambda x: (allreduce(len(x), OP_SUM), ncols)
    if isinstance(x, types.Array) and x.ndim == 2:
        return lambda x: (allreduce(x.shape[0], OP_SUM), x.shape[1])
    return lambda x: (allreduce(len(x), OP_SUM),)


@collective('allreduce of local partials')
def dist_reduce(s, name, ddof=1, dropna=True, numeric_only=False):
    """Global reduction ``name`` (a literal) of a Series, or of each column of a DataFrame
    (``hpjit.typing.frame_reductions``)."""


@register_jitable
def _global_sum_count(s):
    a = s._data
    vals = values_of(a)
    t = 0.0
    c = 0
    for i in range(len(vals)):
        if not isna_at(a, i):
            t += vals[i]
            c += 1
    return allreduce(t, OP_SUM), allreduce(c, OP_SUM)


@overload(dist_reduce, prefer_literal=True)
def _dist_reduce(s, name, ddof=1, dropna=True, numeric_only=False):
    if not isinstance(name, types.StringLiteral):
        return None
    op = name.literal_value
    if isinstance(s, DataFrameType):
        only = required_const(numeric_only, "numeric_only", f"DataFrame.{op}", False)
        frame = register_jitable(frame_reduction(s, op, only, dist_reduce))
        return lambda s, name, ddof=1, dropna=True, numeric_only=False: frame(s, ddof, dropna)
    if op == "sum" and isinstance(s.data, StringArrayType):
        def text(s, name, ddof=1, dropna=True, numeric_only=False):
            joined = allgatherv_array(present_bytes(s._data))
            return utf8_to_str(joined, len(joined))
        return text
    if op in ("sum", "count", "prod", "any", "all"):
        mpi_op = {"sum": OP_SUM, "count": OP_SUM, "prod": OP_PROD, "any": OP_OR,
                  "all": OP_AND}[op]
        local = gen_impl(f"def impl(s):\n    return s.{op}()\n", key=op)
        local = register_jitable(local)
        return lambda s, name, ddof=1, dropna=True, numeric_only=False: allreduce(local(s), mpi_op)
    if op == "mean":
        def impl(s, name, ddof=1, dropna=True, numeric_only=False):
            t, c = _global_sum_count(s)
            return t / c if c > 0 else np.nan
        return impl
    if op in ("var", "std"):
        take_root = op == "std"

        def impl(s, name, ddof=1, dropna=True, numeric_only=False):
            t, c = _global_sum_count(s)
            if c - ddof <= 0:
                return np.nan
            m = t / c
            a = s._data
            vals = values_of(a)
            sq = 0.0
            for i in range(len(vals)):
                if not isna_at(a, i):
                    d = vals[i] - m
                    sq += d * d
            var = allreduce(sq, OP_SUM) / (c - ddof)
            return np.sqrt(var) if take_root else var
        return impl
    if op in ("min", "max") and isinstance(s.data, StringArrayType):
        is_min = op == "min"

        def extreme(s, name, ddof=1, dropna=True, numeric_only=False):
            rows = gather_column(extreme_row(s._data, is_min))
            best = arg_extreme(rows, is_min)
            if best < 0:
                raise ValueError("hpjit: min/max of an empty string Series is NaN in pandas, "
                                 "which a string result cannot hold")
            return view_to_str(get_value(rows, best))
        return named(extreme, is_min)
    if op in ("min", "max"):
        mpi_op = OP_MIN if op == "min" else OP_MAX
        dt = s.data.dtype
        if isinstance(dt, types.Float):
            fill = np.inf if op == "min" else -np.inf

            def impl(s, name, ddof=1, dropna=True, numeric_only=False):
                local = s.min() if op == "min" else s.max()
                c = allreduce(s.count(), OP_SUM)
                if c == 0:
                    return np.nan
                return allreduce(fill if local != local else local, mpi_op)
            return impl
        if isinstance(dt, types.Boolean) and isinstance(s.data, types.Array):
            def flags(s, name, ddof=1, dropna=True, numeric_only=False):
                c = len(s)
                if allreduce(c, OP_SUM) == 0:
                    raise ValueError("hpjit: min/max of an empty bool Series is NaN in pandas, "
                                     "which a bool result cannot hold")
                local = np.int64(op == "min") if c == 0 else np.int64(
                    s.min() if op == "min" else s.max())
                return allreduce(local, mpi_op) != 0
            return flags
        if isinstance(dt, types.Boolean):
            fill = op == "min"
        else:
            fill = np.iinfo(np.dtype(str(dt))).max if op == "min" else np.iinfo(np.dtype(str(dt))).min

        def impl(s, name, ddof=1, dropna=True, numeric_only=False):
            c = s.count()
            if allreduce(c, OP_SUM) == 0:
                raise ValueError("hpjit: min/max of an empty integer Series is NaN in pandas, "
                                 "which an integer result cannot hold")
            local = fill if c == 0 else (s.min() if op == "min" else s.max())
            return allreduce(local, mpi_op)
        return impl
    if op == "nunique":
        return lambda s, name, ddof=1, dropna=True, numeric_only=False: gather(s).nunique(dropna)
    return None


def _dist_idx_extreme(is_min):
    name = "idxmin" if is_min else "idxmax"

    def impl(s):
        best = arg_extreme(s._data, is_min)
        labels = np.zeros(1 if best >= 0 else 0, np.int64)
        if best >= 0:
            labels[0] = label_at(s._index, best)
        rows = gather_column(slice_rows(s._data, max(best, 0), best + 1))
        labels = allgatherv_array(labels)
        pick = arg_extreme(rows, is_min)
        if pick < 0:
            raise ValueError("hpjit: " + name + " of a Series with no values (pandas raises)")
        return labels[pick]
    return named(impl, is_min)


@collective('allgatherv of each rank\'s first extreme and its label')
def dist_idxmin(s):
    """``s.idxmin()`` of a distributed Series: the first smallest value's label."""


@collective('allgatherv of each rank\'s first extreme and its label')
def dist_idxmax(s):
    """``s.idxmax()`` of a distributed Series: the first largest value's label."""


overload(dist_idxmin)(lambda s: _dist_idx_extreme(True))
overload(dist_idxmax)(lambda s: _dist_idx_extreme(False))


@register_jitable
def neighbour_edges(a, forward):
    """``(before, after)`` for ``filled``: the last present row of the nearest earlier rank that
    has one (``forward``), or the first of the nearest later rank, as columns of 0 or 1 row."""
    mine = edge_row(a, forward)
    rows = gather_column(mine)  # each rank's edge row, in rank order
    has = allgatherv_array(np.full(1, len(mine)))
    rank = world_rank_now()
    at = has[:rank].sum()
    none = slice_rows(rows, 0, 0)
    if forward:
        return (slice_rows(rows, at - 1, at) if at > 0 else none), none
    after = at + has[rank]
    return none, (slice_rows(rows, after, after + 1) if after < len(rows) else none)


def _dist_fill(forward):
    def ov(x, axis=None, inplace=False, limit=None, limit_area=None):
        body = register_jitable(fill_impl(x, forward, neighbour_edges))
        return named(lambda x, axis=None, inplace=False, limit=None, limit_area=None: body(x),
                     forward)
    return ov


@collective('allgatherv of each rank\'s last present row per column')
def dist_ffill(x, axis=None, inplace=False, limit=None, limit_area=None):
    """``x.ffill()`` of a distributed frame or series: leading missing values of a rank take the
    last present value of the ranks before it."""


@collective('allgatherv of each rank\'s first present row per column')
def dist_bfill(x, axis=None, inplace=False, limit=None, limit_area=None):
    """``x.bfill()`` of a distributed frame or series: trailing missing values of a rank take
    the first present value of the ranks after it."""


overload(dist_ffill)(_dist_fill(True))
overload(dist_bfill)(_dist_fill(False))


@register_jitable
def dist_span(n, sl):
    """This rank's rows ``(start, stop)`` of a slice of global positions."""
    start, stop = local_span(allreduce(n, OP_SUM), sl)
    offset = exscan_int64(n)
    return min(max(start - offset, 0), n), min(max(stop - offset, 0), n)


@register_jitable
def dist_one(a, p):
    """The value at global position ``p`` of distributed column ``a``, on every rank."""
    p = one_position(p, allreduce(len(a), OP_SUM))
    local = p - exscan_int64(len(a))
    held = 0 <= local < len(a)
    return scalar_at(gather_column(slice_rows(a, local if held else 0, local + 1 if held else 0)),
                     0)


@collective('exscan of lengths (slices); allgatherv of the one value (a position, a label: '
            'after an allreduce of where it is); allgatherv of every row (a list of positions)')
def dist_iloc(idx, key):
    """``obj.iloc[key]`` / ``obj.iat[key]`` of a distributed frame or series by global
    positions."""


@overload(dist_iloc, prefer_literal=True)
def _dist_iloc(idx, key):
    return positional(idx, key, dist_span, dist_one, gather, dist_label_position)


@register_jitable
def dist_label_position(index, label):
    """``index.label_position`` over the whole distributed index: the label's first global
    position (-1 if no rank holds it) and how many times the ranks hold it."""
    p, count = label_position(index, label)
    offset = exscan_int64(index_len(index))
    first = allreduce(p + offset if p >= 0 else np.iinfo(np.int64).max, OP_MIN)
    total = allreduce(count, OP_SUM)
    return (first if total else -1), total


@register_jitable
def neighbour_rows(a, k, forward):
    """The ``k`` rows just before (``forward``) or after this rank's block of column ``a``, as
    a column (fewer at the ends), from however many ranks they span: each rank sends its last
    (first) ``k`` rows."""
    n = len(a)
    mine = slice_rows(a, max(n - k, 0), n) if forward else slice_rows(a, 0, min(k, n))
    rows = gather_column(mine)
    counts = allgatherv_array(np.full(1, len(mine)))
    rank = world_rank_now()
    start = counts[:rank].sum()
    if forward:
        return slice_rows(rows, max(start - k, 0), start)
    stop = start + counts[rank]
    return slice_rows(rows, stop, min(stop + k, len(rows)))


def rank_prefix(value, seen, op):
    """``value`` of every rank before this one combined by ``op`` (a ``windows.OPS`` number),
    skipping ranks that have none (``seen``): (the combination, whether there is one). A string
    column's value is its extreme row as a column of one row (or none)."""


@overload(rank_prefix, prefer_literal=True)
def _rank_prefix(value, seen, op):
    if isinstance(value, StringArrayType):  # cummin / cummax: each rank's extreme as one row
        is_min = op.literal_value == 2

        def text(value, seen, op):
            rows = gather_column(value)
            counts = allgatherv_array(np.full(1, len(value)))
            row = extreme_row(slice_rows(rows, 0, counts[:world_rank_now()].sum()), is_min)
            return row, len(row) > 0
        return named(text, is_min)
    combine = {0: lambda r, v: r + v, 1: lambda r, v: r * v, 2: min, 3: max}[op.literal_value]
    combine = register_jitable(combine) if op.literal_value < 2 else combine

    def impl(value, seen, op):
        values = allgatherv_array(np.full(1, value))
        has = allgatherv_array(np.full(1, seen))
        r = value
        found = False
        for q in range(world_rank_now()):
            if has[q]:
                r = combine(r, values[q]) if found else values[q]
                found = True
        return r, found
    return impl


@collective('allgatherv of each rank\'s edge rows (as many as the shift)')
def dist_shift(x, periods=1, fill_value=None):
    """``x.shift(periods)`` of split rows: a rank's first rows come from the ranks before it."""


@collective('allgatherv of each rank\'s edge rows (as many as the periods)')
def dist_diff(s, periods=1):
    """``s.diff(periods)`` of split rows."""


@collective('allgatherv of each rank\'s edge rows (as many as the periods)')
def dist_pct_change(s, periods=1):
    """``s.pct_change(periods)`` of split rows."""


def with_global_range(x):
    """``x`` with a range index continued from the ranks before (``ignore_index`` results)."""


@overload(with_global_range)
def _with_global_range(x):
    if not isinstance(x.index, RangeIndexType):
        return lambda x: x
    if isinstance(x, SeriesType):
        return lambda x: init_series(x._data, _global_range(x), x)
    return lambda x: init_frame(x._data, _global_range(x), x)


@register_jitable
def _global_range(x):
    n = index_len(x._index)
    start = exscan_int64(n)
    return make_range_index(start, start + n, 1)


@collective("none: the kept rows stay (an exscan of their count for ignore_index=True)")
def dist_dropna(x, axis=0, how="any", thresh=None, subset=None, inplace=False,
                ignore_index=False):
    """``df.dropna(...)`` of split rows: this rank's kept rows, labelled by global position
    under ``ignore_index``."""


@collective("none: the kept rows stay (an exscan of their count for ignore_index=True)")
def dist_series_dropna(x, axis=0, inplace=False, how=None, ignore_index=False):
    """``s.dropna(...)`` of split rows."""


overload(dist_dropna, prefer_literal=True)(
    lambda x, axis=0, how="any", thresh=None, subset=None, inplace=False, ignore_index=False:
    dropna_impl(x, axis, how, thresh, subset, inplace, ignore_index, with_global_range))
overload(dist_series_dropna, prefer_literal=True)(
    lambda x, axis=0, inplace=False, how=None, ignore_index=False:
    dropna_impl(x, axis, how, None, None, inplace, ignore_index, with_global_range))


@collective("allgather of each rank's first text's ISO format")
def dist_to_datetime(arg, errors="raise", dayfirst=False, yearfirst=False, utc=False,
                     format=None):
    """``pd.to_datetime`` of split text: without a format, the format pandas infers is the
    first present value's of all the ranks."""


@register_jitable
def first_of_ranks(shape):
    """The first rank's value of those that are not -1 (a rank with no present value)."""
    for s in allgather_int64(shape):
        if s != -1:
            return s
    return -1


@overload(dist_to_datetime, prefer_literal=True)
def _dist_to_datetime(arg, errors="raise", dayfirst=False, yearfirst=False, utc=False,
                      format=None):
    return to_datetime_impl(arg, errors, dayfirst, yearfirst, utc, format, first_of_ranks)


overload(dist_shift, prefer_literal=True)(
    lambda x, periods=1, fill_value=None: shift_rows(x, periods, fill_value, neighbour_rows))
overload(dist_diff)(lambda s, periods=1: diff_rows(s, periods, neighbour_rows, False))
overload(dist_pct_change)(lambda s, periods=1: diff_rows(s, periods, neighbour_rows, True))


def _dist_cumulative(name):
    @collective('allgatherv of one running value per rank')
    def form(x, axis=None, skipna=True):
        """The cumulative method of split rows, continued from the ranks before."""
    form.__name__ = form.__qualname__ = f"dist_{name}"
    overload(form)(lambda x, axis=None, skipna=True: cumulative_rows(x, name, rank_prefix))
    return form


dist_cumsum, dist_cumprod, dist_cummin, dist_cummax = (
    _dist_cumulative(name) for name in ("cumsum", "cumprod", "cummin", "cummax"))


@register_jitable
def rows_before(a, k):
    """The ``k`` rows before this rank's block of ``a`` (fewer at the start)."""
    return neighbour_rows(a, k, True)


def _dist_rolling(name):
    @collective('allgatherv of each rank\'s last window - 1 rows')
    def form(r):
        """The rolling method of split rows: each block's first windows reach back into the
        ranks before it."""
    form.__name__ = form.__qualname__ = f"dist_rolling_{name}"
    overload(form)(lambda r: rolling_impl(r, name, rows_before))
    return form


for _name in ROLLING_METHODS + ORDER_METHODS:
    globals()[f"dist_rolling_{_name}"] = _dist_rolling(_name)


@register_jitable
def state_before_rank(a):
    """The expanding window's state (``window_kernels.block_state``) of the ranks before this
    one."""
    every = allgatherv_array(block_state(a))
    st = no_state()
    for r in range(world_rank_now()):
        st = join_states(st, every[STATE * r:STATE * (r + 1)])
    return st


def _dist_expanding(name):
    @collective('allgatherv of each rank\'s window state (counts, sums, moments, extremes)')
    def form(r):
        """The expanding method of split rows, continued from the ranks before."""
    form.__name__ = form.__qualname__ = f"dist_expanding_{name}"
    overload(form)(lambda r: expanding_impl(r, name, state_before_rank))
    return form


(dist_expanding_sum, dist_expanding_mean, dist_expanding_min, dist_expanding_max,
 dist_expanding_count, dist_expanding_std, dist_expanding_var) = (
    _dist_expanding(name) for name in ROLLING_METHODS)


@register_jitable
def ewm_state_before_rank(c, alpha, adjust, ignore_na):
    """The exponentially weighted mean's state at the end of the ranks before this one."""
    every = allgatherv_array(block_summary(c, alpha, adjust, ignore_na))
    return state_after(every, world_rank_now(), alpha, adjust)


@collective('allgatherv of each rank\'s block summary (nine numbers)')
def dist_ewm_mean(e):
    """``e.mean()`` of split rows, continued from the ranks before."""


overload(dist_ewm_mean)(lambda e: ewm_mean_impl(e, ewm_state_before_rank))


@collective('allreduce of local partials')
def dist_array_reduce(a, name):
    """Global reduction ``name`` (sum, mean, min, max, bincount) of a distributed 1-d array."""


@overload(dist_array_reduce, prefer_literal=True)
def _dist_array_reduce(a, name):
    if not isinstance(name, types.StringLiteral):
        return None
    op = name.literal_value
    if op == "sum":
        return lambda a, name: allreduce(a.sum(), OP_SUM)
    if op == "mean":
        return lambda a, name: allreduce(float(a.sum()), OP_SUM) / allreduce(a.size, OP_SUM)
    if op == "bincount":
        def impl(a, name):
            m = allreduce(a.max() + 1 if len(a) else 0, OP_MAX)
            counts = np.zeros(m, np.int64)
            for v in a:
                if v < 0:
                    raise ValueError("'list' argument must have no negative elements")
                counts[v] += 1
            return allreduce_array(counts, OP_SUM)
        return impl
    mpi_op = OP_MIN if op == "min" else OP_MAX
    dt = a.dtype
    if isinstance(dt, types.Float):
        fill = np.inf if op == "min" else -np.inf
    else:
        fill = np.iinfo(np.dtype(str(dt))).max if op == "min" else np.iinfo(np.dtype(str(dt))).min

    def impl(a, name):
        if allreduce(len(a), OP_SUM) == 0:
            raise ValueError("zero-size array to reduction operation which has no identity")
        local = fill if len(a) == 0 else (a.min() if op == "min" else a.max())
        return allreduce(local, mpi_op)
    return impl


@register_jitable
def local_count(n):
    """How many of ``n`` elements this rank holds."""
    start, stop = block_range(n, world_rank_now(), world_size_now())
    return stop - start


def dist_arange(n):
    """This rank's block of ``np.arange(n)``."""


@overload(dist_arange)
def _dist_arange(n):
    def impl(n):
        start, stop = block_range(n, world_rank_now(), world_size_now())
        return np.arange(start, stop)
    return impl


def dist_linspace(start, stop, num):
    """This rank's block of ``np.linspace(start, stop, num)`` (numpy's values)."""


@overload(dist_linspace)
def _dist_linspace(start, stop, num):

    def impl(start, stop, num):
        lo, hi = block_range(num, world_rank_now(), world_size_now())
        return linspace_part(start, stop, num, True, lo, hi)
    return impl


@collective('exscan of row counts: labels from global positions')
def dist_reset_index(x, drop=False):
    """``x.reset_index(drop)`` of this rank's rows: labelled from their global position."""


@overload(dist_reset_index)
def _dist_reset_index(x, drop=False):

    def impl(x, drop=False):
        out = x.reset_index(drop=drop)
        n = len(out)
        start = exscan_int64(n)
        return relabelled(out, make_range_index(start, start + n, 1))
    return impl


def relabelled(x, index):
    """Frame or series ``x`` with labels ``index``."""


@overload(relabelled)
def _relabelled(x, index):
    if isinstance(x, DataFrameType):
        return lambda x, index: init_frame(x._data, index, x)
    return lambda x, index: init_series(x._data, index, x)


@collective('exscan of row counts where the columns are arrays: labels from global positions')
def dist_frame_of_columns(names, *columns):
    """``frame_of_columns`` of this rank's rows of split columns: a RangeIndex (columns that are
    arrays, not Series) labelled from the rows' global positions."""


@overload(dist_frame_of_columns)
def _dist_frame_of_columns(names, *columns):
    if any(isinstance(t, SeriesType) for t in columns):
        return lambda names, *columns: frame_of_columns(names, *columns)

    def impl(names, *columns):
        out = frame_of_columns(names, *columns)
        n = len(out)
        start = exscan_int64(n)
        return relabelled(out, make_range_index(start, start + n, 1))
    return impl


@collective('allgatherv of local heads')
def dist_head(x, n):
    """``x.head(n)`` of a distributed frame or series, whole on every rank."""


@overload(dist_head)
def _dist_head(x, n=5):
    def impl(x, n=5):
        if n >= 0:  # the first n rows are among the first n of the ranks' blocks
            return gather(x.head(n)).head(n)
        return gather(x).head(n)  # all but the last -n rows: every row may be kept
    return impl


@collective('allgatherv of local tails')
def dist_tail(x, n):
    """``x.tail(n)`` of a distributed frame or series, whole on every rank."""


@overload(dist_tail)
def _dist_tail(x, n=5):
    def impl(x, n=5):
        if n < 0:
            return gather(x).tail(n)
        m = len(x)
        first = max(allreduce(m, OP_SUM) - n, 0) - exscan_int64(m)  # local position
        return gather(x.tail(m - min(max(first, 0), m)))  # each rank its rows of the tail
    return impl


def block_rows(x):
    """This rank's equal block of the rows of a (replicated) frame, series or column."""


@overload(block_rows)
def _block_rows(x):
    if isinstance(x, DataFrameType):
        items = "".join(f"slice_rows(column_at(x, {j}), start, stop), " for j in range(len(x.columns)))
        ns = dict(init_frame=init_frame, slice_rows=slice_rows, index_slice=index_slice, column_at=column_at,
                  index_len=index_len, block_range=block_range, rank=world_rank_now,
                  size=world_size_now)
        exec(f"def impl(x):\n"
             f"    start, stop = block_range(index_len(x._index), rank(), size())\n"
             f"    return init_frame(({items}), index_slice(x._index, start, stop), x)\n", ns)
        return ns["impl"]
    if isinstance(x, SeriesType):
        def impl(x):
            start, stop = block_range(len(x._data), world_rank_now(), world_size_now())
            return init_series(slice_rows(x._data, start, stop), index_slice(x._index, start, stop), x)
        return impl

    def impl(x):
        start, stop = block_range(len(x), world_rank_now(), world_size_now())
        return slice_rows(x, start, stop)
    return impl



@collective('printed by rank 0 only')
def print_once(*args):
    """``print(*args)`` on rank 0 only."""


@overload(print_once)
def _print_once(*args):
    names = ", ".join(f"a{k}" for k in range(len(args)))
    # a module name makes its Environment (print boxes objects) cachable: numba keeps no
    # Environment of a function whose globals have no __name__, so cached callers fail to load
    ns = {"rank": world_rank_now, "__name__": __name__}
    exec(f"def impl(*args):\n"
         f"    if rank() == 0:\n"
         f"        {names}{',' if len(args) == 1 else ''} = args\n"
         f"        print({names})\n", ns)
    return ns["impl"]


@collective('CSV or parquet: each rank writes its byte range (exscan of sizes) or its own parts; CSV of datetimes: allgatherv, rank 0 writes; then barrier')
def dist_write(df, path, index, kind, partition_cols=None):
    """``df.to_parquet/to_csv(path, index=index)`` of a distributed frame, returning on every
    rank once the file is complete: a CSV or parquet file is written by all ranks at once,
    each its byte range (``write_csv_block``, ``write_parquet_block``), and a parquet directory
    of partitions each rank its own files; a CSV of datetimes is gathered and rank 0 writes
    it."""


@overload(dist_write, prefer_literal=True)
def _dist_write(df, path, index, kind, partition_cols=None):
    if not isinstance(kind, types.StringLiteral):
        return None
    write = WRITERS[kind.literal_value]
    what = kind.literal_value
    idx = _index_arg(index, what)
    parts = partition_columns(df, partition_cols, what)
    if what == "to_csv" and csv_text_is_per_value(df) or what == "to_parquet":
        write_block = write_csv_block if what == "to_csv" else write_parquet_block

        def in_place(df, path, index, kind, partition_cols=None):
            with numba.objmode():
                check_directory(path, what)
                write_block(df, path, idx, parts)
        return in_place

    def impl(df, path, index, kind, partition_cols=None):
        with numba.objmode():
            check_directory(path, what)
        whole = gather(df)
        if world_rank_now() == 0:
            with numba.objmode():
                write(whole, path, idx, parts)
        barrier()
    return impl


# --- moving whole columns of any layout -------------------------------------

def alltoallv_column(a, send_counts):
    """Send ``send_counts[r]`` consecutive rows of column ``a`` to rank r (rows already grouped by
    destination); returns the rows received, in rank order, and how many came from each rank."""


@overload(alltoallv_column)
def _alltoallv_column(a, send_counts):
    if isinstance(a, types.Array):
        return lambda a, send_counts: alltoallv_array(a, send_counts)
    if isinstance(a, DateArrayType):
        def impl(a, send_counts):
            days, counts = alltoallv_array(a._days, send_counts)
            return make_date_array(days), counts
        return impl
    if isinstance(a, MaskedArrayType):
        def impl(a, send_counts):
            values, counts = alltoallv_array(a._values, send_counts)
            mask, _ = alltoallv_array(a._mask, send_counts)
            return make_masked(values, mask), counts
        return impl
    if isinstance(a, StringArrayType):
        def impl(a, send_counts):
            n = len(a._offsets) - 1
            lens = np.diff(a._offsets)
            byte_counts = np.zeros(len(send_counts), np.int64)
            row = 0
            for r in range(len(send_counts)):
                for _ in range(send_counts[r]):
                    byte_counts[r] += lens[row]
                    row += 1
            data, _ = alltoallv_array(a._data[a._offsets[0]:a._offsets[n]].copy(), byte_counts)
            rlens, counts = alltoallv_array(lens, send_counts)
            bits = np.empty(n, np.uint8)
            for i in range(n):
                bits[i] = (a._valid[i >> 3] >> (i & 7)) & 1
            rbits, _ = alltoallv_array(bits, send_counts)
            m = len(rlens)
            offsets = np.zeros(m + 1, np.int64)
            for i in range(m):
                offsets[i + 1] = offsets[i] + rlens[i]
            valid = np.zeros((m + 7) >> 3, np.uint8)
            for i in range(m):
                if rbits[i]:
                    valid[i >> 3] |= np.uint8(1 << (i & 7))
            return make_string_array(offsets, data, valid), counts
        return impl


def scatterv_column(a, root):
    """This rank's equal block of the rows of rank ``root``'s column ``a`` (any layout)."""


@overload(scatterv_column)
def _scatterv_column(a, root):

    def impl(a, root):
        n = bcast(len(a), root)
        size = world_size_now()
        counts = np.zeros(size, np.int64)
        if world_rank_now() == root:
            for r in range(size):
                start, stop = block_range(n, r, size)
                counts[r] = stop - start
        return alltoallv_column(a, counts)[0]
    return impl


def bcast_column(a, root):
    """Rank ``root``'s column ``a`` (any layout), whole on every rank."""


@overload(bcast_column)
def _bcast_column(a, root):
    if isinstance(a, types.Array):
        return lambda a, root: bcast(a, root)
    if isinstance(a, DateArrayType):
        return lambda a, root: make_date_array(bcast(a._days, root))
    if isinstance(a, MaskedArrayType):
        return lambda a, root: make_masked(bcast(a._values, root), bcast(a._mask, root))
    if isinstance(a, StringArrayType):
        def impl(a, root):
            n = len(a._offsets) - 1
            offsets = bcast(a._offsets - a._offsets[0], root)
            data = bcast(a._data[a._offsets[0]:a._offsets[n]].copy(), root)
            return make_string_array(offsets, data, bcast(a._valid, root))
        return impl
