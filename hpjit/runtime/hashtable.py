"""An open-addressing hash table over flat arrays: rows of key columns → group numbers.

``factorize(keys, dropna)`` numbers the distinct keys in order of first
appearance. The table is an int64 array of slots holding group numbers, probed
linearly from the row's hash; a group is stored as its first row, so comparing
keys reads the columns' own buffers (strings too) and nothing is copied per row.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.core.kernel import cached_njit
from hpjit.core.memory import empty_rows
from hpjit.runtime.key_codes import codable, dense_factorize, key_groups
from hpjit.runtime.keys import row_has_missing, row_hash, rows_equal


@register_jitable
def _capacity(n):
    cap = 16
    while cap < 2 * n:
        cap *= 2
    return cap


@register_jitable  # serial inside the kernels that call it: in parallel, hashing string keys ran
def row_hashes(keys, n):  # 1.4-3.5x slower and unevenly (TPC-H q1's groupby, 2 cores)
    h = empty_rows(n, np.uint64)
    for i in prange(n):
        h[i] = row_hash(keys, i)
    return h


def factorize(keys, dropna):
    """``(group, first)``: the group number of each row (-1 where a key is missing and
    ``dropna``), and the first row of each group, groups numbered by first appearance.

    One integer key whose values span at most a few times the row count (ids, codes,
    small categories — the usual case, ``compact_span``) is numbered through a
    direct-address array instead of the hash table; so are other keys of integers, dates and
    short strings whose combined codes stay compact (``key_codes``)."""


def one_integer_key(keys):
    """Whether the key columns (a tuple type) are one integer array."""
    return len(keys) == 1 and isinstance(keys[0], types.Array) and \
        isinstance(keys[0].dtype, types.Integer)


@cached_njit
def compact_span(k):
    """``(lo, span)`` of integer array ``k`` when its values span at most a few times its
    length (ids, codes, small categories: the usual key), so that an array indexed by
    ``value - lo`` can number them; ``span`` is 0 otherwise."""
    if len(k) == 0:
        return np.int64(0), np.int64(0)
    lo, hi = value_range(k)
    span = hi - lo + 1
    if 0 < span <= max(4 * len(k), 1 << 16):
        return lo, span
    return lo, np.int64(0)


@cached_njit(parallel=True)
def value_range(k):
    """(min, max) of a non-empty integer array as int64, in one pass across threads."""
    lo = np.int64(k[0])
    hi = lo
    for i in prange(len(k)):
        v = np.int64(k[i])
        lo = min(lo, v)
        hi = max(hi, v)
    return lo, hi


@overload(factorize)
def _factorize(keys, dropna):
    if one_integer_key(keys):
        def impl(keys, dropna):
            lo, span = compact_span(keys[0])
            if span > 0:
                group, first, _ = dense_factorize(keys[0], lo, span)
                return group, first
            group, first, _, _ = build_table(keys, dropna)
            return group, first
        return impl

    if all(codable(t) for t in keys):
        def impl(keys, dropna):
            group, first, ok = key_groups(keys, dropna)
            if ok:
                return group, first
            group, first, _, _ = build_table(keys, dropna)
            return group, first
        return impl

    def impl(keys, dropna):
        group, first, _, _ = build_table(keys, dropna)
        return group, first
    return impl


@cached_njit(parallel=True)
def dense_lookup(k, slot, lo, span):
    """``slot[k[i] - lo]`` for each integer ``k[i]`` (-1 outside ``[lo, lo + span)``): the
    number a value → number array gives each row, across threads."""
    out = empty_rows(len(k), np.int64)
    for i in prange(len(k)):
        d = np.int64(k[i]) - lo
        out[i] = slot[d] if 0 <= d < span else -1
    return out


@cached_njit
def build_table(keys, dropna):
    """``factorize`` plus the table and row hashes, for probing with ``find_group``."""
    n = len(keys[0])
    hashes = row_hashes(keys, n)
    mask = _capacity(n) - 1
    table = empty_rows(mask + 1, np.int64)
    table[:] = -1
    group = empty_rows(n, np.int64)
    first = empty_rows(n, np.int64)
    ngroups = 0
    for i in range(n):
        if dropna and row_has_missing(keys, i):
            group[i] = -1
            continue
        h = hashes[i]
        slot = np.int64(h & np.uint64(mask))
        while True:
            g = table[slot]
            if g < 0:
                table[slot] = ngroups
                first[ngroups] = i
                group[i] = ngroups
                ngroups += 1
                break
            r = first[g]
            if hashes[r] == h and rows_equal(keys, r, keys, i):
                group[i] = g
                break
            slot = (slot + 1) & mask
    return group, first[:ngroups].copy(), table, hashes


@register_jitable
def find_group(table, first, hashes, keys, probe, i, h):
    """The group of ``keys`` (a built table's rows) equal to row ``i`` of ``probe`` (hash ``h``),
    or -1."""
    mask = len(table) - 1
    slot = np.int64(h & np.uint64(mask))
    while True:
        g = table[slot]
        if g < 0:
            return -1
        r = first[g]
        if hashes[r] == h and rows_equal(keys, r, probe, i):
            return g
        slot = (slot + 1) & mask
