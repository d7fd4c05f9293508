"""CSV at run time (its compile-time half is ``hpjit.typing.csv_schema``).

The frame type is what pandas infers from the file's first ``HEAD_ROWS`` rows. At
run time the file is read by pandas with the same options; if a later row made
pandas infer another dtype (an int column with a missing value becomes float64,
say), the read stops with an error that names the column and says to pass
``dtype=`` — a wrong guess is never returned silently.
"""
import io
import mmap
import os

import numba
import numpy as np
import pandas as pd
from numba import types

from hpjit.core.mpi import block_of
from hpjit.errors import HpjitError
from hpjit.runtime.csv_parse import count_byte, parse_lines, plan
from hpjit.typing.columns.strings import StringArrayType

HEAD_ROWS = 10_000
_CALLS = ("read_csv",)


def read_csv_frame(path, options, expected, distributed):
    """pandas' ``read_csv`` of ``path``, checked against the compiled type; a rank's block if
    ``distributed`` (every rank checks the whole file's types, so all raise alike)."""
    try:
        df = pd.read_csv(path, **dict(options))
    except FileNotFoundError:
        raise HpjitError(f"CSV file {path!r} does not exist", _CALLS) from None
    got = numba.typeof(df)
    if got.data != expected.data or got.columns != expected.columns:
        for name, want, have in zip(expected.columns, expected.data, got.data):
            if want != have:
                raise HpjitError(
                    f"CSV column {name!r} of {path!r}{_first_misfit(df[name], want)}: pandas "
                    f"read the column as {have} but hpjit compiled for {want} from the file's "
                    f"first rows (at most {HEAD_ROWS}); later rows differ or the file changed "
                    "since: pass dtype= for it", _CALLS)
        raise HpjitError(f"{path!r} changed since it was compiled against", _CALLS)
    if distributed:
        start, stop = block_of(len(df))
        df = df.iloc[start:stop]
        df.index = pd.RangeIndex(start, stop)
    return df


#: options with which a rank can parse its byte range alone (others read the whole file)
BLOCK_OPTIONS = {"sep", "usecols", "parse_dates", "dtype", "na_values"}
QUOTE = ord('"')
NEWLINE = ord("\n")


def splits_by_bytes(options):
    """Whether a CSV read with ``options`` is split by byte ranges under MPI."""
    return set(dict(options)) <= BLOCK_OPTIONS


def read_csv_block(path, options, expected):
    """This rank's rows of a CSV file, parsed from its share of the bytes only.

    The file is cut into equal byte ranges, each moved forward to the next line start that
    is not inside a quoted field. First each rank assumes the file holds no quote and hands
    its lines to hpjit's compiled tokenizer (``csv_parse``), which stops at any quote; if
    every rank's tokenizer took all its lines, that is the result. Otherwise a rank counts
    the quotes of its range and an exscan of the counts tells it whether its range starts
    inside quotes; its lines then go to the tokenizer where it can take them, else to
    pandas' parser with the header's column names and the compiled column types. An exscan
    of the row counts gives the labels. Every rank checks, and a field that does not fit
    its compiled type is raised on every rank with its global row number.

    The file is mapped, not read: the parsers read straight from the page cache, so no copy
    of the range is made (a copy cost as much as a quarter of pandas' parse).
    """
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    opts = dict(options)
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise HpjitError(f"CSV file {path!r} does not exist", _CALLS) from None
    with f, _mapped(f) as data:
        size = len(data)
        lo, hi = _byte_block(size, comm.rank, comm.size)
        header_end = _line_start(data, 1, int(size > 0 and data[0] == QUOTE))
        names = list(pd.read_csv(path, nrows=0, sep=opts.get("sep", ",")).columns)
        df = _parse_unquoted(data, lo, hi, header_end, names, opts, expected, comm)
        message = None
        if df is None:
            df, message = _parse_quoted(data, lo, hi, header_end, names, opts, expected, comm,
                                        path)
        first = comm.exscan(0 if df is None else len(df)) or 0
        if message is not None:
            message = message(first)
    messages = [m for m in comm.allgather(message) if m]
    if messages:
        raise HpjitError(messages[0], _CALLS)
    df.index = pd.RangeIndex(first, first + len(df))
    return df


def _parse_unquoted(data, lo, hi, header_end, names, opts, expected, comm):
    """This rank's rows by the compiled tokenizer, its lines found as if the file held no
    quote; None on every rank unless every rank's tokenizer took all of its lines (which
    then held no quote, so the split was right)."""
    from mpi4py import MPI
    if plan(names, opts, expected) is None:
        return None
    start = max(_line_start(data, lo, 0), header_end)
    stop = max(_line_start(data, hi, 0), header_end)
    try:
        df = parse_lines(data[start:stop], names, opts, expected)
    except Exception:  # any trouble: the general path below raises it, on every rank
        df = None
    return df if comm.allreduce(df is not None, op=MPI.LAND) else None


def _parse_quoted(data, lo, hi, header_end, names, opts, expected, comm, path):
    """(this rank's rows, None) or (None, the error as a function of the rank's first row):
    lines split by the quotes counted before each rank's byte range, parsed by the compiled
    tokenizer where it can and by pandas where not."""
    quotes = _count_quotes(data, lo, hi)
    before = comm.exscan(quotes) or 0
    start = max(_line_start(data, lo, before), header_end)
    stop = max(_line_start(data, hi, before + quotes), header_end)
    lines = data[start:stop] if stop > start else b""
    error, df = None, None
    try:
        df = parse_lines(lines, names, opts, expected)
        if df is None:
            df = _parse_block(lines, names, opts, expected)
    except (ValueError, TypeError, pd.errors.ParserError) as e:
        error = e
    if error is None and not _mismatch(df, expected):
        return df, None
    try:
        loose = _parse_block(lines, names, opts, None) if error is not None else df
    except (ValueError, TypeError, pd.errors.ParserError) as e:
        loose, error = None, e

    def message(first):
        text = _mismatch_message(loose, expected, path, first) if loose is not None else None
        return text or f"pd.read_csv of {path!r}: {error}"
    return None, message


class _mapped:
    """A read-only map of an open file as a memoryview (empty for an empty file), unmapped on
    exit — or, while a parse error's traceback still holds a slice of it, when that goes."""

    def __init__(self, f):
        size = os.fstat(f.fileno()).st_size
        self.map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        self.view = memoryview(self.map if size else b"")

    def __enter__(self):
        return self.view

    def __exit__(self, *exc):
        self.view.release()
        if self.map is not None:
            try:
                self.map.close()
            except BufferError:
                pass


class _LinesReader(io.RawIOBase):
    """A binary file over a memoryview, for pandas' parser: it reads in chunks, so a mapped
    range is parsed without first being copied whole."""

    def __init__(self, view):
        self.view, self.pos = view, 0

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), len(self.view) - self.pos)
        b[:n] = self.view[self.pos:self.pos + n]
        self.pos += n
        return n


def _count_quotes(data, lo, hi):
    """Quote characters in bytes [lo, hi) of ``data``."""
    return count_byte(np.frombuffer(data, np.uint8, hi - lo, lo), QUOTE) if hi > lo else 0


def _byte_block(size, rank, nranks):
    chunk, rem = divmod(size, nranks)
    start = rank * chunk + min(rank, rem)
    return start, start + chunk + (1 if rank < rem else 0)


def _line_start(data, pos, quotes_before):
    """The first position at or after ``pos`` that starts a line outside quotes (or the end
    of ``data``), given the number of quote characters before ``pos``."""
    size = len(data)
    if pos <= 0 or pos >= size:
        return max(0, min(pos, size))
    inside = quotes_before % 2 == 1
    if not inside and data[pos - 1] == NEWLINE:
        return pos
    text = data.obj
    while True:
        if inside:
            quote = text.find(b'"', pos)
            if quote < 0:
                return size
            inside, pos = False, quote + 1
            continue
        newline = text.find(b"\n", pos)
        if newline < 0:
            return size
        quote = text.find(b'"', pos, newline)
        if quote < 0:
            return newline + 1
        inside, pos = True, quote + 1


def _dtypes(expected, text_columns=()):
    """pandas dtypes forcing compiled column types where a part of the file could infer
    another: numbers (floats whose part holds only integers), and ``text_columns`` as
    ``str`` (forcing ``str`` makes pandas' parser several times slower, so text is forced
    only for a part in which it read as something else)."""
    forced = {name: "str" for name in text_columns}
    for name, t in zip(expected.columns, expected.data):
        if isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Float)):
            forced[name] = np.dtype(str(t.dtype))
    return forced


def _parse_block(lines, names, opts, expected):
    kw = dict(opts, header=None, names=names)
    given = opts.get("dtype") or {}
    if isinstance(given, str):
        given = dict.fromkeys(names, given)
    if expected is not None:
        kw["dtype"] = {**given, **_dtypes(expected)}
    df = pd.read_csv(_LinesReader(lines), **kw)
    if expected is not None and len(df):
        got = numba.typeof(df)
        text_columns = [name for name, t, have in zip(expected.columns, expected.data, got.data)
                        if isinstance(t, StringArrayType) and have != t]
        if text_columns:  # digits only in this part, say: read those columns as text
            kw["dtype"] = {**given, **_dtypes(expected, text_columns)}
            df = pd.read_csv(_LinesReader(lines), **kw)
    if expected is not None and len(df) == 0:  # no lines: give the columns their types
        for name, t in zip(expected.columns, expected.data):
            if str(getattr(t, "dtype", "")).startswith("datetime64"):
                df[name] = df[name].astype(f"datetime64[{t.dtype.unit}]")
            elif str(getattr(t, "dtype", "")) == "bool":
                df[name] = df[name].astype(bool)
            elif isinstance(t, StringArrayType):
                df[name] = df[name].astype("str")
    return df


def _mismatch(df, expected):
    return df is not None and numba.typeof(df).data != expected.data


def _mismatch_message(df, expected, path, first):
    """The error for the first column of ``df`` (this rank's rows, the first of them global
    row ``first``) whose type differs from the compiled one; None if none differs."""
    got = numba.typeof(df)
    for name, want, have in zip(expected.columns, expected.data, got.data):
        if want != have:
            misfit = _first_misfit(df[name], want, first)
            return (f"CSV column {name!r} of {path!r}{misfit}: the file's rows hold values "
                    f"of {have} but hpjit compiled for {want} from the file's first rows (at "
                    f"most {HEAD_ROWS}); later rows differ or the file changed since: pass "
                    "dtype= for it")
    return None


def _first_misfit(col, want, first=0):
    """', row R: value V is not ...' for the first row (0-based, after the header) of ``col``
    whose value the compiled numeric column type ``want`` cannot hold, else ''."""
    if not isinstance(want, types.Array) or not isinstance(want.dtype, (types.Integer,
                                                                        types.Float)):
        return ""
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    integer = isinstance(want.dtype, types.Integer)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | ((values % 1 != 0) if integer else False)
    if not bad.any():
        return ""
    row = int(np.argmax(bad))
    value = col.iloc[row]
    row += first
    what = "a missing value" if pd.isna(value) else repr(value) if isinstance(value, str) \
        else str(value)
    return f", row {row}: {what} is not {'an integer' if integer else 'a number'}"
