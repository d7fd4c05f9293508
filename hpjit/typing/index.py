"""Row labels: ``RangeIndexType`` (pandas' default) or an int64 array of labels.

A boolean filter keeps pandas' labels, so it turns a range into an int64 label
array; a slice (``head``) of a range stays a range.
"""
import numpy as np
import pandas as pd
from numba import types
from numba.core import cgutils
from numba.extending import (NativeValue, box, intrinsic, make_attribute_wrapper, models,
                             overload, register_model, typeof_impl, unbox)

from hpjit.runtime import convert
from hpjit.typing.pyhelpers import call_py, const_obj


class RangeIndexType(types.Type):
    def __init__(self):
        super().__init__(name="RangeIndex")


range_index_type = RangeIndexType()
label_index_type = types.Array(types.int64, 1, "C")


@register_model(RangeIndexType)
class _RangeIndexModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("start", types.int64), ("stop", types.int64),
                                        ("step", types.int64)])


make_attribute_wrapper(RangeIndexType, "start", "_start")
make_attribute_wrapper(RangeIndexType, "stop", "_stop")
make_attribute_wrapper(RangeIndexType, "step", "_step")


@intrinsic
def make_range_index(typingctx, start, stop, step):
    def codegen(context, builder, sig, args):
        r = cgutils.create_struct_proxy(range_index_type)(context, builder)
        r.start, r.stop, r.step = [context.cast(builder, v, t, types.int64)
                                   for v, t in zip(args, sig.args)]
        return r._getvalue()
    return range_index_type(start, stop, step), codegen


@typeof_impl.register(pd.RangeIndex)
def _typeof_range(val, c):
    return range_index_type


@unbox(RangeIndexType)
def _unbox_range(typ, obj, c):
    r = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    for field in ("start", "stop", "step"):
        attr = c.pyapi.object_getattr_string(obj, field)
        setattr(r, field, c.pyapi.long_as_longlong(attr))
        c.pyapi.decref(attr)
    return NativeValue(r._getvalue(), is_error=cgutils.is_not_null(c.builder, c.pyapi.err_occurred()))


def box_index(typ, val, c):
    """A new reference to the pandas Index for native index ``val``."""
    if isinstance(typ, RangeIndexType):
        r = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
        kind = const_obj(c, 0)
        objs = [c.pyapi.long_from_longlong(getattr(r, f)) for f in ("start", "stop", "step")]
        res = call_py(c, convert.make_index, kind, *objs)
        for o in objs + [kind]:
            c.pyapi.decref(o)
        return res
    c.context.nrt.incref(c.builder, typ, val)
    arr = c.box(typ, val)
    kind = const_obj(c, 1)
    res = call_py(c, convert.make_index, kind, arr)
    c.pyapi.decref(arr)
    c.pyapi.decref(kind)
    return res


@box(RangeIndexType)
def _box_range(typ, val, c):
    return box_index(typ, val, c)


def index_type_of(index):
    """The hpjit type of a pandas Index, or None if unsupported."""
    if isinstance(index, pd.RangeIndex):
        return range_index_type
    if index.dtype == np.int64:
        return label_index_type
    return None


def index_len(idx):
    """Number of labels."""


@overload(index_len)
def _index_len(idx):
    if isinstance(idx, RangeIndexType):
        def impl(idx):
            if idx._step > 0:
                return max(0, (idx._stop - idx._start + idx._step - 1) // idx._step)
            return max(0, (idx._start - idx._stop - idx._step - 1) // (-idx._step))
        return impl
    return lambda idx: len(idx)


def index_labels(idx):
    """The labels as an int64 array."""


@overload(index_labels)
def _index_labels(idx):
    if isinstance(idx, RangeIndexType):
        return lambda idx: np.arange(idx._start, idx._stop, idx._step).astype(np.int64)
    return lambda idx: idx


def index_take_mask(idx, mask):
    """Labels where ``mask`` is True (always an int64 label array)."""


@overload(index_take_mask)
def _index_take_mask(idx, mask):
    return lambda idx, mask: index_labels(idx)[mask]


def index_slice(idx, start, stop):
    """Labels ``start:stop`` (clipped); a range stays a range."""


@overload(index_slice)
def _index_slice(idx, start, stop):
    if isinstance(idx, RangeIndexType):
        def impl(idx, start, stop):
            return make_range_index(idx._start + start * idx._step, idx._start + stop * idx._step,
                                    idx._step)
        return impl
    return lambda idx, start, stop: idx[start:stop]
