"""Moving rows between ranks by key: range partitioning by sampled splitters.

``range_destinations`` sends every row to the rank that owns its key's range:
each rank sorts its keys, contributes evenly spaced samples, every rank sorts
the same gathered samples and takes the same ``size - 1`` splitters, and a row
goes to the number of splitters at or before it. Equal keys always meet on one
rank, ranks hold increasing key ranges, and ``alltoallv`` delivers rows in
source-rank order, so a stable local sort after the shuffle is the global stable
sort — the same mechanism orders ``sort_values`` and ``groupby(sort=True)``.
Imported only when the world has more than one rank.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import tuple_map_impl
from hpjit.runtime.collectives import exscan_int64, world_size_now
from hpjit.runtime.groupby_kernels import take_key_rows
from hpjit.runtime.keys import row_compare
from hpjit.runtime.sort_kernels import argsort_rows, numeric_key, order_keys
from hpjit.transforms.distributed.frame_collectives import alltoallv_column, gather_column
from hpjit.typing.columns.arrays import take_rows

#: samples each rank contributes per destination rank
_OVERSAMPLE = 32


def gather_keys(keys):
    """Every rank's key rows, whole on every rank (a tuple of columns)."""


@overload(gather_keys)
def _gather_keys(keys):
    return tuple_map_impl(gather_column, ("keys",), "gather_column")(len(keys))


@register_jitable
def sample_splitters(keys, ascending, na_last):
    """``(samples, splitters)``: every rank's sampled key rows (the same on all ranks) and the
    sample rows that bound the ranks' key ranges."""
    n = len(keys[0])
    size = world_size_now()
    m = min(n, _OVERSAMPLE * size)
    picks = np.empty(m, np.int64)
    for s in range(m):  # evenly spaced rows: only the samples are sorted, never the chunk
        picks[s] = (s * n) // m
    samples = gather_keys(take_key_rows(keys, picks))
    total = len(samples[0])
    sorder = argsort_rows(samples, ascending, na_last)
    nsplit = min(size - 1, total)
    splitters = np.empty(nsplit, np.int64)
    for r in range(nsplit):
        splitters[r] = sorder[((r + 1) * total) // size] if total >= size else sorder[r]
    return samples, splitters


def destinations(samples, splitters, keys, ascending, na_last):
    """The rank of each row of ``keys``: how many splitters sort at or before it."""


@overload(destinations)
def _destinations(samples, splitters, keys, ascending, na_last):
    if numeric_key(keys) and numeric_key(samples) and _same_values(samples[0], keys[0]):
        return lambda samples, splitters, keys, ascending, na_last: _key_destinations(
            samples[0], splitters, keys[0], ascending[0], na_last)
    return lambda samples, splitters, keys, ascending, na_last: _compared_destinations(
        samples, splitters, keys, ascending, na_last)


def _same_values(a, b):
    """Whether column types ``a`` and ``b`` hold the same kind of value (their radix keys
    compare): a merge's sides may not."""
    if isinstance(a, types.Array) and isinstance(b, types.Array):
        return a.dtype == b.dtype
    return a == b


@register_jitable
def _key_destinations(samples, splitters, a, ascending, na_last):
    """``destinations`` by one numeric key: its ``order_keys`` against the splitters', a
    count of unsigned compares per row (no ``row_compare``)."""
    bounds = order_keys(samples, ascending, na_last)[splitters]
    keys = order_keys(a, ascending, na_last)
    dest = np.empty(len(a), np.int64)
    for i in range(len(a)):
        k, d = keys[i], 0
        for b in bounds:
            d += b <= k
        dest[i] = d
    return dest


@register_jitable
def _compared_destinations(samples, splitters, keys, ascending, na_last):
    n = len(keys[0])
    nsplit = len(splitters)
    dest = np.empty(n, np.int64)
    for i in range(n):
        lo, hi = 0, nsplit
        while lo < hi:
            mid = (lo + hi) // 2
            if row_compare(samples, splitters[mid], keys, i, ascending, na_last) <= 0:
                lo = mid + 1
            else:
                hi = mid
        dest[i] = lo
    return dest


@register_jitable
def range_destinations(keys, ascending, na_last):
    """The rank each row of ``keys`` goes to so that ranks hold increasing key ranges."""
    samples, splitters = sample_splitters(keys, ascending, na_last)
    return destinations(samples, splitters, keys, ascending, na_last)


@register_jitable
def rows_by_destination(dest):
    """``(rows, counts)``: row numbers grouped by destination rank (stable), rows per rank."""
    size = world_size_now()
    counts = np.zeros(size, np.int64)
    for d in dest:
        counts[d] += 1
    start = np.zeros(size, np.int64)
    for r in range(1, size):
        start[r] = start[r - 1] + counts[r - 1]
    rows = np.empty(len(dest), np.int64)
    for i in range(len(dest)):
        rows[start[dest[i]]] = i
        start[dest[i]] += 1
    return rows, counts


def shuffle_columns(cols, rows, counts):
    """Columns ``cols`` (a tuple) with rows ``rows`` sent ``counts[r]`` at a time to rank r."""


@overload(shuffle_columns)
def _shuffle_columns(cols, rows, counts):
    src = ("def impl(cols, rows, counts):\n    return ("
           + "".join(f"alltoallv_column(take_rows(cols[{k}], rows), counts)[0], "
                     for k in range(len(cols))) + ")\n")
    ns = {"alltoallv_column": alltoallv_column, "take_rows": take_rows}
    exec(src, ns)
    return ns["impl"]


@register_jitable
def global_offset(n):
    """Rows held by the ranks before this one."""
    return exscan_int64(n)
