"""pandas DataFrame API as overloads: column access, column assignment, filters, head, apply."""
import operator

import numpy as np
import pandas as pd
from numba import types
from numba.core import cgutils
from numba.core.typing.templates import AbstractTemplate, infer_global, signature
from numba.extending import (box, lower_builtin, models, overload, overload_attribute,
                             register_jitable, register_model)
from numba.np import numpy_support

from hpjit.core.generated import column_at
from hpjit.core.chunks import chunk_body, parallel_chunks, row
from hpjit.core.pyobjects import call_py, const_obj, type_value
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import (alloc_fixed, as_str, column_for_value, get_value,
                                         is_column, is_missing_str, is_none, set_value, slice_rows,
                                         strings_from_list, value_type)
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.columns.strings import string_array_type
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame, replace_column
from hpjit.typing.index import head_rows, index_len, index_slice, tail_rows
from hpjit.typing.indexers import is_mask, row_mask, rows_where
from hpjit.typing.operations import ELEMENTWISE, HEAD, WHOLE, function, method
from hpjit.typing.series import SeriesType, init_series
from hpjit.typing.udf import RowType, columns_read, make_row, resolve_udf


def setitem(target, key, value):
    """``target[key] = value``, returning the (possibly new) target.

    ``hpjit.transforms.dataframe_pass`` rewrites ``df['c'] = v`` into
    ``df = setitem(df, 'c', v)``: for a frame it is a new frame value of a new type,
    for anything else an ordinary in-place store.
    """


def _check_column(df, name, what):
    check_columns(df, (name,), what)


def _gen(src, glbs, name="impl"):
    """Function ``name`` of generated source ``src`` (one per frame width), globals ``glbs``."""
    ns = dict(glbs, column_at=column_at)
    exec(src, ns)
    return ns[name]


def _column_data(value):
    """The column type stored for ``df[...] = value``; None for a scalar to broadcast or a
    value converted first (numpy text)."""
    if isinstance(value, SeriesType):
        return value.data
    if is_column(value) and not is_numpy_text(value):
        return value
    return None


def is_numpy_text(t):
    """Whether ``t`` is a numpy ``<U`` array (``np.where`` of string constants)."""
    return isinstance(t, types.Array) and isinstance(t.dtype, types.UnicodeCharSeq)


@register_jitable
def text_column(a):
    """A ``str`` column of numpy text array ``a`` (pandas' conversion on assignment)."""
    strs = [str(a[i]) for i in range(len(a))]
    return strings_from_list(strs, np.zeros(len(a), np.bool_))


@infer_global(setitem)
class _SetColumnTemplate(AbstractTemplate):
    """``df['c'] = Series or column``: typed and lowered directly, no function compiled."""

    prefer_literal = True

    def generic(self, args, kws):
        if len(args) != 3:
            return None
        df, key, value = args
        if isinstance(df, DataFrameType) and isinstance(key, types.StringLiteral):
            data = _column_data(value)
            if data is not None:
                return signature(df.with_column(key.literal_value, data), *args)


@lower_builtin(setitem, DataFrameType, types.StringLiteral, types.Any)
def _lower_set_column(context, builder, sig, args):
    df_t, key_t, val_t = sig.args
    if isinstance(val_t, SeriesType):
        s = cgutils.create_struct_proxy(val_t)(context, builder, value=args[2])
        col_t, col = val_t.data, s.data
    else:
        col_t, col = val_t, args[2]
    return replace_column(context, builder, df_t, args[0], sig.return_type, key_t.literal_value,
                          col_t, col)


@function(setitem, ELEMENTWISE, prefer_literal=True)
def _setitem(target, key, value):
    if not isinstance(target, DataFrameType):
        def impl(target, key, value):
            target[key] = value
            return target
        return impl
    if not isinstance(key, types.StringLiteral):
        raise user_error("df[...] = value: hpjit needs a constant column name")
    col = key.literal_value
    if _column_data(value) is not None:
        return None  # _SetColumnTemplate
    if is_numpy_text(value):
        return lambda target, key, value: setitem(target, key, text_column(value))
    if not isinstance(value, (types.Number, types.Boolean)):
        raise user_error(f"df[{col!r}] = value: hpjit cannot store a {value} in a column")
    dtype = types.float64 if isinstance(value, types.Float) else (
        types.bool_ if isinstance(value, types.Boolean) else types.int64)
    np_dtype = np.dtype(str(dtype))

    def impl(target, key, value):
        return setitem(target, key, np.full(index_len(target._index), value, np_dtype))
    return impl


def _frame_getitem_column(df, key):
    col = key.literal_value
    _check_column(df, col, f"df[{col!r}]")
    return None  # dataframe._FrameGetColumn


def _frame_select(df, names, what):
    for n in names:
        _check_column(df, n, what)
    out_t = df.select(names)
    items = ", ".join(f"column_at(df, {df.column_index(n)})" for n in names)
    return _gen(f"def impl(df, key):\n    return init_frame(({items},), df._index, out_t)\n",
                dict(init_frame=init_frame, out_t=out_t))


def _frame_filter(df, key):
    if not is_mask(key):
        raise user_error(f"df[mask]: the mask must be a boolean Series, got {key.data}")
    return lambda df, key: rows_where(df, row_mask(key))


def _literal_names(key):
    """Column names of a constant list/tuple key, or None."""
    if isinstance(key, types.List) and key.initial_value is not None:
        vals = key.initial_value
    elif isinstance(key, types.BaseTuple) and all(isinstance(t, types.StringLiteral) for t in key):
        vals = [t.literal_value for t in key]
    elif isinstance(key, types.LiteralList):
        vals = [t.literal_value for t in key.types]
    else:
        return None
    return tuple(vals) if all(isinstance(v, str) for v in vals) else None


@overload(operator.getitem, prefer_literal=True, jit_options={"parallel": True})
def _frame_getitem(df, key):
    if not isinstance(df, DataFrameType):
        return None
    if isinstance(key, types.StringLiteral):
        return _frame_getitem_column(df, key)
    if isinstance(key, SeriesType):
        return _frame_filter(df, key)
    names = _literal_names(key)
    if names is not None:
        return _frame_select(df, names, f"df[{list(names)}]")
    if isinstance(key, (types.UnicodeType, types.List)):
        raise user_error("df[...]: hpjit needs constant column names (a string literal or a list "
                         "of string literals)")
    raise user_error(f"df[{key}] is not supported by hpjit")


@overload(len, jit_options={"parallel": True})
def _frame_len(df):
    if isinstance(df, DataFrameType):
        return lambda df: index_len(df._index)


@overload_attribute(DataFrameType, "shape", parallel=True)
def _frame_shape(df):
    ncols = len(df.columns)
    return lambda df: (index_len(df._index), ncols)


@overload_attribute(DataFrameType, "columns", parallel=True)
def _frame_columns(df):
    t = ColumnNamesType(df.columns)
    return lambda df: type_value(t)


class ColumnNamesType(types.Type):
    """``df.columns``: the names are in the type; boxes to pandas' ``Index`` of ``str``."""

    def __init__(self, names):
        self.names = tuple(names)
        super().__init__(name=f"Columns{self.names}")


register_model(ColumnNamesType)(models.OpaqueModel)


def _names_index(names):
    return pd.Index(list(names), dtype="str")


@box(ColumnNamesType)
def _box_columns(typ, val, c):
    names = const_obj(c, typ.names)
    res = call_py(c, _names_index, names)
    c.pyapi.decref(names)
    return res


@overload(len)
def _columns_len(cols):
    if isinstance(cols, ColumnNamesType):
        n = len(cols.names)
        return lambda cols: n


@overload(operator.contains)
def _columns_contains(cols, name):
    if isinstance(cols, ColumnNamesType):
        names = cols.names
        return lambda cols, name: name in names


@overload(operator.getitem)
def _columns_getitem(cols, i):
    if isinstance(cols, ColumnNamesType) and isinstance(i, types.Integer):
        names = cols.names
        return lambda cols, i: names[i]


@overload_attribute(DataFrameType, "index", parallel=True)
def _frame_index(df):
    return lambda df: df._index


def _frame_rows(bounds):
    """``df.head``/``df.tail``: the rows ``bounds(len, n)`` gives, with their labels."""
    def ov(df, n=5):
        items = "".join(f"slice_rows(column_at(df, {j}), start, stop), "
                        for j in range(len(df.columns)))
        src = (f"def impl(df, n=5):\n"
               f"    start, stop = bounds(index_len(df._index), n)\n"
               f"    return init_frame(({items}), index_slice(df._index, start, stop), df)\n")
        return _gen(src, dict(init_frame=init_frame, slice_rows=slice_rows, index_len=index_len,
                              index_slice=index_slice, bounds=bounds))
    return ov


method(DataFrameType, "head", HEAD, parallel=True)(_frame_rows(head_rows))
method(DataFrameType, "tail", WHOLE, form="frame_collectives.dist_tail",
       parallel=True)(_frame_rows(tail_rows))


def apply_rows(df, func, row_t, out_t):
    """Column ``out_t`` of ``func(row)`` for every row of ``df`` (rows typed ``row_t``)."""


def _row_src(df, row_t):
    """The row's values: each column's value, converted to the row's type where pandas' row
    has one dtype for all (``row_dtype``)."""
    items = []
    for c, t in zip(row_t.columns, row_t.values):
        j = df.columns.index(c)
        get = f"get_value(column_at(df, {j}), i)"
        items.append(get if value_type(df.data[j]) == t else f"np.{t}({get})")
    return ", ".join(items) + ("," if len(items) == 1 else "")


def row_dtype(df):
    """The one dtype of pandas' rows of ``df`` (``df.iloc[i]``) when every column holds numbers
    (the common dtype: an int column's values are floats beside a float column), or None
    where a row is an object Series and each value keeps its column's type (text, dates,
    bools among numbers)."""
    dts = []
    for a in df.data:
        dt = a.dtype if isinstance(a, (types.Array, MaskedArrayType)) else None
        if not isinstance(dt, (types.Integer, types.Float)):
            return None
        dts.append(numpy_support.as_dtype(dt))
    return numpy_support.from_dtype(np.result_type(*dts))


@overload(apply_rows)
def _apply_rows(df, func, row_t, out_t):
    vals = _row_src(df, row_t.instance_type)
    chunk = None
    if out_t.instance_type == string_array_type:
        src = (f"def impl(df, func, row_t, out_t):\n"
               f"    n = index_len(df._index)\n"
               f"    strs = [''] * n\n"
               f"    missing = np.zeros(n, np.bool_)\n"
               f"    for i in range(n):\n"
               f"        v = func(make_row(({vals}), row_t))\n"
               f"        missing[i] = is_missing_str(v)\n"
               f"        if not missing[i]:\n"
               f"            strs[i] = as_str(v)\n"
               f"    return strings_from_list(strs, missing)\n")
    else:
        chunk = chunk_body(_gen(
            f"def chunk(df, func, row_t, out, start, stop):\n"
            f"    for i in range(start, stop):\n"
            f"        i = row(i)\n"
            f"        set_value(out, i, func(make_row(({vals}), row_t)))\n"
            f"    return 0\n", dict(np=np, set_value=set_value, make_row=make_row,
                               get_value=get_value, row=row),
            name="chunk"))
        src = (f"def impl(df, func, row_t, out_t):\n"
               f"    n = index_len(df._index)\n"
               f"    out = alloc_fixed(n, out_t)\n"
               f"    if parallel_chunks(chunk, n, (df, func, row_t, out)):\n"
               f"        for i in range(n):  # on this thread: raises the user's own error\n"
               f"            func(make_row(({vals}), row_t))\n"
               f"        raise ValueError('hpjit: the function passed to DataFrame.apply failed')\n"
               f"    return out\n")
    return _gen(src, dict(np=np, index_len=index_len, alloc_fixed=alloc_fixed,
                          make_row=make_row, get_value=get_value, is_missing_str=is_missing_str,
                          as_str=as_str, strings_from_list=strings_from_list,
                          parallel_chunks=parallel_chunks, chunk=chunk))


def _axis_is_rows(axis):
    if isinstance(axis, types.IntegerLiteral):
        return axis.literal_value == 1
    if isinstance(axis, types.StringLiteral):
        return axis.literal_value == "columns"
    return False


@method(DataFrameType, "apply", ELEMENTWISE, prefer_literal=True, parallel=True)
def _frame_apply(df, func, axis=0, raw=False, result_type=None):
    if not _axis_is_rows(axis):
        raise user_error("DataFrame.apply: hpjit supports axis=1 (one call per row) with a "
                         "constant axis")
    if not (raw is False or isinstance(raw, (types.Omitted, types.BooleanLiteral))
            or (isinstance(raw, types.Boolean))):
        raise user_error("DataFrame.apply: raw must be a constant")
    if not is_none(result_type):
        raise user_error("DataFrame.apply: result_type is not supported by hpjit yet")
    read = columns_read(func, df.columns) if isinstance(func, types.Dispatcher) else None
    kept = [(c, a) for c, a in zip(df.columns, df.data) if read is None or c in read]
    nullable = [c for c, a in kept if isinstance(a, MaskedArrayType)]
    if nullable:
        raise user_error(f"DataFrame.apply: rows with nullable columns ({nullable}) are not "
                         "supported by hpjit yet")
    common = row_dtype(df)
    row_t = RowType([c for c, _ in kept], [common or value_type(a) for _, a in kept])
    sig = resolve_udf(func, (row_t,), "DataFrame.apply")
    out_arr = column_for_value(sig.return_type, "DataFrame.apply")
    out_series = SeriesType(out_arr, df.index, None)

    def impl(df, func, axis=0, raw=False, result_type=None):
        return init_series(apply_rows(df, func, row_t, out_arr), df._index, out_series)
    return impl
