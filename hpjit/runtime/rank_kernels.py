"""Ranks of a column's values, as pandas' ``rank``, per group and for a whole column.

``ranks_in_order`` walks the rows in their sorted order (sorted by value, radix for numbers,
then regrouped by a counting sort: ``by_group``), one run of equal values at a time, so every method (average, min, max, first,
dense) and missing-value option (keep, top, bottom) is one pass. It returns each group's
denominator too — the rows ranked, or the distinct values for ``dense`` — which is what
``pct=True`` divides by and, under MPI, what ranks holding earlier value ranges add to a
rank's own ranks (``dist_series_rank``).
"""
import numpy as np
from numba.extending import register_jitable

from hpjit.runtime.keys import row_compare
from hpjit.typing.columns.arrays import isna_at, take_rows

#: ``method=`` names, by the code the kernel takes
METHODS = ("average", "min", "max", "first", "dense")
#: ``na_option=`` names
NA_OPTIONS = ("keep", "top", "bottom")


@register_jitable
def ranks_in_order(a, group, ngroups, order, method, keep):
    """``(ranks, denominators)``: the 1-based rank of each row of column ``a`` within its group
    (``group``: codes, -1 for rows of no group, which get NaN), ``order`` being the rows sorted
    by group then value with missing values where ``na_option`` puts them; ``keep`` leaves
    missing values unranked (NaN). The walk reads the values gathered in that order, so only
    the gather and the final scatter are random accesses."""
    n = len(a)
    keys = (take_rows(a, order),)
    sg = group[order]
    ranked = np.empty(n, np.float64)
    denominators = np.zeros(ngroups, np.float64)
    j = 0
    while j < n:
        g = sg[j]
        if g < 0 or (keep and isna_at(keys[0], j)):
            ranked[j] = np.nan
            j += 1
            continue
        k = j + 1
        while k < n and sg[k] == g and row_compare(keys, k, keys, j, (True,), True) == 0:
            k += 1
        pos = denominators[g] if method != 4 else 0.0
        ties = k - j
        for t in range(j, k):
            if method == 0:
                v = pos + (ties + 1) / 2.0
            elif method == 1:
                v = pos + 1.0
            elif method == 2:
                v = pos + ties
            elif method == 3:
                v = pos + (t - j) + 1.0
            else:
                v = denominators[g] + 1.0
            ranked[t] = v
        denominators[g] += 1.0 if method == 4 else ties
        j = k
    out = np.empty(n, np.float64)
    out[order] = ranked
    return out, denominators


@register_jitable
def by_group(order, group, ngroups):
    """``order`` (rows sorted by value) regrouped by ``group`` with a stable counting sort: rows
    sorted by group, then value. Rows of no group (-1) come first."""
    start = np.zeros(ngroups + 2, np.int64)
    for i in range(len(group)):
        start[group[i] + 2] += 1
    for g in range(ngroups + 1):
        start[g + 1] += start[g]
    out = np.empty(len(order), np.int64)
    for r in order:
        g = group[r] + 1
        out[start[g]] = r
        start[g] += 1
    return out


@register_jitable
def ranks_of_groups(ranks, group, denominators, pct):
    """``ranks`` as fractions of their group's denominator when ``pct`` (a group with none
    ranked has NaN ranks only)."""
    if pct:
        for i in range(len(ranks)):
            g = group[i]
            if g >= 0 and denominators[g] > 0:
                ranks[i] /= denominators[g]
    return ranks
