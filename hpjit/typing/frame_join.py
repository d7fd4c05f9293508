"""``DataFrame.join``: a frame's key columns (``on=``) or its labels matched with the labels
of another frame or a named series.

pandas' ``df.join(other, on=keys)`` is a merge of ``df[keys]`` with ``other``'s index that
keeps ``df``'s labels. So the overload makes both sides' labels columns — ``other``'s as its
join keys, ``df``'s as one more column carried through — joins them with ``merge_frames``
(``dist_merge_frames`` under MPI, with the same spec), and makes the carried labels the
result's index. That index is int64 labels: pandas keeps a ``RangeIndex`` when the labels
happen to be ``0..n-1``, which ``assert_frame_equal`` treats as equal.

``how='right'|'outer'`` keep the other side's rows too. Joined on key columns, those rows
take the other side's key values and NaN as their label, so the index is float64 labels
(pandas keeps int64 when every row found a match: decided from the data, as merge's
missing ints are); joined on the labels, the labels are the union of both sides' (in the
other side's order for ``right``, sorted for ``outer``). Where ``df``'s rows can miss, its
int columns are float64 (see ``hpjit.typing.merge``).
"""
from numba import types
from numba.extending import overload

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.typing.constants import const_names, const_value, required_const
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.index import (IndexNames, KeyIndexType, RangeIndexType, index_len,
                                label_index_type, make_key_index, make_range_index,
                                range_index_type)
from hpjit.typing.merge import MergeSpec, _side_type, merge_frames
from hpjit.typing.operations import JOIN, method
from hpjit.typing.index_columns import label_columns, label_types
from hpjit.typing.series import SeriesType

HOWS = ("left", "inner", "right", "outer")
WHAT = "DataFrame.join"
LABELS = "__hpjit_labels"


class JoinSpec(types.Type):
    """A join as a merge of label-carrying frames: ``merge`` (a MergeSpec whose last output
    is the left labels), the result type, and whether ``other`` is a series."""

    def __init__(self, merge, out_type, series):
        self.merge, self.out_type, self.series = merge, out_type, series
        super().__init__(name=f"JoinSpec({merge}, series={series})")


def _suffixes(lsuffix, rsuffix, suffixes):
    given = required_const(suffixes, "suffixes", WHAT, None)
    if given is not None:
        if len(given) != 2:
            raise user_error("DataFrame.join: suffixes= must be a pair")
        return tuple("" if s is None else s for s in given)
    return required_const(lsuffix, "lsuffix", WHAT, ""), required_const(rsuffix, "rsuffix", WHAT, "")


def make_join_spec(df, other, on, how, lsuffix, rsuffix, sort, suffixes):
    series = isinstance(other, SeriesType)
    if series:
        if other.series_name is None:
            raise user_error("DataFrame.join: the other Series must have a name")
        other_columns, other_data = (other.series_name,), (other.data,)
    elif isinstance(other, DataFrameType):
        other_columns, other_data = other.columns, other.data
    else:
        raise user_error(f"DataFrame.join: hpjit joins a DataFrame or a named Series, not {other}")
    how = required_const(how, "how", WHAT, "left")
    if how not in HOWS:
        raise user_error(f"DataFrame.join: how={how!r} is not supported by hpjit; use one of "
                         f"{HOWS}")
    if required_const(sort, "sort", WHAT, False):
        raise user_error("DataFrame.join: sort=True is not supported by hpjit; sort_values() "
                         "the result")
    if not (isinstance(df.index, RangeIndexType) or df.index == label_index_type):
        raise user_error("DataFrame.join: hpjit joins a frame with a RangeIndex or int64 labels; "
                         "reset_index() it first")
    right_keys = label_types(other.index)
    rkeys = tuple(f"__hpjit_rkey{k}" for k in range(len(right_keys)))
    on_v = None if const_value(on, None) is None else const_names(on)
    if on_v is None and const_value(on, None) is not None:
        raise user_error("DataFrame.join: hpjit needs constant column names in on=")
    if on_v is None:
        lkeys, left_keys = (LABELS,), [label_index_type]
    else:
        lkeys = tuple(on_v)
        check_columns(df, lkeys, "DataFrame.join: key")
        left_keys = [df.data[df.column_index(k)] for k in lkeys]
    if len(lkeys) != len(rkeys):
        raise user_error(f"DataFrame.join: {len(lkeys)} key(s) on the left, but the other's "
                         f"index has {len(rkeys)} level(s)")
    for name, lt, rt in zip(lkeys, left_keys, right_keys):
        if lt != rt:
            what = "the labels" if name == LABELS else f"key {name!r}"
            raise user_error(f"DataFrame.join: {what} ({lt}) and the other's index ({rt}) have "
                             "different types; hpjit joins keys of the same type")
    lsfx, rsfx = _suffixes(lsuffix, rsuffix, suffixes)
    overlap = [c for c in df.columns if c in other_columns]
    if overlap and not (lsfx or rsfx):
        raise user_error(f"DataFrame.join: columns overlap but no suffix specified: {overlap}")
    left_t = DataFrameType(tuple(df.columns) + (LABELS,), tuple(df.data) + (label_index_type,),
                           range_index_type)
    right_t = DataFrameType(rkeys + tuple(other_columns), tuple(right_keys) + tuple(other_data),
                            range_index_type)
    left_miss, right_miss = how in ("right", "outer"), how in ("left", "outer")
    outputs, out_types = [], []
    for c, t in zip(df.columns, df.data):
        name = c + lsfx if c in overlap else c
        if left_miss and c in lkeys:  # the other side's key where df has no row
            outputs.append((name, "key", c))
            out_types.append(t)
        else:
            outputs.append((name, "left", c))
            out_types.append(_side_type(t, left_miss, c))
    for c, t in zip(other_columns, other_data):
        outputs.append((c + rsfx if c in overlap else c, "right", c))
        out_types.append(_side_type(t, right_miss, c))
    names = [n for n, _, _ in outputs]
    if on_v is None:  # the labels are the key: both sides' labels, coalesced
        labels = (LABELS, "key" if left_miss else "left", LABELS)
        labels_t = index_t = label_index_type
    else:  # df's labels, NaN for the other side's rows
        labels, labels_t = (LABELS, "left", LABELS), _side_type(label_index_type, left_miss, LABELS)
        index_t = label_index_type if not left_miss else KeyIndexType(labels_t, None)
    merged = DataFrameType(names + [LABELS], out_types + [labels_t], range_index_type)
    merge = MergeSpec(left_t, right_t, how, lkeys, rkeys, outputs + [labels], merged)
    return JoinSpec(merge, DataFrameType(names, out_types, index_t), series)


def join_frames(df, other, spec):
    """The join ``spec`` (a JoinSpec type) of frame ``df`` and ``other``."""


def join_source(spec, merge_call):
    """``impl(df, other, spec, ...)`` making both sides' labels columns, calling
    ``merge_call`` (an expression of ``left``, ``right`` and ``mspec``) and setting the
    carried labels as the index; ``dist_join_frames`` reuses it with the distributed merge."""
    m = spec.merge
    nleft = len(m.left.columns) - 1
    nright = len(m.right.columns) - len(m.rkeys)
    nout = len(spec.out_type.columns)
    left = "".join(f"column_at(df, {j}), " for j in range(nleft))
    keys = "".join(f"rl[{k}], " for k in range(len(m.rkeys)))
    right = "".join(f"{'other._data' if spec.series else f'column_at(other, {j})'}, "
                    for j in range(nright))
    out = "".join(f"column_at(joined, {j}), " for j in range(nout))
    index = (f"make_key_index((column_at(joined, {nout}), ), no_name)"
             if isinstance(spec.out_type.index, KeyIndexType) else f"column_at(joined, {nout})")
    return (f"    left = init_frame(({left}label_columns(df._index)[0], ), "
            f"make_range_index(0, index_len(df._index), 1), left_t)\n"
            f"    rl = label_columns(other._index)\n"
            f"    right = init_frame(({keys}{right}), make_range_index(0, len(rl[0]), 1), right_t)\n"
            f"    joined = {merge_call}\n"
            f"    return init_frame(({out}), {index}, out_t)\n")


def join_globals(spec):
    m = spec.merge
    return dict(init_frame=init_frame, label_columns=label_columns, index_len=index_len,
                make_range_index=make_range_index, left_t=m.left, right_t=m.right,
                out_t=spec.out_type, mspec=m, make_key_index=make_key_index,
                no_name=IndexNames((None,)))


@overload(join_frames)
def _join_frames(df, other, spec):
    s = spec.instance_type
    src = ("def impl(df, other, spec):\n" +
           join_source(s, "merge_frames(left, right, mspec)"))
    return gen_impl(src, merge_frames=merge_frames, **join_globals(s))


@method(DataFrameType, "join", JOIN, form="relational.dist_join_frames",
        spec=lambda df, args: join_spec_of_call(df, args), prefer_literal=True)
def _frame_join(df, other, on=None, how="left", lsuffix="", rsuffix="", sort=False,
                validate=None, suffixes=None):
    if const_value(validate, None) is not None:
        raise user_error("DataFrame.join: validate= is not supported by hpjit")
    spec = make_join_spec(df, other, on, how, lsuffix, rsuffix, sort, suffixes)

    def impl(df, other, on=None, how="left", lsuffix="", rsuffix="", sort=False, validate=None,
             suffixes=None):
        return join_frames(df, other, spec)
    return impl


def join_spec_of_call(df, args):
    """The JoinSpec of ``df.join(...)`` from its argument types."""
    return make_join_spec(df, args["other"], args.get("on"), args.get("how", "left"),
                          args.get("lsuffix", ""), args.get("rsuffix", ""),
                          args.get("sort", False), args.get("suffixes"))
