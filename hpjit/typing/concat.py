"""``pd.concat`` of frames or series along the rows (``axis=0``).

The objects come as a tuple (``hpjit.transforms.concat_arguments`` turns the usual
list literal into one, so frames of different index types can meet). Columns are
matched by name — every object must have the same ones; the result has the first
object's order — and their types must agree, except that numbers of different types
become their common numpy type, as pandas does. Labels are kept: ranges and int64
labels concatenate to int64 labels (pandas may give a ``RangeIndex`` with the same
values), key indexes of one type to a key index; ``ignore_index=True`` gives a fresh
``RangeIndex``. Under MPI ``dist_relational.dist_concat`` places the rows first.
"""
import numpy as np
import pandas as pd
from numba import types
from numba.extending import overload
from numba.np import numpy_support

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import concat_columns
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import (IndexNames, KeyIndexType, RangeIndexType, index_labels, index_len,
                                make_key_index, make_range_index, range_index_type)
from hpjit.typing.series import SeriesType, init_series

WHAT = "pd.concat"


def _column_type(ts, name):
    """The result type of a column whose parts have types ``ts``."""
    if all(t == ts[0] for t in ts):
        return ts[0]
    if all(isinstance(t, types.Array) and t.ndim == 1 and
           isinstance(t.dtype, (types.Integer, types.Float)) for t in ts):
        dt = np.result_type(*[np.dtype(str(t.dtype)) for t in ts])
        return types.Array(numpy_support.from_dtype(dt), 1, "C")
    if any(isinstance(t, types.Array) and isinstance(t.dtype, types.Boolean) for t in ts):
        raise user_error(f"{WHAT}: column {name!r} is bool in one object and not in another "
                         f"({', '.join(map(str, ts))}): pandas makes it an object column, which "
                         "hpjit does not support")
    raise user_error(f"{WHAT}: column {name!r} has different types in the objects "
                     f"({', '.join(map(str, ts))}); hpjit needs one type (or numbers)")


def _index_type(idxs, ignore):
    if ignore:
        return range_index_type
    if all(isinstance(i, RangeIndexType) or (isinstance(i, types.Array) and
                                              isinstance(i.dtype, types.Integer)) for i in idxs):
        return types.Array(types.int64, 1, "C")
    if all(isinstance(i, KeyIndexType) and i.data == idxs[0].data for i in idxs):
        names = {i.index_name for i in idxs}
        return KeyIndexType(idxs[0].data, names.pop() if len(names) == 1 else None)
    raise user_error(f"{WHAT}: hpjit cannot concatenate these indexes ({', '.join(map(str, idxs))});"
                     " pass ignore_index=True")


def concat_plan(objs, ignore_index):
    """``(result type, column positions per object)`` of ``pd.concat(objs)``."""
    if not isinstance(objs, types.BaseTuple) or len(objs) == 0:
        raise user_error(f"{WHAT}: hpjit needs a list or tuple of frames or series written in the "
                         "call, e.g. pd.concat([a, b])")
    ignore = const_value(ignore_index, False)
    if ignore is NOT_CONSTANT:
        raise user_error(f"{WHAT}: hpjit needs a constant ignore_index=")
    objs = tuple(objs)  # objects of one type make a UniTuple type, which cannot be sliced
    first = objs[0]
    if not all(isinstance(o, (DataFrameType, SeriesType)) for o in objs):
        raise user_error(f"{WHAT}: hpjit concatenates frames or series, not "
                         f"{', '.join(map(str, objs))}")
    idx_t = _index_type([o.index for o in objs], bool(ignore))
    if all(isinstance(o, SeriesType) for o in objs):
        names = {o.series_name for o in objs}
        data = _column_type([o.data for o in objs], first.series_name)
        return SeriesType(data, idx_t, names.pop() if len(names) == 1 else None), None
    if not all(isinstance(o, DataFrameType) for o in objs):
        raise user_error(f"{WHAT}: hpjit concatenates frames with frames or series with series")
    for o in objs[1:]:
        if set(o.columns) != set(first.columns):
            raise user_error(f"{WHAT}: the frames have different columns ({list(first.columns)} "
                             f"and {list(o.columns)}); hpjit needs the same ones")
    data = [_column_type([o.data[o.column_index(c)] for o in objs], c) for c in first.columns]
    positions = [[o.column_index(c) for o in objs] for c in first.columns]
    return DataFrameType(first.columns, data, idx_t), positions


def _chain(parts, part_types, out_t):
    """Source concatenating the column expressions ``parts`` (of ``part_types``) into ``out_t``."""
    cast = [f"{p}.astype(np.{out_t.dtype})" if t != out_t else p for p, t in zip(parts, part_types)]
    src = cast[0]
    for p in cast[1:]:
        src = f"concat_columns({src}, {p})"
    return src


def concat_source(objs, out_t, positions, params):
    """``impl(<params>)`` concatenating tuple ``objs`` into ``out_t``."""
    n = len(objs)
    lens = " + ".join(f"index_len(objs[{k}]._index)" for k in range(n))
    if isinstance(out_t.index, RangeIndexType):
        index = f"make_range_index(0, {lens}, 1)"
    elif isinstance(out_t.index, KeyIndexType):
        index = "make_key_index((" + _chain([f"objs[{k}]._index._data" for k in range(n)],
                                            [o.index.data for o in objs], out_t.index.data) + ",), index_names)"
    else:
        index = _chain([f"index_labels(objs[{k}]._index)" for k in range(n)],
                       [out_t.index] * n, out_t.index)
    if positions is None:
        data = _chain([f"objs[{k}]._data" for k in range(n)], [o.data for o in objs], out_t.data)
        build = f"init_series({data}, index, out_t)"
    else:
        cols = "".join(_chain([f"column_at(objs[{k}], {p})" for k, p in enumerate(ps)],
                              [objs[k].data[p] for k, p in enumerate(ps)], t) + ", "
                       for ps, t in zip(positions, out_t.data))
        build = f"init_frame(({cols}), index, out_t)"
    return f"def impl({params}):\n    index = {index}\n    return {build}\n"


def concat_globals(out_t):
    names = IndexNames((out_t.index.index_name,)) if isinstance(out_t.index, KeyIndexType) else None
    return dict(np=np, concat_columns=concat_columns, index_len=index_len, index_labels=index_labels,
                make_range_index=make_range_index, make_key_index=make_key_index,
                init_frame=init_frame, init_series=init_series, out_t=out_t, index_names=names)


PARAMS = ("objs, axis=0, join='outer', ignore_index=False, keys=None, levels=None, names=None, "
          "verify_integrity=False, sort=False, copy=None")


@overload(pd.concat, prefer_literal=True)
def _pd_concat(objs, axis=0, join="outer", ignore_index=False, keys=None, levels=None, names=None,
               verify_integrity=False, sort=False, copy=None):
    for name, t, default in (("axis", axis, 0), ("join", join, "outer"), ("keys", keys, None),
                             ("levels", levels, None), ("names", names, None),
                             ("verify_integrity", verify_integrity, False), ("sort", sort, False)):
        if const_value(t, default) != default:
            raise user_error(f"{WHAT}: {name}= is not supported by hpjit (only {default!r})")
    out_t, positions = concat_plan(objs, ignore_index)
    return gen_impl(concat_source(objs, out_t, positions, PARAMS), **concat_globals(out_t))
