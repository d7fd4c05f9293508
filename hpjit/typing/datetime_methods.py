"""``Series.dt`` methods: ``floor ceil round normalize`` (a fixed step given as a constant
frequency), ``day_name month_name`` and ``strftime`` (a constant format).

Each is one disk-cached kernel (``columns/datetime_format``) over the int64 ticks, row by row,
so under MPI each rank converts its own rows. The frequency and the format are read at compile
time: a calendar frequency (``'MS'``, ``'W'``) has no fixed step and is refused, as pandas
refuses it; an unsupported strftime directive is named in the error.
"""
import pandas as pd

from hpjit.errors import user_error
from hpjit.typing.accessors import DtAccessorType, dt_series
from hpjit.typing.columns.datetime import per_second
from hpjit.typing.columns.datetime_format import (CEIL, FLOOR, ROUND, format_datetimes,
                                                  format_ops, round_ticks)
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.operations import ELEMENTWISE, method
from hpjit.typing.series import init_series

_NANOS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1000, "ns": 1}


def _step(acc, freq, what):
    """The ticks of the column's unit in frequency ``freq`` (a constant)."""
    text = const_value(freq)
    if text is NOT_CONSTANT or not isinstance(text, str):
        raise user_error(f"Series.dt.{what}: hpjit needs freq= as a constant string, e.g. 'h'")
    try:
        offset = pd.tseries.frequencies.to_offset(text)
    except ValueError as e:
        raise user_error(f"Series.dt.{what}: {e}") from None
    try:
        nanos = offset.nanos
    except ValueError:
        raise user_error(f"Series.dt.{what}: {text!r} is a non-fixed frequency (pandas refuses "
                         "it too); use a fixed one such as 'D', 'h', '15min' or 's'") from None
    unit = acc.series.data.dtype.unit
    step, rest = divmod(nanos, _NANOS[unit])
    if rest or step <= 0:
        raise user_error(f"Series.dt.{what}: {text!r} is finer than the column's unit ({unit})")
    return step


def _rounding(what, mode):
    def typer(acc, freq, ambiguous="raise", nonexistent="raise"):
        step = _step(acc, freq, what)

        def impl(acc, freq, ambiguous="raise", nonexistent="raise"):
            s = dt_series(acc)
            return init_series(round_ticks(s._data, step, mode), s._index, s)
        return impl
    method(DtAccessorType, what, ELEMENTWISE, prefer_literal=True)(typer)


_rounding("floor", FLOOR)
_rounding("ceil", CEIL)
_rounding("round", ROUND)


@method(DtAccessorType, "normalize", ELEMENTWISE)
def _dt_normalize(acc):
    step = _step(acc, "D", "normalize")

    def impl(acc):
        s = dt_series(acc)
        return init_series(round_ticks(s._data, step, FLOOR), s._index, s)
    return impl


def _locale(locale, what):
    if const_value(locale, None) is not None:
        raise user_error(f"Series.dt.{what}: locale= is not supported by hpjit (English names)")


def _name_method(what, fmt):
    """``dt.<what>(locale=None)``: the English name that strftime's ``fmt`` writes."""
    def typer(acc, locale=None):
        _locale(locale, what)
        ops = format_ops(fmt)
        ps = per_second(acc.series.data.dtype.unit)

        def impl(acc, locale=None):
            s = dt_series(acc)
            return init_series(format_datetimes(s._data, ops, ps), s._index, s)
        return impl
    method(DtAccessorType, what, ELEMENTWISE, prefer_literal=True)(typer)


_name_method("day_name", "%A")
_name_method("month_name", "%B")


@method(DtAccessorType, "strftime", ELEMENTWISE, prefer_literal=True)
def _dt_strftime(acc, date_format):
    fmt = const_value(date_format)
    if fmt is NOT_CONSTANT or not isinstance(fmt, str):
        raise user_error("Series.dt.strftime: hpjit needs the format as a constant string")
    try:
        ops = format_ops(fmt)
    except ValueError as e:
        raise user_error(f"Series.dt.strftime: {e}") from None
    ps = per_second(acc.series.data.dtype.unit)

    def impl(acc, date_format):
        s = dt_series(acc)
        return init_series(format_datetimes(s._data, ops, ps), s._index, s)
    return impl
