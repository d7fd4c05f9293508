"""Edits of a string column over its UTF-8 bytes: padding (``pad center ljust rjust zfill``),
literal ``replace``, the character at a position (``get``) and the character-class tests
(``isdigit``...). Widths and positions count code points, as Python's; each kernel measures
every row's result, then writes them, both across threads; no row is decoded into a string,
except that a character-class test of a non-ASCII value uses Python's rules through numba's
``str`` (pandas 3 uses Arrow's tables there, which differ for a few characters such as ``½``).
"""
import numpy as np
from numba import prange
from numba.extending import register_jitable

from hpjit.core.kernel import cached_njit
from hpjit.core.memory import empty_rows
from hpjit.typing.columns.strings import make_string_array, str_getitem, str_isna, view_to_str

#: ``pad``'s ``side`` codes: where the fill goes
LEFT, RIGHT, BOTH = 0, 1, 2
#: the character-class tests, as ``char_class``'s ``kind``
CLASSES = ("isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower",
           "isupper")


@register_jitable
def _code_points(data, start, stop):
    count = 0
    for k in range(start, stop):
        count += (data[k] & 0xC0) != 0x80
    return count


@register_jitable
def text_buffers(lens):
    """Offsets from each row's byte count, and the data buffer to write them into."""
    n = len(lens)
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    for i in range(n):
        offsets[i + 1] = offsets[i] + lens[i]
    return offsets, empty_rows(offsets[n], np.uint8)


@register_jitable
def _pad_left(margin, width, side):
    if side == LEFT:
        return margin
    if side == RIGHT:
        return 0
    return margin // 2 + (margin & width & 1)  # Python's str.center


@cached_njit(parallel=True)
def pad_strings(a, width, side, fill):
    """Each value padded to ``width`` code points with the character whose UTF-8 bytes are
    ``fill``, on the ``side`` given (``LEFT`` fills before the text, as ``rjust``)."""
    n = len(a._offsets) - 1
    margins = np.empty(n, np.int64)
    lens = np.empty(n, np.int64)
    for i in prange(n):
        start, stop = a._offsets[i], a._offsets[i + 1]
        margins[i] = 0 if str_isna(a, i) else max(0, width - _code_points(a._data, start, stop))
        lens[i] = 0 if str_isna(a, i) else stop - start + margins[i] * len(fill)
    offsets, data = text_buffers(lens)
    for i in prange(n):
        if str_isna(a, i):
            continue
        start, stop = a._offsets[i], a._offsets[i + 1]
        left = _pad_left(margins[i], width, side)
        at = offsets[i]
        for _ in range(left):
            for b in fill:
                data[at] = b
                at += 1
        for k in range(start, stop):
            data[at] = a._data[k]
            at += 1
        for _ in range(margins[i] - left):
            for b in fill:
                data[at] = b
                at += 1
    return make_string_array(offsets, data, a._valid.copy())


@cached_njit(parallel=True)
def zfill_strings(a, width):
    """Each value with ``0`` before it up to ``width`` code points, after a leading sign."""
    n = len(a._offsets) - 1
    margins = np.empty(n, np.int64)
    lens = np.empty(n, np.int64)
    for i in prange(n):
        start, stop = a._offsets[i], a._offsets[i + 1]
        margins[i] = 0 if str_isna(a, i) else max(0, width - _code_points(a._data, start, stop))
        lens[i] = 0 if str_isna(a, i) else stop - start + margins[i]
    offsets, data = text_buffers(lens)
    for i in prange(n):
        if str_isna(a, i):
            continue
        start, stop = a._offsets[i], a._offsets[i + 1]
        at = offsets[i]
        if margins[i] > 0 and stop > start and (a._data[start] == 43 or a._data[start] == 45):
            data[at] = a._data[start]
            at += 1
            start += 1
        for _ in range(margins[i]):
            data[at] = 48
            at += 1
        for k in range(start, stop):
            data[at] = a._data[k]
            at += 1
    return make_string_array(offsets, data, a._valid.copy())


@register_jitable
def _matches_at(data, k, stop, pat):
    if k + len(pat) > stop:
        return False
    for j in range(len(pat)):
        if data[k + j] != pat[j]:
            return False
    return True


@register_jitable
def _replace_row(data, start, stop, pat, repl, limit, out, at, write):
    """Bytes of one value with ``pat`` replaced (``limit`` times at most, all if negative),
    written at ``out[at:]`` when ``write``; their number."""
    size = 0
    done = 0
    k = start
    if len(pat) == 0:  # Python's rule: the replacement goes between code points and at the ends
        while True:
            if limit < 0 or done < limit:
                for b in repl:
                    if write:
                        out[at + size] = b
                    size += 1
                done += 1
            if k >= stop:
                break
            step = k + 1
            while step < stop and (data[step] & 0xC0) == 0x80:
                step += 1
            for j in range(k, step):
                if write:
                    out[at + size] = data[j]
                size += 1
            k = step
        return size
    while k < stop:
        if (limit < 0 or done < limit) and _matches_at(data, k, stop, pat):
            for b in repl:
                if write:
                    out[at + size] = b
                size += 1
            done += 1
            k += len(pat)
        else:
            if write:
                out[at + size] = data[k]
            size += 1
            k += 1
    return size


@cached_njit(parallel=True)
def replace_strings(a, pat, repl, limit):
    """Each value with the UTF-8 bytes ``pat`` replaced by ``repl``, left to right without
    overlaps, at most ``limit`` times (all when negative)."""
    n = len(a._offsets) - 1
    lens = np.empty(n, np.int64)
    for i in prange(n):
        lens[i] = 0 if str_isna(a, i) else _replace_row(
            a._data, a._offsets[i], a._offsets[i + 1], pat, repl, limit, a._data, 0, False)
    offsets, data = text_buffers(lens)
    for i in prange(n):
        if not str_isna(a, i):
            _replace_row(a._data, a._offsets[i], a._offsets[i + 1], pat, repl, limit, data,
                         offsets[i], True)
    return make_string_array(offsets, data, a._valid.copy())


@cached_njit(parallel=True)
def char_at(a, pos):
    """The code point at ``pos`` (from the end if negative) of each value, missing where the
    value is or is shorter."""
    n = len(a._offsets) - 1
    spans = np.zeros((n, 2), np.int64)
    lens = np.zeros(n, np.int64)
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in prange(n):
        if str_isna(a, i):
            continue
        start, stop = a._offsets[i], a._offsets[i + 1]
        count = _code_points(a._data, start, stop)
        want = pos + count if pos < 0 else pos
        if want < 0 or want >= count:
            continue
        cp = -1
        for k in range(start, stop):
            if (a._data[k] & 0xC0) != 0x80:
                cp += 1
                if cp == want:
                    spans[i, 0] = k
                elif cp == want + 1:
                    spans[i, 1] = k
                    break
        if spans[i, 1] == 0:
            spans[i, 1] = stop
        lens[i] = spans[i, 1] - spans[i, 0]
    for i in range(n):  # bits of one byte belong to 8 rows: set serially
        if lens[i] > 0:
            valid[i >> 3] |= np.uint8(1 << (i & 7))
    offsets, data = text_buffers(lens)
    for i in prange(n):
        for k in range(lens[i]):
            data[offsets[i] + k] = a._data[spans[i, 0] + k]
    return make_string_array(offsets, data, valid)


@register_jitable
def _ascii_class(b, kind):
    digit = 48 <= b <= 57
    upper = 65 <= b <= 90
    lower = 97 <= b <= 122
    if kind <= 2:
        return digit
    if kind == 3:
        return upper or lower
    if kind == 4:
        return upper or lower or digit
    return (9 <= b <= 13) or (28 <= b <= 32)


@register_jitable
def _unicode_class(v, kind):
    s = view_to_str(v)
    if kind == 0:
        return s.isdigit()
    if kind == 1:
        return s.isdecimal()
    if kind == 2:
        return s.isnumeric()
    if kind == 3:
        return s.isalpha()
    if kind == 4:
        return s.isalnum()
    if kind == 5:
        return s.isspace()
    if kind == 6:
        return s.islower()
    return s.isupper()


@cached_njit(parallel=True)
def char_class(a, kind):
    """``str.<CLASSES[kind]>()`` of each value (False where missing, as pandas' str dtype)."""
    n = len(a._offsets) - 1
    out = np.empty(n, np.bool_)
    for i in prange(n):
        start, stop = a._offsets[i], a._offsets[i + 1]
        if str_isna(a, i) or stop == start:
            out[i] = False
            continue
        ascii_only = True
        for k in range(start, stop):
            if a._data[k] >= 128:
                ascii_only = False
                break
        if not ascii_only:
            out[i] = _unicode_class(str_getitem(a, i), kind)
        elif kind >= 6:  # cased: some letter, none of the other case
            seen, ok = False, True
            for k in range(start, stop):
                b = a._data[k]
                if (kind == 6 and 65 <= b <= 90) or (kind == 7 and 97 <= b <= 122):
                    ok = False
                    break
                seen = seen or (kind == 6 and 97 <= b <= 122) or (kind == 7 and 65 <= b <= 90)
            out[i] = ok and seen
        else:
            ok = True
            for k in range(start, stop):
                if not _ascii_class(a._data[k], kind):
                    ok = False
                    break
            out[i] = ok
    return out


@register_jitable
def repeated_text(text, n):
    """A string column of ``n`` rows, each the UTF-8 bytes ``text``."""
    m = len(text)
    offsets = np.arange(n + 1) * m
    data = empty_rows(n * m, np.uint8)
    for i in range(n):
        data[i * m:(i + 1) * m] = text
    valid = np.full((n + 7) >> 3, 255, np.uint8)
    return make_string_array(offsets, data, valid)


COUNT_MISSING = ("hpjit: .str.count() of a column with missing values is not supported yet "
                 "(pandas returns float64 there)")


@register_jitable
def refuse_missing(a, what):
    for i in range(len(a._offsets) - 1):
        if str_isna(a, i):
            raise ValueError(what)


@cached_njit(parallel=True)
def count_text(a, pat):
    """How many times the UTF-8 bytes ``pat`` occur in each value, without overlaps (an empty
    ``pat``: once per byte and once more, as Arrow, pandas 3's engine, counts it)."""
    refuse_missing(a, COUNT_MISSING)
    n = len(a._offsets) - 1
    out = np.empty(n, np.int64)
    for i in prange(n):
        start, stop = a._offsets[i], a._offsets[i + 1]
        if len(pat) == 0:
            out[i] = stop - start + 1
            continue
        c = 0
        k = start
        while k < stop:
            if _matches_at(a._data, k, stop, pat):
                c += 1
                k += len(pat)
            else:
                k += 1
        out[i] = c
    return out


@cached_njit(parallel=True)
def find_text(a, pat, last):
    """The character position of the first (``last``: the last) occurrence of the UTF-8 bytes
    ``pat`` in each value, -1 where there is none."""
    refuse_missing(a, "hpjit: .str.find() of a column with missing values is not supported "
                        "yet (pandas returns float64 there)")
    n = len(a._offsets) - 1
    out = np.empty(n, np.int64)
    for i in prange(n):
        start, stop = a._offsets[i], a._offsets[i + 1]
        at = -1
        if last:
            for k in range(stop - len(pat), start - 1, -1):
                if _matches_at(a._data, k, stop, pat):
                    at = k
                    break
        else:
            for k in range(start, stop - len(pat) + 1):
                if _matches_at(a._data, k, stop, pat):
                    at = k
                    break
        out[i] = -1 if at < 0 else _code_points(a._data, start, at)
    return out


@cached_njit(parallel=True)
def join_texts(a, b, sep):
    """Each value of ``a``, the UTF-8 bytes ``sep``, then ``b``'s value; missing where either
    is."""
    n = len(a._offsets) - 1
    lens = np.zeros(n, np.int64)
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in prange(n):
        if not (str_isna(a, i) or str_isna(b, i)):
            lens[i] = a._offsets[i + 1] - a._offsets[i] + len(sep) + b._offsets[i + 1] - \
                b._offsets[i]
    for i in range(n):  # one byte holds the bits of eight rows: set serially
        if not (str_isna(a, i) or str_isna(b, i)):
            valid[i >> 3] |= np.uint8(1 << (i & 7))
    offsets, data = text_buffers(lens)
    for i in prange(n):
        if lens[i] == 0 and (str_isna(a, i) or str_isna(b, i)):
            continue
        at = offsets[i]
        for k in range(a._offsets[i], a._offsets[i + 1]):
            data[at] = a._data[k]
            at += 1
        for x in sep:
            data[at] = x
            at += 1
        for k in range(b._offsets[i], b._offsets[i + 1]):
            data[at] = b._data[k]
            at += 1
    return make_string_array(offsets, data, valid)
