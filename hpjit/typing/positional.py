"""Rows by position: ``obj.iloc[...]`` and ``df.iat[i, j]`` of frames and series, and
``df.at[label, c]`` (the label's position, then ``iat``).

Positions are global: under MPI ``df.iloc[10:20]`` is rows 10 to 19 of the whole frame, so
each rank keeps the ones it holds (split unequally, like a filter; nothing moves) and a single
position's value comes from the rank holding it, to every rank. One generator serves both: it
takes the row arithmetic as functions (``LOCAL`` here, the distributed pass's ``dist_iloc`` with
the collectives). Rows by a list or array of positions are a small result by design, whole on
every rank (like ``head``). Columns by position must be constants (they decide the type).
"""
import operator

import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import (intrinsic, make_attribute_wrapper, models, overload,
                             overload_attribute, register_jitable, register_model)

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import isna_at, slice_rows, take_rows
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.columns.strings import StringArrayType, str_getitem, view_to_str
from hpjit.typing.constants import const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import index_len, index_slice, index_take, label_position
from hpjit.typing.series import SeriesType, init_series


class PositionIndexerType(types.Type):
    """``obj.iloc`` (``kind`` "iloc") or ``obj.iat`` ("iat") of a frame or series ``obj``."""

    def __init__(self, obj, kind):
        self.obj = obj
        self.kind = kind
        super().__init__(name=f"{kind}({obj})")


@register_model(PositionIndexerType)
class _PositionIndexerModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("obj", fe_type.obj)])


make_attribute_wrapper(PositionIndexerType, "obj", "_obj")


def _indexer(kind):
    @intrinsic
    def make(typingctx, obj):
        def codegen(context, builder, sig, args):
            idx = cgutils.create_struct_proxy(sig.return_type)(context, builder)
            idx.obj = args[0]
            context.nrt.incref(builder, obj, args[0])
            return idx._getvalue()
        return PositionIndexerType(obj, kind)(obj), codegen
    return make


for _kind in ("iloc", "iat", "at"):
    for _owner in (DataFrameType, SeriesType):
        overload_attribute(_owner, _kind)((lambda make: lambda obj: lambda obj: make(obj))(
            _indexer(_kind)))


@register_jitable
def clip_position(v, n):
    """Slice bound ``v`` (negative: from the end) as a position in ``0..n``."""
    if v < 0:
        v += n
    return min(max(v, 0), n)


@register_jitable
def local_span(n, sl):
    """``(start, stop)`` of step-1 slice ``sl`` over ``n`` rows."""
    if sl.step != 1:
        raise ValueError("hpjit: .iloc takes slices of step 1")
    start = clip_position(sl.start, n)
    return start, max(start, clip_position(sl.stop, n))


@register_jitable
def one_position(p, n):
    """Position ``p`` (negative: from the end) of ``n`` rows, checked as pandas checks it."""
    if p < 0:
        p += n
    if p < 0 or p >= n:
        raise IndexError("single positional indexer is out-of-bounds")
    return p


def scalar_at(a, i):
    """Row ``i`` of column ``a`` as pandas' ``iloc`` gives a value (a missing one refused: its
    type would depend on the data)."""


@overload(scalar_at)
def _scalar_at(a, i):
    if isinstance(a, StringArrayType):
        def strings(a, i):
            if isna_at(a, i):
                raise ValueError("hpjit: .iloc of a missing string (pandas gives NaN, a float)")
            return view_to_str(str_getitem(a, i))
        return strings
    if isinstance(a, MaskedArrayType):
        def masked(a, i):
            if a._mask[i]:
                raise ValueError("hpjit: .iloc of a missing value of a nullable column (pandas "
                                 "gives pd.NA)")
            return a._values[i]
        return masked
    if isinstance(a, types.Array):
        return lambda a, i: a[i]
    raise user_error(f".iloc of one value of a {a} column is not supported by hpjit yet")


@register_jitable
def local_one(a, p):
    return scalar_at(a, one_position(p, len(a)))


@register_jitable
def local_whole(obj):
    return obj


def _column_positions(df, cols, what):
    """The column positions a constant column key selects, and whether it names one column."""
    if isinstance(cols, types.SliceType):
        if isinstance(cols, types.SliceLiteral):
            return list(range(len(df.columns)))[cols.literal_value], False
        return None, False  # ':' checked at run time
    value = const_value(cols)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if not -len(df.columns) <= value < len(df.columns):
            raise user_error(f"{what}: column position {value} is out of bounds for "
                             f"{len(df.columns)} columns")
        return [value % len(df.columns)], True
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, np.integer)) for v in value):
        return [v % len(df.columns) for v in value], False
    raise user_error(f"{what}: hpjit selects columns by position with a constant int, list of "
                     f"ints or slice, not {cols}")


def _at(idx, key, one, find):
    """``impl(idx, key)`` of ``obj.at[label(, column)]``: the label's global position, then
    its value as ``iat`` gives it."""
    obj = idx.obj
    frame = isinstance(obj, DataFrameType)
    what = f"{'DataFrame' if frame else 'Series'}.at[...]"
    label = "key"
    col = "x._data"
    if frame:
        name = const_value(key[1], None) if isinstance(key, types.BaseTuple) and len(key) == 2 \
            else None
        if not isinstance(name, str):
            raise user_error(f"{what}: hpjit takes a row label and a constant column name")
        if name not in obj.columns:
            raise user_error(f"{what}: column {name!r} does not exist; the columns are "
                             f"{list(obj.columns)}")
        label, col = "key[0]", f"column_at(x, {obj.columns.index(name)})"
    return gen_impl(
        f"def impl(idx, key):\n    x = idx._obj\n    p, count = find(x._index, {label})\n"
        "    if count == 0:\n"
        "        raise KeyError('hpjit: .at of a label the index does not hold')\n"
        "    if count > 1:\n"
        "        raise ValueError('hpjit: .at of a label the index holds more than once (pandas "
        "gives a Series)')\n"
        f"    return one({col}, p)\n", one=one, find=find, key=("at", one, find))


def positional(idx, key, span, one, whole, find):
    """``impl(idx, key)`` of ``obj.iloc[key]`` / ``obj.iat[key]`` / ``obj.at[key]``;
    ``span(n, slice)`` gives this process's rows of a slice, ``one(column, p)`` the value at
    global position ``p``, ``whole(obj)`` the object with every row (for lists of positions)
    and ``find(index, label)`` a label's global position and count."""
    if idx.kind == "at":
        return _at(idx, key, one, find)
    obj = idx.obj
    frame = isinstance(obj, DataFrameType)
    what = f"{'DataFrame' if frame else 'Series'}.{idx.kind}[...]"
    if isinstance(key, types.BaseTuple) and len(key) == 2:
        rows, cols = key[0], key[1]
        rows_of = "key[0]"
    else:
        rows, cols = key, None
        rows_of = "key"
    if idx.kind == "iat" and not (isinstance(rows, types.Integer) and
                                  (cols is None) != frame):
        raise user_error(f"{what}: hpjit takes one row position"
                         f"{' and one column position' if frame else ''}")
    glbs = dict(np=np, span=span, one=one, whole=whole, init_frame=init_frame,
                init_series=init_series, slice_rows=slice_rows, take_rows=take_rows,
                index_slice=index_slice, index_take=index_take, index_len=index_len,
                one_position=one_position, key=(span, one, whole))
    checks = ""
    if not frame:
        if cols is not None:
            raise user_error(f"{what}: a Series has no columns to select")
        positions, single = None, True
    elif cols is None:
        positions, single = list(range(len(obj.columns))), False
    else:
        positions, single = _column_positions(obj, cols, what)
        if positions is None:
            positions = list(range(len(obj.columns)))
            checks = ("    c = key[1]\n    if not (c.start == 0 and c.stop >= 0x7FFFFFFFFFFFFFFF "
                      "and c.step == 1):\n        raise ValueError('hpjit: .iloc selects columns "
                      "by a constant int or list of ints, or all of them by \\':\\'')\n")
    data = "x._data" if not frame else None
    if isinstance(rows, types.Integer):
        if frame and not single:
            raise user_error(f"{what}: a row of a frame as a Series is not supported by hpjit "
                             f"(its name is the row's label); select a column first, "
                             f"df['c'].iloc[i], or rows df.iloc[i:i + 1]")
        col = data or f"column_at(x, {positions[0]})"
        return gen_impl(f"def impl(idx, key):\n{checks}    x = idx._obj\n"
                        f"    return one({col}, {rows_of})\n", **glbs)
    if isinstance(rows, types.SliceType):
        head = f"    x = idx._obj\n    start, stop = span(index_len(x._index), {rows_of})\n"
        take_col = "slice_rows({}, start, stop)"
        labels = "index_slice(x._index, start, stop)"
    elif isinstance(rows, (types.List, types.Array, types.BaseTuple)) and \
            isinstance(getattr(rows, "dtype", None), types.Integer) or \
            isinstance(rows, types.UniTuple) and isinstance(rows.dtype, types.Integer):
        head = (f"    x = whole(idx._obj)\n    n = index_len(x._index)\n"
                f"    rows = np.asarray({rows_of}).astype(np.int64)\n"
                f"    for k in range(len(rows)):\n        rows[k] = one_position(rows[k], n)\n")
        take_col = "take_rows({}, rows)"
        labels = "index_take(x._index, rows)"
    else:
        raise user_error(f"{what}: hpjit selects rows by an int, a slice or a list or array of "
                         f"ints, not {rows}")
    if not frame:
        return gen_impl(f"def impl(idx, key):\n{head}    return init_series("
                        f"{take_col.format('x._data')}, {labels}, x)\n", **glbs)
    if single:
        series_t = SeriesType(obj.data[positions[0]], types.none, obj.columns[positions[0]])
        return gen_impl(f"def impl(idx, key):\n{checks}{head}    return init_series("
                        f"{take_col.format(f'column_at(x, {positions[0]})')}, {labels}, S)\n",
                        S=series_t, **glbs)
    out_t = obj.select([obj.columns[j] for j in positions])
    items = "".join(take_col.format(f"column_at(x, {j})") + ", " for j in positions)
    return gen_impl(f"def impl(idx, key):\n{checks}{head}"
                    f"    return init_frame(({items}), {labels}, F)\n", F=out_t, **glbs)


@overload(operator.getitem, prefer_literal=True, jit_options={"parallel": True})
def _position_getitem(idx, key):
    if not isinstance(idx, PositionIndexerType):
        return None
    return positional(idx, key, local_span, local_one, local_whole, label_position)
