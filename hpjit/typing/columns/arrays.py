"""Column operations that work on every column layout hpjit supports.

A column is a numpy array (numbers, bools, ``datetime64``), a ``StringArrayType``,
a ``DateArrayType`` or a ``MaskedArrayType``. Series and DataFrame overloads are
written once against these helpers; each helper is an overload that picks the
layout's own code, so the loops calling them compile to plain loops over buffers.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.errors import user_error
from hpjit.typing.columns.datetime import (NAT, DateArrayType, DateType, TimestampType,
                                           date_array_type, date_days, days_to_date, dt64_to_int,
                                           int_to_dt64, int_to_timestamp, make_date_array,
                                           timestamp_value)
from hpjit.typing.columns.gather import copy_rows, gather
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import (StringArrayType, StringViewType, make_string_array,
                                          str_getitem, str_isna, string_array_type, utf8_len,
                                          utf8_write, view_to_str)


def is_none(t):
    """Whether an optional argument's type means "not given" (None, or omitted with default None)."""
    return (t is None or isinstance(t, types.NoneType)
            or (isinstance(t, types.Omitted) and t.value is None))


def is_datetime_array(t):
    return isinstance(t, types.Array) and isinstance(t.dtype, types.NPDatetime)


def is_column(t):
    return (isinstance(t, (StringArrayType, DateArrayType, MaskedArrayType))
            or (isinstance(t, types.Array) and t.ndim == 1))


def value_type(arr):
    """The type a user function sees for one element of column type ``arr``."""
    if is_datetime_array(arr):
        return TimestampType(arr.dtype.unit)
    if isinstance(arr, types.Array):
        return arr.dtype
    return arr.dtype


def column_for_value(t, what):
    """The column type that holds values of type ``t`` returned by a user function."""
    if isinstance(t, types.Optional):
        raise user_error(f"{what}: the function can return None; hpjit needs one value type "
                         f"per column (got {t})")
    if isinstance(t, types.Boolean):
        return types.Array(types.bool_, 1, "C")
    if isinstance(t, types.Integer):
        return types.Array(types.int64 if t.signed or t.bitwidth < 64 else types.uint64, 1, "C")
    if isinstance(t, types.Float):
        return types.Array(types.float64, 1, "C")
    if isinstance(t, TimestampType):
        return types.Array(types.NPDatetime(t.unit), 1, "C")
    if isinstance(t, types.NPDatetime):
        return types.Array(t, 1, "C")
    if isinstance(t, DateType):
        return date_array_type
    if isinstance(t, (types.UnicodeType, types.StringLiteral, StringViewType)):
        return string_array_type
    raise user_error(f"{what}: hpjit cannot make a column of {t} values")


# --- element access --------------------------------------------------------


def get_value(a, i):
    """Element ``i`` as user functions see it."""


@overload(get_value)
def _get_value(a, i):
    if is_datetime_array(a):
        ts_t = TimestampType(a.dtype.unit)
        return lambda a, i: int_to_timestamp(dt64_to_int(a[i]), ts_t)
    if isinstance(a, types.Array):
        return lambda a, i: a[i]
    if isinstance(a, StringArrayType):
        return lambda a, i: str_getitem(a, i)
    if isinstance(a, DateArrayType):
        return lambda a, i: days_to_date(a._days[i])


def isna_at(a, i):
    """Whether element ``i`` is missing (NaN, NaT, null string)."""


@overload(isna_at)
def _isna_at(a, i):
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Float):
        return lambda a, i: np.isnan(a[i])
    if is_datetime_array(a):
        return lambda a, i: dt64_to_int(a[i]) == NAT
    if isinstance(a, types.Array):
        return lambda a, i: False
    if isinstance(a, StringArrayType):
        return lambda a, i: str_isna(a, i)
    if isinstance(a, DateArrayType):
        return lambda a, i: a._days[i] == NAT
    if isinstance(a, MaskedArrayType):
        return lambda a, i: a._mask[i]


def values_of(a):
    """The plain numpy values of a numeric column (a masked column's values under its mask)."""


@overload(values_of)
def _values_of(a):
    if isinstance(a, MaskedArrayType):
        return lambda a: a._values
    return lambda a: a


# --- building columns ------------------------------------------------------


def alloc_fixed(n, arr):
    """An uninitialised fixed-width column of ``n`` rows of column type ``arr`` (a TypeRef)."""


@overload(alloc_fixed)
def _alloc_fixed(n, arr):
    arr = arr.instance_type
    if isinstance(arr, types.Array):
        dt = arr.dtype
        return lambda n, arr: np.empty(n, dt)
    if isinstance(arr, DateArrayType):
        return lambda n, arr: make_date_array(np.empty(n, np.int64))


def set_value(out, i, v):
    """Store value ``v`` (as a user function returns it) at row ``i`` of a fixed-width column."""


@overload(set_value)
def _set_value(out, i, v):
    if isinstance(out, types.Array) and isinstance(v, TimestampType):
        dt = out.dtype

        def impl(out, i, v):
            out[i] = int_to_dt64(timestamp_value(v), dt)
        return impl
    if isinstance(out, types.Array):
        def impl(out, i, v):
            out[i] = v
        return impl
    if isinstance(out, DateArrayType):
        def impl(out, i, v):
            out._days[i] = date_days(v)
        return impl


def as_str(v):
    """A numba string from a string value (view or unicode)."""


@overload(as_str)
def _as_str(v):
    if isinstance(v, StringViewType):
        return lambda v: view_to_str(v)
    return lambda v: v


def is_missing_str(v):
    """Whether a string value is missing."""


@overload(is_missing_str)
def _is_missing_str(v):
    if isinstance(v, StringViewType):
        return lambda v: v._isnull
    return lambda v: False


@register_jitable
def strings_from_list(strs, missing):
    """A string column from a list of numba strings and a missing mask."""
    n = len(strs)
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    for i in range(n):
        offsets[i + 1] = offsets[i] + (0 if missing[i] else utf8_len(strs[i]))
    data = np.empty(offsets[n], np.uint8)
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in range(n):
        if not missing[i]:
            utf8_write(strs[i], data, offsets[i])
            valid[i >> 3] |= np.uint8(1 << (i & 7))
    return make_string_array(offsets, data, valid)


# --- selecting rows --------------------------------------------------------


def take_mask(a, mask):
    """Rows of ``a`` where boolean array ``mask`` is True."""


@overload(take_mask)
def _take_mask(a, mask):
    if isinstance(a, types.Array):
        return lambda a, mask: a[mask]
    if isinstance(a, MaskedArrayType):
        return lambda a, mask: make_masked(a._values[mask], a._mask[mask])
    if isinstance(a, DateArrayType):
        return lambda a, mask: make_date_array(a._days[mask])
    if isinstance(a, StringArrayType):
        def impl(a, mask):
            idx = np.flatnonzero(mask)
            return take_rows(a, idx)
        return impl


def take_rows(a, idx):
    """Rows ``idx`` (an int array) of ``a``, in that order."""


@overload(take_rows)
def _take_rows(a, idx):
    if isinstance(a, types.Array) and a.ndim == 1:
        return lambda a, idx: gather(a, idx)
    if isinstance(a, types.Array):
        return lambda a, idx: a[idx]
    if isinstance(a, MaskedArrayType):
        return lambda a, idx: make_masked(gather(a._values, idx), gather(a._mask, idx))
    if isinstance(a, DateArrayType):
        return lambda a, idx: make_date_array(gather(a._days, idx))
    if isinstance(a, StringArrayType):
        def impl(a, idx):
            m = len(idx)
            offsets = np.empty(m + 1, np.int64)
            offsets[0] = 0
            for j in range(m):
                i = idx[j]
                offsets[j + 1] = offsets[j] + (a._offsets[i + 1] - a._offsets[i])
            data = np.empty(offsets[m], np.uint8)
            valid = np.zeros((m + 7) >> 3, np.uint8)
            for j in prange(m):
                i = idx[j]
                s = a._offsets[i]
                ln = a._offsets[i + 1] - s
                o = offsets[j]
                for k in range(ln):
                    data[o + k] = a._data[s + k]
            for j in range(m):
                if not str_isna(a, idx[j]):
                    valid[j >> 3] |= np.uint8(1 << (j & 7))
            return make_string_array(offsets, data, valid)
        return impl


def copy_column(a):
    """A copy of column ``a`` (the rows of a join that keeps every row of its side), its
    buffers copied across threads."""


@overload(copy_column)
def _copy_column(a):
    if isinstance(a, types.Array) and a.ndim == 1:
        return lambda a: copy_rows(a)
    if isinstance(a, MaskedArrayType):
        return lambda a: make_masked(copy_rows(a._values), copy_rows(a._mask))
    if isinstance(a, DateArrayType):
        return lambda a: make_date_array(copy_rows(a._days))
    if isinstance(a, StringArrayType):
        return lambda a: make_string_array(copy_rows(a._offsets), copy_rows(a._data),
                                           copy_rows(a._valid))


def slice_rows(a, start, stop):
    """Rows ``start:stop`` of ``a`` (bounds already clipped)."""


@overload(slice_rows)
def _slice_rows(a, start, stop):
    if isinstance(a, types.Array):
        return lambda a, start, stop: a[start:stop]
    if isinstance(a, MaskedArrayType):
        return lambda a, start, stop: make_masked(a._values[start:stop], a._mask[start:stop])
    if isinstance(a, DateArrayType):
        return lambda a, start, stop: make_date_array(a._days[start:stop])
    if isinstance(a, StringArrayType):
        return lambda a, start, stop: take_rows(a, np.arange(start, stop))


def with_missing(t):
    """The column type that holds the values of column type ``t`` plus missing ones (what pandas
    gives for the side of a join that can miss: int becomes float64 with NaN)."""
    if isinstance(t, types.Array) and isinstance(t.dtype, types.Integer):
        return types.Array(types.float64, 1, "C")
    if isinstance(t, types.Array) and isinstance(t.dtype, types.Boolean):
        return None  # pandas: object column of True/False/NaN
    return t


def take_or_missing(a, rows):
    """Rows ``rows`` of ``a`` where -1 gives a missing value, in column type ``with_missing(a)``."""


@overload(take_or_missing)
def _take_or_missing(a, rows):
    if isinstance(a, types.Array) and isinstance(a.dtype, (types.Integer, types.Float,
                                                           types.Boolean)):
        dt = a.dtype if isinstance(a.dtype, types.Float) else np.float64

        def impl(a, rows):
            out = np.empty(len(rows), dt)
            for j in range(len(rows)):
                out[j] = a[rows[j]] if rows[j] >= 0 else np.nan
            return out
        return impl
    if is_datetime_array(a):
        def impl(a, rows):
            out = np.empty(len(rows), a.dtype)
            for j in range(len(rows)):
                out[j] = a[rows[j]] if rows[j] >= 0 else int_to_dt64(NAT, a.dtype)
            return out
        return impl
    if isinstance(a, MaskedArrayType):
        def impl(a, rows):
            m = len(rows)
            values = np.zeros(m, a._values.dtype)
            mask = np.ones(m, np.bool_)
            for j in range(m):
                if rows[j] >= 0:
                    values[j] = a._values[rows[j]]
                    mask[j] = a._mask[rows[j]]
            return make_masked(values, mask)
        return impl
    if isinstance(a, DateArrayType):
        def impl(a, rows):
            out = np.empty(len(rows), np.int64)
            for j in range(len(rows)):
                out[j] = a._days[rows[j]] if rows[j] >= 0 else NAT
            return make_date_array(out)
        return impl
    if isinstance(a, StringArrayType):
        def impl(a, rows):
            present = np.flatnonzero(rows >= 0)
            got = take_rows(a, rows[present])
            m = len(rows)
            offsets = np.zeros(m + 1, np.int64)
            valid = np.zeros((m + 7) >> 3, np.uint8)
            k = 0
            for j in range(m):
                ln = 0
                if rows[j] >= 0:
                    ln = got._offsets[k + 1] - got._offsets[k]
                    if not str_isna(got, k):
                        valid[j >> 3] |= np.uint8(1 << (j & 7))
                    k += 1
                offsets[j + 1] = offsets[j] + ln
            return make_string_array(offsets, got._data[:offsets[m]], valid)
        return impl


def concat_columns(a, b):
    """The rows of ``a`` then the rows of ``b`` (same column type)."""


@overload(concat_columns)
def _concat_columns(a, b):
    if isinstance(a, types.Array):
        return lambda a, b: np.concatenate((a, b))
    if isinstance(a, MaskedArrayType):
        return lambda a, b: make_masked(np.concatenate((a._values, b._values)),
                                        np.concatenate((a._mask, b._mask)))
    if isinstance(a, DateArrayType):
        return lambda a, b: make_date_array(np.concatenate((a._days, b._days)))
    if isinstance(a, StringArrayType):
        def impl(a, b):
            na, nb = len(a), len(b)
            sa, sb = a._offsets[0], b._offsets[0]
            offsets = np.empty(na + nb + 1, np.int64)
            offsets[:na + 1] = a._offsets - sa
            offsets[na + 1:] = b._offsets[1:] - sb + offsets[na]
            data = np.concatenate((a._data[sa:a._offsets[na]], b._data[sb:b._offsets[nb]]))
            valid = np.zeros((na + nb + 7) >> 3, np.uint8)
            for i in range(na + nb):
                if not (str_isna(a, i) if i < na else str_isna(b, i - na)):
                    valid[i >> 3] |= np.uint8(1 << (i & 7))
            return make_string_array(offsets, data, valid)
        return impl
