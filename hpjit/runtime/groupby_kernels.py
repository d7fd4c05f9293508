"""Group-by kernels over flat arrays: number the groups, then one pass per aggregated column.

``group_rows`` gives every row its group number (-1 for rows whose key is
missing, which pandas' ``dropna=True`` leaves out) and the first row of each
group; with ``sort`` the groups are numbered in key order, as pandas orders its
result. Each ``agg_*`` kernel then reads the column once and writes one value
per group, skipping missing values as pandas does.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.core.generated import tuple_map_impl
from hpjit.core.kernel import cached_njit
from hpjit.core.memory import empty_rows
from hpjit.runtime.hashtable import compact_span, dense_lookup, factorize, one_integer_key
from hpjit.runtime.keys import key_compare
from hpjit.runtime.sort_kernels import argsort_rows
from hpjit.typing.columns.arrays import isna_at, take_rows, values_of
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import StringArrayType, make_string_array, str_isna


@register_jitable
def group_rows(keys, dropna, sort):
    """``(group, first)``: group number per row and first row per group (in key order if ``sort``)."""
    if sort:
        return sorted_groups(keys, dropna)
    return factorize(keys, dropna)


def sorted_groups(keys, dropna):
    """``group_rows(keys, dropna, True)``. One integer key of compact range is numbered in key
    order straight from its values (``dense_sorted_groups``); other keys are numbered by
    first appearance, and the numbers then ranked by sorting each group's key."""


@overload(sorted_groups)
def _sorted_groups(keys, dropna):
    if one_integer_key(keys):
        def impl(keys, dropna):
            lo, span = compact_span(keys[0])
            if span > 0:
                return dense_sorted_groups(keys[0], lo, span)
            return _ranked_groups(keys, dropna)
        return impl
    return lambda keys, dropna: _ranked_groups(keys, dropna)


@cached_njit
def _ranked_groups(keys, dropna):
    group, first = factorize(keys, dropna)
    ngroups = len(first)
    firsts_keys = take_key_rows(keys, first)
    order = argsort_rows(firsts_keys, np.ones(len(keys), np.bool_), True)
    rank = np.empty(ngroups, np.int64)
    for r in range(ngroups):
        rank[order[r]] = r
    for i in range(len(group)):
        g = group[i]
        if g >= 0:
            group[i] = rank[g]
    return group, first[order]


@cached_njit(parallel=True)
def dense_numbering(k, lo, span):
    """(number, ngroups): for each value ``lo + d`` of ``[lo, lo + span)``, its group number
    in key order (-1 where no row has it) — which values occur (across threads), then a
    running count over them."""
    present = np.zeros(span, np.bool_)
    for i in prange(len(k)):
        d = np.int64(k[i]) - lo
        if not present[d]:  # a write only the first time: few keys, lines stay shared
            present[d] = True
    number = np.empty(span, np.int64)
    ngroups = 0
    for d in range(span):
        number[d] = ngroups if present[d] else -1
        ngroups += present[d]
    return number, ngroups


@cached_njit(parallel=True)
def dense_sorted_groups(k, lo, span):
    """Groups of integers in ``[lo, lo + span)`` numbered in key order (``dense_numbering``),
    each row's number looked up across threads. The first row of each group comes from a
    scan that stops once every group has been seen."""
    n = len(k)
    number, ngroups = dense_numbering(k, lo, span)
    group = dense_lookup(k, number, lo, span)
    first = np.full(ngroups, -1, np.int64)
    seen = 0
    for i in range(n):
        g = group[i]
        if first[g] < 0:
            first[g] = i
            seen += 1
            if seen == ngroups:
                break
    return group, first


@register_jitable
def dense_direct(k, lo, span):
    """Whether the by-key-value kernels (``dense_group_sums``, ``_dense_tables``) suit key
    column ``k``: a compact range no wider than the rows, so their per-chunk tables stay
    within the rows' own size."""
    return 0 < span <= len(k)


@register_jitable
def _dense_chunks(n, span):
    """Chunks of rows the by-key-value kernels count or sum apart: a count fixed by the
    sizes, so a sum's rounding does not depend on the threads."""
    return min(_CHUNKS, max(1, n // (4 * span)))


@register_jitable
def _fold_parts(parts, number, out):
    for d in prange(parts.shape[1]):
        g = number[d]
        if g >= 0:
            total = parts[0, d]
            for c in range(1, parts.shape[0]):
                total += parts[c, d]
            out[g] = total
    return out


@cached_njit(parallel=True)
def dense_group_sums(a, k, lo, number, out):
    """``out[number[v - lo]]`` = the sum of the non-missing values of ``a`` on the rows whose
    key ``k`` is ``v``: summed by key value straight from the rows, no group number per row,
    chunks of rows apart across threads."""
    n = len(k)
    chunks = _dense_chunks(n, len(number))
    parts = np.zeros((chunks, len(number)), out.dtype)
    for c in prange(chunks):
        part = parts[c]
        for i in range(c * n // chunks, (c + 1) * n // chunks):
            x = a[i]
            if x == x:
                part[np.uint64(k[i] - lo)] += x
    return _fold_parts(parts, number, out)


@cached_njit(parallel=True)
def dense_group_sums2(a, b, k, lo, number, out_a, out_b):
    """``dense_group_sums`` of two columns in one pass over the keys."""
    n = len(k)
    chunks = _dense_chunks(n, len(number))
    parts_a = np.zeros((chunks, len(number)), out_a.dtype)
    parts_b = np.zeros((chunks, len(number)), out_b.dtype)
    for c in prange(chunks):
        part_a, part_b = parts_a[c], parts_b[c]
        for i in range(c * n // chunks, (c + 1) * n // chunks):
            d = np.uint64(k[i] - lo)
            x, y = a[i], b[i]
            if x == x:
                part_a[d] += x
            if y == y:
                part_b[d] += y
    return _fold_parts(parts_a, number, out_a), _fold_parts(parts_b, number, out_b)


@cached_njit(parallel=True)
def dense_group_counts(a, k, lo, number, out):
    """As ``dense_group_sums``, the number of non-missing values."""
    n = len(k)
    chunks = _dense_chunks(n, len(number))
    parts = np.zeros((chunks, len(number)), np.int64)
    for c in prange(chunks):
        part = parts[c]
        for i in range(c * n // chunks, (c + 1) * n // chunks):
            if a[i] == a[i]:
                part[np.uint64(k[i] - lo)] += 1
    return _fold_parts(parts, number, out)


@cached_njit(parallel=True)
def dense_keys(number, lo, ngroups, k):
    """The key of each group numbered by ``dense_numbering``, of ``k``'s dtype."""
    out = np.empty(ngroups, k.dtype)
    for d in prange(len(number)):
        if number[d] >= 0:
            out[number[d]] = lo + d
    return out


@cached_njit(parallel=True)
def _dense_tables(k, lo, span, last):
    """Per value ``lo + d`` of integer column ``k``: how many rows hold it and its first row
    (its last, if ``last``; ``len(k)`` or -1 when none). Counted by key value, chunks of rows
    apart across threads, each scanning so that its final write is the wanted row; a
    value's count and row sit side by side, one cache line a row."""
    n = len(k)
    chunks = _dense_chunks(n, span)
    tables = np.empty((chunks, span, 2), np.int64)
    none = -1 if last else n
    for c in prange(chunks):
        table = tables[c]
        for d in range(span):
            table[d, 0] = 0
            table[d, 1] = none
        lo_row, hi_row = c * n // chunks, (c + 1) * n // chunks
        for j in range(hi_row - lo_row):
            i = lo_row + j if last else hi_row - 1 - j
            d = np.uint64(np.int64(k[i]) - lo)
            table[d, 0] += 1
            table[d, 1] = i
    total = empty_rows(span, np.int64)
    at = empty_rows(span, np.int64)
    for d in prange(span):
        count, row = tables[0, d, 0], tables[0, d, 1]
        for c in range(1, chunks):
            count += tables[c, d, 0]
            row = max(row, tables[c, d, 1]) if last else min(row, tables[c, d, 1])
        total[d], at[d] = count, row
    return total, at


@cached_njit(parallel=True)
def dense_first_counts(k, lo, span):
    """``(values, counts)``: the distinct values of integer column ``k`` (in
    ``[lo, lo + span)``) in order of first appearance, and how many rows hold each."""
    total, first = _dense_tables(k, lo, span, False)
    present = np.flatnonzero(total)
    order = present[argsort_rows((first[present],), (True,), True)]
    values = np.empty(len(order), k.dtype)
    for g in prange(len(order)):
        values[g] = lo + order[g]
    return values, total[order]


@cached_njit(parallel=True)
def dense_keep_mask(k, lo, span, keep):
    """``drop_duplicates``' kept rows of integer column ``k`` (in ``[lo, lo + span)``) as a
    mask: each value's first row (``keep`` 0), last row (1), or the rows of values held by
    one row only (2)."""
    n = len(k)
    total, at = _dense_tables(k, lo, span, keep == 1)
    mask = np.zeros(n, np.bool_)
    if keep == 2:
        for i in prange(n):
            mask[i] = total[np.int64(k[i]) - lo] == 1
        return mask
    for d in prange(span):
        if total[d] > 0:
            mask[at[d]] = True
    return mask


def take_key_rows(keys, rows):
    """Rows ``rows`` of every key column (a tuple)."""


@overload(take_key_rows)
def _take_key_rows(keys, rows):
    return tuple_map_impl(take_rows, ("keys", "rows"), "take_rows")(len(keys))


@register_jitable
def group_sizes(group, ngroups):
    out = np.zeros(ngroups, np.int64)
    for i in range(len(group)):
        if group[i] >= 0:
            out[group[i]] += 1
    return out


@register_jitable
def agg_count(a, group, ngroups):
    out = np.zeros(ngroups, np.int64)
    for i in range(len(group)):
        g = group[i]
        if g >= 0 and not isna_at(a, i):
            out[g] += 1
    return out


def _sum_dtype(a):
    dt = a.dtype
    if isinstance(dt, types.Float):
        return np.float64
    if isinstance(dt, types.Integer) and not dt.signed and dt.bitwidth == 64:
        return np.uint64
    return np.int64


def agg_sum(a, group, ngroups):
    """Sum per group, missing values skipped (an all-missing group sums to 0, as pandas)."""


@cached_njit
def _string_group_sums(a, group, ngroups):
    """Each group's present strings joined in row order; a group with none is '' (pandas)."""
    sizes = np.zeros(ngroups + 1, np.int64)
    for i in range(len(group)):
        g = group[i]
        if g >= 0 and not str_isna(a, i):
            sizes[g + 1] += a._offsets[i + 1] - a._offsets[i]
    offsets = np.cumsum(sizes)
    data = np.empty(offsets[ngroups], np.uint8)
    at = offsets[:ngroups].copy()
    for i in range(len(group)):
        g = group[i]
        if g >= 0 and not str_isna(a, i):
            start, stop = a._offsets[i], a._offsets[i + 1]
            data[at[g]:at[g] + stop - start] = a._data[start:stop]
            at[g] += stop - start
    return make_string_array(offsets, data, np.full((ngroups + 7) >> 3, 0xFF, np.uint8))


@overload(agg_sum)
def _agg_sum(a, group, ngroups):
    if isinstance(a, StringArrayType):
        return lambda a, group, ngroups: _string_group_sums(a, group, ngroups)
    if isinstance(a, MaskedArrayType):
        dt = _sum_dtype(a)

        def impl(a, group, ngroups):
            out = np.zeros(ngroups, dt)
            for i in range(len(group)):
                g = group[i]
                if g >= 0 and not a._mask[i]:
                    out[g] += a._values[i]
            return make_masked(out, np.zeros(ngroups, np.bool_))
        return impl
    dt = _sum_dtype(a)
    if isinstance(a, types.Array) and isinstance(a.dtype, (types.Integer, types.Float,
                                                           types.Boolean)):
        return lambda a, group, ngroups: group_sum_into(a, group, np.zeros(ngroups, dt))

    def impl(a, group, ngroups):
        out = np.zeros(ngroups, dt)
        for i in range(len(group)):
            g = group[i]
            if g >= 0 and not isna_at(a, i):
                out[g] += a[i]
        return out
    return impl


#: chunks of rows summed apart (a fixed number, so the rounding does not depend on the
#: thread count), the rows a chunk must hold for that to pay off
_CHUNKS, _CHUNK_ROWS = 8, 1 << 16


@cached_njit()
def group_sum_into(a, group, out):
    """``out[g] +=`` the values of group g's rows (NaN skipped) of a numeric array; with many
    rows a group, the threads sum contiguous chunks of rows apart (``_chunk_sums``)."""
    n, ngroups = len(group), len(out)
    if n < _CHUNKS * _CHUNK_ROWS or ngroups * _CHUNKS * 4 > n:
        _chunk_sums(a, group, out.reshape((1, ngroups)))
        return out
    parts = _chunk_sums(a, group, np.zeros((_CHUNKS, ngroups), out.dtype))
    for c in range(_CHUNKS):
        for g in range(ngroups):
            out[g] += parts[c, g]
    return out


@cached_njit(parallel=True)
def _chunk_sums(a, group, parts):
    """Row ``c`` of ``parts``: the sums per group of the rows of chunk ``c``."""
    chunks, n = parts.shape[0], len(group)
    for c in prange(chunks):
        for i in range(c * n // chunks, (c + 1) * n // chunks):
            g = group[i]
            if g >= 0 and a[i] == a[i]:
                parts[c, g] += a[i]
    return parts


def agg_prod(a, group, ngroups):
    """Product per group, missing values skipped."""


@overload(agg_prod)
def _agg_prod(a, group, ngroups):
    dt = _sum_dtype(a)

    def impl(a, group, ngroups):
        v = values_of(a)
        out = np.ones(ngroups, dt)
        for i in range(len(group)):
            g = group[i]
            if g >= 0 and not isna_at(a, i):
                out[g] *= v[i]
        return as_nullable(a, out)
    return impl


def as_nullable(a, out):
    """An aggregate ``out`` of column ``a``, nullable when ``a`` is (pandas' ``Float64`` /
    ``Int64`` results): a float group's NaN — no values — is missing there."""


@overload(as_nullable)
def _as_nullable(a, out):
    if not isinstance(a, MaskedArrayType):
        return lambda a, out: out
    if isinstance(out.dtype, types.Float):
        def impl(a, out):
            missing = np.isnan(out)
            return make_masked(np.where(missing, 0.0, out), missing)
        return impl
    return lambda a, out: make_masked(out, np.zeros(len(out), np.bool_))


@cached_njit
def _sums_counts(a, group, ngroups):
    v = values_of(a)
    s = np.zeros(ngroups, np.float64)
    c = np.zeros(ngroups, np.int64)
    for i in range(len(group)):
        g = group[i]
        if g >= 0 and not isna_at(a, i):
            s[g] += v[i]
            c[g] += 1
    return s, c


@register_jitable
def agg_mean(a, group, ngroups):
    s, c = _sums_counts(a, group, ngroups)
    return as_nullable(a, ratio(s, c))


@cached_njit
def ratio(s, c):
    """Means from per-group sums and counts (NaN, or missing for nullable sums, where the
    count is 0)."""
    v = values_of(s)
    out = np.empty(len(v), np.float64)
    for g in range(len(v)):
        out[g] = v[g] / c[g] if c[g] > 0 else np.nan
    return as_nullable(s, out)


@register_jitable
def _var(a, group, ngroups, ddof):
    """Sample variance per group by Welford's update in row order — pandas' own algorithm, so
    the result is pandas' to the last bit (a later ``duplicated`` or merge on it agrees)."""
    v = values_of(a)
    c = np.zeros(ngroups, np.int64)
    mean = np.zeros(ngroups, np.float64)
    m2 = np.zeros(ngroups, np.float64)
    for i in range(len(group)):
        g = group[i]
        if g >= 0 and not isna_at(a, i):
            x = np.float64(v[i])
            c[g] += 1
            old = mean[g]
            mean[g] += (x - old) / c[g]
            m2[g] += (x - mean[g]) * (x - old)
    out = np.empty(ngroups, np.float64)
    for g in range(ngroups):
        out[g] = m2[g] / (c[g] - ddof) if c[g] - ddof > 0 else np.nan
    return out


@register_jitable
def agg_var(a, group, ngroups, ddof):
    return as_nullable(a, _var(a, group, ngroups, ddof))


@register_jitable
def agg_std(a, group, ngroups, ddof):
    return as_nullable(a, np.sqrt(_var(a, group, ngroups, ddof)))


@register_jitable
def _pick_rows(a, group, ngroups, last):
    """Per group: its first (last) row with a value, else a row of the group (a missing one)."""
    pick = np.full(ngroups, -1, np.int64)
    found = np.zeros(ngroups, np.bool_)
    n = len(group)
    for k in range(n):
        i = n - 1 - k if last else k
        g = group[i]
        if g >= 0 and not found[g]:
            if not isna_at(a, i):
                pick[g] = i
                found[g] = True
            elif pick[g] < 0:
                pick[g] = i
    return pick


@register_jitable
def agg_first(a, group, ngroups):
    return take_rows(a, _pick_rows(a, group, ngroups, False))


@register_jitable
def agg_last(a, group, ngroups):
    return take_rows(a, _pick_rows(a, group, ngroups, True))


@register_jitable
def minmax_rows(a, group, ngroups, is_max):
    """Per group: the row of its minimum (maximum if ``is_max``) value, else a row of the
    group (a missing one), -1 for a group without rows."""
    pick = np.full(ngroups, -1, np.int64)
    for i in range(len(group)):
        g = group[i]
        if g < 0:
            continue
        p = pick[g]
        if p < 0 or isna_at(a, p):
            pick[g] = i
        elif not isna_at(a, i):
            c = key_compare(a, i, a, p)
            if (c > 0) if is_max else (c < 0):
                pick[g] = i
    return pick


@register_jitable
def agg_minmax(a, group, ngroups, is_max):
    """Minimum (maximum if ``is_max``) per group, missing values skipped."""
    return take_rows(a, minmax_rows(a, group, ngroups, is_max))


@register_jitable
def agg_nunique(a, group, ngroups):
    """Distinct present values per group: the (group, value) pairs numbered by the hash table."""
    pairs, first = factorize((group, a), False)
    out = np.zeros(ngroups, np.int64)
    for r in first:
        if group[r] >= 0 and not isna_at(a, r):
            out[group[r]] += 1
    return out


@register_jitable
def agg_median(a, group, ngroups):
    """Median per group of the present values (the mean of the middle two for an even count)."""
    order = argsort_rows((group, a), (True, True), True)
    c = agg_count(a, group, ngroups)
    v = values_of(a)
    out = np.full(ngroups, np.nan)
    start = 0
    n = len(order)
    while start < n and group[order[start]] < 0:
        start += 1
    for g in range(ngroups):
        size = 0
        while start + size < n and group[order[start + size]] == g:
            size += 1
        m = c[g]
        if m > 0:
            lo = v[order[start + (m - 1) // 2]]
            hi = v[order[start + m // 2]]
            out[g] = (lo + hi) / 2.0
        start += size
    return as_nullable(a, out)
