"""Dates and times written in user code: ``datetime.date(1998, 9, 2)``,
``datetime.datetime(...)``, ``pd.Timestamp('1995-03-15')`` and ``pd.Timedelta(days=90)``, inline
or as module-level constants.

A ``datetime.date`` is hpjit's ``DateType`` (days since 1970-01-01), compared with date
columns; the others are numpy ``datetime64``/``timedelta64`` scalars in the unit pandas gives
them, which compare with and shift datetime columns as numpy does. A text argument is parsed
once, at compile time, by pandas itself, so the value is exactly pandas'.
"""
import datetime

import numpy as np
import pandas as pd
from numba import types
from numba.core.imputils import lower_constant
from numba.extending import overload, typeof_impl

from hpjit.errors import user_error
from hpjit.typing.columns.datetime import date_type, days_from_civil, days_to_date
from hpjit.typing.constants import NOT_CONSTANT, const_value

_EPOCH = datetime.date(1970, 1, 1)


@typeof_impl.register(datetime.date)
def _typeof_date(val, c):
    if isinstance(val, datetime.datetime):
        return None  # a module-level datetime is made numpy's (``as_numpy_constant``)
    return date_type


@lower_constant(type(date_type))
def _lower_date(context, builder, ty, pyval):
    return context.get_constant(types.int64, (pyval - _EPOCH).days)


def _timestamp_value(ts):
    """``datetime64`` of pandas' Timestamp ``ts`` in its own unit."""
    return np.datetime64(ts.value // _NANOS[ts.unit], ts.unit)


_NANOS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def as_numpy_constant(value):
    """The numpy scalar standing for a module-level ``pd.Timestamp``, ``datetime.datetime``,
    ``pd.Timedelta`` or ``datetime.timedelta`` in compiled code (in pandas' unit), or None for
    any other value (numba cannot lower pandas' and Python's date objects)."""
    if isinstance(value, (pd.Timestamp, datetime.datetime)) and value is not pd.NaT:
        return _timestamp_value(pd.Timestamp(value))
    if isinstance(value, (pd.Timedelta, datetime.timedelta)) and value is not pd.NaT:
        td = pd.Timedelta(value)
        return np.timedelta64(td.value // _NANOS[td.unit], td.unit)
    return None


def _ints(what, *args):
    for a in args:
        if not isinstance(a, (types.Integer, types.Omitted, int)):
            raise user_error(f"{what}: hpjit needs integer arguments, got {a}")


@overload(datetime.date)
def _date(year, month, day):
    _ints("datetime.date(...)", year, month, day)

    def impl(year, month, day):
        if month < 1 or month > 12 or day < 1 or day > 31:
            raise ValueError("hpjit: datetime.date: month or day out of range")
        return days_to_date(days_from_civil(year, month, day))
    return impl


@overload(datetime.datetime)
def _datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0):
    _ints("datetime.datetime(...)", year, month, day, hour, minute, second, microsecond)

    def impl(year, month, day, hour=0, minute=0, second=0, microsecond=0):
        if month < 1 or month > 12 or day < 1 or day > 31:
            raise ValueError("hpjit: datetime.datetime: month or day out of range")
        secs = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
        return np.datetime64(secs * 1_000_000 + microsecond, "us")
    return impl


def _constant(what, fn, *args, **kwargs):
    """The impl returning ``fn(*args, **kwargs)`` of constant arguments, computed now."""
    values = [const_value(a, None) for a in args]
    named = {k: const_value(v, None) for k, v in kwargs.items()}
    if any(v is NOT_CONSTANT for v in values + list(named.values())):
        raise user_error(f"{what}: hpjit needs constant arguments (a string or numbers written "
                         "in the code)")
    try:
        while values and values[-1] is None:
            values.pop()
        value = fn(*values, **{k: v for k, v in named.items() if v is not None})
    except (ValueError, TypeError) as e:
        raise user_error(f"{what}: {e}") from None
    if value is pd.NaT:
        raise user_error(f"{what}: NaT constants are not supported by hpjit yet")
    return value


@overload(pd.Timestamp, prefer_literal=True)
def _timestamp(ts_input):
    ts = _constant("pd.Timestamp(...)", pd.Timestamp, ts_input)
    value = _timestamp_value(ts)
    return lambda ts_input: value


@overload(pd.Timedelta, prefer_literal=True)
def _timedelta(value=None, unit=None, days=None, seconds=None, microseconds=None,
               milliseconds=None, minutes=None, hours=None, weeks=None):
    td = _constant("pd.Timedelta(...)", pd.Timedelta, value, unit=unit, days=days,
                   seconds=seconds, microseconds=microseconds, milliseconds=milliseconds,
                   minutes=minutes, hours=hours, weeks=weeks)
    out = as_numpy_constant(td)
    return lambda value=None, unit=None, days=None, seconds=None, microseconds=None, \
        milliseconds=None, minutes=None, hours=None, weeks=None: out
