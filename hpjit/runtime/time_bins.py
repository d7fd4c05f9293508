"""Time bins of ``resample`` and ``groupby(pd.Grouper(freq=))``: which bin each datetime falls
in, and each bin's label.

A rule is read at compile time (``time_bins``) into a kind and two integers. A bin number
never decreases with time, so the bins a column spans follow from its first and last
datetime alone (``bin_span``): under MPI one reduction of two numbers tells every rank the
global bins, and a rank can own a contiguous block of them. The anchoring is pandas'
default: fixed steps (``'15min'``, ``'D'``) counted from midnight of the first day, closed and
labelled on the left; weeks, months, quarters and years by the calendar, weeks and ``*E``
rules labelled by their last day, ``*S`` rules by their first.
"""
import numpy as np
import pandas as pd
from numba import prange
from numba.extending import register_jitable
from pandas.tseries import offsets

from hpjit.core.kernel import cached_njit
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import isna_at
from hpjit.typing.columns.datetime import (NAT, civil_from_days, days_from_civil, dt64_to_int,
                                           int_to_dt64, month_days, per_second)

TICKS, WEEKS, MONTHS_BEGIN, MONTHS_END = 0, 1, 2, 3
_FIRST, _LAST = np.iinfo(np.int64).max, np.iinfo(np.int64).min

#: the month-based offsets: (kind, months a bin, the attribute naming its anchor month)
_CALENDAR = {offsets.MonthBegin: (MONTHS_BEGIN, 1, None),
             offsets.MonthEnd: (MONTHS_END, 1, None),
             offsets.QuarterBegin: (MONTHS_BEGIN, 3, "startingMonth"),
             offsets.QuarterEnd: (MONTHS_END, 3, "startingMonth"),
             offsets.YearBegin: (MONTHS_BEGIN, 12, "month"),
             offsets.YearEnd: (MONTHS_END, 12, "month")}


class TimeBins:
    """A resample rule: ``kind``, ``step`` (ticks of the column's unit, or months a bin),
    ``anchor`` (a week's last weekday, or the month, counted from 0, a bin starts or ends on)
    and ``day`` (ticks a day). ``names`` maps the internal name of a column the grouping made
    (an index, a Series' values) to the name pandas gives its result."""

    def __init__(self, rule, unit, kind, step, anchor, names=()):
        self.rule, self.unit = rule, unit
        self.kind, self.step, self.anchor = kind, step, anchor
        self.day = per_second(unit) * 86400
        self.names = tuple(names)

    def renamed(self, name):
        return dict(self.names).get(name, name)

    def with_names(self, names):
        return TimeBins(self.rule, self.unit, self.kind, self.step, self.anchor, names)

    @property
    def left_closed(self):
        return self.kind in (TICKS, MONTHS_BEGIN)

    @property
    def args(self):
        """Source of the kernel arguments ``kind, step, anchor, day``."""
        return f"{self.kind}, {self.step}, {self.anchor}, {self.day}"

    def __repr__(self):
        return f"TimeBins({self.rule!r}, {self.unit}, names={self.names})"


def time_bins(rule, unit, closed, label, origin, offset, what):
    """The ``TimeBins`` of constant ``rule`` for a datetime64 column of ``unit``; the other
    arguments must be pandas' defaults for that rule."""
    try:
        off = pd.tseries.frequencies.to_offset(rule)
    except (ValueError, TypeError) as e:
        raise user_error(f"{what}: {e}") from None
    if isinstance(off, (offsets.Tick, offsets.Day)):
        nanos = off.n * 86_400_000_000_000 if isinstance(off, offsets.Day) else off.nanos
        step, rest = divmod(nanos, 1_000_000_000 // per_second(unit))
        if rest or step <= 0:
            raise user_error(f"{what}: {rule!r} is finer than the column's unit ({unit})")
        bins = TimeBins(rule, unit, TICKS, step, 0)
    elif isinstance(off, offsets.Week) and off.weekday is not None and off.n == 1:
        bins = TimeBins(rule, unit, WEEKS, 7, off.weekday)
    elif type(off) in _CALENDAR and off.n == 1:
        kind, months, attr = _CALENDAR[type(off)]
        anchor = (getattr(off, attr) - 1) % months if attr else 0
        bins = TimeBins(rule, unit, kind, months, anchor)
    else:
        raise user_error(f"{what}: hpjit resamples by a fixed step ('15min', 'h', 'D', '7D'...) "
                         f"or by 'W', 'MS', 'ME', 'QS', 'QE', 'YS', 'YE' (one at a time), not "
                         f"{rule!r}")
    side = "left" if bins.left_closed else "right"
    for v, name in ((closed, "closed"), (label, "label")):
        if v not in (None, side):
            raise user_error(f"{what}: hpjit supports {name}={side!r} (pandas' default for "
                             f"{rule!r}) only")
    if origin != "start_day" or offset is not None:
        raise user_error(f"{what}: hpjit supports origin='start_day' without offset= only")
    return bins


@register_jitable
def _bin(v, kind, step, anchor, day, origin):
    if kind == TICKS:
        return (v - origin) // step
    d = v // day
    if kind == WEEKS:  # day 0, 1970-01-01, was a Thursday (weekday 3)
        last = d + (anchor - (d + 3)) % 7
        return (last - anchor + 3) // 7
    y, m, _ = civil_from_days(d)
    month = (y - 1970) * 12 + m - 1 - anchor
    return month // step if kind == MONTHS_BEGIN else (month + step - 1) // step


@register_jitable
def _label(b, kind, step, anchor, day, origin):
    if kind == TICKS:
        return origin + b * step
    if kind == WEEKS:
        return (7 * b + anchor - 3) * day
    month = anchor + step * b
    y, m = 1970 + month // 12, month % 12 + 1
    return days_from_civil(y, m, 1 if kind == MONTHS_BEGIN else month_days(y, m)) * day


@cached_njit
def tick_range(a):
    """The first and last datetime of ``a`` in ticks (NaT skipped; ``first > last`` if none),
    and the number of NaT."""
    lo, hi, missing = _FIRST, _LAST, 0
    for i in range(len(a)):
        v = dt64_to_int(a[i])
        if v != NAT:
            lo = min(lo, v)
            hi = max(hi, v)
        else:
            missing += 1
    return lo, hi, missing


@register_jitable
def bin_span(first, last, kind, step, anchor, day):
    """``(origin, lo, nbins)``: the ticks fixed steps count from, the first bin's number, and
    the bins from the first datetime's to the last's."""
    if first > last:
        return 0, 0, 0
    origin = first // day * day
    lo = _bin(first, kind, step, anchor, day, origin)
    return origin, lo, _bin(last, kind, step, anchor, day, origin) - lo + 1


@cached_njit(parallel=True)
def bin_groups(a, kind, step, anchor, day, origin, lo):
    """Each row's bin counted from bin ``lo`` (-1 for NaT)."""
    n = len(a)
    out = np.empty(n, np.int64)
    for i in prange(n):
        v = dt64_to_int(a[i])
        out[i] = -1 if v == NAT else _bin(v, kind, step, anchor, day, origin) - lo
    return out


@cached_njit(parallel=True)
def bin_labels(a, kind, step, anchor, day, origin, lo, n):
    """The labels of bins ``lo .. lo + n - 1``, as datetimes of ``a``'s unit."""
    out = np.empty(n, a.dtype)
    for k in prange(n):
        out[k] = int_to_dt64(_label(lo + k, kind, step, anchor, day, origin), a.dtype)
    return out


@register_jitable
def pick_in_time(a, key, group, ngroups, last):
    """Per bin: the row of its first (``last``: last) value in time order, ties in row order
    (pandas sorts the rows by time, stably, before it takes a bin's first or last); -1 where
    a bin has no value."""
    pick = np.full(ngroups, -1, np.int64)
    for i in range(len(group)):
        g = group[i]
        if g < 0 or isna_at(a, i):
            continue
        p = pick[g]
        if p < 0:
            pick[g] = i
            continue
        t, tp = dt64_to_int(key[i]), dt64_to_int(key[p])
        if (t >= tp) if last else (t < tp):
            pick[g] = i
    return pick


@cached_njit(parallel=True)
def row_labels(a, kind, step, anchor, day):
    """Each datetime's bin label (NaT stays), bins counted from the epoch: the key a time bin
    makes among other keys, where only the bins that occur are groups. Fixed steps must
    divide a day, so the epoch anchors them as midnight of the first day does."""
    n = len(a)
    out = np.empty(n, a.dtype)
    for i in prange(n):
        v = dt64_to_int(a[i])
        out[i] = a[i] if v == NAT else int_to_dt64(
            _label(_bin(v, kind, step, anchor, day, 0), kind, step, anchor, day, 0), a.dtype)
    return out
