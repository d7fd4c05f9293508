"""Stable sorting of rows by key columns: the permutation ``sort_values`` and ``groupby`` use.

One numeric key is radix sorted (``radix_sort``) on uint64 keys whose unsigned
order is the wanted one (``radix_keys``), missing values set aside and placed first or
last; descending inverts the keys, which keeps ties in their original order as pandas
does. A float64 or int64 key column comes back from its sorted keys (``sort_column``)
rather than from a gather, a random read per row. Any other key — strings, several columns — uses a bottom-up merge sort of row
numbers with ``row_compare``, over the buffers, no objects.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.core.kernel import cached_njit
from hpjit.core.memory import empty_rows
from hpjit.runtime.keys import row_compare
from hpjit.typing.columns.arrays import isna_at
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.gather import copy_rows, gather, row_numbers

_RUN = 16


def numeric_key(keys):
    """Whether ``keys`` (a tuple type) is one numeric column, which sorts by its radix keys."""
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


@cached_njit
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
    """``(keys, exact)``: a uint64 per element of numeric column ``a`` whose unsigned order is
    the wanted order (descending by inverting every bit, so ties keep their order either
    way), and whether the keys give the values back (not when a -0.0, keyed as 0.0 so that
    it ties with it, is among them)."""


_SIGN = np.uint64(0x8000000000000000)


@cached_njit(parallel=True)
def _float_keys(bits, ascending):
    """``radix_keys`` of float64s given as their bits: positive numbers above negative ones,
    a negative's bits inverted, -0.0 as 0.0."""
    out = empty_rows(len(bits), np.uint64)
    negative_zeros = 0
    for i in prange(len(bits)):
        b = bits[i]
        negative_zeros += b == _SIGN
        if b == _SIGN:
            b = np.uint64(0)
        b = ~b if b >> np.uint64(63) else b | _SIGN
        out[i] = b if ascending else ~b
    return out, negative_zeros == 0


@cached_njit(parallel=True)
def _signed_keys(vals, ascending):
    """``radix_keys`` of integers (as int64) with the sign bit flipped."""
    out = empty_rows(len(vals), np.uint64)
    for i in prange(len(vals)):
        b = np.uint64(np.int64(vals[i])) ^ _SIGN
        out[i] = b if ascending else ~b
    return out, True


@cached_njit(parallel=True)
def _unsigned_keys(vals, ascending):
    out = empty_rows(len(vals), np.uint64)
    for i in prange(len(vals)):
        b = np.uint64(vals[i])
        out[i] = b if ascending else ~b
    return out, True


@overload(radix_keys)
def _radix_keys(a, ascending):
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Float):
        if a.dtype == types.float64 and a.layout == "C":
            return lambda a, ascending: _float_keys(a.view(np.uint64), ascending)
        return lambda a, ascending: _float_keys(a.astype(np.float64).view(np.uint64), ascending)
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Integer) and not a.dtype.signed:
        return lambda a, ascending: _unsigned_keys(a, ascending)
    return lambda a, ascending: _signed_keys(sort_values_of(a), ascending)


#: what ``radix_sort`` writes of the sorted keys: nothing, the keys, or the float64 or int64
#: values they are the keys of (one more when the keys are descending)
_NO_KEYS, _KEYS, _FLOAT_VALUES, _INT_VALUES = 0, 1, 2, 4


@register_jitable
def _out_bits(k, form):
    """Key ``k`` as ``form`` says to write it (the bits of its value, or itself)."""
    if form < _FLOAT_VALUES:
        return k
    if form & 1:
        k = ~k
    if form >= _INT_VALUES:
        return k ^ _SIGN
    return k ^ _SIGN if k >> np.uint64(63) else ~k


def keyed_column(a):
    """Whether column type ``a`` can be rebuilt from its sorted radix keys (``sort_column``)."""
    return isinstance(a, types.Array) and a.ndim == 1 and a.dtype in (types.float64, types.int64)


def value_form(a, ascending):
    """The ``radix_sort`` form that writes the values of a ``keyed_column`` ``a``."""


@overload(value_form)
def _value_form(a, ascending):
    base = _FLOAT_VALUES if a.dtype == types.float64 else _INT_VALUES
    return lambda a, ascending: base + (0 if ascending else 1)


@cached_njit(parallel=True)
def count_missing(a):
    """How many values of column ``a`` are missing, across threads."""
    missing = 0
    for i in prange(len(a)):
        missing += isna_at(a, i)
    return missing


_ONE_PASS_BITS = 13
_MSD_MAX_BITS = 16
_DIGIT_MIN, _DIGIT_MAX, _SPAN_BITS = 3, 11, 1
_CHUNKS = 8  # a fixed count, at least the threads there are: asking numba makes it uncacheable
_CHUNK_ROWS = 1 << 16
_TASKS = 64
_SAMPLE_BITS, _BUCKET_ROWS, _REFINE_BITS = 16, 1 << 13, 12
_INSERTION = 16
_SMALL = 1 << 12


@register_jitable
def _bit_length(x):
    n = 0
    while n < 64 and (x >> np.uint64(n)) != 0:
        n += 1
    return n


@register_jitable
def _trailing_zeros(x):
    n = 0
    while n < 64 and (x >> np.uint64(n)) & np.uint64(1) == 0:
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


@register_jitable
def _bucket_of(k, shift, mask, base, extra):
    """The bucket of key ``k``: its digit ``(k >> shift) & mask``, or with a refined digit map
    (``_refined_digits``) the digit's first bucket plus its ``extra`` next bits."""
    d = np.int64((k >> shift) & mask)
    if base is None:
        return d
    x = extra[d]
    return base[d] + np.int64((k >> (shift - np.uint64(x))) & np.uint64((1 << x) - 1))


@register_jitable
def _refined_digits(keys, shift, bits):
    """``(base, extra, buckets)``: a digit map for the MSD pass on ``bits`` bits at ``shift``
    that splits a digit holding more than ``_BUCKET_ROWS`` keys (from a sample of about
    ``2**_SAMPLE_BITS`` keys) by its ``extra`` next bits, so that skewed keys (the
    exponents of floats put most keys under a few hundred digits) still make buckets small
    enough to sort in cache; the buckets stay in key order."""
    radix = 1 << bits
    mask = np.uint64(radix - 1)
    every = max(1, len(keys) >> _SAMPLE_BITS)
    seen = np.zeros(radix, np.int64)
    for j in range(0, len(keys), every):
        seen[np.int64((keys[j] >> np.uint64(shift)) & mask)] += 1
    base, extra = np.empty(radix, np.int64), np.empty(radix, np.int64)
    buckets = 0
    for d in range(radix):
        x = 0
        while x < min(shift, _REFINE_BITS) and (seen[d] * every) >> x > _BUCKET_ROWS:
            x += 1
        base[d], extra[d] = buckets, x
        buckets += 1 << x
    return base, extra, buckets


@cached_njit(parallel=True)
def _digit_counts(keys, shift, radix, chunks, step, base=None, extra=None):
    """How many keys of each chunk fall in each of ``radix`` buckets (``_bucket_of``)."""
    counts = np.zeros((chunks, radix), np.int64)
    mask = np.uint64(radix - 1) if base is None else np.uint64(len(base) - 1)
    for c in prange(chunks):
        for j in range(c * step, min(len(keys), (c + 1) * step)):
            counts[c, _bucket_of(keys[j], shift, mask, base, extra)] += 1
    return counts


@cached_njit(parallel=True)
def _move(keys, rows, dst_k, dst_r, counts, shift, step, form, base=None, extra=None):
    """One radix pass: each chunk's rows (and keys, as ``form`` says) to where their bucket
    and chunk start (stable: chunks are placed in order within a bucket); returns where
    each bucket starts. No ``rows`` stands for the row numbers."""
    numbered = len(rows) > 0
    chunks, radix = counts.shape
    mask = np.uint64(radix - 1) if base is None else np.uint64(len(base) - 1)
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
            d = _bucket_of(k, shift, mask, base, extra)
            q = at[d]
            if form != _NO_KEYS:
                dst_k[q] = _out_bits(k, form)
            dst_r[q] = rows[j] if numbered else j
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
def _place(src_k, src_r, out_k, out, s, e, form):
    for j in range(s, e):
        out[j] = src_r[j]
        if form != _NO_KEYS:
            out_k[j] = _out_bits(src_k[j], form)


@register_jitable
def _sort_bucket(ak, ar, bk, br, out_k, out, n, form, hist, stack):
    """Sort the ``n`` rows of ``(ak, ar)`` into ``out`` (and their keys, as ``form`` says,
    into ``out_k``), with scratch buffers ``(bk, br)`` of at least ``n`` rows.

    MSD counting passes in cache, between the ``a`` and ``b`` buffers, each on the top
    digit of the bits in which the keys of a span still differ (so skewed keys, such as
    the exponents of floats, cost no empty passes); the digit has about as many values as
    the span has rows, so that a pass or two leave spans of a row or two. Consecutive short
    spans are already in order among themselves, so one insertion sort over each run of
    them finishes it (no branch per span). A pass whose digit covers all differing bits
    places the rows in their final order. Spans wait on an explicit stack, which grows
    when needed and is returned."""
    stack[0, 0], stack[0, 1], stack[0, 2] = 0, n, 0
    top = 1
    while top > 0:
        top -= 1
        s, e, flip = stack[top, 0], stack[top, 1], stack[top, 2]
        src_k, src_r, dst_k, dst_r = (bk, br, ak, ar) if flip else (ak, ar, bk, br)
        if e - s <= _INSERTION:
            _insertion_sort(src_k, src_r, s, e)
            _place(src_k, src_r, out_k, out, s, e, form)
            continue
        o, a = np.uint64(0), ~np.uint64(0)
        for j in range(s, e):
            o |= src_k[j]
            a &= src_k[j]
        if o == a:
            _place(src_k, src_r, out_k, out, s, e, form)
            continue
        hi, lo = _bit_length(o ^ a), _trailing_zeros(o ^ a)
        wide = _bit_length(np.uint64(e - s)) - _SPAN_BITS
        width = min(hi - lo, max(_DIGIT_MIN, min(_DIGIT_MAX, wide)))
        shift, radix = np.uint64(hi - width), 1 << width
        mask = np.uint64(radix - 1)
        hist[:radix] = 0
        for j in range(s, e):
            hist[np.int64((src_k[j] >> shift) & mask)] += 1
        acc = s
        for d in range(radix):
            c = hist[d]
            hist[d] = acc
            acc += c
        if width == hi - lo:
            for j in range(s, e):
                k = src_k[j]
                d = np.int64((k >> shift) & mask)
                q = hist[d]
                out[q] = src_r[j]
                if form != _NO_KEYS:
                    out_k[q] = _out_bits(k, form)
                hist[d] = q + 1
            continue
        for j in range(s, e):
            k = src_k[j]
            d = np.int64((k >> shift) & mask)
            q = hist[d]
            dst_k[q] = k
            dst_r[q] = src_r[j]
            hist[d] = q + 1
        if top + radix > len(stack):
            grown = np.empty((2 * len(stack) + radix, 3), np.int64)
            grown[:top] = stack[:top]
            stack = grown
        run, start = s, s
        for d in range(radix):
            end = hist[d]
            if end - start > _INSERTION:
                _insertion_sort(dst_k, dst_r, run, start)
                _place(dst_k, dst_r, out_k, out, run, start, form)
                stack[top, 0], stack[top, 1], stack[top, 2] = start, end, 1 - flip
                top += 1
                run = end
            start = end
        _insertion_sort(dst_k, dst_r, run, e)
        _place(dst_k, dst_r, out_k, out, run, e, form)
    return stack


@cached_njit(parallel=True)
def _sort_buckets(ak, ar, out_k, out, bucket, form):
    """``_sort_bucket`` of every bucket, in spans of about equal rows across threads; each
    span's scratch buffers are sized for its longest bucket and reused by all its buckets,
    so they stay in cache."""
    m, radix = len(ak), len(bucket) - 1
    edges = np.empty(_TASKS + 1, np.int64)
    d = 0
    for t in range(_TASKS):
        while d < radix and bucket[d] < t * m // _TASKS:
            d += 1
        edges[t] = d
    edges[_TASKS] = radix
    keyed = form != _NO_KEYS
    for t in prange(_TASKS):
        longest = 0
        for d in range(edges[t], edges[t + 1]):
            longest = max(longest, bucket[d + 1] - bucket[d])
        bk, br = np.empty(longest, np.uint64), np.empty(longest, np.int32)
        hist = np.empty(1 << _DIGIT_MAX, np.int64)
        stack = np.empty((256, 3), np.int64)
        for d in range(edges[t], edges[t + 1]):
            s, e = bucket[d], bucket[d + 1]
            if e > s:
                stack = _sort_bucket(ak[s:e], ar[s:e], bk, br, out_k[s:e] if keyed else out_k,
                                     out[s:e], e - s, form, hist, stack)


@cached_njit(parallel=True)
def _keys_as(keys, form):
    """A copy of ``keys``, each as ``form`` says, across threads."""
    out = empty_rows(len(keys), np.uint64)
    for j in prange(len(keys)):
        out[j] = _out_bits(keys[j], form)
    return out


@cached_njit
def radix_sort(keys, rows, form):
    """Stable radix sort of row numbers ``rows`` by uint64 ``keys`` (one per row number; no
    rows for ``0..len(keys)-1``): ``(sorted keys, sorted rows)``, the keys written as
    ``form`` says (an empty array for ``_NO_KEYS``).

    Keys already in order cost one read; otherwise only the bits in which keys differ are
    sorted on. Up to 26 of them (ids, codes, small ranges) take one or two LSD passes over
    all rows; more (floats, wide integers) take one MSD pass on the top 16, after which
    each bucket, small enough to stay in cache, is sorted on by ``_sort_bucket``. Each pass
    cuts the rows into chunks for the threads, and rows move as int32 between passes.
    Short inputs, and inputs of 2**31 rows or more, take numpy's stable sort."""
    m = len(keys)
    numbered = len(rows) > 0
    out_k = empty_rows(0 if form == _NO_KEYS else m, np.uint64)
    if m < _SMALL or m >= 2 ** 31:
        order = np.argsort(keys, kind="mergesort")
        if form != _NO_KEYS:
            out_k = _keys_as(keys[order], form)
        return out_k, rows[order] if numbered else order
    chunks = max(1, min(_CHUNKS, m // _CHUNK_ROWS))
    step = (m + chunks - 1) // chunks
    varying, ordered = _varying_bits(keys, chunks, step)
    top = _bit_length(varying)
    if top == 0 or ordered:
        return (out_k if form == _NO_KEYS else _keys_as(keys, form)), \
            copy_rows(rows) if numbered else row_numbers(m)
    out = empty_rows(m, np.int64)
    if top <= _ONE_PASS_BITS:
        counts = _digit_counts(keys, np.uint64(0), 1 << top, chunks, step)
        _move(keys, rows, out_k, out, counts, np.uint64(0), step, form)
        return out_k, out
    ak, ar = empty_rows(m, np.uint64), empty_rows(m, np.int32)
    if top <= 2 * _ONE_PASS_BITS:
        low = top - top // 2
        counts = _digit_counts(keys, np.uint64(0), 1 << low, chunks, step)
        _move(keys, rows, ak, ar, counts, np.uint64(0), step, _KEYS)
        counts = _digit_counts(ak, np.uint64(low), 1 << (top - low), chunks, step)
        _move(ak, ar, out_k, out, counts, np.uint64(low), step, form)
        return out_k, out
    msd = min(_MSD_MAX_BITS, max(8, _bit_length(np.uint64(m)) - 4))
    shift = top - msd
    base, extra, buckets = _refined_digits(keys, shift, msd)
    counts = _digit_counts(keys, np.uint64(shift), buckets, chunks, step, base, extra)
    bucket = _move(keys, rows, ak, ar, counts, np.uint64(shift), step, _KEYS, base, extra)
    _sort_buckets(ak, ar, out_k, out, bucket, form)
    return out_k, out


@cached_njit
def radix_argsort(keys, rows):
    """``rows`` in the stable order of ``keys`` (``radix_sort`` without the keys)."""
    return radix_sort(keys, rows, _NO_KEYS)[1]


@cached_njit
def _sort_numeric(a, ascending, na_last, form):
    """``(values, order)``: the stable order of numeric column ``a``'s rows and, if nothing
    is missing and ``radix_keys`` gives the values back, their values in that order as
    ``radix_sort``'s ``form`` says (else an empty array)."""
    n = len(a)
    all_keys, exact = radix_keys(a, ascending)
    if count_missing(a) == 0:
        return radix_sort(all_keys, np.empty(0, np.int64), form if exact else _NO_KEYS)
    present = empty_rows(n, np.int64)
    keys = empty_rows(n, np.uint64)
    m = 0
    for i in range(n):
        if not isna_at(a, i):
            present[m] = i
            keys[m] = all_keys[i]
            m += 1
    order = radix_argsort(keys[:m], present[:m])
    return np.empty(0, np.uint64), _place_missing(a, order, n, na_last)


@cached_njit
def order_keys(a, ascending, na_last):
    """``radix_keys`` of numeric column ``a`` with its missing values keyed last (all ones) or
    first (zero): keys in the order ``sort_values`` gives the rows, ties allowed."""
    keys = radix_keys(a, ascending)[0]
    if count_missing(a) > 0:
        missing = ~np.uint64(0) if na_last else np.uint64(0)
        for i in range(len(a)):
            if isna_at(a, i):
                keys[i] = missing
    return keys


@cached_njit
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
    if numeric_key(keys):
        return lambda keys, ascending, na_last: _sort_numeric(keys[0], ascending[0], na_last,
                                                              _NO_KEYS)[1]

    def impl(keys, ascending, na_last):
        n = len(keys[0])
        return _merge_argsort(keys, ascending, na_last, np.arange(n))
    return impl


def sort_column(a, ascending, na_last):
    """``(order, values)``: the stable order of the rows of a ``keyed_column`` ``a`` and its
    values in that order, made from the sorted radix keys instead of gathered (a random read
    per row) when nothing is missing and the keys give the values back."""


@overload(sort_column)
def _sort_column(a, ascending, na_last):
    dtype = np.float64 if a.dtype == types.float64 else np.int64

    def impl(a, ascending, na_last):
        bits, order = _sort_numeric(a, ascending, na_last, value_form(a, ascending))
        if len(bits) == len(a):
            return order, bits.view(dtype)
        return order, gather(a, order)
    return impl


def argsort_selected(keys, idx, ascending, na_last):
    """``idx`` (row numbers) reordered so the rows they name are sorted; stable in ``idx`` order."""


@overload(argsort_selected)
def _argsort_selected(keys, idx, ascending, na_last):
    def impl(keys, idx, ascending, na_last):
        return _merge_argsort(keys, ascending, na_last, idx.copy())
    return impl
