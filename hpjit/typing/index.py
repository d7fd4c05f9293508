"""Row labels: ``RangeIndexType`` (pandas' default), an int64 array of labels, or key labels.

A boolean filter keeps pandas' labels, so it turns a range into an int64 label
array; a slice (``head``) of a range stays a range. ``groupby`` results are labelled
by their keys: ``KeyIndexType`` (one key column of any layout, named) or
``MultiKeyIndexType`` (several, a pandas ``MultiIndex``).
"""
import numpy as np
import pandas as pd
from numba import types
from numba.core import cgutils
from numba.core.typeconv import Conversion
from numba.extending import (NativeValue, box, intrinsic, lower_cast, make_attribute_wrapper, models,
                             overload, register_jitable, register_model, typeof_impl, unbox)

from hpjit.core.generated import column_at
from hpjit.core.pyobjects import call_py, const_obj
from hpjit.runtime.keys import rows_equal
from hpjit.errors import user_error
from hpjit.typing.columns import convert
from hpjit.typing.columns.arrays import take_rows
from hpjit.typing.columns.dtypes import box_column
from hpjit.typing.columns.gather import range_labels
from hpjit.typing.columns.strings import StringArrayType, bytes_equal_at, str_isna, utf8_of


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


class KeyIndexType(types.Type):
    """An index whose labels are a column (any layout) named ``index_name``; ``freq``: the
    frequency of datetime labels made in steps (``resample``), else None. Whether pandas
    states it is known when the labels are made (``regular``: resample's key had no NaT)."""

    def __init__(self, data, name, freq=None):
        self.data = data
        self.index_name = name
        self.freq = freq
        super().__init__(name=f"KeyIndex({data}, name={name!r}"
                              + (f", freq={freq!r})" if freq else ")"))

    def can_convert_to(self, typingctx, other):
        """The same labels with or without a frequency (an operation that rebuilds the
        index does not keep it; a distributed form may stand in for one that did)."""
        if isinstance(other, KeyIndexType) and (other.data, other.index_name) == (
                self.data, self.index_name):
            return Conversion.safe
        return None


class MultiKeyIndexType(types.Type):
    """A ``MultiIndex`` over key columns ``data`` named ``names``."""

    def __init__(self, data, names):
        self.data = tuple(data)
        self.names = tuple(names)
        super().__init__(name=f"MultiKeyIndex({', '.join(map(str, self.data))}, names={self.names})")


@unbox(KeyIndexType)
def _unbox_key_index(typ, obj, c):
    data = c.unbox(typ.data, obj)
    r = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    r.data = data.value
    if typ.freq:
        r.regular = cgutils.true_bit
    return NativeValue(r._getvalue(), is_error=data.is_error)


@intrinsic
def make_stepped_index(typingctx, labels, names, regular):
    """The index of datetime ``labels`` made in steps of ``names``' frequency, which pandas
    states where ``regular``."""
    typ = KeyIndexType(labels, names.instance_type.names[0], names.instance_type.freq)

    def codegen(context, builder, sig, args):
        r = cgutils.create_struct_proxy(typ)(context, builder)
        r.data, r.regular = args[0], args[2]
        context.nrt.incref(builder, labels, args[0])
        return r._getvalue()
    return typ(labels, names, types.boolean), codegen


@register_model(KeyIndexType)
class _KeyIndexModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("data", fe_type.data)]
                         + ([("regular", types.boolean)] if fe_type.freq else []))


@register_model(MultiKeyIndexType)
class _MultiKeyIndexModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("data", types.Tuple(fe_type.data))])


make_attribute_wrapper(KeyIndexType, "data", "_data")
make_attribute_wrapper(KeyIndexType, "regular", "_regular")


@lower_cast(KeyIndexType, KeyIndexType)
def _cast_key_index(context, builder, fromty, toty, val):
    src = cgutils.create_struct_proxy(fromty)(context, builder, value=val)
    out = cgutils.create_struct_proxy(toty)(context, builder)
    out.data = src.data
    if toty.freq:
        out.regular = src.regular if fromty.freq == toty.freq else cgutils.false_bit
    return out._getvalue()
make_attribute_wrapper(MultiKeyIndexType, "data", "_data")


@intrinsic
def make_key_index(typingctx, keys, names):
    """The index over key columns ``keys`` (a tuple) named by ``names`` (a literal tuple type ref)."""
    names_v = names.instance_type.names
    typ = (KeyIndexType(keys[0], names_v[0]) if len(keys) == 1
           else MultiKeyIndexType(tuple(keys), names_v))

    def codegen(context, builder, sig, args):
        r = cgutils.create_struct_proxy(typ)(context, builder)
        if len(keys) == 1:
            r.data = builder.extract_value(args[0], 0)
        else:
            r.data = args[0]
        context.nrt.incref(builder, keys, args[0])
        return r._getvalue()
    return typ(keys, names), codegen


class IndexNames(types.Type):
    """A compile-time tuple of index names (a type-level constant for ``make_key_index``), and
    the frequency of one index of datetime labels."""

    def __init__(self, names, freq=None):
        self.names = tuple(names)
        self.freq = freq
        super().__init__(name=f"IndexNames{self.names}" + (f"({freq!r})" if freq else ""))


def index_key_columns(idx):
    """The key columns of a key index, as a tuple."""


@overload(index_key_columns)
def _index_key_columns(idx):
    if isinstance(idx, KeyIndexType):
        return lambda idx: (idx._data,)
    if isinstance(idx, MultiKeyIndexType):
        return lambda idx: idx._data


def _box_key_index(typ, val, c):
    r = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    if isinstance(typ, KeyIndexType):
        cols, datas = [r.data], [typ.data]
        names = [typ.index_name]
    else:
        cols = [c.builder.extract_value(r.data, k) for k in range(len(typ.data))]
        datas, names = typ.data, typ.names
    tup = c.pyapi.tuple_new(len(cols))
    for k, (t, v) in enumerate(zip(datas, cols)):
        c.pyapi.tuple_setitem(tup, k, box_column(t, v, c))
    kind = const_obj(c, 2)
    names_obj = const_obj(c, tuple(names))
    freq = const_obj(c, None)
    if getattr(typ, "freq", None):
        stated = const_obj(c, typ.freq)
        freq, unused = (c.builder.select(r.regular, stated, freq),
                        c.builder.select(r.regular, freq, stated))
        c.pyapi.decref(unused)
    res = call_py(c, convert.make_index, kind, tup, names_obj, freq)
    for o in (tup, kind, names_obj, freq):
        c.pyapi.decref(o)
    return res


def box_index(typ, val, c):
    """A new reference to the pandas Index for native index ``val``."""
    if isinstance(typ, (KeyIndexType, MultiKeyIndexType)):
        return _box_key_index(typ, val, c)
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
@box(KeyIndexType)
@box(MultiKeyIndexType)
def _box_index(typ, val, c):
    res = box_index(typ, val, c)
    c.context.nrt.decref(c.builder, typ, val)
    return res


def index_type_of(index):
    """The hpjit type of a pandas Index, or None if unsupported."""
    if isinstance(index, pd.RangeIndex):
        return range_index_type
    if index.dtype == np.int64:
        return label_index_type
    if isinstance(index, pd.DatetimeIndex) and index.tz is None and (
            index.name is None or isinstance(index.name, str)):
        return KeyIndexType(types.Array(types.NPDatetime(index.unit), 1, "C"), index.name,
                            index.freqstr)
    return None


def index_payload(index):
    """What the index type's unbox takes: a RangeIndex as it is, else its labels as a numpy
    array (numba unboxes arrays, not pandas indexes)."""
    if isinstance(index, pd.RangeIndex):
        return index
    return np.ascontiguousarray(index.to_numpy())


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
    if isinstance(idx, KeyIndexType):
        return lambda idx: len(idx._data)
    if isinstance(idx, MultiKeyIndexType):
        return lambda idx: len(idx._data[0])
    return lambda idx: len(idx)


def label_position(idx, label):
    """``(position, count)``: where ``label`` first is in index ``idx`` (-1 if nowhere) and how
    many times it is there; what ``.at`` looks up."""


@overload(label_position)
def _label_position(idx, label):
    if isinstance(idx, RangeIndexType):
        if not isinstance(label, types.Integer):
            return lambda idx, label: (-1, 0)

        def in_range(idx, label):
            d = label - idx._start
            if d % idx._step == 0 and 0 <= d // idx._step < index_len(idx):
                return d // idx._step, 1
            return -1, 0
        return in_range
    labels = idx.data if isinstance(idx, KeyIndexType) else idx
    get = (lambda idx: idx._data) if isinstance(idx, KeyIndexType) else (lambda idx: idx)
    get = register_jitable(get)
    if isinstance(labels, StringArrayType) and isinstance(label, types.UnicodeType):
        def strings(idx, label):
            a = get(idx)
            b = utf8_of(label)
            p, count = -1, 0
            for i in range(len(a)):
                if not str_isna(a, i) and bytes_equal_at(a._data, a._offsets[i],
                                                         a._offsets[i + 1], b, 0, len(b)):
                    p = i if count == 0 else p
                    count += 1
            return p, count
        return strings
    if isinstance(labels, types.Array) and isinstance(labels.dtype, types.Number) and \
            isinstance(label, types.Number):
        def numbers(idx, label):
            a = get(idx)
            p, count = -1, 0
            for i in range(len(a)):
                if a[i] == label:
                    p = i if count == 0 else p
                    count += 1
            return p, count
        return numbers
    raise user_error(f".at: hpjit looks up an int label in a RangeIndex, or an int, float or "
                     f"string label in an index of those, not {label} in {idx}")


def check_aligned(a, b):
    """Raise unless indexes ``a`` and ``b`` hold the same labels in the same order: element-wise
    operations between Series pair rows by position, which is pandas' alignment by label only
    then. Key indexes (group results) are compared key by key; a key index and a row index
    are refused when typed (fuzz seed 41282: ``df.count() * df.n``)."""


@overload(check_aligned)
def _check_aligned(a, b):
    keyed = (KeyIndexType, MultiKeyIndexType)
    if isinstance(a, keyed) != isinstance(b, keyed):
        raise user_error(f"Series with different indexes ({a} and {b}): pandas aligns them by "
                         "label, which hpjit does not support yet")
    if isinstance(a, keyed):
        comparable = type(a) is type(b) and a.data == b.data

        def same_keys(a, b):
            n = index_len(a)
            if n != index_len(b) or (n and not comparable):
                raise ValueError(_UNALIGNED)
            if comparable:
                ka, kb = index_key_columns(a), index_key_columns(b)
                for i in range(n):
                    if not rows_equal(ka, i, kb, i):
                        raise ValueError(_UNALIGNED)
        return same_keys
    if isinstance(a, RangeIndexType) and isinstance(b, RangeIndexType):
        def ranges(a, b):
            n = index_len(a)
            if n != index_len(b) or (n > 0 and a._start != b._start) or \
                    (n > 1 and a._step != b._step):
                raise ValueError(_UNALIGNED)
        return ranges

    def labels(a, b):
        x, y = index_labels(a), index_labels(b)
        if len(x) != len(y):
            raise ValueError(_UNALIGNED)
        if len(x) and x.ctypes.data == y.ctypes.data:
            return
        for i in range(len(x)):
            if x[i] != y[i]:
                raise ValueError(_UNALIGNED)
    return labels


_UNALIGNED = ("hpjit: Series with different indexes: pandas aligns them by label, which hpjit "
              "does not support yet")


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
    if isinstance(idx, (KeyIndexType, MultiKeyIndexType)):
        return lambda idx, mask: index_take(idx, np.flatnonzero(mask))
    return lambda idx, mask: index_labels(idx)[mask]


def index_take(idx, rows):
    """Labels at positions ``rows`` (an int array), in that order; a range becomes int64 labels."""


@overload(index_take)
def _index_take(idx, rows):
    if isinstance(idx, KeyIndexType):
        names = IndexNames((idx.index_name,))
        return lambda idx, rows: make_key_index((take_rows(idx._data, rows),), names)
    if isinstance(idx, MultiKeyIndexType):
        names = IndexNames(idx.names)
        src = ("def impl(idx, rows):\n    return make_key_index(("
               + "".join(f"take_rows(column_at(idx, {k}), rows), " for k in range(len(idx.data)))
               + "), names)\n")
        ns = dict(make_key_index=make_key_index, take_rows=take_rows, names=names,
                  column_at=column_at)
        exec(src, ns)
        return ns["impl"]
    if isinstance(idx, RangeIndexType):
        return lambda idx, rows: range_labels(idx._start, idx._step, rows)
    return lambda idx, rows: take_rows(idx, rows)


def index_slice(idx, start, stop):
    """Labels ``start:stop`` (clipped); a range stays a range."""


@overload(index_slice)
def _index_slice(idx, start, stop):
    if isinstance(idx, RangeIndexType):
        def impl(idx, start, stop):
            return make_range_index(idx._start + start * idx._step, idx._start + stop * idx._step,
                                    idx._step)
        return impl
    if isinstance(idx, KeyIndexType) and idx.freq:  # a run of steps keeps its frequency
        names = IndexNames((idx.index_name,), idx.freq)
        return lambda idx, start, stop: make_stepped_index(
            take_rows(idx._data, np.arange(start, stop)), names, idx._regular)
    if isinstance(idx, (KeyIndexType, MultiKeyIndexType)):
        return lambda idx, start, stop: index_take(idx, np.arange(start, stop))
    return lambda idx, start, stop: idx[start:stop]


@register_jitable
def head_rows(m, n):
    """``(start, stop)`` of ``head(n)`` of ``m`` rows: the first ``n``, or all but the last
    ``-n`` for a negative ``n``."""
    return 0, (min(n, m) if n >= 0 else max(m + n, 0))


@register_jitable
def tail_rows(m, n):
    """``(start, stop)`` of ``tail(n)`` of ``m`` rows: the last ``n``, none for 0, all but the
    first ``-n`` for a negative ``n`` (pandas' ``iloc[-n:]`` rule)."""
    if n > 0:
        return max(m - n, 0), m
    return (m if n == 0 else min(-n, m)), m
