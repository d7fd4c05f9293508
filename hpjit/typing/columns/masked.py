"""pandas' nullable columns (``Int64``, ``UInt8``..., ``Float64``, ``boolean``): values + mask.

The layout is pandas' own (``_data`` and a boolean ``_mask``, True where missing),
so unboxing and boxing hand the two numpy arrays over without copying.
"""
import numpy as np
import pandas as pd
from numba import types
from numba.core import cgutils
from numba.extending import (NativeValue, box, intrinsic, make_attribute_wrapper, models, overload,
                             register_model, unbox)

from hpjit.core.pyobjects import call_py

_MASK = types.Array(types.bool_, 1, "C")


class MaskedArrayType(types.Type):
    """A nullable column of ``dtype`` values (missing where the mask is True)."""

    def __init__(self, dtype):
        self.dtype = dtype
        super().__init__(name=f"MaskedArray({dtype})")

    @property
    def data_type(self):
        return types.Array(self.dtype, 1, "C")


@register_model(MaskedArrayType)
class _MaskedModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("data", fe_type.data_type), ("mask", _MASK)])


make_attribute_wrapper(MaskedArrayType, "data", "_values")
make_attribute_wrapper(MaskedArrayType, "mask", "_mask")


@intrinsic
def make_masked(typingctx, data, mask):
    t = MaskedArrayType(data.dtype)

    def codegen(context, builder, sig, args):
        m = cgutils.create_struct_proxy(t)(context, builder)
        m.data, m.mask = args
        context.nrt.incref(builder, sig.args[0], args[0])
        context.nrt.incref(builder, sig.args[1], args[1])
        return m._getvalue()
    return t(data, mask), codegen


def masked_buffers(arr):
    """(values, mask) of a pandas masked array, without copying."""
    arr = arr.array if isinstance(arr, pd.Series) else arr
    return np.ascontiguousarray(arr._data), np.ascontiguousarray(arr._mask)


def masked_from_buffers(data, mask):
    if data.dtype == np.bool_:
        return pd.arrays.BooleanArray(data, mask)
    if data.dtype.kind == "f":
        return pd.arrays.FloatingArray(data, mask)
    return pd.arrays.IntegerArray(data, mask)


@unbox(MaskedArrayType)
def _unbox_masked(typ, obj, c):
    pair = call_py(c, masked_buffers, obj)
    data = c.unbox(typ.data_type, c.pyapi.tuple_getitem(pair, 0))
    mask = c.unbox(_MASK, c.pyapi.tuple_getitem(pair, 1))
    m = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    m.data, m.mask = data.value, mask.value
    c.pyapi.decref(pair)
    return NativeValue(m._getvalue(), is_error=c.builder.or_(data.is_error, mask.is_error))


@box(MaskedArrayType)
def _box_masked(typ, val, c):
    m = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    c.context.nrt.incref(c.builder, typ.data_type, m.data)
    c.context.nrt.incref(c.builder, _MASK, m.mask)
    data = c.box(typ.data_type, m.data)
    mask = c.box(_MASK, m.mask)
    res = call_py(c, masked_from_buffers, data, mask)
    c.pyapi.decref(data)
    c.pyapi.decref(mask)
    c.context.nrt.decref(c.builder, typ, val)
    return res


@overload(len)
def _len_masked(a):
    if isinstance(a, MaskedArrayType):
        return lambda a: len(a._values)


def is_masked_dtype(dtype):
    return isinstance(dtype, (pd.core.arrays.masked.BaseMaskedDtype,))


def mask_of(a):
    """A column's missing mask as pandas' masked arithmetic reads it: a float numpy column
    combined with a nullable one becomes ``Float64`` first, its NaN becoming missing; other
    numpy columns have none."""


@overload(mask_of)
def _mask_of(a):
    if isinstance(a, MaskedArrayType):
        return lambda a: a._mask
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Float):
        return lambda a: np.isnan(a)
    return lambda a: np.zeros(len(a), np.bool_)
