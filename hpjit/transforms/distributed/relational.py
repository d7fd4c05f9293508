"""Distributed ``sort_values``/``sort_index`` and ``groupby`` aggregations.

The distributed pass calls these in place of ``sort_frame`` and
``groupby_aggregate`` (same spec types) for distributed inputs. Rows are range
partitioned by key (``hpjit.transforms.distributed.shuffle``), so every rank's local result is
its slice of pandas' global order and the output stays distributed (OneD_Var).

A groupby whose aggregations combine (sum, count, size, min, max, first, last,
prod, mean) first aggregates locally: only one partial row per local group moves,
so a key holding most of the rows costs no more than any other. var, std, median
and nunique move the rows themselves.
Imported only when the world has more than one rank.
"""
import os

import numba
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl
from hpjit.core.mpi import block_range
from hpjit.runtime import groupby_kernels as kernels  # noqa: F401  named in generated code
from hpjit.runtime.collectives import (OP_MAX, OP_MIN, OP_SUM, allreduce, alltoallv_array,
                                       world_rank_now, world_size_now)
from hpjit.transforms.distributed.frame_collectives import (alltoallv_column, block_rows, gather,
                                                            with_global_range)
from hpjit.transforms.distributed.shuffle import (destinations, global_offset, range_destinations,
                                                  rows_by_destination, sample_splitters,
                                                  shuffle_columns)
from hpjit.typing import concat
from hpjit.typing import frame_join as jn
from hpjit.typing import groupby as gb_typing
from hpjit.typing import groupby_transform as gt
from hpjit.typing import merge as mg
from hpjit.typing import group_rolling as grl
from hpjit.typing import rank as rk
from hpjit.typing import reshape as rs
from hpjit.typing.columns.arrays import take_rows
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import (IndexNames, KeyIndexType, MultiKeyIndexType, index_key_columns,
                                index_len, index_take, make_key_index, range_index_type)
from hpjit.typing.index_columns import label_columns, label_names
from hpjit.typing.operations import collective
from hpjit.typing.series import SeriesType, init_series
from hpjit.typing.sort_values import SortSpec, sort_frame, sort_keys

# --- sort ----------------------------------------------------------------------


def shuffle_index(idx, rows, counts):
    """The labels of rows ``rows`` sent ``counts[r]`` at a time to rank r."""


@overload(shuffle_index)
def _shuffle_index(idx, rows, counts):
    if isinstance(idx, (KeyIndexType, MultiKeyIndexType)):
        names = IndexNames(label_names(idx))
        return lambda idx, rows, counts: make_key_index(
            shuffle_columns(index_key_columns(idx), rows, counts), names)
    return lambda idx, rows, counts: alltoallv_column(index_take(idx, rows), counts)[0]


@collective('alltoallv: rows range-partitioned by key (sampled splitters), then sorted locally')
def dist_sort_frame(x, spec):
    """``sort_frame(x, spec)`` of a distributed frame or series: this rank's slice of the order."""


@overload(dist_sort_frame)
def _dist_sort_frame(x, spec):
    s = spec.instance_type
    asc, na_last = s.ascending, s.na_last
    data = "x._data" if isinstance(x, DataFrameType) else "(x._data,)"
    build = "init_frame(cols, idx, x)" if isinstance(x, DataFrameType) else \
        "init_series(cols[0], idx, x)"
    # labels that ignore_index drops are not moved (unless they are the keys: sort_index)
    moved = "x._index" if s.ignore_index and s.by is not None else \
        "shuffle_index(x._index, rows, counts)"
    src = (f"def impl(x, spec):\n"
           f"    dest = range_destinations(sort_keys(x, spec), asc, na_last)\n"
           f"    rows, counts = rows_by_destination(dest)\n"
           f"    cols = shuffle_columns({data}, rows, counts)\n"
           f"    idx = {moved}\n"
           f"    return with_global_range(sort_frame({build}, spec))\n")
    ns = dict(range_destinations=range_destinations, sort_keys=sort_keys, asc=asc,
              na_last=na_last, rows_by_destination=rows_by_destination,
              shuffle_columns=shuffle_columns, shuffle_index=shuffle_index,
              with_global_range=with_global_range, sort_frame=sort_frame, init_frame=init_frame,
              init_series=init_series)
    exec(src, ns)
    return ns["impl"]


# --- groupby -------------------------------------------------------------------

#: per aggregation: the local partials (function, which) and how to combine them
_PARTIALS = {"sum": (("sum",), "sum"), "count": (("count",), "sum"), "size": (("size",), "sum"),
             "min": (("min",), "min"), "max": (("max",), "max"), "first": (("first",), "first"),
             "last": (("last",), "last"), "prod": (("prod",), "prod"),
             "mean": (("sum", "count"), "mean")}


def _combinable(spec):
    return all(f in _PARTIALS for _, _, f in spec.outputs)


def _combined_source(spec):
    """Source of ``impl(gb, spec)``: local partial aggregates, shuffle them, combine, build."""
    parts, combine = [], []
    df = spec.gb.df
    for _, c, f in spec.outputs:
        col = f"data[{df.column_index(c)}]" if c else None
        first_part = len(parts)
        for p in _PARTIALS[f][0]:  # counts stay plain int64 until combined
            parts.append(f"kernels.agg_count({col}, group, ngroups)" if p == "count" else
                         "kernels.group_sizes(group, ngroups)" if p == "size" else
                         gb_typing._kernel_call(p, col))
        how = _PARTIALS[f][1]
        if how == "mean":
            combine.append(f"kernels.ratio(kernels.agg_sum(sparts[{first_part}], group, ngroups), "
                           f"kernels.agg_sum(sparts[{first_part + 1}], group, ngroups))")
        elif f in ("count", "size") and col:  # Int64 for a nullable column, as pandas gives
            combine.append(f"kernels.as_nullable({col}, kernels.agg_sum(sparts[{first_part}], "
                           f"group, ngroups))")
        else:
            combine.append(gb_typing._kernel_call(how, f"sparts[{first_part}]"))
    nkeys = len(spec.gb.keys)
    return (f"def impl(gb, spec):\n"
            f"    data = gb._df._data\n"
            f"    keys = {gb_typing.key_columns_source(spec)}\n"
            f"    group, first = kernels.group_rows(keys, {spec.gb.dropna}, False)\n"
            f"    ngroups = len(first)\n"
            f"    parts = ({''.join(p + ', ' for p in parts)})\n"
            f"    pkeys = kernels.take_key_rows(keys, first)\n"
            f"    dest = range_destinations(pkeys, np.ones({nkeys}, np.bool_), True)\n"
            f"    rows, counts = rows_by_destination(dest)\n"
            f"    keys = shuffle_columns(pkeys, rows, counts)\n"
            f"    sparts = shuffle_columns(parts, rows, counts)\n"
            f"    group, first = kernels.group_rows(keys, {spec.gb.dropna}, True)\n"
            f"    ngroups = len(first)\n"
            + gb_typing.result_source(spec, f"({''.join(c + ', ' for c in combine)})",
                                      "global_offset(ngroups)"))


def _moved_rows_source(spec):
    """Source of ``impl(gb, spec)``: move the rows by key, aggregate them locally."""
    nkeys = len(spec.gb.keys)
    return (f"def impl(gb, spec):\n"
            f"    data = gb._df._data\n"
            f"    keys = {gb_typing.key_columns_source(spec)}\n"
            f"    dest = range_destinations(keys, np.ones({nkeys}, np.bool_), True)\n"
            f"    rows, counts = rows_by_destination(dest)\n"
            f"    data = shuffle_columns(data, rows, counts)\n"
            f"    keys = {gb_typing.key_columns_source(spec)}\n"
            f"    group, first = kernels.group_rows(keys, {spec.gb.dropna}, True)\n"
            f"    ngroups = len(first)\n"
            + gb_typing.result_source(spec, gb_typing.outputs_source(spec),
                                      "global_offset(ngroups)"))


@collective('alltoallv: groups range-partitioned by key, then aggregated locally')
def dist_groupby_aggregate(gb, spec):
    """``groupby_aggregate(gb, spec)`` of a distributed frame: this rank's slice of the groups."""


@overload(dist_groupby_aggregate)
def _dist_groupby_aggregate(gb, spec):
    s = spec.instance_type
    ns = gb_typing.result_globals(s)
    ns.update(np=np, range_destinations=range_destinations, rows_by_destination=rows_by_destination,
              shuffle_columns=shuffle_columns, global_offset=global_offset)
    if s.gb.bins is not None:
        ns.update(allreduce=allreduce, OP_MIN=OP_MIN, OP_MAX=OP_MAX, OP_SUM=OP_SUM,
                  deal_bins=deal_bins)
        exec(gb_typing.binned_source(s, _GLOBAL_SPAN, _BINS_TO_OWNERS), ns)
    else:
        exec(_combined_source(s) if _combinable(s) else _moved_rows_source(s), ns)
    return ns["impl"]


_GLOBAL_SPAN = ("    first, last = allreduce(first, OP_MIN), allreduce(last, OP_MAX)\n"
                "    missing = allreduce(missing, OP_SUM)\n")
_BINS_TO_OWNERS = ("    dest, group, start, ngroups = deal_bins(group, ngroups)\n"
                   "    rows, counts = rows_by_destination(dest)\n"
                   "    group = shuffle_columns((group,), rows, counts)[0]\n"
                   "    cols = shuffle_columns(cols, rows, counts)\n"
                   "    lo += start\n")


@register_jitable
def deal_bins(group, nbins):
    """Time bins dealt to the ranks in blocks: ``(dest, group, start, n)``, each row's rank
    and its bin counted from that rank's first, this rank's first bin and how many it owns.
    A row without a bin (NaT) stays."""
    size, rank = world_size_now(), world_rank_now()
    per = max(1, (nbins + size - 1) // size)
    dest = np.empty(len(group), np.int64)
    local = np.empty(len(group), np.int64)
    for i in range(len(group)):
        g = group[i]
        dest[i] = g // per if g >= 0 else rank
        local[i] = g - dest[i] * per if g >= 0 else -1
    start = min(rank * per, nbins)
    return dest, local, start, min(per, nbins - start)


# --- merge ---------------------------------------------------------------------

def broadcast_rows():
    """A right side of at most this many rows (all ranks together) is gathered to every rank
    for an inner or left join instead of shuffling both sides; ``HPJIT_BROADCAST_ROWS``
    overrides it. Read when the join runs: compiled (and cached) code does not bake it in."""
    return int(os.environ.get("HPJIT_BROADCAST_ROWS", 1_000_000))


@register_jitable
def _broadcast_rows():
    with numba.objmode(limit="int64"):
        limit = broadcast_rows()
    return limit


@collective("alltoallv of both sides range-partitioned by key (or allgatherv of a small right side), joined locally, pandas' row order restored")
def dist_merge_frames(left, right, spec, left_dist, right_dist):
    """``merge_frames`` where one or both sides are distributed (``*_dist``: literal bools; a
    replicated side is split into blocks first). Result: this rank's slice, pandas' order."""


def _positions(take_from, rows):
    return f"positions_of({take_from}, {rows})"


@register_jitable
def positions_of(pos, rows):
    """``pos[rows]``, -1 where a row is -1."""
    out = np.empty(len(rows), np.int64)
    for j in range(len(rows)):
        out[j] = pos[rows[j]] if rows[j] >= 0 else -1
    return out


def _merge_source(s, ldist, rdist):
    nout = len(s.outputs)
    hidden = ""
    if s.how == "outer":
        hidden = mg.outer_keys_source(s, "L", "R")
    broadcast = s.how in ("inner", "left")
    return (f"def impl(left, right, spec, left_dist, right_dist):\n"
            f"    left = {'left' if ldist else 'block_rows(left)'}\n"
            f"    right = {'right' if rdist else 'block_rows(right)'}\n"
            + ("    if allreduce(len(right), OP_SUM) <= broadcast_rows():\n"
               "        return with_global_range(merge_frames(left, gather(right), spec))\n"
               if broadcast else "") +
            f"    nl, nr = len(left), len(right)\n"
            f"    lpos = np.arange(nl) + global_offset(nl)\n"
            f"    rpos = np.arange(nr) + global_offset(nr)\n"
            f"    lkeys = {_keys_src(s.left, s.lkeys, 'left')}\n"
            f"    rkeys = {_keys_src(s.right, s.rkeys, 'right')}\n"
            f"    ones = np.ones({len(s.lkeys)}, np.bool_)\n"
            f"    samples, splitters = sample_splitters(lkeys, ones, True)\n"
            f"    lr, lc = rows_by_destination(destinations(samples, splitters, lkeys, ones, True))\n"
            f"    rr, rc = rows_by_destination(destinations(samples, splitters, rkeys, ones, True))\n"
            f"    L = init_frame(shuffle_columns(left._data, lr, lc), make_range_index(0, 0, 1), "
            f"left)\n"
            f"    R = init_frame(shuffle_columns(right._data, rr, rc), make_range_index(0, 0, 1), "
            f"right)\n"
            f"    Lpos = shuffle_columns((lpos,), lr, lc)[0]\n"
            f"    Rpos = shuffle_columns((rpos,), rr, rc)[0]\n"
            f"    nl = len(Lpos)\n"
            + mg.pairs_source(s, "L", "R") +
            f"    cols = {mg.columns_source(s, 'L', 'R')}\n"
            f"    extra = ({hidden}{_positions('Lpos', 'lrows')}, {_positions('Rpos', 'rrows')})\n"
            f"    tmp = init_frame(cols + extra, make_range_index(0, len(lrows), 1), tmp_type)\n"
            f"    srt = dist_sort_frame(tmp, sort_spec)\n"
            f"    return init_frame(({''.join(f'column_at(srt, {k}), ' for k in range(nout))}), "
            f"srt._index, out_type)\n")


def _keys_src(df, names, var):
    return "(" + "".join(f"column_at({var}, {df.column_index(k)}), " for k in names) + ")"


@overload(dist_merge_frames, prefer_literal=True)
def _dist_merge_frames(left, right, spec, left_dist, right_dist):

    s = spec.instance_type
    out = s.out_type
    nkeys = len(s.lkeys) if s.how == "outer" else 0
    hidden = [f"__hpjit_key{k}" for k in range(nkeys)]
    key_types = mg.outer_key_types(s)[:nkeys]
    pos_t = types.Array(types.int64, 1, "C")
    tmp_type = DataFrameType(out.columns + tuple(hidden) + ("__hpjit_lpos", "__hpjit_rpos"),
                             out.data + tuple(key_types) + (pos_t, pos_t), range_index_type)
    order = {"right": ["__hpjit_rpos", "__hpjit_lpos"]}.get(
        s.how, hidden + ["__hpjit_lpos", "__hpjit_rpos"])
    sort_spec = SortSpec(tuple(order), (True,) * len(order), True, True)
    ns = mg._merge_globals(s)
    ns.update(block_rows=block_rows, gather=gather, allreduce=allreduce, OP_SUM=OP_SUM,
              broadcast_rows=_broadcast_rows, with_global_range=with_global_range,
              merge_frames=mg.merge_frames, global_offset=global_offset,
              sample_splitters=sample_splitters, destinations=destinations,
              rows_by_destination=rows_by_destination, shuffle_columns=shuffle_columns,
              tmp_type=tmp_type, positions_of=positions_of, sort_spec=sort_spec, dist_sort_frame=dist_sort_frame,
              np=np)
    exec(_merge_source(s, left_dist.literal_value, right_dist.literal_value), ns)
    return ns["impl"]


@collective('a merge with the labels as columns: alltoallv of both sides range-partitioned by key (or allgatherv of a small other side)')
def dist_join_frames(df, other, spec, left_dist, right_dist):
    """``join_frames`` where one or both sides are distributed: the same labels-as-columns
    merge, through ``dist_merge_frames``."""


@overload(dist_join_frames, prefer_literal=True)
def _dist_join_frames(df, other, spec, left_dist, right_dist):
    s = spec.instance_type
    src = ("def impl(df, other, spec, left_dist, right_dist):\n" +
           jn.join_source(s, "dist_merge_frames(left, right, mspec, left_dist, right_dist)"))
    return gen_impl(src, dist_merge_frames=dist_merge_frames, **jn.join_globals(s))


# --- concat --------------------------------------------------------------------


@register_jitable
def block_counts(start, n, total):
    """How many of global rows [start, start + n) fall in each rank's equal block of ``total``."""
    size = world_size_now()
    counts = np.zeros(size, np.int64)
    for r in range(size):
        lo, hi = block_range(total, r, size)
        counts[r] = max(0, min(hi, start + n) - max(lo, start))
    return counts


def place_rows(x, base, total):
    """This rank's rows of ``x`` (split; rows ``base``... of a ``total``-row concatenation) sent to
    the ranks whose equal blocks of the concatenation hold them."""


@overload(place_rows)
def _place_rows(x, base, total):
    if isinstance(x, SeriesType):
        data, build = "shuffle_columns((x._data,), rows, counts)[0]", init_series
    else:
        data, build = "shuffle_columns(x._data, rows, counts)", init_frame
    ns = dict(np=np, index_len=index_len, global_offset=global_offset, block_counts=block_counts,
              shuffle_columns=shuffle_columns, shuffle_index=shuffle_index, build=build)
    exec(f"def impl(x, base, total):\n"
         f"    n = index_len(x._index)\n"
         f"    counts = block_counts(base + global_offset(n), n, total)\n"
         f"    rows = np.arange(n)\n"
         f"    return build({data}, shuffle_index(x._index, rows, counts), x)\n", ns)
    return ns["impl"]


@collective("alltoallv: each object's rows to the ranks holding their block of the result")
def dist_concat(objs, flags, axis=0, join="outer", ignore_index=False, keys=None, levels=None,
                names=None, verify_integrity=False, sort=False, copy=None):
    """``pd.concat(objs)`` where some objects are split (``flags``: 'd' split, 'r' whole, per
    object): each object's rows go to the ranks holding their block of the result, which
    concatenate what they receive — pandas' order, equal blocks."""


@overload(dist_concat, prefer_literal=True)
def _dist_concat(objs, flags, axis=0, join="outer", ignore_index=False, keys=None, levels=None,
                 names=None, verify_integrity=False, sort=False, copy=None):
    concat.concat_plan(objs, ignore_index)  # the same checks and errors
    n = len(objs)
    split = flags.literal_value
    lines = [f"    x{k} = {'objs[%d]' % k if split[k] == 'd' else 'block_rows(objs[%d])' % k}\n"
             f"    n{k} = allreduce(index_len(x{k}._index), OP_SUM)\n" for k in range(n)]
    lines.append(f"    total = {' + '.join(f'n{k}' for k in range(n))}\n")
    base = "0"
    for k in range(n):
        lines.append(f"    p{k} = place_rows(x{k}, {base}, total)\n")
        base = f"{base} + n{k}"
    parts = "".join(f"p{k}, " for k in range(n))
    ns = dict(block_rows=block_rows, allreduce=allreduce, OP_SUM=OP_SUM, index_len=index_len,
              place_rows=place_rows, pd=__import__("pandas"), with_global_range=with_global_range)
    exec(f"def impl({concat.PARAMS.replace('objs, ', 'objs, flags, ')}):\n" + "".join(lines)
         + f"    return with_global_range(pd.concat(({parts}), ignore_index=ignore_index))\n", ns)
    return ns["impl"]


# --- groupby transforms --------------------------------------------------------


def place_back(outs, rows, received):
    """Columns ``outs`` computed from rows received (``received[r]`` from rank r) returned to
    the ranks they came from, each value at its row (``rows``: the order they were sent in)."""


@overload(place_back)
def _place_back(outs, rows, received):
    items = "".join(f"take_rows(alltoallv_column(outs[{k}], received)[0], sent_as), "
                    for k in range(len(outs)))
    ns = dict(alltoallv_column=alltoallv_column, take_rows=take_rows, _sent_as=_sent_as)
    exec(f"def impl(outs, rows, received):\n    sent_as = _sent_as(rows)\n"
         f"    return ({items})\n", ns)
    return ns["impl"]


@register_jitable
def _sent_as(rows):
    """Where each row was in the order sent (the inverse of ``rows``)."""
    at = np.empty(len(rows), np.int64)
    for j in range(len(rows)):
        at[rows[j]] = j
    return at


@register_jitable
def dist_transform_columns(keys, cols, spec):
    """``transform_columns`` over every rank's rows: rows go to the rank owning their key (in
    rank order, so each group's rows arrive in global row order), outputs come back."""
    dest = range_destinations(keys, np.ones(len(keys), np.bool_), True)
    rows, counts = rows_by_destination(dest)
    _, received = alltoallv_array(rows, counts)
    outs = gt.transform_columns(shuffle_columns(keys, rows, counts),
                                shuffle_columns(cols, rows, counts), spec)
    return place_back(outs, rows, received)


def _transform_twin(s, params):
    """``impl(<params>)`` of a transform twin: ``spec`` ``s`` over every rank's rows."""
    ns = dict(dist_transform_columns=dist_transform_columns, init_series=init_series,
              init_frame=init_frame, out_t=s.out_type, spec_t=s)
    exec(gt.transform_call_source(s, "dist_transform_columns", params, "spec_t"), ns)
    return ns["impl"]


_BY_KEY_AND_BACK = "alltoallv: rows to the rank owning their key, results back to their rows"


def _cumulative_twin(func):
    def twin(gb):
        pass
    twin.__name__ = twin.__qualname__ = f"dist_groupby_{func}"
    twin.__doc__ = f"``gb.{func}()`` of split rows: each rank's rows' results."
    collective(_BY_KEY_AND_BACK)(twin)

    @overload(twin)
    def _twin(gb):
        return _transform_twin(gt.transform_spec(gb, func, f"groupby(...).{func}()"), "gb")
    return twin


for _f in gt.CUMULATIVE + ("cumcount",):
    globals()[f"dist_groupby_{_f}"] = _cumulative_twin(_f)


@collective(_BY_KEY_AND_BACK)
def dist_groupby_transform(gb, func):
    """``gb.transform(func)`` of split rows: each rank's rows' results."""


@overload(dist_groupby_transform, prefer_literal=True)
def _dist_groupby_transform(gb, func):
    what = "groupby(...).transform"
    return _transform_twin(gt.transform_spec(gb, gt.transform_func(func, what), what), "gb, func")


@collective(_BY_KEY_AND_BACK)
def dist_groupby_shift(gb, periods=1):
    """``gb.shift(periods)`` of split rows: each rank's rows' results."""


@collective(_BY_KEY_AND_BACK)
def dist_groupby_diff(gb, periods=1):
    """``gb.diff(periods)`` of split rows: each rank's rows' results."""


@collective(_BY_KEY_AND_BACK)
def dist_groupby_rank(gb, method="average", ascending=True, na_option="keep", pct=False):
    """``gb.rank(...)`` of split rows: each rank's rows' results."""


overload(dist_groupby_shift, prefer_literal=True)(
    lambda gb, periods=1: _transform_twin(gt.shift_spec(gb, periods), "gb, periods=1"))
overload(dist_groupby_diff, prefer_literal=True)(
    lambda gb, periods=1: _transform_twin(gt.diff_spec(gb, periods), "gb, periods=1"))
overload(dist_groupby_rank, prefer_literal=True)(
    lambda gb, method="average", ascending=True, na_option="keep", pct=False: _transform_twin(
        gt.rank_spec(gb, method, ascending, na_option, pct),
        "gb, method='average', ascending=True, na_option='keep', pct=False"))


# --- rank ----------------------------------------------------------------------


@register_jitable
def _value_range_ranks(a, code, keep, ascending, na_last, pct):
    """The ranks of this rank's rows of a split column: rows go to the rank owning their value
    range (equal values meet), are ranked there continuing the ranks before, and come back."""
    dest = range_destinations((a,), (ascending,), na_last)
    rows, counts = rows_by_destination(dest)
    _, received = alltoallv_array(rows, counts)
    ranks, ranked = rk.local_ranks(alltoallv_column(take_rows(a, rows), counts)[0], code, keep,
                                   ascending, na_last)
    before = float(global_offset(np.int64(ranked)))
    total = float(allreduce(np.int64(ranked), OP_SUM))
    return place_back((rk.finish_ranks(ranks, before, total, pct),), rows, received)[0]


@collective("alltoallv: rows to the rank owning their value range, ranks back to their rows")
def dist_series_rank(s, axis=0, method="average", numeric_only=False, na_option="keep",
                     ascending=True, pct=False):
    """``s.rank(...)`` of split rows: each rank's rows' ranks among all rows."""


@overload(dist_series_rank, prefer_literal=True)
def _dist_series_rank(s, axis=0, method="average", numeric_only=False, na_option="keep",
                      ascending=True, pct=False):
    opts = rk.rank_options("Series.rank", method, ascending, na_option, pct)
    return rk.series_rank_impl(s, opts, _value_range_ranks)


@collective("alltoallv per column: rows to the rank owning their value range, ranks back")
def dist_frame_rank(df, axis=0, method="average", numeric_only=False, na_option="keep",
                    ascending=True, pct=False):
    """``df.rank(...)`` of split rows: each column's ranks among all rows."""


@overload(dist_frame_rank, prefer_literal=True)
def _dist_frame_rank(df, axis=0, method="average", numeric_only=False, na_option="keep",
                     ascending=True, pct=False):
    opts = rk.rank_options("DataFrame.rank", method, ascending, na_option, pct)
    return rk.frame_rank_impl(df, opts, numeric_only, _value_range_ranks)


# --- melt ----------------------------------------------------------------------


@collective("alltoallv: each value column's rows to the ranks holding their block of the result")
def dist_melt(frame, id_vars=None, value_vars=None, var_name=None, value_name="value",
              col_level=None, ignore_index=True):
    """``frame.melt(...)`` of split rows: the pieces placed as a concatenation's."""


@overload(dist_melt, prefer_literal=True)
def _dist_melt(frame, id_vars=None, value_vars=None, var_name=None, value_name="value",
               col_level=None, ignore_index=True):
    spec = rs.melt_spec(frame, id_vars, value_vars, var_name, value_name, col_level, ignore_index)
    flags = "d" * len(spec.values)
    return gen_impl(rs.melt_source(spec, rs.MELT_PARAMS,
                                   f"dist_concat({{}}, {flags!r}, ignore_index=True)"),
                    melt_piece=rs.melt_piece, spec_t=spec, dist_concat=dist_concat)


# --- groupby rolling -----------------------------------------------------------


@register_jitable
def _rolled_by_key(keys, cols, labels, window, min_periods, spec):
    dest = range_destinations(keys, np.ones(len(keys), np.bool_), True)
    rows, counts = rows_by_destination(dest)
    return grl.rolled(shuffle_columns(keys, rows, counts), shuffle_columns(cols, rows, counts),
                      shuffle_columns(labels, rows, counts), window, min_periods, spec)


@collective("alltoallv: rows to the rank owning their key's range; the windows stay there")
def dist_group_rolling(r, spec):
    """``gb.rolling(w).<method>()`` of split rows: each rank's groups, in key order."""


@overload(dist_group_rolling)
def _dist_group_rolling(r, spec):
    return gen_impl(grl.call_source(spec.instance_type, "rolled_by_key"),
                    rolled_by_key=_rolled_by_key, label_columns=label_columns)
