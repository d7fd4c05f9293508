"""Distributed twins of the distinct-row and top-n methods (same arguments as the method).

``value_counts``, ``unique`` and ``nlargest``/``nsmallest`` give small results, whole on
every rank: each rank reduces its rows first (counts per distinct key, its distinct values,
its own top n), the partial results are gathered in rank order — so first appearance in
the gathered rows is global first appearance and equal values keep global row order — and
the reduction is applied again. ``drop_duplicates`` keeps its rows on their ranks: each rank
sends one row per distinct local key to the rank owning the key's range; the owner decides,
from the arrival order (rank order), which copy survives and answers each sender.
Imported only when the world has more than one rank.
"""
import numpy as np
from numba.extending import overload, register_jitable

from hpjit.runtime.groupby_kernels import agg_sum, group_sizes, take_key_rows
from hpjit.runtime.hashtable import factorize
from hpjit.transforms.distributed.frame_collectives import alltoallv_column, gather, gather_column
from hpjit.transforms.distributed.frame_collectives import with_global_range
from hpjit.transforms.distributed.shuffle import (gather_keys, range_destinations,
                                                  rows_by_destination, shuffle_columns)
from hpjit.typing import distinct
from hpjit.typing.columns.arrays import take_rows
from hpjit.typing.operations import collective
from hpjit.typing.series import SeriesType


@collective("allgatherv of each rank's counts per value, combined")
def dist_value_counts(s, normalize=False, sort=True, ascending=False, bins=None, dropna=True):
    """``s.value_counts(...)`` of split rows, whole on every rank."""


@overload(dist_value_counts, prefer_literal=True)
def _dist_value_counts(s, normalize=False, sort=True, ascending=False, bins=None, dropna=True):
    spec = distinct.counts_spec(s, normalize, sort, ascending, bins, dropna)
    drop = spec.dropna

    def impl(s, normalize=False, sort=True, ascending=False, bins=None, dropna=True):
        keys, counts = distinct.distinct_counts((s._data,), drop)
        keys, counts = distinct.merge_counts(gather_keys(keys), gather_column(counts), drop)
        return distinct.counts_result(keys, counts, spec)
    return impl


@collective("allgatherv of each rank's distinct values, combined")
def dist_unique(s):
    """``s.unique()`` of split rows, whole on every rank, in global first-appearance order."""


@overload(dist_unique)
def _dist_unique(s):
    return lambda s: distinct.unique_values(gather_column(distinct.unique_values(s._data)))


def _top_n_twin(name):
    """``dist_<name>``: every rank's top n gathered (in rank order, so ties keep global row
    order), then the top n of those, whole on every rank."""
    def twin(x, n=5, columns=None, keep="first"):
        pass
    twin.__name__ = twin.__qualname__ = f"dist_{name}"
    twin.__doc__ = f"``x.{name}(...)`` of split rows, whole on every rank."

    @overload(twin)
    def _twin(x, n=5, columns=None, keep="first"):
        if isinstance(x, SeriesType):
            src = (f"def impl(x, n=5, columns=None, keep='first'):\n"
                   f"    return gather(x.{name}(n)).{name}(n)\n")
        else:
            src = (f"def impl(x, n=5, columns=None, keep='first'):\n"
                   f"    return gather(x.{name}(n, columns)).{name}(n, columns)\n")
        ns = {"gather": gather, "__name__": __name__}
        exec(src, ns)
        return ns["impl"]
    return twin


dist_nlargest = _top_n_twin("nlargest")
collective("allgatherv of each rank's top n, then the top n of those")(dist_nlargest)
dist_nsmallest = _top_n_twin("nsmallest")
collective("allgatherv of each rank's top n, then the top n of those")(dist_nsmallest)


@register_jitable
def dist_keep_rows(keys, keep):
    """``distinct.keep_rows`` over every rank's rows: this rank's mask."""
    group, first = factorize(keys, False)
    ngroups = len(first)
    reps = first if keep != 1 else distinct.group_last(group, ngroups)
    sizes = group_sizes(group, ngroups)
    rkeys = take_key_rows(keys, reps)
    dest = range_destinations(rkeys, np.ones(len(keys), np.bool_), True)
    rows, counts = rows_by_destination(dest)
    okeys = shuffle_columns(rkeys, rows, counts)
    osizes, received = alltoallv_column(take_rows(sizes, rows), counts)
    ogroup, ofirst = factorize(okeys, False)
    decide = np.zeros(len(ogroup), np.bool_)
    if keep == 2:
        total = agg_sum(osizes, ogroup, len(ofirst))
        for i in range(len(ogroup)):
            decide[i] = total[ogroup[i]] == 1
    else:
        owners = ofirst if keep == 0 else distinct.group_last(ogroup, len(ofirst))
        for r in owners:
            decide[r] = True
    answer, _ = alltoallv_column(decide, received)
    kept = np.zeros(ngroups, np.bool_)
    for j in range(len(rows)):
        kept[rows[j]] = answer[j]
    mask = np.zeros(len(group), np.bool_)
    if keep == 2:
        for i in range(len(group)):
            mask[i] = kept[group[i]]
        return mask
    for g in range(ngroups):
        mask[reps[g]] = kept[g]
    return mask


@collective('alltoallv: one row per local key to its owner (range-partitioned), which answers which copy is kept')
def dist_drop_duplicates(x, subset=None, keep="first", inplace=False, ignore_index=False):
    """``df.drop_duplicates(...)`` of split rows: this rank's surviving rows."""


@overload(dist_drop_duplicates, prefer_literal=True)
def _dist_drop_duplicates(x, subset=None, keep="first", inplace=False, ignore_index=False):
    return distinct.drop_duplicates_impl(x, subset, keep, ignore_index, "DataFrame.drop_duplicates",
                                         dist_keep_rows, relabel=with_global_range)


@collective('alltoallv: one row per local value to its owner (range-partitioned), which answers which copy is kept')
def dist_duplicated(x, subset=None, keep="first"):
    """``df.duplicated(...)`` of split rows: this rank's rows' flags."""


@overload(dist_duplicated, prefer_literal=True)
def _dist_duplicated(x, subset=None, keep="first"):
    return distinct.duplicated_impl(x, subset, keep, "DataFrame.duplicated", dist_keep_rows)


@collective('alltoallv: one row per local value to its owner (range-partitioned), which answers which copy is kept')
def dist_series_duplicated(x, keep="first"):
    """``s.duplicated(...)`` of split rows: this rank's rows' flags."""


@overload(dist_series_duplicated, prefer_literal=True)
def _dist_series_duplicated(x, keep="first"):
    return distinct.duplicated_impl(x, None, keep, "Series.duplicated", dist_keep_rows)


@collective('alltoallv: one row per local value to its owner (range-partitioned), which answers which copy is kept')
def dist_series_drop_duplicates(x, keep="first", inplace=False):
    """``s.drop_duplicates(...)`` of split rows: this rank's surviving rows."""


@overload(dist_series_drop_duplicates, prefer_literal=True)
def _dist_series_drop_duplicates(x, keep="first", inplace=False):
    return distinct.drop_duplicates_impl(x, None, keep, False, "Series.drop_duplicates",
                                         dist_keep_rows)
