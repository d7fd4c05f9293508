"""Stable sorting of rows by key columns: the permutation ``sort_values`` and ``groupby`` use.

One numeric key goes through numpy's stable sort of the values (missing values
set aside and placed first or last, descending done as pandas does it: sort the
reversed values and reverse the result, which keeps ties in their original
order). Any other key — strings, several columns — uses a bottom-up merge sort
of row numbers with ``row_compare``, over the buffers, no objects.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

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


@register_jitable
def radix_argsort(keys, rows):
    """Stable LSD radix sort of row numbers ``rows`` by uint64 ``keys`` (one per row number);
    digit passes where every key has the same digit are skipped."""
    m = len(rows)
    hist = np.zeros((_PASSES, _RADIX), np.int64)
    for j in range(m):
        k = keys[j]
        for p in range(_PASSES):
            hist[p, np.int64((k >> np.uint64(p * _RADIX_BITS)) & np.uint64(_RADIX - 1))] += 1
    src_rows, src_keys = rows.copy(), keys.copy()
    dst_rows, dst_keys = empty_rows(m, np.int64), empty_rows(m, np.uint64)
    for p in range(_PASSES):
        h = hist[p]
        if m == 0 or h.max() == m:
            continue
        pos = np.empty(_RADIX, np.int64)
        acc = 0
        for d in range(_RADIX):
            pos[d] = acc
            acc += h[d]
        shift = np.uint64(p * _RADIX_BITS)
        for j in range(m):
            k = src_keys[j]
            d = np.int64((k >> shift) & np.uint64(_RADIX - 1))
            dst_rows[pos[d]] = src_rows[j]
            dst_keys[pos[d]] = k
            pos[d] += 1
        src_rows, dst_rows = dst_rows, src_rows
        src_keys, dst_keys = dst_keys, src_keys
    return src_rows


@register_jitable
def _argsort_numeric(a, ascending, na_last):
    n = len(a)
    all_keys = radix_keys(a, ascending)
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
