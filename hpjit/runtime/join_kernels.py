"""Equi-join kernels: which left row pairs with which right row, in pandas' order.

``join_rows`` builds a hash table on the right keys, groups the right rows by key
(counting sort, so each key's rows stay in right order) and probes it with every
left row: pairs come out in left order, each left row's matches in right order —
pandas' order for ``how='left'`` and ``'inner'``. A left row with no match pairs
with -1 when unmatched left rows are kept; unmatched right rows (-1 on the left)
are appended in right order when those are kept. Missing keys match each other,
as in pandas' merge.
"""
import numpy as np
from numba import prange
from numba.extending import overload, register_jitable

from hpjit.core.kernel import cached_njit
from hpjit.core.memory import empty_rows
from hpjit.runtime.hashtable import (build_table, compact_span, dense_lookup, find_group,
                                     one_integer_key, row_hashes)
from hpjit.runtime.key_codes import dense_factorize


def match_groups(lkeys, rkeys):
    """``(rgroup, rfirst, lgroup)``: the right rows numbered by key, and for each left row the
    number of the right key it equals (-1 if none)."""


@register_jitable
def _hashed_groups(lkeys, rkeys):
    rgroup, rfirst, table, rhashes = build_table(rkeys, False)
    nl = len(lkeys[0])
    lhashes = row_hashes(lkeys, nl)
    lgroup = empty_rows(nl, np.int64)
    for i in range(nl):
        lgroup[i] = find_group(table, rfirst, rhashes, rkeys, lkeys, i, lhashes[i])
    return rgroup, rfirst, lgroup


@overload(match_groups)
def _match_groups(lkeys, rkeys):
    if not (one_integer_key(rkeys) and lkeys[0] == rkeys[0]):
        return _hashed_groups

    def impl(lkeys, rkeys):
        lo, span = compact_span(rkeys[0])
        if span > 0:
            rgroup, rfirst, slot = dense_factorize(rkeys[0], lo, span)
            return rgroup, rfirst, dense_lookup(lkeys[0], slot, lo, span)
        return _hashed_groups(lkeys, rkeys)
    return impl


@cached_njit(parallel=True)
def _lookup_pairs(lgroup, rfirst, keep_left):
    """The pairs when each right key is on one row (``rfirst[g]``): a lookup per left row, no
    grouping of the right rows (the grouping's random reads were most of the join's time).
    When every left row is kept, row i is pair i, and the pairs are filled across threads."""
    nl = len(lgroup)
    matched = 0
    for i in prange(nl):
        matched += lgroup[i] >= 0
    total = nl if keep_left else matched
    lrows = empty_rows(total, np.int64)
    rrows = empty_rows(total, np.int64)
    if total == nl:
        for i in prange(nl):
            g = lgroup[i]
            lrows[i] = i
            rrows[i] = rfirst[g] if g >= 0 else -1
        return lrows, rrows
    k = 0
    for i in range(nl):
        g = lgroup[i]
        if g >= 0:
            lrows[k] = i
            rrows[k] = rfirst[g]
            k += 1
    return lrows, rrows


@register_jitable
def join_rows(lkeys, rkeys, keep_left, keep_right):
    """``(lrows, rrows)``: the joined pairs of row numbers (-1 for the missing side)."""
    nl, nr = len(lkeys[0]), len(rkeys[0])
    rgroup, rfirst, lgroup = match_groups(lkeys, rkeys)
    ngroups = len(rfirst)
    if ngroups == nr and not keep_right:
        return _lookup_pairs(lgroup, rfirst, keep_left)
    start = np.zeros(ngroups + 1, np.int64)
    for j in range(nr):
        start[rgroup[j] + 1] += 1
    for g in range(ngroups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    by_group = np.empty(nr, np.int64)
    for j in range(nr):
        g = rgroup[j]
        by_group[fill[g]] = j
        fill[g] += 1
    total = 0
    for i in range(nl):
        g = lgroup[i]
        total += start[g + 1] - start[g] if g >= 0 else (1 if keep_left else 0)
    matched = np.zeros(ngroups, np.bool_)
    lrows = empty_rows(total, np.int64)
    rrows = empty_rows(total, np.int64)
    k = 0
    for i in range(nl):
        g = lgroup[i]
        if g >= 0:
            matched[g] = True
            for p in range(start[g], start[g + 1]):
                lrows[k] = i
                rrows[k] = by_group[p]
                k += 1
        elif keep_left:
            lrows[k] = i
            rrows[k] = -1
            k += 1
    if not keep_right:
        return lrows, rrows
    extra = 0
    for j in range(nr):
        if not matched[rgroup[j]]:
            extra += 1
    lout = empty_rows(total + extra, np.int64)
    rout = empty_rows(total + extra, np.int64)
    lout[:total] = lrows
    rout[:total] = rrows
    k = total
    for j in range(nr):
        if not matched[rgroup[j]]:
            lout[k] = -1
            rout[k] = j
            k += 1
    return lout, rout


@cached_njit(parallel=True)
def key_slots(k, lo, span):
    """The direct-address table of a join's right side on one integer key ``k`` with values in
    ``[lo, lo + span)``: ``slots[v - lo]`` is the row holding key ``v`` (-1 for none), and a
    last entry, -1, that keys out of range look up. Empty when a key repeats: the table
    then cannot say which rows pair, and the join takes the general way. Filled across
    threads: a repeated key leaves some row not in its slot, which a second pass finds."""
    slots = empty_rows(span + 1, np.int64)
    for d in prange(span + 1):
        slots[d] = -1
    for j in prange(len(k)):
        slots[np.int64(k[j]) - lo] = j
    lost = 0
    for j in prange(len(k)):
        lost += slots[np.int64(k[j]) - lo] != j
    if lost > 0:
        return np.empty(0, np.int64)
    return slots


@register_jitable
def _entry(v, lo, width):
    d = np.int64(v) - lo
    return d if 0 <= d < width else width


@cached_njit(parallel=True)
def count_matched(k, lo, slots):
    """How many left keys ``k`` find a right row in ``slots`` (``key_slots``)."""
    width = len(slots) - 1
    matched = 0
    for i in prange(len(k)):
        matched += slots[_entry(k[i], lo, width)] >= 0
    return matched


@cached_njit(parallel=True)
def count_in_range(k, lo, span):
    """How many keys ``k`` lie in ``[lo, lo + span)``: the matches when the right side holds
    every key of that range (no lookup needed)."""
    inside = 0
    for i in prange(len(k)):
        inside += 0 <= np.int64(k[i]) - lo < span
    return inside


@cached_njit(parallel=True)
def key_positions(k, lo, width):
    """Each left key's entry in a table of ``width + 1`` entries laid out by key value (the
    last one when out of range)."""
    at = empty_rows(len(k), np.int64)
    for i in prange(len(k)):
        at[i] = _entry(k[i], lo, width)
    return at


@cached_njit(parallel=True)
def take_by_key(table, k, lo):
    """``table``'s entry for each left key ``k``: a right column laid out by key value
    (``key_slots``), looked up without materialising the entries."""
    width = len(table) - 1
    out = empty_rows(len(k), table.dtype)
    for i in prange(len(k)):
        out[i] = table[_entry(k[i], lo, width)]
    return out


@cached_njit
def matched_rows(k, lo, slots, matched):
    """The left rows (ascending) whose key finds a right row in ``slots``."""
    width = len(slots) - 1
    rows = empty_rows(matched, np.int64)
    m = 0
    for i in range(len(k)):
        if slots[_entry(k[i], lo, width)] >= 0:
            rows[m] = i
            m += 1
    return rows
