"""Row gathers across threads.

numba runs a ``prange`` in parallel only in a function jitted with ``parallel=True``; in an
overload's implementation (``take_rows``) it is a plain ``range``. So the gathers that
joins, sorts and filters spend their time in are such functions, called from the overloads.
"""
import numpy as np
from numba import prange

from hpjit.core.kernel import cached_njit
from hpjit.core.memory import empty_rows


@cached_njit(parallel=True)
def gather(a, idx):
    """``a[idx]`` of a 1-d array and non-negative ``idx``; a copy when ``idx`` is
    ``0..len(a)-1`` (a join in which every row found one match), which one sequential pass
    stopping at the first row out of place finds."""
    n = len(idx)
    same = n == len(a)
    j = 0
    while same and j < n:
        same = idx[j] == j
        j += 1
    if same:
        return copy_rows(a)
    out = empty_rows(n, a.dtype)
    for j in prange(n):
        out[j] = a[idx[j]]
    return out


_CHUNKS = 8


@cached_njit(parallel=True)
def copy_rows(a):
    """A copy of 1-d array ``a``, chunks of it across threads (a copy's time is mostly the
    first touch of the new pages, which threads share out)."""
    n = len(a)
    out = empty_rows(n, a.dtype)
    for c in prange(_CHUNKS):
        lo, hi = c * n // _CHUNKS, (c + 1) * n // _CHUNKS
        out[lo:hi] = a[lo:hi]
    return out


@cached_njit(parallel=True)
def row_numbers(n):
    """``np.arange(n)`` across threads, in huge pages."""
    out = empty_rows(n, np.int64)
    for j in prange(n):
        out[j] = j
    return out


@cached_njit(parallel=True)
def range_labels(start, step, rows):
    """The labels of a range index (``start``, ``step``) at positions ``rows``, without
    making the index's labels first."""
    out = empty_rows(len(rows), np.int64)
    for j in prange(len(rows)):
        out[j] = start + step * rows[j]
    return out


@cached_njit(parallel=True)
def mask_rows(mask):
    """The positions where boolean array ``mask`` holds, in order: counted, then written, by
    chunks across threads (a filter then gathers each column once at these rows)."""
    n = len(mask)
    counts = np.zeros(_CHUNKS + 1, np.int64)
    for c in prange(_CHUNKS):
        k = 0
        for i in range(c * n // _CHUNKS, (c + 1) * n // _CHUNKS):
            k += mask[i]
        counts[c + 1] = k
    starts = np.cumsum(counts)
    out = empty_rows(starts[_CHUNKS], np.int64)
    for c in prange(_CHUNKS):
        k = starts[c]
        for i in range(c * n // _CHUNKS, (c + 1) * n // _CHUNKS):
            if mask[i]:
                out[k] = i
                k += 1
    return out
