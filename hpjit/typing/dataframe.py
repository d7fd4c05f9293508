"""``DataFrameType``: literal column names, a tuple of column types, an index type.

A frame's type never changes; ``df['c'] = v`` is rewritten by
``hpjit.transforms.dataframe_pass`` into ``df = set_column(df, 'c', v)``, a new
frame value of a new type.
"""
import operator

import pandas as pd
from numba import types
from numba.core import cgutils
from numba.core.typing.templates import (AbstractTemplate, AttributeTemplate, infer_getattr,
                                         infer_global, signature)
from numba.extending import (NativeValue, box, intrinsic, lower_builtin, lower_getattr_generic,
                             make_attribute_wrapper, models, register_model, typeof_impl, unbox)

from hpjit.core.pyobjects import call_py, const_obj
from hpjit.errors import HpjitError, describe_attribute_errors, user_error
from hpjit.typing.columns import convert
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.dtypes import box_column, column_payload, column_type_of
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.index import box_index, index_payload, index_type_of
from hpjit.typing.series import SeriesType

_BY_NAME = {}


class DataFrameType(types.Type):
    """A pandas DataFrame with string column names known at compile time."""

    def __init__(self, columns, data, index):
        self.columns = tuple(columns)
        self.data = tuple(data)
        self.index = index
        cols = ", ".join(f"{c}: {t}" for c, t in zip(self.columns, self.data))
        super().__init__(name=f"DataFrame({cols}; index={index})")
        _BY_NAME[self.name] = self.columns

    @property
    def key(self):
        return self.columns, self.data, self.index

    def column_index(self, name):
        return self.columns.index(name)

    def columns_source(self, names, data):
        """Source of the tuple of columns ``names`` of the frame whose column tuple is the
        expression ``data`` (for generated implementations)."""
        return "(" + "".join(f"{data}[{self.column_index(c)}], " for c in names) + ")"

    def series_type(self, name):
        return SeriesType(self.data[self.column_index(name)], self.index, name)

    def with_column(self, name, arr):
        if name in self.columns:
            data = list(self.data)
            data[self.column_index(name)] = arr
            return DataFrameType(self.columns, data, self.index)
        return DataFrameType(self.columns + (name,), self.data + (arr,), self.index)

    def select(self, names):
        return DataFrameType(names, [self.data[self.column_index(n)] for n in names], self.index)


@register_model(DataFrameType)
class _DataFrameModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("data", types.Tuple(fe_type.data)),
                                        ("index", fe_type.index)])


make_attribute_wrapper(DataFrameType, "data", "_data")
make_attribute_wrapper(DataFrameType, "index", "_index")


@intrinsic
def init_frame(typingctx, data, index, frame_type):
    """A frame over ``data`` and ``index`` with the columns of ``frame_type`` (a TypeRef or a frame)."""
    ft = getattr(frame_type, "instance_type", frame_type)
    ft = DataFrameType(ft.columns, tuple(data), index)

    def codegen(context, builder, sig, args):
        df = cgutils.create_struct_proxy(ft)(context, builder)
        df.data, df.index = args[0], args[1]
        context.nrt.incref(builder, data, args[0])
        context.nrt.incref(builder, index, args[1])
        return df._getvalue()
    return ft(data, index, frame_type), codegen


@typeof_impl.register(pd.DataFrame)
def _typeof_frame(val, c):
    names = list(val.columns)
    bad = [n for n in names if not isinstance(n, str)]
    if bad or len(set(names)) != len(names):
        raise HpjitError("hpjit supports DataFrames whose column names are distinct strings")
    index = index_type_of(val.index)
    if index is None:
        raise HpjitError(f"hpjit does not support an index of dtype {val.index.dtype} yet")
    data = [column_type_of(val[n], f"column {n!r}") for n in names]
    return DataFrameType(names, data, index)


def _frame_payload(df):
    return tuple(column_payload(df[n]) for n in df.columns), index_payload(df.index)


@unbox(DataFrameType)
def _unbox_frame(typ, obj, c):
    pair = call_py(c, _frame_payload, obj)
    cols = c.pyapi.tuple_getitem(pair, 0)
    values = []
    is_error = cgutils.false_bit
    for k, t in enumerate(typ.data):
        nv = c.unbox(t, c.pyapi.tuple_getitem(cols, k))
        values.append(nv.value)
        is_error = c.builder.or_(is_error, nv.is_error)
    index = c.unbox(typ.index, c.pyapi.tuple_getitem(pair, 1))
    df = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    df.data = c.context.make_tuple(c.builder, types.Tuple(typ.data), values)
    df.index = index.value
    c.pyapi.decref(pair)
    return NativeValue(df._getvalue(), is_error=c.builder.or_(is_error, index.is_error))


@box(DataFrameType)
def _box_frame(typ, val, c):
    df = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    cols = c.pyapi.tuple_new(len(typ.data))
    for k, t in enumerate(typ.data):
        item = c.builder.extract_value(df.data, k)
        c.pyapi.tuple_setitem(cols, k, box_column(t, item, c))
    index = box_index(typ.index, df.index, c)
    names = const_obj(c, typ.columns)
    res = call_py(c, convert.make_frame, names, cols, index)
    for o in (cols, index, names):
        c.pyapi.decref(o)
    c.context.nrt.decref(c.builder, typ, val)
    return res


@infer_getattr
class _FrameColumnAttribute(AttributeTemplate):
    """``df.col`` for a column named like an attribute."""

    key = DataFrameType

    def generic_resolve(self, df, attr):
        if attr in df.columns:
            return df.series_type(attr)


def frame_column(context, builder, typ, val, name):
    """The Series ``name`` of frame ``val`` (a new reference)."""
    df = cgutils.create_struct_proxy(typ)(context, builder, value=val)
    st = typ.series_type(name)
    s = cgutils.create_struct_proxy(st)(context, builder)
    s.data = builder.extract_value(df.data, typ.column_index(name))
    s.index = df.index
    context.nrt.incref(builder, st, s._getvalue())
    return s._getvalue()


@lower_getattr_generic(DataFrameType)
def _lower_frame_column(context, builder, typ, val, attr):
    return frame_column(context, builder, typ, val, attr)


@infer_global(operator.getitem)
class _FrameGetColumn(AbstractTemplate):
    """``df['c']`` typed and lowered without compiling a function (one per column access)."""

    prefer_literal = True

    def generic(self, args, kws):
        if len(args) == 2 and isinstance(args[0], DataFrameType) \
                and isinstance(args[1], types.StringLiteral) and args[1].literal_value in args[0].columns:
            return signature(args[0].series_type(args[1].literal_value), *args)


@lower_builtin(operator.getitem, DataFrameType, types.StringLiteral)
def _lower_frame_getitem(context, builder, sig, args):
    return frame_column(context, builder, sig.args[0], args[0], sig.args[1].literal_value)


def check_columns(df, names, what):
    """Raise the user error naming the first of ``names`` that ``df`` (a frame type) lacks."""
    for n in names:
        if n not in df.columns:
            raise user_error(f"{what}: column {n!r} does not exist; the columns are "
                             f"{list(df.columns)}")


def column_length(context, builder, typ, val):
    """Rows of column ``val`` of type ``typ``, as an intp."""
    if isinstance(typ, StringArrayType):
        sa = cgutils.create_struct_proxy(typ)(context, builder, value=val)
        n = context.make_array(types.Array(types.int64, 1, "C"))(context, builder, sa.offsets).nitems
        return builder.sub(n, n.type(1))
    if isinstance(typ, DateArrayType):
        da = cgutils.create_struct_proxy(typ)(context, builder, value=val)
        return context.make_array(types.Array(types.int64, 1, "C"))(context, builder, da.days).nitems
    if isinstance(typ, MaskedArrayType):
        m = cgutils.create_struct_proxy(typ)(context, builder, value=val)
        return context.make_array(typ.data_type)(context, builder, m.data).nitems
    return context.make_array(typ)(context, builder, val).nitems


def replace_column(context, builder, df_t, df_val, out_t, name, col_t, col_val):
    """Frame ``out_t``: ``df_val`` with column ``name`` set to ``col_val`` (a new reference).

    Raises ValueError in compiled code when the column's length differs from the frame's.
    """
    df = cgutils.create_struct_proxy(df_t)(context, builder, value=df_val)
    if df_t.columns:
        n_old = column_length(context, builder, df_t.data[0], builder.extract_value(df.data, 0))
        n_new = column_length(context, builder, col_t, col_val)
        with cgutils.if_unlikely(builder, builder.icmp_signed("!=", n_old, n_new)):
            context.call_conv.return_user_exc(
                builder, ValueError, ("hpjit: Length of values does not match length of index",))
    k = out_t.column_index(name)
    items = []
    for j, t in enumerate(out_t.data):
        item = col_val if j == k else builder.extract_value(df.data, j)
        context.nrt.incref(builder, t, item)
        items.append(item)
    out = cgutils.create_struct_proxy(out_t)(context, builder)
    out.data = context.make_tuple(builder, types.Tuple(out_t.data), items)
    out.index = df.index
    context.nrt.incref(builder, out_t.index, df.index)
    return out._getvalue()


@describe_attribute_errors("DataFrame(")
def _explain_frame_attribute(attr, typename):
    if hasattr(pd.DataFrame, attr):
        return f"DataFrame.{attr} is not supported by hpjit"
    cols = list(_BY_NAME.get(typename, ()))
    return f"DataFrame has no column or attribute {attr!r}; the columns are {cols}"
