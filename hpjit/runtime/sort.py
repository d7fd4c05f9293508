"""Stable sorting of rows by key columns: the permutation ``sort_values`` and ``groupby`` use.

One numeric key is radix sorted (``radix_argsort``) on uint64 keys whose unsigned
order is the wanted one (``radix_keys``), missing values set aside and placed first or
last; descending inverts the keys, which keeps ties in their original order as pandas
does. Any other key — strings, several columns — uses a bottom-up merge sort of row
numbers with ``row_compare``, over the buffers, no objects.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.cache import cached_njit
from hpjit.runtime.gather import copy_rows, row_numbers

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


@cached_njit(parallel=True)
def _float_keys(bits, ascending):
    """``radix_keys`` of float64s given as their bits: positive numbers above negative ones,
    a negative's bits inverted, -0.0 as 0.0."""
    out = empty_rows(len(bits), np.uint64)
    for i in prange(len(bits)):
        b = bits[i]
        if b == np.uint64(0x8000000000000000):
            b = np.uint64(0)
        b = ~b if b >> np.uint64(63) else b | np.uint64(0x8000000000000000)
        out[i] = b if ascending else ~b
    return out


@cached_njit(parallel=True)
def _signed_keys(vals, ascending):
    """``radix_keys`` of integers (as int64) with the sign bit flipped."""
    out = empty_rows(len(vals), np.uint64)
    sign = np.uint64(0x8000000000000000)
    for i in prange(len(vals)):
        b = np.uint64(np.int64(vals[i])) ^ sign
        out[i] = b if ascending else ~b
    return out


@cached_njit(parallel=True)
def _unsigned_keys(vals, ascending):
    out = empty_rows(len(vals), np.uint64)
    for i in prange(len(vals)):
        b = np.uint64(vals[i])
        out[i] = b if ascending else ~b
    return out


@overload(radix_keys)
def _radix_keys(a, ascending):
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Float):
        if a.dtype == types.float64 and a.layout == "C":
            return lambda a, ascending: _float_keys(a.view(np.uint64), ascending)
        return lambda a, ascending: _float_keys(a.astype(np.float64).view(np.uint64), ascending)
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Integer) and not a.dtype.signed:
        return lambda a, ascending: _unsigned_keys(a, ascending)
    return lambda a, ascending: _signed_keys(sort_values_of(a), ascending)


@cached_njit(parallel=True)
def count_missing(a):
    """How many values of column ``a`` are missing, across threads."""
    missing = 0
    for i in prange(len(a)):
        missing += isna_at(a, i)
    return missing


_ONE_PASS_BITS = 13
_MSD_MAX_BITS = 16
_LSD_BITS = 8
_WIDE_BITS = 12
_WIDE_ROWS = 1 << 13
_CHUNKS = 8  # a fixed count, at least the threads there are: asking numba makes it uncacheable
_CHUNK_ROWS = 1 << 16
_TASKS = 64
_INSERTION = 24
_SMALL = 1 << 12


@register_jitable
def _bit_length(x):
    n = 0
    while n < 64 and (x >> np.uint64(n)) != 0:
        n += 1
    return n


@cached_njit(parallel=True)
def _varying_bits(keys, chunks, step):
    """``(bits, ordered)``: the bits in which some keys differ (OR ^ AND of all keys), and
    whether the keys are already in order; across threads."""
    ors = np.zeros(chunks, np.uint64)
    ands = np.zeros(chunks, np.uint64)
    unordered = np.zeros(chunks, np.int64)
    for c in prange(chunks):
        o, a = np.uint64(0), ~np.uint64(0)
        lo, hi = c * step, min(len(keys), (c + 1) * step)
        prev = keys[max(lo - 1, 0)]
        out_of_order = 0
        for j in range(lo, hi):
            k = keys[j]
            o |= k
            a &= k
            out_of_order += k < prev
            prev = k
        ors[c], ands[c], unordered[c] = o, a, out_of_order
    o, a = np.uint64(0), ~np.uint64(0)
    for c in range(chunks):
        o |= ors[c]
        a &= ands[c]
    return o ^ a, unordered.sum() == 0


@cached_njit(parallel=True)
def _digit_counts(keys, shift, radix, chunks, step):
    """How many keys of each chunk have each digit ``(key >> shift) % radix``."""
    counts = np.zeros((chunks, radix), np.int64)
    mask = np.uint64(radix - 1)
    for c in prange(chunks):
        for j in range(c * step, min(len(keys), (c + 1) * step)):
            counts[c, np.int64((keys[j] >> shift) & mask)] += 1
    return counts


@cached_njit(parallel=True)
def _move(keys, rows, dst_k, dst_r, counts, shift, step, keys_too):
    """One radix pass: each chunk's rows (and keys, if ``keys_too``) to where their digit
    and chunk start (stable: chunks are placed in order within a digit); returns where each
    digit's bucket starts."""
    chunks, radix = counts.shape
    mask = np.uint64(radix - 1)
    starts = np.empty((chunks, radix), np.int64)
    bucket = np.empty(radix + 1, np.int64)
    acc = 0
    for d in range(radix):
        bucket[d] = acc
        for c in range(chunks):
            starts[c, d] = acc
            acc += counts[c, d]
    bucket[radix] = acc
    for c in prange(chunks):
        at = starts[c].copy()
        for j in range(c * step, min(len(keys), (c + 1) * step)):
            k = keys[j]
            d = np.int64((k >> shift) & mask)
            q = at[d]
            if keys_too:
                dst_k[q] = k
            dst_r[q] = rows[j]
            at[d] = q + 1
    return bucket


@register_jitable
def _insertion_sort(ak, ar, s, e):
    for x in range(s + 1, e):
        k, r = ak[x], ar[x]
        y = x - 1
        while y >= s and ak[y] > k:
            ak[y + 1], ar[y + 1] = ak[y], ar[y]
            y -= 1
        ak[y + 1], ar[y + 1] = k, r


@register_jitable
def _sort_bucket(ak, ar, bk, br, out, s, e, bits, hist):
    """Sort rows ``s:e`` (keys differing only in their low ``bits``) into ``out[s:e]``: LSD
    passes between the ``a`` and ``b`` buffers, in cache for a bucket of the top digit,
    skipping digits all its keys share; digits of 8 bits in a small bucket, wider in a large
    one (fewer passes); insertion sort when it is short."""
    n = e - s
    if bits > 0 and 1 < n <= _INSERTION:
        _insertion_sort(ak, ar, s, e)
        bits = 0
    passes = (bits + _LSD_BITS - 1) // _LSD_BITS if n < _WIDE_ROWS else \
        (bits + _WIDE_BITS - 1) // _WIDE_BITS
    width = (bits + passes - 1) // passes if passes > 0 else 0
    radix = 1 << width
    mask = np.uint64(radix - 1)
    if passes > 0:
        hist[:passes, :radix] = 0
        for j in range(s, e):
            k = ak[j]
            for p in range(passes):
                hist[p, np.int64((k >> np.uint64(p * width)) & mask)] += 1
    wanted = 0
    for p in range(passes):
        if hist[p, :radix].max() < n:
            wanted += 1
    if wanted == 0:
        for j in range(s, e):
            out[j] = ar[j]
        return
    at = np.empty(radix, np.int64)
    done = 0
    for p in range(passes):
        if hist[p, :radix].max() == n:
            continue
        acc = s
        for d in range(radix):
            at[d] = acc
            acc += hist[p, d]
        src_k, src_r, dst_k, dst_r = (ak, ar, bk, br) if done % 2 == 0 else (bk, br, ak, ar)
        done += 1
        shift = np.uint64(p * width)
        for j in range(s, e):
            k = src_k[j]
            d = np.int64((k >> shift) & mask)
            q = at[d]
            if done == wanted:
                out[q] = src_r[j]
            else:
                dst_k[q] = k
                dst_r[q] = src_r[j]
            at[d] = q + 1


@cached_njit(parallel=True)
def _sort_buckets(ak, ar, bk, br, out, bucket, bits):
    """``_sort_bucket`` of every bucket, in spans of about equal rows across threads."""
    m, radix = len(ak), len(bucket) - 1
    edges = np.empty(_TASKS + 1, np.int64)
    d = 0
    for t in range(_TASKS):
        while d < radix and bucket[d] < t * m // _TASKS:
            d += 1
        edges[t] = d
    edges[_TASKS] = radix
    for t in prange(_TASKS):
        hist = np.empty(((bits + _LSD_BITS - 1) // _LSD_BITS, 1 << _WIDE_BITS), np.int64)
        for d in range(edges[t], edges[t + 1]):
            if bucket[d + 1] > bucket[d]:
                _sort_bucket(ak, ar, bk, br, out, bucket[d], bucket[d + 1], bits, hist)


@cached_njit
def radix_argsort(keys, rows):
    """Stable radix sort of row numbers ``rows`` by uint64 ``keys`` (one per row number).

    Keys already in order cost one read; otherwise only the bits in which keys differ are
    sorted on. Up to 26 of them (ids, codes, small
    ranges) take one or two LSD passes over all rows; more (floats, wide integers) take one
    MSD pass on the top 16, after which each bucket, small enough to stay in cache, is
    sorted on its remaining bits (``_sort_buckets``). Each pass cuts the rows into chunks
    for the threads, and rows move as int32 between passes. Short inputs, and inputs of
    2**31 rows or more, take numpy's stable sort."""
    m = len(rows)
    if m < _SMALL or m >= 2 ** 31:
        return rows[np.argsort(keys, kind="mergesort")]
    chunks = max(1, min(_CHUNKS, m // _CHUNK_ROWS))
    step = (m + chunks - 1) // chunks
    varying, ordered = _varying_bits(keys, chunks, step)
    top = _bit_length(varying)
    out = empty_rows(m, np.int64)
    if top == 0 or ordered:
        return copy_rows(rows)
    if top <= _ONE_PASS_BITS:
        counts = _digit_counts(keys, np.uint64(0), 1 << top, chunks, step)
        _move(keys, rows, keys, out, counts, np.uint64(0), step, False)
        return out
    ak, ar = empty_rows(m, np.uint64), empty_rows(m, np.int32)
    if top <= 2 * _ONE_PASS_BITS:
        low = top - top // 2
        counts = _digit_counts(keys, np.uint64(0), 1 << low, chunks, step)
        _move(keys, rows, ak, ar, counts, np.uint64(0), step, True)
        counts = _digit_counts(ak, np.uint64(low), 1 << (top - low), chunks, step)
        _move(ak, ar, ak, out, counts, np.uint64(low), step, False)
        return out
    msd = min(_MSD_MAX_BITS, max(8, _bit_length(np.uint64(m)) - 4))
    shift = top - msd
    bk, br = empty_rows(m, np.uint64), empty_rows(m, np.int32)
    counts = _digit_counts(keys, np.uint64(shift), 1 << msd, chunks, step)
    bucket = _move(keys, rows, ak, ar, counts, np.uint64(shift), step, True)
    _sort_buckets(ak, ar, bk, br, out, bucket, shift)
    return out


@register_jitable
def _argsort_numeric(a, ascending, na_last):
    n = len(a)
    all_keys = radix_keys(a, ascending)
    if count_missing(a) == 0:
        return radix_argsort(all_keys, row_numbers(n))
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
