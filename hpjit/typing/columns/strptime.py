"""Text to datetimes by a ``strptime`` format, as ``pd.to_datetime(s, format=...)`` reads it.

pandas matches each value against the regular expression Python's ``_strptime`` builds from the
format: each directive an alternation that prefers the longest valid field (``%m`` is
``1[0-2]|0[1-9]|[1-9]``), white space one or more spaces, the whole text consumed. The format
is compiled here once, at compile time, into a list of steps (``compile_format``), and
``parse_formatted`` walks a value's bytes through them with no Python object per row: a
number field takes two digits when they make a valid value and one otherwise, which is what the
alternation's order gives.
"""
import numpy as np
from numba.extending import register_jitable

from hpjit.typing.columns.datetime import days_from_civil, days_in_month

#: step kinds: a literal byte, white space, then one per directive
(LITERAL, SPACE, YEAR4, YEAR2, MONTH, DAY, HOUR24, HOUR12, MINUTE, SECOND, FRACTION,
 MONTH_ABBR, MONTH_NAME, AMPM, DAY_OF_YEAR) = range(15)

_DIRECTIVES = {"Y": YEAR4, "y": YEAR2, "m": MONTH, "d": DAY, "H": HOUR24, "I": HOUR12,
               "M": MINUTE, "S": SECOND, "f": FRACTION, "b": MONTH_ABBR, "h": MONTH_ABBR,
               "B": MONTH_NAME, "p": AMPM, "j": DAY_OF_YEAR}

#: (most digits, lowest value, highest value) of each number field's kind, as Python's
#: ``_strptime`` patterns allow them (a second of 60 or 61 is then out of range)
_FIELDS = np.zeros((DAY_OF_YEAR + 1, 3), np.int64)
for _kind, _limits in ((MONTH, (2, 1, 12)), (DAY, (2, 1, 31)), (HOUR24, (2, 0, 23)),
                       (HOUR12, (2, 1, 12)), (MINUTE, (2, 0, 59)), (SECOND, (2, 0, 61)),
                       (DAY_OF_YEAR, (3, 1, 366))):
    _FIELDS[_kind] = _limits

#: outcomes of ``parse_formatted``: parsed, text not matching the format, a day the month has
#: not, finer than the column's unit
PARSED, NO_MATCH, OUT_OF_RANGE, TOO_FINE = 0, 1, 2, 3

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_NAMES = np.frombuffer("".join(_MONTHS).encode(), np.uint8).copy()
_NAME_ENDS = np.cumsum([0] + [len(m) for m in _MONTHS]).astype(np.int64)


def compile_format(fmt):
    """The steps of strptime format ``fmt``, as an int64 array of (kind, byte) pairs; a
    ``ValueError`` naming a directive hpjit does not parse."""
    if not fmt:
        raise ValueError("the format is empty")
    steps = []
    k = 0
    while k < len(fmt):
        c = fmt[k]
        if c == "%":
            if k + 1 == len(fmt):
                raise ValueError("the format ends with a lone '%'")
            d = fmt[k + 1]
            if d == "%":
                steps.append((LITERAL, ord("%")))
            elif d in _DIRECTIVES:
                steps.append((_DIRECTIVES[d], 0))
            else:
                raise ValueError(f"the directive %{d} is not supported (hpjit parses "
                                 f"{' '.join('%' + x for x in _DIRECTIVES)} and %%)")
            k += 2
        elif c.isspace():
            if not steps or steps[-1][0] != SPACE:
                steps.append((SPACE, 0))
            k += 1
        elif ord(c) < 128:
            steps.append((LITERAL, ord(c)))
            k += 1
        else:
            raise ValueError(f"the non-ASCII character {c!r} in the format is not supported")
    return np.array(steps, np.int64).reshape(-1, 2)


@register_jitable
def _is_space(c):
    return c == 32 or 9 <= c <= 13


@register_jitable
def _number(p, k, end, most, low, high):
    """(value, next position) of a field of one to ``most`` digits at ``p[k]``: the longest
    whose value lies in [low, high]; value -1 when none does."""
    v = -1
    best = -1
    stop = k
    j = k
    while j < end and j - k < most and 48 <= p[j] <= 57:
        v = (0 if v < 0 else v * 10) + (p[j] - 48)
        j += 1
        if low <= v <= high:
            best, stop = v, j
    return best, stop


@register_jitable
def _digits(p, k, end, size):
    """(value, next position) of exactly ``size`` digits at ``p[k]``; value -1 if not there."""
    if k + size > end:
        return -1, k
    v = 0
    for j in range(k, k + size):
        if not 48 <= p[j] <= 57:
            return -1, k
        v = v * 10 + (p[j] - 48)
    return v, k + size


@register_jitable
def _month_name(p, k, end, full):
    """(month 1-12, next position) of an English month name (``full``) or its three-letter
    abbreviation at ``p[k]``, in any case; month -1 when none is there."""
    for m in range(12):
        start = _NAME_ENDS[m]
        size = _NAME_ENDS[m + 1] - start if full else 3
        if k + size <= end:
            same = True
            for j in range(size):
                if p[k + j] | 32 != _NAMES[start + j]:
                    same = False
                    break
            if same:
                return m + 1, k + size
    return -1, k


@register_jitable
def parse_formatted(p, n, steps, per_sec):
    """``(int64 value in units of 1/per_sec seconds, outcome)`` of the bytes ``p[:n]`` read by
    ``steps`` (``compile_format``). Fields a format leaves out are 1900-01-01 00:00:00, as in
    Python's ``strptime``."""
    y, mo, d, h, mi, s, frac, doy = 1900, 1, 1, 0, 0, 0, 0, -1
    ampm = -1
    twelve = False
    k = 0
    for i in range(len(steps)):
        kind, byte = steps[i, 0], steps[i, 1]
        v = 0
        if kind == LITERAL:
            if k >= n or p[k] != byte:
                return 0, NO_MATCH
            k += 1
            continue
        if kind == SPACE:
            if k >= n or not _is_space(p[k]):
                return 0, NO_MATCH
            while k < n and _is_space(p[k]):
                k += 1
            continue
        if kind == FRACTION:
            start = k
            scale = per_sec
            while k < n and k - start < 9 and 48 <= p[k] <= 57:
                scale //= 10
                if scale == 0 and p[k] != 48:
                    return 0, TOO_FINE
                frac += (p[k] - 48) * scale
                k += 1
            if k == start:
                return 0, NO_MATCH
            continue
        if kind == MONTH_ABBR or kind == MONTH_NAME:
            mo, k = _month_name(p, k, n, kind == MONTH_NAME)
            if mo < 0:
                return 0, NO_MATCH
            continue
        if kind == AMPM:
            if k + 2 > n or (p[k + 1] | 32) != 109 or ((p[k] | 32) != 97 and (p[k] | 32) != 112):
                return 0, NO_MATCH
            ampm = 1 if (p[k] | 32) == 112 else 0
            k += 2
            continue
        if kind == YEAR4 or kind == YEAR2:  # exactly four or two digits
            v, k2 = _digits(p, k, n, 4 if kind == YEAR4 else 2)
            if kind == YEAR4 and v == 0:
                v = -1
        else:
            v, k2 = _number(p, k, n, _FIELDS[kind, 0], _FIELDS[kind, 1], _FIELDS[kind, 2])
        if v < 0:
            return 0, NO_MATCH
        k = k2
        if kind == YEAR4:
            y = v
        elif kind == YEAR2:
            y = v + (2000 if v <= 68 else 1900)
        elif kind == MONTH:
            mo = v
        elif kind == DAY:
            d = v
        elif kind == HOUR24:
            h = v
        elif kind == HOUR12:
            h = v
            twelve = True
        elif kind == MINUTE:
            mi = v
        elif kind == SECOND:
            s = v
        else:
            doy = v
    if k != n:
        return 0, NO_MATCH
    if twelve:
        if ampm == 1:
            h = h if h == 12 else h + 12
        elif h == 12:
            h = 0
    if doy > 0:
        days = days_from_civil(y, 1, 1) + doy - 1
        if days >= days_from_civil(y + 1, 1, 1):
            return 0, OUT_OF_RANGE
    else:
        if d > days_in_month(y, mo):
            return 0, OUT_OF_RANGE
        days = days_from_civil(y, mo, d)
    if s > 59:
        return 0, OUT_OF_RANGE
    return (days * 86400 + h * 3600 + mi * 60 + s) * per_sec + frac, PARSED
