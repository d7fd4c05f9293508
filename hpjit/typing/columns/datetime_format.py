"""Datetime columns to other datetimes and to text: ``dt.floor/ceil/round/normalize`` on a
fixed step, ``dt.day_name()/month_name()`` and ``dt.strftime(fmt)``.

Values are the int64 ticks of the column's unit; ``NaT`` stays ``NaT`` (missing text). A
format is parsed once at compile time into op codes (``format_ops``): a directive's code, or
a literal byte as ``-1 - byte``; the kernel measures each row's text, then writes it, as the
other string kernels do — no Python and no string object per row.
"""
import numpy as np
from numba import prange
from numba.extending import register_jitable

from hpjit.core.kernel import cached_njit
from hpjit.typing.columns.datetime import (NAT, civil_from_days, days_from_civil, dt64_to_int,
                                           int_to_dt64)
from hpjit.typing.columns.string_edits import text_buffers
from hpjit.typing.columns.strings import make_string_array

#: ``round_ticks``' modes
FLOOR, CEIL, ROUND = 0, 1, 2
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
#: strftime directives, by op code; their text widths (0: a name, measured per row)
DIRECTIVES = "YmdHMSfyjaAbBpI"
_WIDTHS = (4, 2, 2, 2, 2, 2, 6, 2, 3, 3, 0, 3, 0, 2, 2)


def _names(names):
    """``(bytes, offsets)`` of ASCII names, for the kernels."""
    data = np.frombuffer("".join(names).encode(), np.uint8).copy()
    offsets = np.cumsum([0] + [len(n) for n in names]).astype(np.int64)
    return data, offsets


_DAYS, _DAY_AT = _names(DAY_NAMES)
_MONTHS, _MONTH_AT = _names(MONTH_NAMES)


def format_ops(fmt):
    """The op codes of strftime format ``fmt``, or raise ValueError naming what is not
    supported."""
    ops = []
    raw = fmt.encode("utf-8")
    k = 0
    while k < len(raw):
        b = raw[k]
        if b == ord("%"):
            if k + 1 >= len(raw):
                raise ValueError(f"the format {fmt!r} ends with a lone '%'")
            d = chr(raw[k + 1])
            if d == "%":
                ops.append(-1 - ord("%"))
            elif d in DIRECTIVES:
                ops.append(DIRECTIVES.index(d))
            else:
                raise ValueError(f"the directive %{d} of {fmt!r} is not supported by hpjit "
                                 f"(supported: {' '.join('%' + c for c in DIRECTIVES)} %%)")
            k += 2
        else:
            ops.append(-1 - b)
            k += 1
    return np.array(ops, np.int64)


@cached_njit(parallel=True)
def round_ticks(a, step, mode):
    """``a`` (datetime64) floored, ceiled or rounded (half to even, as pandas) to a multiple of
    ``step`` ticks since the epoch; NaT stays."""
    n = len(a)
    out = np.empty(n, a.dtype)
    for i in prange(n):
        v = dt64_to_int(a[i])
        if v == NAT:
            out[i] = a[i]
            continue
        q = v // step
        r = v - q * step
        if mode == CEIL:
            q += r > 0
        elif mode == ROUND and (2 * r > step or (2 * r == step and q % 2 == 1)):
            q += 1
        out[i] = int_to_dt64(q * step, a.dtype)
    return out


@register_jitable
def _civil(v, per_day):
    days = v // per_day
    y, m, d = civil_from_days(days)
    return days, y, m, d, v - days * per_day


@register_jitable
def _op_width(op, v, per_day):
    if op < 0:
        return 1
    w = _WIDTHS[op]
    if w > 0:
        return w
    days, _, m, _, _ = _civil(v, per_day)
    if op == 10:
        dow = (days + 3) % 7
        return _DAY_AT[dow + 1] - _DAY_AT[dow]
    return _MONTH_AT[m] - _MONTH_AT[m - 1]


@register_jitable
def _digits(out, at, value, width):
    for k in range(width - 1, -1, -1):
        out[at + k] = 48 + value % 10
        value //= 10
    return at + width


@register_jitable
def _name(out, at, table, starts, k, length):
    stop = starts[k + 1] if length == 0 else starts[k] + length
    for j in range(starts[k], stop):
        out[at] = table[j]
        at += 1
    return at


@register_jitable
def _write_op(out, at, op, v, per_day, per_second):
    if op < 0:
        out[at] = -1 - op
        return at + 1
    days, y, m, d, t = _civil(v, per_day)
    if op == 0:
        return _digits(out, at, y, 4)
    if op == 1:
        return _digits(out, at, m, 2)
    if op == 2:
        return _digits(out, at, d, 2)
    if op == 3:
        return _digits(out, at, t // (3600 * per_second), 2)
    if op == 4:
        return _digits(out, at, t // (60 * per_second) % 60, 2)
    if op == 5:
        return _digits(out, at, t // per_second % 60, 2)
    if op == 6:
        return _digits(out, at, (t % per_second) * 1_000_000 // per_second, 6)
    if op == 7:
        return _digits(out, at, y % 100, 2)
    if op == 8:
        return _digits(out, at, days - days_from_civil(y, 1, 1) + 1, 3)
    if op == 9 or op == 10:
        return _name(out, at, _DAYS, _DAY_AT, (days + 3) % 7, 3 if op == 9 else 0)
    if op == 11 or op == 12:
        return _name(out, at, _MONTHS, _MONTH_AT, m - 1, 3 if op == 11 else 0)
    hour = t // (3600 * per_second)
    if op == 13:
        out[at] = 80 if hour >= 12 else 65
        out[at + 1] = 77
        return at + 2
    return _digits(out, at, (hour + 11) % 12 + 1, 2)


@cached_njit(parallel=True)
def format_datetimes(a, ops, per_second):
    """The text of each value of ``a`` (datetime64, ``per_second`` ticks a second) by the op
    codes ``ops``; missing for NaT."""
    n = len(a)
    per_day = 86400 * per_second
    lens = np.zeros(n, np.int64)
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in prange(n):
        v = dt64_to_int(a[i])
        if v != NAT:
            w = 0
            for op in ops:
                w += _op_width(op, v, per_day)
            lens[i] = w
    for i in range(n):  # one byte holds the bits of eight rows: set serially
        if dt64_to_int(a[i]) != NAT:
            valid[i >> 3] |= np.uint8(1 << (i & 7))
    offsets, data = text_buffers(lens)
    for i in prange(n):
        v = dt64_to_int(a[i])
        if v != NAT:
            at = offsets[i]
            for op in ops:
                at = _write_op(data, at, op, v, per_day, per_second)
    return make_string_array(offsets, data, valid)
