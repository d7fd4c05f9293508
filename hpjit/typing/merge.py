"""``pd.merge`` / ``DataFrame.merge``: equi-joins with pandas' columns, dtypes and row order.

The overload reads the constant arguments into a ``MergeSpec`` — which columns
come out, from which side, under which name (pandas' suffixes), and their types —
and calls ``merge_frames(left, right, spec)``: the join kernel gives the pairs of
row numbers, each output column is one take over them. An inner or left join on one
integer key whose right values are distinct and compact (an id, a dimension table) skips
the pairs: each column is one pass by key value (``direct_source``). The distributed pass
swaps in ``dist_merge_frames`` with the same spec.

Types are decided at compile time: a column of the side that can miss (the right
one for ``how='left'``, both for ``'outer'``) holds missing values, so an int
column there is float64 even when every row found a match (pandas decides that
from the data and keeps int64 then).
"""
import numpy as np
import pandas as pd
from numba import types
from numba.extending import overload

from hpjit.core.generated import column_at
from hpjit.errors import user_error
from hpjit.runtime.hashtable import compact_span
from hpjit.runtime.join_kernels import (count_in_range, count_matched, join_rows, key_positions,
                                        key_slots, matched_rows, take_by_key)
from hpjit.runtime.sort_kernels import argsort_rows
from hpjit.typing.columns.arrays import (concat_columns, copy_column, is_datetime_array,
                                         take_or_missing, take_rows,
                                         with_missing)
from hpjit.typing.constants import const_names, const_value, required_const
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.index import make_range_index, range_index_type
from hpjit.typing.operations import JOIN, function, method

HOWS = ("inner", "left", "right", "outer")


class MergeSpec(types.Type):
    """How to join: key columns of each side and the output columns.

    ``outputs``: ``(name, source, column)`` with source ``'left'``/``'right'`` (one side's
    column, missing where that side has no row) or ``'key'`` (a join key: the left value,
    or the right one where the left side has no row).
    """

    def __init__(self, left, right, how, lkeys, rkeys, outputs, out_type):
        self.left, self.right, self.how = left, right, how
        self.lkeys, self.rkeys = tuple(lkeys), tuple(rkeys)
        self.outputs = tuple(outputs)
        self.out_type = out_type
        super().__init__(name=f"MergeSpec({left}, {right}, how={how}, lkeys={self.lkeys}, "
                              f"rkeys={self.rkeys})")


def _side_type(t, can_miss, name):
    if not can_miss:
        return t
    out = with_missing(t)
    if out is None:
        raise user_error(f"merge: column {name!r} ({t}) can miss values on its side of the join; "
                         f"pandas makes it an object column, which hpjit does not support")
    return out


def make_merge_spec(left, right, how, on, left_on, right_on, suffixes):
    if not isinstance(right, DataFrameType):
        raise user_error(f"merge: hpjit can merge with a DataFrame, not {right}")
    how = required_const(how, "how", "merge", "inner")
    if how not in HOWS:
        raise user_error(f"merge: how={how!r} is not supported by hpjit; use one of {HOWS}")
    on_v, lo_v, ro_v = (const_names(t) if not _is_none(t) else None
                        for t in (on, left_on, right_on))
    if on_v is not None:
        lkeys = rkeys = on_v
    elif lo_v is not None and ro_v is not None:
        lkeys, rkeys = lo_v, ro_v
    elif _is_none(on) and _is_none(left_on) and _is_none(right_on):
        lkeys = rkeys = tuple(c for c in left.columns if c in right.columns)
        if not lkeys:
            raise user_error("merge: no common columns to merge on; give on= or left_on=/right_on=")
    else:
        raise user_error("merge: hpjit needs constant key names in on= (or left_on= and right_on=)")
    if len(lkeys) != len(rkeys):
        raise user_error("merge: len(right_on) must equal len(left_on)")
    check_columns(left, lkeys, "merge: left key")
    check_columns(right, rkeys, "merge: right key")
    for lk, rk in zip(lkeys, rkeys):
        lt, rt = left.data[left.column_index(lk)], right.data[right.column_index(rk)]
        if lt != rt:
            raise user_error(f"merge: key {lk!r} ({lt}) and {rk!r} ({rt}) have different types; "
                             f"hpjit joins keys of the same type")
    sfx = required_const(suffixes, "suffixes", "merge", ("_x", "_y"))
    shared = {lk for lk, rk in zip(lkeys, rkeys) if lk == rk}
    left_miss, right_miss = how in ("right", "outer"), how in ("left", "outer")
    outputs, types_ = [], []
    right_names = set(right.columns) - shared
    left_names = set(left.columns) - shared
    for c, t in zip(left.columns, left.data):
        if c in shared:
            outputs.append((c, "key", c))
            types_.append(t)
        else:
            outputs.append((c + sfx[0] if c in right_names else c, "left", c))
            types_.append(_side_type(t, left_miss, c))
    for c, t in zip(right.columns, right.data):
        if c in shared:
            continue
        outputs.append((c + sfx[1] if c in left_names else c, "right", c))
        types_.append(_side_type(t, right_miss, c))
    out_type = DataFrameType([n for n, _, _ in outputs], types_, range_index_type)
    return MergeSpec(left, right, how, lkeys, rkeys, outputs, out_type)


def _is_none(t):
    return t is None or isinstance(t, types.NoneType) or (
        isinstance(t, types.Omitted) and t.value is None)


def merge_frames(left, right, spec):
    """The join ``spec`` (a MergeSpec type) of ``left`` and ``right``."""


def pairs_source(spec, left="left", right="right", indent="    "):
    """Lines computing ``lrows, rrows`` for ``spec``'s join of frames ``left`` and ``right``."""
    lk = "".join(f"column_at({left}, {spec.left.column_index(k)}), " for k in spec.lkeys)
    rk = "".join(f"column_at({right}, {spec.right.column_index(k)}), " for k in spec.rkeys)
    if spec.how == "right":
        return f"{indent}rrows, lrows = join_rows(({rk}), ({lk}), True, False)\n"
    keep_left, keep_right = spec.how in ("left", "outer"), spec.how == "outer"
    return f"{indent}lrows, rrows = join_rows(({lk}), ({rk}), {keep_left}, {keep_right})\n"


def columns_source(spec, left="left", right="right"):
    """A tuple expression of the output columns from ``lrows``/``rrows``."""
    items = []
    for name, source, col in spec.outputs:
        if source == "key":
            lc = f"column_at({left}, {spec.left.column_index(col)})"
            rc = f"column_at({right}, {spec.right.column_index(spec.rkeys[spec.lkeys.index(col)])})"
            if spec.how == "inner" or spec.how == "left":
                items.append(f"take_rows({lc}, lrows)")
            else:
                items.append(f"take_rows(concat_columns({lc}, {rc}), "
                             f"np.where(lrows >= 0, lrows, nl + rrows))")
        else:
            frame, rows = (left, "lrows") if source == "left" else (right, "rrows")
            df_t = spec.left if source == "left" else spec.right
            can_miss = (source == "left" and spec.how in ("right", "outer")) or (
                source == "right" and spec.how in ("left", "outer"))
            take = "take_or_missing" if can_miss else "take_rows"
            items.append(f"{take}(column_at({frame}, {df_t.column_index(col)}), {rows})")
    return "(" + "".join(i + ", " for i in items) + ")"


def _merge_globals(spec):
    return dict(np=np, join_rows=join_rows, take_rows=take_rows, take_or_missing=take_or_missing,
                column_at=column_at,
                concat_columns=concat_columns, init_frame=init_frame,
                make_range_index=make_range_index, out_type=spec.out_type)


def outer_keys_source(spec, left, right):
    """The union of the pairs' keys, one column per key, as an outer merge orders them: pandas
    sorts the keys with missing ones last, except ``NaT``, which it orders as the least
    datetime (so a datetime key is ordered by its int64 view)."""
    keys = ""
    for lk, rk in zip(spec.lkeys, spec.rkeys):
        k = spec.left.column_index(lk)
        key = (f"take_rows(concat_columns(column_at({left}, {k}), "
               f"column_at({right}, {spec.right.column_index(rk)})), "
               f"np.where(lrows >= 0, lrows, nl + rrows))")
        keys += (f"{key}.view(np.int64), " if is_datetime_array(spec.left.data[k]) else
                 f"{key}, ")
    return keys


def outer_key_types(spec):
    """The column types of ``outer_keys_source``."""
    return tuple(types.Array(types.int64, 1, "C") if is_datetime_array(t) else t
                 for t in (spec.left.data[spec.left.column_index(k)] for k in spec.lkeys))


def outer_order_source(spec):
    """For ``how='outer'``: reorder the pairs by key (pandas sorts the union of keys)."""
    if spec.how != "outer":
        return ""
    keys = outer_keys_source(spec, "left", "right")
    return (f"    order = argsort_rows(({keys}), np.ones({len(spec.lkeys)}, np.bool_), True)\n"
            f"    lrows, rrows = lrows[order], rrows[order]\n")


def _direct(spec):
    """Whether ``spec`` can join through a direct-address table of the right keys
    (``direct_source``): inner or left, on one integer key."""
    if spec.how not in ("inner", "left") or len(spec.lkeys) != 1:
        return False
    t = spec.left.data[spec.left.column_index(spec.lkeys[0])]
    return isinstance(t, types.Array) and isinstance(t.dtype, types.Integer)


def direct_source(spec):
    """The body of a join whose right keys may be distinct integers in a compact range (an id
    column, a dimension table): then ``slots[v - lo]`` is the right row of key ``v``, each right
    column is laid out by key value once, and each output column is one pass over the left
    rows: a copy of a left column when every left row is kept, a lookup by key of a right one.
    No pair arrays, no hash. Otherwise the join kernel's pairs. Both ways end in one tuple of
    output columns (each column's code is generated once, not once per way)."""
    lk = f"column_at(left, {spec.left.column_index(spec.lkeys[0])})"
    rk = f"column_at(right, {spec.right.column_index(spec.rkeys[0])})"
    left_join = spec.how == "left"
    table = "take_or_missing({}, slots)" if left_join else "take_rows({}, clamped)"
    take_right = "take_or_missing" if left_join else "take_rows"
    items = []
    for _, source, col in spec.outputs:
        if source == "right":
            c = f"column_at(right, {spec.right.column_index(col)})"
            items.append(f"by_key({table.format(c)}, keys, lo) if dense else {take_right}({c}, rrows)")
        else:
            c = f"column_at(left, {spec.left.column_index(col)})"
            items.append(f"copy_column({c}) if every else take_rows({c}, lrows)")
    src = (f"    lo, span = compact_span({rk})\n"
           f"    slots = key_slots({rk}, lo, span) if span > 0 else np.empty(0, np.int64)\n"
           f"    dense = len(slots) > 0\n"
           f"    every, keys, n = dense, {lk}, nl\n"
           f"    lrows = rrows = clamped = np.empty(0, np.int64)\n")
    if left_join:  # every left row is kept
        src += "    if not dense:\n"
    else:
        src += (f"    if dense:\n"
                f"        clamped = np.maximum(slots, 0)\n"
                f"        complete = len({rk}) == span\n"
                f"        matched = (count_in_range({lk}, lo, span) if complete\n"
                f"                   else count_matched({lk}, lo, slots))\n"
                f"        if matched < nl:\n"
                f"            every, n = False, matched\n"
                f"            lrows = matched_rows({lk}, lo, slots, matched)\n"
                f"            keys = take_rows({lk}, lrows)\n"
                f"    else:\n")
    return (src + pairs_source(spec, indent="        ") +
            "        n = len(lrows)\n"
            f"    cols = ({''.join(i + ', ' for i in items)})\n"
            "    return init_frame(cols, make_range_index(0, n, 1), out_type)\n")


def by_key(table, k, lo):
    """The entries of ``table`` (a column laid out by key value, one entry more for keys out of
    range) for keys ``k``."""


@overload(by_key)
def _by_key(table, k, lo):
    if isinstance(table, types.Array):
        return lambda table, k, lo: take_by_key(table, k, lo)
    return lambda table, k, lo: take_rows(table, key_positions(k, lo, len(table) - 1))


@overload(merge_frames)
def _merge_frames(left, right, spec):
    s = spec.instance_type
    body = direct_source(s) if _direct(s) else (
        pairs_source(s) + outer_order_source(s) + f"    cols = {columns_source(s)}\n"
        "    return init_frame(cols, make_range_index(0, len(lrows), 1), out_type)\n")
    src = "def impl(left, right, spec):\n    nl = len(left)\n" + body
    ns = _merge_globals(s)
    ns.update(argsort_rows=argsort_rows, compact_span=compact_span, key_slots=key_slots,
              count_matched=count_matched, count_in_range=count_in_range,
              matched_rows=matched_rows, copy_column=copy_column,
              by_key=by_key)
    exec(src, ns)
    return ns["impl"]


def _merge_impl(left, right, how="inner", on=None, left_on=None, right_on=None, left_index=False,
                right_index=False, sort=False, suffixes=("_x", "_y"), copy=None, indicator=False,
                validate=None):
    if not isinstance(left, DataFrameType):
        return None
    for flag, name in ((left_index, "left_index"), (right_index, "right_index"), (sort, "sort"),
                       (indicator, "indicator")):
        if const_value(flag, False) is not False:
            raise user_error(f"merge: {name}= is not supported by hpjit")
    spec = make_merge_spec(left, right, how, on, left_on, right_on, suffixes)

    def impl(left, right, how="inner", on=None, left_on=None, right_on=None, left_index=False,
             right_index=False, sort=False, suffixes=("_x", "_y"), copy=None, indicator=False,
             validate=None):
        return merge_frames(left, right, spec)
    return impl


def merge_spec_of_call(left, args):
    """The MergeSpec of ``left.merge(...)``/``pd.merge(left, ...)`` from its argument types."""
    return make_merge_spec(left, args["right"], args.get("how", "inner"), args.get("on"),
                           args.get("left_on"), args.get("right_on"),
                           args.get("suffixes", ("_x", "_y")))


_MERGE = dict(form="relational.dist_merge_frames", spec=lambda left, args: merge_spec_of_call(left, args),
              prefer_literal=True)
function(pd.merge, JOIN, **_MERGE)(_merge_impl)
method(DataFrameType, "merge", JOIN, **_MERGE)(_merge_impl)
