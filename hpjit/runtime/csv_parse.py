"""A compiled CSV tokenizer for the common case, writing Arrow buffers straight from the bytes.

pandas' parser makes a Python ``str`` per text field and then an Arrow array of them; this
one scans a block of lines once, eight bytes a step, and copies each text field into its
column's buffers (int64 offsets, UTF-8 bytes, validity bits: hpjit's and pandas' ``str``
layout), and parses numbers in place — floats correctly rounded (``float_parse``), as
pandas' parser rounds them, so the values are the same to the bit.

It takes only what it can give exactly as pandas would: columns of ``str``, ``int64``,
``float64`` and ``bool``; no quote and no carriage return in the block; every line with the
header's number of fields. Anything else — a quote, a short line, a missing integer, "inf",
a float with spaces around it, invalid UTF-8 — makes ``parse_lines`` answer None and
pandas parses the block, so the result and its errors stay pandas' own.
"""
import numba
import numpy as np
import pandas as pd
import pyarrow as pa
from numba import types
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.extending import register_jitable
from pandas._libs.parsers import STR_NA_VALUES

from hpjit.core.kernel import cached_njit
from hpjit.runtime.float_parse import NOT_A_NUMBER, UNDECIDED, parse_decimal
from hpjit.runtime.raw_bytes import byte_at, copy_bytes, word_at
from hpjit.typing.columns.convert import STR_DTYPE
from hpjit.typing.columns.strings import StringArrayType

_SKIP, _TEXT, _INT, _BOOL, _FLOAT = 0, 1, 2, 3, 4
_OK, _FULL = 0, -1
_NEWLINE, _QUOTE, _RETURN = 10, 34, 13


_WINDOW = 1 << 22


def count_byte(values, byte):
    """Occurrences of ``byte`` in uint8 array ``values``, by numpy a window at a time (a
    compiled loop reads at a fifth of the speed; one comparison of the whole would need a
    mask as large as the file)."""
    hits = np.empty(min(_WINDOW, len(values)), np.bool_)
    count = 0
    for k in range(0, len(values), _WINDOW):
        window = values[k:k + _WINDOW]
        np.equal(window, byte, out=hits[:len(window)])
        count += int(np.count_nonzero(hits[:len(window)]))
    return count


_ONES = np.uint64(0x0101010101010101)
_HIGHS = np.uint64(0x8080808080808080)


@register_jitable
def _zero_bytes(w):
    """Bits marking the zero bytes of ``w``; exact up to its lowest zero byte (the first in
    memory), which is all ``_field_end`` uses."""
    return (w - _ONES) & ~w & _HIGHS


@register_jitable
def _field_end(buf, pos, n, seps, newlines, quotes, returns):
    """The position of the first separator, newline, quote or carriage return at or after
    ``pos`` in the ``n`` bytes at address ``buf`` (``n`` if none): eight bytes a step while
    none is among them."""
    while pos + 8 <= n:
        w = word_at(buf, pos)
        hits = (_zero_bytes(w ^ seps) | _zero_bytes(w ^ newlines) | _zero_bytes(w ^ quotes)
                | _zero_bytes(w ^ returns))
        if hits != 0:
            return pos + np.int64(trailing_zeros(hits) >> np.uint64(3))
        pos += 8
    sep = np.uint8(seps & np.uint64(0xFF))
    while pos < n:
        c = byte_at(buf, pos)
        if c == sep or c == _NEWLINE or c == _QUOTE or c == _RETURN:
            return pos
        pos += 1
    return n


@cached_njit(nogil=True, inline=True)
def _na_match(buf, start, length, na_table, na_lengths):
    """Whether the bytes [start, start+length) at address ``buf`` are an NA token; called for
    the few fields not ruled out by length and first byte."""
    for k in range(na_table.shape[0]):
        if na_lengths[k] == length:
            i = 0
            while i < length and na_table[k, i] == byte_at(buf, start + i):
                i += 1
            if i == length:
                return True
    return False


@register_jitable
def _parse_int(buf, start, end):
    """(value, ok) of a decimal integer of at most 18 digits with an optional sign."""
    i = start
    neg = False
    if i < end and (byte_at(buf, i) == 45 or byte_at(buf, i) == 43):
        neg = byte_at(buf, i) == 45
        i += 1
    if i == end or end - i > 18:
        return 0, False
    v = 0
    while i < end:
        d = np.int64(byte_at(buf, i)) - 48
        if d < 0 or d > 9:
            return 0, False
        v = v * 10 + d
        i += 1
    return (-v if neg else v), True


def _word(text):
    return int.from_bytes(text, "little")


_TRUE = tuple(_word(t) for t in (b"True", b"TRUE", b"true"))
_FALSE = tuple(_word(t) for t in (b"False", b"FALSE", b"false"))


@register_jitable
def _parse_bool(buf, start, end):
    """(value, ok) of pandas' default spellings of true and false."""
    length = end - start
    if length != 4 and length != 5:
        return False, False
    v = 0
    for k in range(length):
        v |= np.int64(byte_at(buf, start + k)) << (8 * k)
    if length == 4:
        return True, v == _TRUE[0] or v == _TRUE[1] or v == _TRUE[2]
    return False, v == _FALSE[0] or v == _FALSE[1] or v == _FALSE[2]


@cached_njit(nogil=True)
def tokenize(buf, sep, kinds, slots, na_first, na_table, na_lengths, offsets, data, valid,
             nulls, ints, floats, undecided):
    """Parse the lines of ``buf`` (no header) into the output arrays: (rows, status,
    undecided floats).

    ``kinds[f]``/``slots[f]`` say what field ``f`` of a line is and which row of the outputs
    gets it: text into ``offsets``/``data``/``valid``/``nulls``, ints and bools into
    ``ints``, floats into ``floats`` — those the parser leaves to Python as (slot, row, start,
    end) rows of ``undecided``. Status is 0; -1 where the outputs' rows ran out; or the
    1-based row at which the block left what this parser takes (pandas then parses it)."""
    n = len(buf)
    at = buf.ctypes.data
    nf = len(kinds)
    ntext, width = data.shape
    rows_max = offsets.shape[1] - 1
    text_at = data.ctypes.data
    seps = np.uint64(sep) * _ONES
    newlines = np.uint64(_NEWLINE) * _ONES
    quotes = np.uint64(_QUOTE) * _ONES
    returns = np.uint64(_RETURN) * _ONES
    maxna = na_first.shape[0]
    used = np.zeros(ntext, np.int64)
    for t in range(ntext):
        offsets[t, 0] = 0
        nulls[t] = 0
    hard = 0
    row = 0
    pos = 0
    while pos < n:
        if byte_at(at, pos) == _NEWLINE:  # blank line: pandas skips it
            pos += 1
            continue
        f = 0
        while True:
            start = pos
            pos = _field_end(at, pos, n, seps, newlines, quotes, returns)
            c = byte_at(at, pos) if pos < n else _NEWLINE
            if c == _QUOTE or c == _RETURN or f >= nf:
                return row, row + 1, hard
            kind = kinds[f]
            s = slots[f]
            length = pos - start
            if kind != _SKIP:
                missing = length == 0 or (length < maxna and na_first[length, byte_at(at, start)]
                                          and _na_match(at, start, length, na_table, na_lengths))
                if kind == _TEXT:
                    if missing:
                        nulls[s] += 1
                    else:
                        copy_bytes(text_at + s * width + used[s], at + start, length)
                        used[s] += length
                        valid[s, row >> 3] |= np.uint8(1 << (row & 7))
                    offsets[s, row + 1] = used[s]
                elif kind == _FLOAT:
                    if missing:
                        floats[s, row] = np.nan
                    else:
                        value, state = parse_decimal(at, start, pos)
                        if state == NOT_A_NUMBER:
                            return row, row + 1, hard
                        if state == UNDECIDED:
                            if hard == len(undecided):
                                return row, row + 1, hard
                            undecided[hard, 0] = s
                            undecided[hard, 1] = row
                            undecided[hard, 2] = start
                            undecided[hard, 3] = pos
                            hard += 1
                        floats[s, row] = value
                else:
                    if missing:
                        return row, row + 1, hard
                    if kind == _INT:
                        v, ok = _parse_int(at, start, pos)
                    else:
                        b, ok = _parse_bool(at, start, pos)
                        v = np.int64(b)
                    if not ok:
                        return row, row + 1, hard
                    ints[s, row] = v
            f += 1
            pos += 1
            if c == _NEWLINE:
                break
        if f != nf:
            return row, row + 1, hard
        row += 1
        if row == rows_max and pos < n:
            return row, _FULL, hard
    return row, _OK, hard


def _kind(t):
    if isinstance(t, StringArrayType):
        return _TEXT
    if isinstance(t, types.Array) and t.ndim == 1:
        if t.dtype == types.int64:
            return _INT
        if t.dtype == types.float64:
            return _FLOAT
        if t.dtype == types.boolean:
            return _BOOL
    return None


def _na_tokens(opts):
    """pandas' NA strings for ``opts`` as encoded bytes, or None where pandas would also take
    numbers equal to a given one (``na_values=['-1']`` makes "-1.0" missing too)."""
    given = opts.get("na_values") or []
    given = [given] if isinstance(given, str) else list(given)
    for token in given:
        try:
            float(token)
        except ValueError:
            continue
        return None
    return sorted({t.encode() for t in set(STR_NA_VALUES) | set(given)})


def _na_arrays(tokens):
    """(first, table, lengths): whether some token has a given length and first byte, the
    tokens as rows of bytes, and their lengths."""
    lengths = np.array([len(t) for t in tokens], np.int64)
    first = np.zeros((int(lengths.max()) + 1, 256), np.bool_)
    table = np.zeros((len(tokens), int(lengths.max()) or 1), np.uint8)
    for k, t in enumerate(tokens):
        table[k, :len(t)] = np.frombuffer(t, np.uint8)
        if t:
            first[len(t), t[0]] = True
    return first, table, lengths


_SEPARATORS = frozenset(",;|\t:")


def plan(names, opts, expected):
    """(separator byte, kinds, slots, NA tokens, columns of each store) for the tokenizer, or
    None where it does not apply."""
    sep = opts.get("sep", ",")
    if set(opts) - {"sep", "usecols", "dtype", "na_values"} or sep not in _SEPARATORS \
            or len(names) < 2:
        return None
    tokens = _na_tokens(opts)
    if tokens is None:
        return None
    wanted = dict(zip(expected.columns, expected.data))
    kinds, slots, counts = [], [], {_TEXT: 0, _INT: 0, _FLOAT: 0}
    for name in names:
        if name not in wanted:
            kinds.append(_SKIP)
            slots.append(0)
            continue
        kind = _kind(wanted.pop(name))
        if kind is None:
            return None
        store = _INT if kind == _BOOL else kind
        kinds.append(kind)
        slots.append(counts[store])
        counts[store] += 1
    if wanted:
        return None
    return ord(sep), np.array(kinds, np.int8), np.array(slots, np.int64), tokens, counts


def parse_lines(lines, names, opts, expected):
    """The frame of CSV ``lines`` (a buffer of whole lines, no header) with the header's
    ``names`` and the compiled types ``expected``; None where pandas must parse them."""
    p = plan(names, opts, expected)
    if p is None:
        return None
    sep, kinds, slots, tokens, counts = p
    buf = np.frombuffer(lines, np.uint8)
    out = _tokenize(buf, _rows_estimate(buf), sep, kinds, slots, tokens, counts)
    if out[0] == _FULL:
        out = _tokenize(buf, count_byte(buf, _NEWLINE) + 1, sep, kinds, slots, tokens, counts)
    if out[0] != _OK:
        return None
    status, rows, offsets, data, valid, nulls, ints, floats = out
    columns = {}
    for name, kind, s in zip(names, kinds, slots):
        if kind == _TEXT:
            size = int(offsets[s, rows])
            if not _ascii(data[s, :size]) and not _utf8(offsets[s, :rows + 1], data[s, :size]):
                return None  # pandas raises for it
            arr = pa.LargeStringArray.from_buffers(
                rows, pa.py_buffer(offsets[s, :rows + 1]), pa.py_buffer(data[s, :size]),
                pa.py_buffer(valid[s]) if nulls[s] else None, int(nulls[s]))
            columns[name] = pd.array(pa.chunked_array([arr], type=pa.large_string()),
                                     dtype=STR_DTYPE)
        elif kind == _FLOAT:
            columns[name] = floats[s, :rows]
        elif kind != _SKIP:
            columns[name] = ints[s, :rows] if kind == _INT else ints[s, :rows].astype(np.bool_)
    df = pd.DataFrame(columns, copy=False)
    if len(df.columns) != len(expected.columns) or numba.typeof(df).data != expected.data:
        return None
    return df


_SAMPLE = 1 << 20


def _rows_estimate(buf):
    """An upper bound, most likely, on the lines of ``buf``: its size over the mean length of
    the lines of its first MiB, with a margin (the tokenizer says when rows run out)."""
    sample = buf[:_SAMPLE]
    lines = count_byte(sample, _NEWLINE)
    if len(sample) == len(buf) or lines == 0:
        return count_byte(buf, _NEWLINE) + 1
    return int(len(buf) / (len(sample) / lines) * 1.25) + 1024


def _tokenize(buf, nmax, sep, kinds, slots, tokens, counts):
    """(status, rows, outputs...) of the tokenizer over ``buf`` with room for ``nmax`` rows."""
    ntext = counts[_TEXT]
    offsets = np.empty((ntext, nmax + 1), np.int64)
    data = np.empty((ntext, len(buf)), np.uint8)
    valid = np.zeros((ntext, (nmax + 7) // 8), np.uint8)
    nulls = np.zeros(ntext, np.int64)
    ints = np.empty((counts[_INT], nmax), np.int64)
    floats = np.empty((counts[_FLOAT], nmax), np.float64)
    undecided = np.empty((4096 + nmax // 64 if counts[_FLOAT] else 0, 4), np.int64)
    rows, status, hard = tokenize(buf, sep, kinds, slots, *_na_arrays(tokens), offsets, data,
                                  valid, nulls, ints, floats, undecided)
    for s, row, start, end in undecided[:hard]:
        floats[s, row] = float(buf[start:end].tobytes())
    return status, rows, offsets, data, valid, nulls, ints, floats


def _utf8(offsets, data):
    try:
        pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets),
                                         pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _ascii(data):
    """Whether uint8 array ``data`` holds only ASCII bytes (OR-reduced eight at a time)."""
    whole = len(data) // 8 * 8
    top = int(np.bitwise_or.reduce(data[:whole].view(np.uint64))) if whole else 0
    top |= int(np.bitwise_or.reduce(data[whole:])) if len(data) > whole else 0
    return top & 0x8080808080808080 == 0
