"""``Series.dt`` and ``Series.str`` accessors, and ``pd.to_datetime`` / ``pd.DatetimeIndex``."""
import numpy as np
import pandas as pd
from numba import prange, types
from numba.core import cgutils
from numba.extending import intrinsic, models, overload_attribute, register_model

from hpjit.errors import describe_attribute_errors, user_error
from hpjit.typing.columns.arrays import get_value, is_datetime_array, isna_at, strings_from_list
from hpjit.typing.columns.datetime import (NAT, TIMESTAMP_FIELDS, dt64_to_int, fields, int_to_dt64,
                                           make_date_array, parse_iso_datetime, per_second)
from hpjit.typing.columns.strings import CASE_METHODS, StringArrayType, view_to_str
from hpjit.typing.operations import ELEMENTWISE, function, method
from hpjit.typing.series import SeriesType, init_series


class _AccessorType(types.Type):
    def __init__(self, kind, series):
        self.series = series
        super().__init__(name=f"{kind}Accessor({series})")


class DtAccessorType(_AccessorType):
    def __init__(self, series):
        super().__init__("Dt", series)


class StrAccessorType(_AccessorType):
    def __init__(self, series):
        super().__init__("Str", series)


for _cls in (DtAccessorType, StrAccessorType):
    @register_model(_cls)
    class _Model(models.StructModel):
        def __init__(self, dmm, fe_type):
            super().__init__(dmm, fe_type, [("series", fe_type.series)])


def _make_accessor(cls):
    @intrinsic
    def make(typingctx, s):
        def codegen(context, builder, sig, args):
            acc = cgutils.create_struct_proxy(sig.return_type)(context, builder)
            acc.series = args[0]
            context.nrt.incref(builder, sig.args[0], args[0])
            return acc._getvalue()
        return cls(s)(s), codegen

    @intrinsic
    def series_of(typingctx, acc):
        def codegen(context, builder, sig, args):
            a = cgutils.create_struct_proxy(sig.args[0])(context, builder, value=args[0])
            context.nrt.incref(builder, sig.return_type, a.series)
            return a.series
        return acc.series(acc), codegen
    return make, series_of


_make_dt, _dt_series = _make_accessor(DtAccessorType)
_make_str, _str_series = _make_accessor(StrAccessorType)


@overload_attribute(SeriesType, "dt", parallel=True)
def _series_dt(s):
    if not is_datetime_array(s.data):
        raise user_error(f"Series.dt needs a datetime column; this one holds {s.data}")
    return lambda s: _make_dt(s)


@overload_attribute(SeriesType, "str", parallel=True)
def _series_str(s):
    if not isinstance(s.data, StringArrayType):
        raise user_error(f"Series.str needs a string column; this one holds {s.data}")
    return lambda s: _make_str(s)


def _dt_field(name, attr):
    def ov(acc):
        f = fields(acc.series.data.dtype.unit)[name]

        def impl(acc):
            s = _dt_series(acc)
            a = s._data
            n = len(a)
            out = np.empty(n, np.int32)
            for i in prange(n):
                v = dt64_to_int(a[i])
                if v == NAT:
                    raise ValueError("hpjit: .dt fields of a column with NaT are not supported yet "
                                     "(pandas returns float64 there)")
                out[i] = f(v)
            return init_series(out, s._index, s)
        return impl
    overload_attribute(DtAccessorType, attr, parallel=True)(ov)


for _name in TIMESTAMP_FIELDS:
    _dt_field(_name, _name)
_dt_field("dayofweek", "day_of_week")
_dt_field("dayofweek", "weekday")


@overload_attribute(DtAccessorType, "date", parallel=True)
def _dt_date(acc):
    fd = fields(acc.series.data.dtype.unit)["days"]

    def impl(acc):
        s = _dt_series(acc)
        a = s._data
        n = len(a)
        days = np.empty(n, np.int64)
        for i in prange(n):
            v = dt64_to_int(a[i])
            days[i] = NAT if v == NAT else fd(v)
        return init_series(make_date_array(days), s._index, s)
    return impl


# --- .str -------------------------------------------------------------------


@method(StrAccessorType, "len", ELEMENTWISE, parallel=True)
def _str_len(acc):
    def impl(acc):
        s = _str_series(acc)
        a = s._data
        n = len(a)
        out = np.empty(n, np.int64)
        for i in prange(n):
            if isna_at(a, i):
                raise ValueError("hpjit: .str.len() of a column with missing values is not "
                                 "supported yet (pandas returns float64 there)")
            out[i] = len(get_value(a, i))
        return init_series(out, s._index, s)
    return impl


def _str_predicate(name):
    def ov(acc, pat):
        if not isinstance(pat, (types.UnicodeType, types.StringLiteral)):
            raise user_error(f"Series.str.{name} needs a string pattern")

        def impl(acc, pat):
            s = _str_series(acc)
            a = s._data
            n = len(a)
            out = np.empty(n, np.bool_)
            for i in prange(n):
                out[i] = False if isna_at(a, i) else _apply_pred(get_value(a, i), pat)
            return init_series(out, s._index, s)
        _apply_pred = _PREDICATES[name]
        return impl
    method(StrAccessorType, name, ELEMENTWISE, parallel=True)(ov)


def _startswith(v, pat):
    return v.startswith(pat)


def _endswith(v, pat):
    return v.endswith(pat)


def _contains(v, pat):
    return pat in view_to_str(v)


from numba.extending import register_jitable  # noqa: E402

_PREDICATES = {"startswith": register_jitable(_startswith), "endswith": register_jitable(_endswith)}
_str_predicate("startswith")
_str_predicate("endswith")


@method(StrAccessorType, "contains", ELEMENTWISE, parallel=True)
def _str_contains(acc, pat, case=True, regex=True):
    if not isinstance(pat, types.StringLiteral):
        raise user_error("Series.str.contains needs a constant pattern in hpjit")
    special = set(".^$*+?{}[]\\|()")
    if any(ch in special for ch in pat.literal_value) and not (
            isinstance(regex, types.BooleanLiteral) and not regex.literal_value):
        raise user_error("Series.str.contains: regular expressions are not supported by hpjit yet "
                         "(pass regex=False for a plain substring)")
    contains = register_jitable(_contains)

    def impl(acc, pat, case=True, regex=True):
        s = _str_series(acc)
        a = s._data
        n = len(a)
        out = np.empty(n, np.bool_)
        for i in prange(n):
            out[i] = False if isna_at(a, i) else contains(get_value(a, i), pat)
        return init_series(out, s._index, s)
    return impl


def _str_transform(name):
    def ov(acc):
        def impl(acc):
            s = _str_series(acc)
            a = s._data
            n = len(a)
            strs = [""] * n
            missing = np.zeros(n, np.bool_)
            for i in range(n):
                if isna_at(a, i):
                    missing[i] = True
                else:
                    strs[i] = _call(view_to_str(get_value(a, i)))
            return init_series(strings_from_list(strs, missing), s._index, s)
        _call = register_jitable(eval(f"lambda x: x.{name}()"))
        return impl
    method(StrAccessorType, name, ELEMENTWISE, parallel=True)(ov)


for _m in CASE_METHODS:
    _str_transform(_m)


# --- to datetime ------------------------------------------------------------

_TEXT_UNIT = "us"  # pandas 3 infers microseconds for text without sub-microsecond digits
_TEXT_PER_SECOND = per_second(_TEXT_UNIT)


def _parse_strings(a, dtype):
    n = len(a)
    out = np.empty(n, dtype)
    ps = _TEXT_PER_SECOND
    for i in prange(n):
        if isna_at(a, i):
            out[i] = int_to_dt64(NAT, dtype)
        else:
            v = get_value(a, i)
            out[i] = int_to_dt64(parse_iso_datetime(v._ptr, v._nbytes, ps), dtype)
    return out


_parse_strings = register_jitable(parallel=True)(_parse_strings)


def _datetime_values(s, what):
    """(impl kind) for the values of ``s`` as a datetime64 column."""
    data = s.data if isinstance(s, SeriesType) else s
    if is_datetime_array(data):
        return "same"
    if isinstance(data, StringArrayType):
        return "parse"
    raise user_error(f"{what}: hpjit converts strings or datetimes, not {data}")


_DT_TEXT = np.dtype(f"datetime64[{_TEXT_UNIT}]")


@function(pd.to_datetime, ELEMENTWISE, jit_options={"parallel": True})
def _to_datetime(arg, format=None):
    if not isinstance(arg, SeriesType):
        raise user_error("pd.to_datetime: hpjit supports a Series argument")
    kind = _datetime_values(arg, "pd.to_datetime")
    if kind == "same":
        return lambda arg, format=None: arg
    return lambda arg, format=None: init_series(_parse_strings(arg._data, _DT_TEXT), arg._index, arg)


@function(pd.DatetimeIndex, ELEMENTWISE, jit_options={"parallel": True})
def _datetime_index(data, name=None):
    """Returns the datetime64 values; assigning them to a column gives what pandas gives."""
    kind = _datetime_values(data, "pd.DatetimeIndex")
    if isinstance(data, SeriesType):
        if kind == "same":
            return lambda data, name=None: data._data
        return lambda data, name=None: _parse_strings(data._data, _DT_TEXT)
    if kind == "same":
        return lambda data, name=None: data
    return lambda data, name=None: _parse_strings(data, _DT_TEXT)


@describe_attribute_errors("DtAccessor(")
def _explain_dt_attribute(attr, typename):
    return f"Series.dt.{attr} is not supported by hpjit"


@describe_attribute_errors("StrAccessor(")
def _explain_str_attribute(attr, typename):
    return f"Series.str.{attr} is not supported by hpjit"
