"""Stable sorting of rows by key columns: the permutation ``sort_values`` and ``groupby`` use.

One numeric key goes through numpy's stable sort of the values (missing values
set aside and placed first or last, descending done as pandas does it: sort the
reversed values and reverse the result, which keeps ties in their original
order). Any other key — strings, several columns — uses a bottom-up merge sort
of row numbers with ``row_compare``, over the buffers, no objects.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.cache import cached_njit

from hpjit.runtime.keys import row_compare
from hpjit.runtime.memory import empty_rows
from hpjit.typing.arrays import isna_at
from hpjit.typing.datetime import DateArrayType

_RUN = 16


def _numeric_key(keys):
    """Whether ``keys`` is one plain numpy column numpy can sort by value."""
    if len(keys) != 1:
        return False
    a = keys[0]
    return isinstance(a, DateArrayType) or (
        isinstance(a, types.Array) and isinstance(a.dtype, (types.Integer, types.Float,
                                                            types.Boolean, types.NPDatetime)))


def sort_values_of(a):
    """The values numpy sorts for a numeric key column (datetimes and dates as int64)."""


@overload(sort_values_of)
def _sort_values_of(a):
    if isinstance(a, DateArrayType):
        return lambda a: a._days
    if isinstance(a.dtype, types.NPDatetime):
        return lambda a: a.view(np.int64)
    if isinstance(a.dtype, types.Boolean):
        return lambda a: a.view(np.uint8)
    return lambda a: a


@register_jitable
def _place_missing(a, sorted_present, n, na_last):
    nmiss = n - len(sorted_present)
    if nmiss == 0:
        return sorted_present
    out = empty_rows(n, np.int64)
    missing = np.empty(nmiss, np.int64)
    m = 0
    for i in range(n):
        if isna_at(a, i):
            missing[m] = i
            m += 1
    if na_last:
        out[:n - nmiss] = sorted_present
        out[n - nmiss:] = missing
    else:
        out[:nmiss] = missing
        out[nmiss:] = sorted_present
    return out


def radix_keys(a, ascending):
    """A uint64 per element of numeric column ``a`` whose unsigned order is the wanted order
    (descending by inverting every bit, so ties keep their order either way)."""


@overload(radix_keys)
def _radix_keys(a, ascending):
    vals_t = a if not isinstance(a, DateArrayType) else None
    if vals_t is not None and isinstance(a.dtype, types.Float):
        def impl(a, ascending):
            bits = a.astype(np.float64).view(np.uint64)
            out = empty_rows(len(bits), np.uint64)
            for i in range(len(bits)):
                b = bits[i]
                if b == np.uint64(0x8000000000000000):  # -0.0 sorts with 0.0
                    b = np.uint64(0)
                b = ~b if b >> np.uint64(63) else b | np.uint64(0x8000000000000000)
                out[i] = b if ascending else ~b
            return out
        return impl
    if vals_t is not None and isinstance(a.dtype, types.Integer) and not a.dtype.signed:
        return lambda a, ascending: (a.astype(np.uint64) if ascending
                                     else ~a.astype(np.uint64))

    def impl(a, ascending):
        vals = sort_values_of(a)
        out = empty_rows(len(vals), np.uint64)
        sign = np.uint64(0x8000000000000000)
        for i in range(len(vals)):
            b = np.uint64(np.int64(vals[i])) ^ sign
            out[i] = b if ascending else ~b
        return out
    return impl


_RADIX_BITS = 11
_PASSES = (64 + _RADIX_BITS - 1) // _RADIX_BITS
_RADIX = 1 << _RADIX_BITS


_MASK = np.uint64(_RADIX - 1)
_CHUNK_ROWS = 1 << 16
_CHUNKS = 8  # a fixed count, at least the threads there are: asking numba makes it uncacheable


@register_jitable
def _digit(k, p):
    return np.int64((k >> np.uint64(p * _RADIX_BITS)) & _MASK)


@cached_njit(parallel=True)
def _digit_totals(keys, chunks, step):
    """How many keys of each chunk have each digit, for every pass: (chunks, passes, radix)."""
    totals = np.zeros((chunks, _PASSES, _RADIX), np.int64)
    for c in prange(chunks):
        for j in range(c * step, min(len(keys), (c + 1) * step)):
            k = keys[j]
            for p in range(_PASSES):
                totals[c, p, _digit(k, p)] += 1
    return totals


@cached_njit(parallel=True)
def _digit_counts(keys, p, chunks, step):
    counts = np.zeros((chunks, _RADIX), np.int64)
    for c in prange(chunks):
        for j in range(c * step, min(len(keys), (c + 1) * step)):
            counts[c, _digit(keys[j], p)] += 1
    return counts


@cached_njit(parallel=True)
def _move(src_k, src_r, dst_k, dst_r, counts, p, step, keys_too):
    """One pass: each chunk's rows (and keys, unless it is the last pass) to where their
    digit and chunk start."""
    chunks = counts.shape[0]
    starts = np.empty((chunks, _RADIX), np.int64)
    acc = 0
    for d in range(_RADIX):
        for c in range(chunks):
            starts[c, d] = acc
            acc += counts[c, d]
    for c in prange(chunks):
        at = starts[c].copy()
        for j in range(c * step, min(len(src_k), (c + 1) * step)):
            k = src_k[j]
            d = _digit(k, p)
            q = at[d]
            if keys_too:
                dst_k[q] = k
            dst_r[q] = src_r[j]
            at[d] = q + 1


@cached_njit
def radix_argsort(keys, rows):
    """Stable LSD radix sort of row numbers ``rows`` by uint64 ``keys`` (one per row number).

    The rows are cut into chunks for the threads. One parallel read counts every pass's
    digits, so passes where all keys share the digit are skipped; each pass then counts its
    digits per chunk, and each thread moves its chunk's rows to where its digit and chunk
    start — stable, as the chunks are placed in order within a digit. The first pass reads
    the inputs and the last writes the result; between them rows move as int32 where they
    fit (12 bytes a row a pass instead of 16), between two pairs of buffers."""
    m = len(rows)
    chunks = max(1, min(_CHUNKS, m // _CHUNK_ROWS))
    step = (m + chunks - 1) // chunks
    totals = _digit_totals(keys, chunks, step)
    wanted = np.zeros(_PASSES, np.int64)
    nwanted = 0
    for p in range(_PASSES):
        if m > 0 and totals[:, p, :].sum(axis=0).max() < m:
            wanted[nwanted] = p
            nwanted += 1
    out = empty_rows(m, np.int64)
    if nwanted == 0:
        out[:] = rows
        return out
    if nwanted == 1:
        _move(keys, rows, keys, out, totals[:, wanted[0], :], wanted[0], step, False)
        return out
    small = m < 2 ** 31
    bufs_k = (empty_rows(m, np.uint64), empty_rows(m, np.uint64))
    bufs_r = (empty_rows(m if small else 0, np.int32), empty_rows(m if small else 0, np.int32))
    wide_r = (empty_rows(0 if small else m, np.int64), empty_rows(0 if small else m, np.int64))
    p = wanted[0]
    if small:
        _move(keys, rows, bufs_k[0], bufs_r[0], totals[:, p, :], p, step, True)
    else:
        _move(keys, rows, bufs_k[0], wide_r[0], totals[:, p, :], p, step, True)
    for i in range(1, nwanted):
        p = wanted[i]
        src_k, dst_k = bufs_k[(i - 1) % 2], bufs_k[i % 2]
        counts = _digit_counts(src_k, p, chunks, step)
        last = i == nwanted - 1
        if small and last:
            _move(src_k, bufs_r[(i - 1) % 2], dst_k, out, counts, p, step, False)
        elif small:
            _move(src_k, bufs_r[(i - 1) % 2], dst_k, bufs_r[i % 2], counts, p, step, True)
        else:
            _move(src_k, wide_r[(i - 1) % 2], dst_k, out if last else wide_r[i % 2], counts, p,
                  step, not last)
    return out


@register_jitable
def _argsort_numeric(a, ascending, na_last):
    n = len(a)
    all_keys = radix_keys(a, ascending)
    missing = 0
    for i in range(n):
        missing += isna_at(a, i)
    if missing == 0:
        return radix_argsort(all_keys, np.arange(n))
    present = empty_rows(n, np.int64)
    keys = empty_rows(n, np.uint64)
    m = 0
    for i in range(n):
        if not isna_at(a, i):
            present[m] = i
            keys[m] = all_keys[i]
            m += 1
    order = radix_argsort(keys[:m], present[:m])
    return _place_missing(a, order, n, na_last)


@register_jitable
def _merge_argsort(keys, ascending, na_last, idx):
    """Stable bottom-up merge sort of row numbers ``idx`` (in place) by ``row_compare``."""
    n = len(idx)
    for lo in range(0, n, _RUN):  # insertion-sorted runs first
        hi = min(lo + _RUN, n)
        for x in range(lo + 1, hi):
            r = idx[x]
            y = x - 1
            while y >= lo and row_compare(keys, idx[y], keys, r, ascending, na_last) > 0:
                idx[y + 1] = idx[y]
                y -= 1
            idx[y + 1] = r
    src, dst = idx, empty_rows(n, np.int64)
    width = _RUN
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if row_compare(keys, src[j], keys, src[i], ascending, na_last) < 0:
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
                k += 1
            while i < mid:
                dst[k] = src[i]
                i += 1
                k += 1
            while j < hi:
                dst[k] = src[j]
                j += 1
                k += 1
        src, dst = dst, src
        width *= 2
    return src


def argsort_rows(keys, ascending, na_last):
    """The stable permutation that orders the rows of key columns ``keys``.

    ``ascending`` is a tuple of one flag per key; ``na_last`` places missing values.
    """


@overload(argsort_rows)
def _argsort_rows(keys, ascending, na_last):
    if _numeric_key(keys):
        return lambda keys, ascending, na_last: _argsort_numeric(keys[0], ascending[0], na_last)

    def impl(keys, ascending, na_last):
        n = len(keys[0])
        return _merge_argsort(keys, ascending, na_last, np.arange(n))
    return impl


def argsort_selected(keys, idx, ascending, na_last):
    """``idx`` (row numbers) reordered so the rows they name are sorted; stable in ``idx`` order."""


@overload(argsort_selected)
def _argsort_selected(keys, idx, ascending, na_last):
    def impl(keys, idx, ascending, na_last):
        return _merge_argsort(keys, ascending, na_last, idx.copy())
    return impl
