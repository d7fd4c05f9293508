"""``df.loc[...]`` and ``s.loc[...]``, ``s[mask]`` and ``df.loc[mask, cols] = value``: rows by a
boolean mask, columns by name.

``df.loc`` is a ``LocIndexerType`` holding the frame; ``getitem`` on it takes the rows
(a boolean Series, or ``:`` for all of them) and optionally the columns (a name, giving a
Series, or a list of names). A mask keeps each rank's own rows, so under MPI the result is
split unequally like any filter (``transforms/distribution_rules.py``); nothing moves.
Label-based row selection (``df.loc[3]``, ``df.loc[2:5]``) is a clear error for now.
"""
import operator

import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import (intrinsic, make_attribute_wrapper, models, overload,
                             overload_attribute, register_jitable, register_model)

from hpjit.core.generated import column_at
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import is_datetime_array, take_rows
from hpjit.typing.columns.gather import mask_rows
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.datetime import (NAT, TimestampType, dt64_to_int, int_to_dt64,
                                           timestamp_value, unit_scale)
from hpjit.typing.columns.strings import StringArrayType, text_or_fill, utf8_of
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.constants import const_names
from hpjit.typing.index import index_len, index_take
from hpjit.typing.operations import ELEMENTWISE, function
from hpjit.typing.series import SeriesType, init_series


class LocIndexerType(types.Type):
    """``obj.loc`` of a frame or series ``obj``."""

    def __init__(self, obj):
        self.obj = obj
        super().__init__(name=f"LocIndexer({obj})")


@register_model(LocIndexerType)
class _LocIndexerModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("obj", fe_type.obj)])


make_attribute_wrapper(LocIndexerType, "obj", "_obj")


@intrinsic
def _init_loc(typingctx, obj):
    def codegen(context, builder, sig, args):
        loc = cgutils.create_struct_proxy(sig.return_type)(context, builder)
        loc.obj = args[0]
        context.nrt.incref(builder, obj, args[0])
        return loc._getvalue()
    return LocIndexerType(obj)(obj), codegen


@overload_attribute(DataFrameType, "loc")
def _frame_loc(df):
    return lambda df: _init_loc(df)


@overload_attribute(SeriesType, "loc")
def _series_loc(s):
    return lambda s: _init_loc(s)


def is_mask(t):
    """A boolean Series, nullable or not (a row mask)."""
    return isinstance(t, SeriesType) and isinstance(t.data, (types.Array, MaskedArrayType)) and \
        isinstance(t.data.dtype, types.Boolean)


def row_mask(s):
    """The rows boolean Series ``s`` selects: a missing value selects none, as in pandas."""


@overload(row_mask)
def _row_mask(s):
    if isinstance(s.data, MaskedArrayType):
        return lambda s: s._data._values & ~s._data._mask
    return lambda s: s._data


def _split_key(key):
    """(rows, columns) of a ``.loc`` key; columns None when the key names only rows."""
    if isinstance(key, types.BaseTuple) and len(key) == 2:
        return key[0], key[1]
    return key, None


def _all_rows(sl):
    """True at run time for the slice ``:``."""


@overload(_all_rows)
def _all_rows_impl(sl):
    return lambda sl: sl.start == 0 and sl.stop >= 0x7FFFFFFFFFFFFFFF and sl.step == 1


def every_row(obj, sl):
    """``obj`` itself for the row slice ``:``; other slices are refused at run time."""


@overload(every_row)
def _every_row(obj, sl):
    def impl(obj, sl):
        if not _all_rows(sl):
            raise ValueError("hpjit: .loc takes a boolean mask or ':' for the rows; label "
                             "slices are not supported yet")
        return obj
    return impl


def _check_rows(what, rows):
    if not (is_mask(rows) or isinstance(rows, types.SliceType)):
        raise user_error(f"{what}: hpjit selects rows by a boolean Series or ':', got {rows} "
                         "(rows by label are not supported yet)")


@overload(operator.getitem, prefer_literal=True, jit_options={"parallel": True})
def _loc_getitem(loc, key):
    if not isinstance(loc, LocIndexerType):
        return None
    obj = loc.obj
    what = "DataFrame.loc[...]" if isinstance(obj, DataFrameType) else "Series.loc[...]"
    rows, cols = _split_key(key)
    _check_rows(what, rows)
    if isinstance(obj, SeriesType):
        if cols is not None:
            raise user_error(f"{what}: a Series has no columns to select")
        if is_mask(rows):
            return lambda loc, key: filter_series(loc._obj, key)
        return lambda loc, key: every_row(loc._obj, key)
    tuple_key = cols is not None
    checks = ""
    if cols is None:
        names = obj.columns
    elif isinstance(cols, types.SliceType):
        names = obj.columns
        checks = ("    if not _all_rows(key[1]):\n"
                  "        raise ValueError('hpjit: .loc takes a name, a list of names or \\':\\' "
                  "for the columns')\n")
    else:
        names = const_names(cols)
        if names is None:
            raise user_error(f"{what}: hpjit needs constant column names, got {cols}")
        check_columns(obj, names, what)
    one = isinstance(cols, types.StringLiteral)
    out_t = obj.select(names)
    rows_of = "key[0]" if tuple_key else "key"
    items = "".join(f"column_at(df, {obj.column_index(n)}), " for n in names)
    if one:  # the column, then its rows
        take = f"filter_series(df[name], {rows_of})" if is_mask(rows) else \
            f"every_row(df[name], {rows_of})"
    else:  # the columns, then their rows
        take = (f"init_frame(({items}), df._index, out_t)[{rows_of}]" if is_mask(rows) else
                f"every_row(init_frame(({items}), df._index, out_t), {rows_of})")
    src = f"def impl(loc, key):\n{checks}    df = loc._obj\n    return {take}\n"
    ns = dict(every_row=every_row, init_frame=init_frame, out_t=out_t, column_at=column_at,
              name=names[0] if names else None, _all_rows=_all_rows, filter_series=filter_series)
    exec(src, ns)
    return ns["impl"]


def rows_where(obj, m):
    """The rows of frame or Series ``obj`` where boolean array ``m`` holds: the positions found
    once, across threads, then each column gathered there (every filter comes here)."""


@overload(rows_where, jit_options={"parallel": True})
def _rows_where(obj, m):
    if isinstance(obj, SeriesType):
        def series(obj, m):
            if len(m) != index_len(obj._index):
                raise ValueError("hpjit: boolean mask length does not match the Series")
            rows = mask_rows(m)
            return init_series(take_rows(obj._data, rows), index_take(obj._index, rows), obj)
        return series
    items = "".join(f"take_rows(column_at(obj, {j}), rows), " for j in range(len(obj.columns)))
    ns = dict(init_frame=init_frame, take_rows=take_rows, index_len=index_len, column_at=column_at,
              index_take=index_take, mask_rows=mask_rows)
    exec(f"def frame(obj, m):\n"
         f"    if len(m) != index_len(obj._index):\n"
         f"        raise ValueError('hpjit: boolean mask length does not match the frame')\n"
         f"    rows = mask_rows(m)\n"
         f"    return init_frame(({items}), index_take(obj._index, rows), obj)\n", ns)
    return ns["frame"]


def filter_series(s, mask):
    """The rows of Series ``s`` where ``mask`` (a boolean Series) holds."""


@overload(filter_series, jit_options={"parallel": True})
def _filter_series(s, mask):
    return lambda s, mask: rows_where(s, row_mask(mask))


@overload(operator.getitem, jit_options={"parallel": True})
def _series_getitem(s, key):
    if isinstance(s, SeriesType) and is_mask(key):
        return lambda s, key: filter_series(s, key)


# --- df.loc[rows, cols] = value ---------------------------------------------------


def loc_setitem(df, rows, cols, value):
    """``df.loc[rows, cols] = value``: ``hpjit.transforms.dataframe_pass`` rewrites the
    assignment into ``df = loc_setitem(df, rows, cols, value)`` (rows and columns apart, so a
    mask is split with the frame under MPI), a new frame with those columns replaced."""


def _put(col, value, what):
    """A jitted ``f(column, mask, value) -> column`` with ``value`` where ``mask`` holds."""
    series = isinstance(value, SeriesType)
    v = value.data.dtype if series and isinstance(value.data, types.Array) else value
    if isinstance(col, types.Array) and isinstance(col.dtype, (types.Number, types.Boolean)):
        ok = isinstance(v, types.Boolean) if isinstance(col.dtype, types.Boolean) else \
            isinstance(v, types.Integer) or (isinstance(v, types.Float) and
                                             isinstance(col.dtype, types.Float))
        if not ok:
            raise user_error(f"{what}: a {v} value in a {col.dtype} column (pandas raises for "
                             "a value the column's dtype cannot hold)")
        if series:
            def from_series(a, m, value):
                out = a.copy()
                out[m] = value._data[m]
                return out
            return register_jitable(from_series)

        def scalar(a, m, value):
            out = a.copy()
            out[m] = value
            return out
        return register_jitable(scalar)
    if isinstance(col, MaskedArrayType) and not series and isinstance(v, (types.Number,
                                                                          types.Boolean)):
        def masked(a, m, value):
            vals, miss = a._values.copy(), a._mask.copy()
            vals[m] = value
            miss[m] = False
            return make_masked(vals, miss)
        return register_jitable(masked)
    if isinstance(col, StringArrayType) and isinstance(value, (types.UnicodeType,
                                                               types.StringLiteral)):
        def strings(a, m, value):
            return text_or_fill(a, ~m, utf8_of(value), False)
        return register_jitable(strings)
    if is_datetime_array(col) and isinstance(value, (TimestampType, types.NPDatetime)):
        return _put_timestamp(col.dtype.unit, value.unit)
    raise user_error(f"{what}: hpjit sets number, bool and string columns to a scalar (or a "
                     f"number column to a Series), not {col} to {value}")


def time_value(t):
    """The int64 value of a ``Timestamp`` or ``datetime64`` scalar (NaT: int64 min)."""


@overload(time_value)
def _time_value(t):
    if isinstance(t, TimestampType):
        return lambda t: timestamp_value(t)
    return lambda t: dt64_to_int(t)


def _put_timestamp(unit, ts_unit):
    """``f(column, mask, timestamp)`` of a datetime column: the timestamp in the column's unit,
    which pandas requires to be exact (``Invalid value`` otherwise)."""
    times, per = unit_scale(ts_unit, unit)
    dt = np.dtype(f"datetime64[{unit}]")
    message = f"Invalid value for dtype '{dt}': the timestamp has a finer unit than the column"

    def timestamps(a, m, value):
        v = time_value(value)
        if v != NAT and v % per != 0:
            raise TypeError(message)
        out = a.copy()
        out[m] = int_to_dt64(v if v == NAT else v // per * times, dt)
        return out
    return register_jitable(timestamps)


@function(loc_setitem, ELEMENTWISE, prefer_literal=True, jit_options={"parallel": True})
def _loc_setitem(df, rows, cols, value):
    what = "df.loc[...] = value"
    if not isinstance(df, DataFrameType):
        raise user_error(f"{what}: hpjit assigns through .loc of a DataFrame, not of {df}")
    if not (is_mask(rows) or isinstance(rows, types.SliceType)):
        raise user_error(f"{what}: hpjit selects rows by a boolean Series or ':', got {rows}")
    names = const_names(cols)
    if names is None:
        raise user_error(f"{what}: hpjit needs constant column names, got {cols}")
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise user_error(f"{what}: column {missing[0]!r} does not exist (hpjit does not add "
                         "columns through .loc; assign df[c] = ... first)")
    ns = dict(init_frame=init_frame, np=np, index_len=index_len, _all_rows=_all_rows, column_at=column_at,
              row_mask=row_mask)
    items = []
    for j, c in enumerate(df.columns):
        if c in names:
            ns[f"f{j}"] = _put(df.data[j], value, f"{what} of column {c!r}")
            items.append(f"f{j}(column_at(df, {j}), m, value)")
        else:
            items.append(f"column_at(df, {j})")
    if is_mask(rows):
        head = ("    m = row_mask(rows)\n"
                "    if len(m) != index_len(df._index):\n"
                "        raise ValueError('hpjit: boolean mask length does not match the frame')\n")
    else:
        head = ("    if not _all_rows(rows):\n"
                "        raise ValueError('hpjit: .loc takes a boolean mask or \\':\\' for the "
                "rows; label slices are not supported yet')\n"
                "    m = np.ones(index_len(df._index), np.bool_)\n")
    body = "".join(i + ", " for i in items)
    exec(f"def impl(df, rows, cols, value):\n{head}"
         f"    return init_frame(({body}), df._index, df)\n", ns)
    return ns["impl"]
