"""``SeriesType``: a column, its row labels and its (compile-time) name.

Methods are overloads compiled as parallel loops over the column buffers; see
``series_methods.py`` for the pandas API.
"""
import pandas as pd
from numba import types
from numba.core import cgutils
from numba.extending import (NativeValue, box, intrinsic, make_attribute_wrapper, models,
                             register_model, typeof_impl, unbox)

from hpjit.core.pyobjects import call_py, const_obj
from hpjit.errors import HpjitError, describe_attribute_errors
from hpjit.typing.columns import convert
from hpjit.typing.columns.dtypes import box_column, column_payload, column_type_of
from hpjit.typing.index import box_index, index_payload, index_type_of


class SeriesType(types.Type):
    """A pandas Series: ``data`` column type, ``index`` type and literal ``name``."""

    def __init__(self, data, index, name=None):
        self.data = data
        self.index = index
        self.series_name = name
        super().__init__(name=f"Series({data}, {index}, name={name!r})")

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def key(self):
        return self.data, self.index, self.series_name


@register_model(SeriesType)
class _SeriesModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("data", fe_type.data), ("index", fe_type.index)])


make_attribute_wrapper(SeriesType, "data", "_data")
make_attribute_wrapper(SeriesType, "index", "_index")


def name_carrier(name):
    """A SeriesType standing only for its name, for ``init_series`` (which types data and index)."""
    return SeriesType(types.undefined, types.undefined, name)


@intrinsic
def init_series(typingctx, data, index, series_type):
    """A Series over ``data`` and ``index`` named like ``series_type`` (a TypeRef or a Series)."""
    st = getattr(series_type, "instance_type", series_type)
    st = SeriesType(data, index, st.series_name)

    def codegen(context, builder, sig, args):
        s = cgutils.create_struct_proxy(st)(context, builder)
        s.data, s.index = args[0], args[1]
        context.nrt.incref(builder, data, args[0])
        context.nrt.incref(builder, index, args[1])
        return s._getvalue()
    return st(data, index, series_type), codegen


@typeof_impl.register(pd.Series)
def _typeof_series(val, c):
    name = val.name
    if name is not None and not isinstance(name, str):
        raise HpjitError(f"hpjit supports Series named by a string or None, not {name!r}")
    index = index_type_of(val.index)
    if index is None:
        raise HpjitError(f"hpjit does not support an index of dtype {val.index.dtype} yet")
    return SeriesType(column_type_of(val, f"Series {name!r}"), index, name)


def _payload_and_index(s):
    return column_payload(s), index_payload(s.index)


@unbox(SeriesType)
def _unbox_series(typ, obj, c):
    pair = call_py(c, _payload_and_index, obj)
    s = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    data = c.unbox(typ.data, c.pyapi.tuple_getitem(pair, 0))
    index = c.unbox(typ.index, c.pyapi.tuple_getitem(pair, 1))
    s.data, s.index = data.value, index.value
    c.pyapi.decref(pair)
    return NativeValue(s._getvalue(), is_error=c.builder.or_(data.is_error, index.is_error))


@box(SeriesType)
def _box_series(typ, val, c):
    s = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    data = box_column(typ.data, s.data, c)
    index = box_index(typ.index, s.index, c)
    name = const_obj(c, typ.series_name)
    res = call_py(c, convert.make_series, data, index, name)
    for o in (data, index, name):
        c.pyapi.decref(o)
    c.context.nrt.decref(c.builder, typ, val)
    return res


@describe_attribute_errors("Series(")
def _explain_series_attribute(attr, typename):
    if hasattr(pd.Series, attr):
        return f"Series.{attr} is not supported by hpjit"
    return f"Series has no attribute {attr!r}"
