"""Timestamps and dates: scalar types for user functions, date columns, field kernels, parsing.

A datetime column is a plain ``datetime64[unit]`` numpy array in the unit pandas
gives. Inside ``map``/``apply`` an element is a ``TimestampType`` (pandas'
``Timestamp``: ``.hour``, ``.date()``...), and ``.date()`` gives a ``DateType``;
a column of those is a ``DateArrayType`` (int64 days since 1970-01-01) that
boxes to pandas' object column of ``datetime.date``.
"""
import operator

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import (NativeValue, box, intrinsic, make_attribute_wrapper, models, overload,
                             overload_attribute, overload_method, register_jitable, register_model,
                             unbox)

from hpjit.core.pyobjects import call_py
from hpjit.typing.columns import convert

NAT = np.iinfo(np.int64).min
_PER_SECOND = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}


def per_second(unit):
    return _PER_SECOND[unit]


def unit_scale(from_unit, to_unit):
    """``(times, per)``: a value in ``from_unit`` is ``v // per * times`` in ``to_unit``, exact
    when ``v % per == 0``."""
    a, b = per_second(to_unit), per_second(from_unit)
    return (a // b, 1) if a >= b else (1, b // a)


class TimestampType(types.Type):
    """A pandas ``Timestamp`` (or ``NaT``) with the column's unit."""

    def __init__(self, unit):
        self.unit = unit
        super().__init__(name=f"Timestamp[{unit}]")


@register_model(TimestampType)
class _TimestampModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, ir.IntType(64))


class DateType(types.Type):
    """A ``datetime.date`` (or ``NaT``): days since 1970-01-01."""

    def __init__(self):
        super().__init__(name="Date")


date_type = DateType()


@register_model(DateType)
class _DateModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, ir.IntType(64))


@intrinsic
def int_to_timestamp(typingctx, val, ts_type):
    """A ``TimestampType`` (``ts_type`` a TypeRef, for the unit) from its int64 value."""
    def codegen(context, builder, sig, args):
        return args[0]
    return ts_type.instance_type(types.int64, ts_type), codegen


@intrinsic
def timestamp_value(typingctx, ts):
    def codegen(context, builder, sig, args):
        return args[0]
    return types.int64(ts), codegen


@intrinsic
def days_to_date(typingctx, days):
    def codegen(context, builder, sig, args):
        return args[0]
    return date_type(types.int64), codegen


@intrinsic
def date_days(typingctx, d):
    def codegen(context, builder, sig, args):
        return args[0]
    return types.int64(d), codegen


@intrinsic
def dt64_to_int(typingctx, v):
    """The int64 value of a ``datetime64`` scalar (NaT is int64 min)."""
    def codegen(context, builder, sig, args):
        return args[0]
    return types.int64(v), codegen


@intrinsic
def int_to_dt64(typingctx, v, dtype):
    """A ``datetime64`` scalar of ``dtype``'s unit from its int64 value."""
    dt = dtype.dtype if isinstance(dtype, types.DType) else dtype

    def codegen(context, builder, sig, args):
        return args[0]
    return dt(types.int64, dtype), codegen


# ---------------------------------------------------------------------------
# Calendar arithmetic on int64 values (proleptic Gregorian, as numpy and pandas)


@register_jitable
def civil_from_days(days):
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    return y, m, d


@register_jitable
def days_in_month(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m == 4 or m == 6 or m == 9 or m == 11 else 31


@register_jitable
def iso_shape(p, n):
    """Which of pandas' ISO formats text of ``n`` bytes is written in: its length class
    (date, minutes, seconds, a fraction) and the byte between date and time. pandas infers
    one format from the first value and holds every value to it."""
    if n <= 10:
        return 0
    return (1 if n == 16 else 2 if n == 19 else 3) * 256 + p[10]


@register_jitable
def days_from_civil(y, m, d):
    if m <= 2:
        y -= 1
    era = y // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _field_impls(unit):
    ps = per_second(unit)
    pday = ps * 86400

    def days(v):
        return v // pday

    def hour(v):
        return (v - (v // pday) * pday) // (3600 * ps)

    def minute(v):
        return ((v - (v // pday) * pday) // (60 * ps)) % 60

    def second(v):
        return ((v - (v // pday) * pday) // ps) % 60

    def year(v):
        return civil_from_days(v // pday)[0]

    def month(v):
        return civil_from_days(v // pday)[1]

    def day(v):
        return civil_from_days(v // pday)[2]

    def dayofweek(v):
        return (v // pday + 3) % 7

    def microsecond(v):
        return (v - (v // ps) * ps) * 1_000_000 // ps

    def quarter(v):
        return (civil_from_days(v // pday)[1] - 1) // 3 + 1

    def dayofyear(v):
        y = civil_from_days(v // pday)[0]
        return v // pday - days_from_civil(y, 1, 1) + 1

    def days_in_month(v):
        y, m, _ = civil_from_days(v // pday)
        return month_days(y, m)

    def is_month_start(v):
        return civil_from_days(v // pday)[2] == 1

    def is_month_end(v):
        y, m, d = civil_from_days(v // pday)
        return d == month_days(y, m)

    def is_quarter_start(v):
        _, m, d = civil_from_days(v // pday)
        return d == 1 and m % 3 == 1

    def is_quarter_end(v):
        y, m, d = civil_from_days(v // pday)
        return m % 3 == 0 and d == month_days(y, m)

    def is_year_start(v):
        _, m, d = civil_from_days(v // pday)
        return m == 1 and d == 1

    def is_year_end(v):
        _, m, d = civil_from_days(v // pday)
        return m == 12 and d == 31

    def is_leap_year(v):
        return leap_year(civil_from_days(v // pday)[0])

    return {k: register_jitable(f) for k, f in
            dict(days=days, hour=hour, minute=minute, second=second, year=year, month=month,
                 day=day, dayofweek=dayofweek, microsecond=microsecond, quarter=quarter,
                 dayofyear=dayofyear, days_in_month=days_in_month,
                 is_month_start=is_month_start, is_month_end=is_month_end,
                 is_quarter_start=is_quarter_start, is_quarter_end=is_quarter_end,
                 is_year_start=is_year_start, is_year_end=is_year_end,
                 is_leap_year=is_leap_year).items()}


@register_jitable
def leap_year(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


@register_jitable
def month_days(y, m):
    """Days in month ``m`` of year ``y``."""
    if m == 2:
        return 29 if leap_year(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


_FIELD_CACHE = {}


def fields(unit):
    """Jitable field functions ``name -> f(int64 value) -> int64`` for ``unit``."""
    if unit not in _FIELD_CACHE:
        _FIELD_CACHE[unit] = _field_impls(unit)
    return _FIELD_CACHE[unit]


TIMESTAMP_FIELDS = ("hour", "minute", "second", "year", "month", "day", "dayofweek",
                    "microsecond", "quarter", "dayofyear", "days_in_month")
#: the other names pandas gives some of them
FIELD_ALIASES = {"day_of_week": "dayofweek", "weekday": "dayofweek", "day_of_year": "dayofyear",
                 "daysinmonth": "days_in_month"}
#: the calendar flags (bool; a missing value's flag is False, as in pandas)
TIMESTAMP_FLAGS = ("is_month_start", "is_month_end", "is_quarter_start", "is_quarter_end",
                   "is_year_start", "is_year_end", "is_leap_year")
DATE_FIELDS = ("year", "month", "day")


def _ts_field(name, attr=None):
    """``ts.<attr>`` of a Timestamp in a user function: a flag of NaT is False (pandas'); a
    field of NaT is refused (pandas gives NaN, so the Series a function builds from it would be
    float64: a type the data decides)."""
    def ov(ts):
        if not isinstance(ts, TimestampType):
            return None
        f = fields(ts.unit)[name]
        if name in TIMESTAMP_FLAGS:
            return lambda ts: timestamp_value(ts) != NAT and f(timestamp_value(ts))

        def impl(ts):
            v = timestamp_value(ts)
            if v == NAT:
                raise ValueError("hpjit: a field of NaT in a function (pandas gives NaN, a float "
                                 "that an integer result cannot hold)")
            return f(v)
        return impl
    overload_attribute(TimestampType, attr or name)(ov)


for _name in TIMESTAMP_FIELDS + TIMESTAMP_FLAGS:
    _ts_field(_name)
for _alias, _name in FIELD_ALIASES.items():
    if _alias != "weekday":  # a method of Timestamp, an attribute of .dt
        _ts_field(_name, _alias)


@overload_attribute(TimestampType, "value")
def _ts_value(ts):
    return lambda ts: timestamp_value(ts)


@overload_method(TimestampType, "weekday")
def _ts_weekday(ts):
    f = fields(ts.unit)["dayofweek"]
    return lambda ts: f(timestamp_value(ts))


@overload_method(TimestampType, "date")
def _ts_date(ts):
    fd = fields(ts.unit)["days"]

    def impl(ts):
        v = timestamp_value(ts)
        return days_to_date(NAT if v == NAT else fd(v))
    return impl


def _date_field(idx, name):
    def ov(d):
        return lambda d: civil_from_days(date_days(d))[idx]
    overload_attribute(DateType, name)(ov)


for _i, _name in enumerate(DATE_FIELDS):
    _date_field(_i, _name)


@overload_method(DateType, "weekday")
def _date_weekday(d):
    return lambda d: (date_days(d) + 3) % 7


def _cmp(op_name):
    op = getattr(operator, op_name)

    @overload(op)
    def ov(a, b):
        if isinstance(a, TimestampType) and isinstance(b, TimestampType) and a.unit == b.unit:
            return lambda a, b: op(timestamp_value(a), timestamp_value(b))
        if isinstance(a, DateType) and isinstance(b, DateType):
            return lambda a, b: op(date_days(a), date_days(b))


for _op in ("eq", "ne", "lt", "le", "gt", "ge"):
    _cmp(_op)


# ---------------------------------------------------------------------------
# Date columns


class DateArrayType(types.Type):
    """A column of ``datetime.date`` values (object dtype in pandas)."""

    def __init__(self):
        super().__init__(name="DateArray")

    @property
    def dtype(self):
        return date_type


date_array_type = DateArrayType()
_I64 = types.Array(types.int64, 1, "C")


@register_model(DateArrayType)
class _DateArrayModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("days", _I64)])


make_attribute_wrapper(DateArrayType, "days", "_days")


@intrinsic
def make_date_array(typingctx, days):
    def codegen(context, builder, sig, args):
        da = cgutils.create_struct_proxy(date_array_type)(context, builder)
        da.days = args[0]
        context.nrt.incref(builder, sig.args[0], args[0])
        return da._getvalue()
    return date_array_type(days), codegen


@unbox(DateArrayType)
def _unbox_date_array(typ, obj, c):
    days = call_py(c, convert.dates_to_days, obj)
    nv = c.unbox(_I64, days)
    c.pyapi.decref(days)
    da = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    da.days = nv.value
    return NativeValue(da._getvalue(), is_error=nv.is_error)


@box(DateArrayType)
def _box_date_array(typ, val, c):
    da = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    c.context.nrt.incref(c.builder, _I64, da.days)
    arr = c.box(_I64, da.days)
    res = call_py(c, convert.days_to_dates, arr)
    c.pyapi.decref(arr)
    c.context.nrt.decref(c.builder, typ, val)
    return res


@overload(len)
def _len_date_array(a):
    if isinstance(a, DateArrayType):
        return lambda a: len(a._days)


# ---------------------------------------------------------------------------
# Parsing ISO-8601 text, as pd.to_datetime / pd.DatetimeIndex of strings


#: ``parse_iso_datetime``'s outcomes: parsed, not ISO text, month or day out of range, finer
#: than microseconds
ISO_OK, ISO_FORMAT, ISO_RANGE, ISO_FINE = 0, 1, 2, 3


@register_jitable
def _digits(p, k, n):
    """The number written by bytes ``p[k:k + n]``, -1 if one is not a digit."""
    v = 0
    for j in range(n):
        c = p[k + j]
        if c < 48 or c > 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@register_jitable
def parse_iso_datetime(p, n, per_sec):
    """``(int64 value in units of 1/per_sec seconds, outcome)`` of 'YYYY-MM-DD[ T]HH:MM[:SS[.f]]'.
    It reports instead of raising, so parallel loops can parse (an exception raised inside a
    ``prange`` does not reach the caller whole) and raise once after (``iso_error``)."""
    if n < 10 or p[4] != 45 or p[7] != 45:
        return 0, ISO_FORMAT
    y, mo, d = _digits(p, 0, 4), _digits(p, 5, 2), _digits(p, 8, 2)
    if y < 0 or mo < 0 or d < 0:
        return 0, ISO_FORMAT
    if mo < 1 or mo > 12 or d < 1 or d > days_in_month(y, mo):
        return 0, ISO_RANGE
    secs = days_from_civil(y, mo, d) * 86400
    frac = 0
    if n > 10:
        if (p[10] != 32 and p[10] != 84) or n < 16 or p[13] != 58:
            return 0, ISO_FORMAT
        h, mi = _digits(p, 11, 2), _digits(p, 14, 2)
        if h < 0 or mi < 0:
            return 0, ISO_FORMAT
        secs += h * 3600 + mi * 60
        if n > 16:
            if p[16] != 58 or n < 19:
                return 0, ISO_FORMAT
            sec = _digits(p, 17, 2)
            if sec < 0:
                return 0, ISO_FORMAT
            secs += sec
            if n > 19:
                if p[19] != 46:
                    return 0, ISO_FORMAT
                scale = per_sec
                for j in range(20, n):
                    c = p[j]
                    if c < 48 or c > 57:
                        return 0, ISO_FORMAT
                    scale //= 10
                    if scale == 0 and c != 48:
                        return 0, ISO_FINE
                    frac += (c - 48) * scale
    return secs * per_sec + frac, ISO_OK


@register_jitable
def iso_error(outcome):
    """Raise the error of ``parse_iso_datetime``'s ``outcome`` (nothing for ``ISO_OK``)."""
    if outcome == ISO_FORMAT:
        raise ValueError("hpjit: time data does not match ISO format YYYY-MM-DD[ HH:MM:SS[.f]]")
    if outcome == ISO_RANGE:
        raise ValueError("hpjit: month or day out of range in datetime text")
    if outcome == ISO_FINE:
        raise ValueError("hpjit: datetime text finer than microseconds is not supported yet "
                         "(pandas would give datetime64[ns])")
