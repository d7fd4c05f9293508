"""An open-addressing hash table over flat arrays: rows of key columns → group numbers.

``factorize(keys, dropna)`` numbers the distinct keys in order of first
appearance. The table is an int64 array of slots holding group numbers, probed
linearly from the row's hash; a group is stored as its first row, so comparing
keys reads the columns' own buffers (strings too) and nothing is copied per row.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.runtime.keys import row_has_missing, row_hash, rows_equal


@register_jitable
def _capacity(n):
    cap = 16
    while cap < 2 * n:
        cap *= 2
    return cap


@register_jitable
def row_hashes(keys, n):
    h = np.empty(n, np.uint64)
    for i in prange(n):
        h[i] = row_hash(keys, i)
    return h


def factorize(keys, dropna):
    """``(group, first)``: the group number of each row (-1 where a key is missing and
    ``dropna``), and the first row of each group, groups numbered by first appearance.

    One integer key whose values span at most a few times the row count (ids, codes,
    small categories — the usual case) is numbered through a direct-address array
    instead of the hash table."""


@overload(factorize)
def _factorize(keys, dropna):
    if len(keys) == 1 and isinstance(keys[0], types.Array) and \
            isinstance(keys[0].dtype, types.Integer):
        def impl(keys, dropna):
            k = keys[0]
            n = len(k)
            if n > 0:
                lo, hi = k.min(), k.max()
                span = np.int64(hi) - np.int64(lo) + 1
                if 0 < span <= max(4 * n, 1 << 16):
                    group, first, _ = dense_factorize(k, lo, span)
                    return group, first
            group, first, _, _ = build_table(keys, dropna)
            return group, first
        return impl

    def impl(keys, dropna):
        group, first, _, _ = build_table(keys, dropna)
        return group, first
    return impl


@register_jitable
def dense_factorize(k, lo, span):
    """``factorize`` of integers in ``[lo, lo + span)``; also returns the value → group array."""
    slot = np.full(span, -1, np.int64)
    n = len(k)
    group = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
    ngroups = 0
    for i in range(n):
        d = np.int64(k[i]) - np.int64(lo)
        g = slot[d]
        if g < 0:
            g = ngroups
            slot[d] = g
            first[g] = i
            ngroups += 1
        group[i] = g
    return group, first[:ngroups].copy(), slot


@register_jitable
def build_table(keys, dropna):
    """``factorize`` plus the table and row hashes, for probing with ``find_group``."""
    n = len(keys[0])
    hashes = row_hashes(keys, n)
    mask = _capacity(n) - 1
    table = np.full(mask + 1, -1, np.int64)
    group = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
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
