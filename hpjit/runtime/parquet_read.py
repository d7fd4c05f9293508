"""Parquet at run time: a file or dataset read as pandas reads it (whole, this rank's block of
rows, or the rows a filter keeps); its compile-time half is ``hpjit.typing.parquet_schema``."""
import glob
import os

import numba
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from hpjit.core.mpi import block_of
from hpjit.errors import HpjitError
from hpjit.typing.columns.convert import DATE32
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.strings import StringArrayType

_CALLS = ("read_parquet", "read_table")


def dataset_files(path):
    """The parquet files ``path`` names, in pandas' order: the file itself, a directory's files
    (sorted by name; names starting with '.' or '_' skipped, as pyarrow does), or a glob's
    matches (sorted; an hpjit extension — pandas reads no local globs)."""
    if os.path.isdir(path):
        files = []
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            if name.startswith((".", "_")):
                continue
            if os.path.isdir(full):
                raise HpjitError(f"{path!r} holds directory {name!r}: partitioned datasets are "
                                 "not supported yet")
            files.append(full)
        if not files:
            raise HpjitError(f"directory {path!r} holds no parquet file")
        return files
    if any(c in path for c in "*?["):
        files = sorted(f for f in glob.glob(path) if os.path.isfile(f))
        if not files:
            raise HpjitError(f"glob {path!r} matches no file")
        return files
    if not os.path.exists(path):
        raise HpjitError(f"parquet file {path!r} does not exist (hpjit reads the schema "
                         "when it compiles)")
    return [path]


def parquet_file(path):
    """``pq.ParquetFile(path)``, or an HpjitError naming the file when it is not one pyarrow
    can read (truncated, corrupt, another format)."""
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise HpjitError(f"{path!r} is not a readable parquet file: {e}", _CALLS) from None


def nonempty_files(files):
    """(file, ParquetFile) of the files holding rows (all of them if none does): a file of no
    rows contributes nothing, whatever types its writer gave its columns."""
    pfs = [(f, parquet_file(f)) for f in files]
    return [(f, pf) for f, pf in pfs if pf.metadata.num_rows > 0] or pfs


def filter_columns(filters):
    """The column names a (pyarrow DNF) filter reads."""
    terms = filters if filters and isinstance(filters[0][0], (list, tuple)) else [filters]
    return sorted({t[0] for conj in terms for t in conj})


def _expression(filters):
    return pq.filters_to_expression([list(f) if isinstance(f, tuple) and f and isinstance(
        f[0], tuple) else f for f in filters])


def read_frame(path, columns, expected, block=False, filters=None):
    """Read ``columns`` of the file or dataset ``path`` as pandas does; check the frame still
    has type ``expected``.

    ``block=True`` reads only this rank's equal block of the rows (the file list and row
    counts as they are now), reading just the row groups that hold them; the frame's
    RangeIndex then carries the global row labels. With ``filters`` only the matching rows
    are kept (labelled 0.. in order, as pandas does; under MPI from an exscan of the counts)
    and row groups that the statistics rule out are skipped.
    """
    try:
        files = dataset_files(path)
        if filters is not None:
            df = _read_filtered(files, list(columns), filters, block)
        elif not block:
            if len(files) == 1:
                df = _to_pandas(pq.read_table(files[0], columns=list(columns)))
            else:
                df = _pieces_to_pandas([pf.read(columns=list(columns))
                                        for _, pf in nonempty_files(files)], 0)
        else:
            df = _read_block(files, list(columns))
    except FileNotFoundError:
        raise HpjitError(f"parquet file {path!r} does not exist", _CALLS) from None
    except pa.ArrowInvalid as e:  # the file was damaged after compiling
        raise HpjitError(f"{path!r} is not a readable parquet file: {e}", _CALLS) from None
    except HpjitError as e:  # the dataset's files changed since compiling
        raise HpjitError(str(e), _CALLS) from None
    got = _type_of(df, expected)
    if got != expected:
        raise HpjitError(f"{path!r} changed since it was compiled against: expected {expected}, "
                         f"found {got}", _CALLS)
    return df


def _to_pandas(table):
    """``table.to_pandas()``, except that ``date32`` columns stay Arrow-backed: pandas would make
    a ``datetime.date`` object per row, which the unboxing then reads back one by one (most of a
    TPC-H query's time); a ``DateArray`` unboxes from the Arrow buffer at once."""
    return table.to_pandas(types_mapper={pa.date32(): DATE32}.get)


def _type_of(df, expected):
    """numba's type of ``df``, except that a ``date32`` column, and an object column with no
    values (no rows, or all missing: a rank's empty block of a string column), have the type
    ``expected`` gives them, which the file's schema decided at compile time."""
    taken = {c: (DateArrayType,) if df[c].dtype == DATE32 else (DateArrayType, StringArrayType)
             for c in df.columns
             if df[c].dtype == DATE32 or df[c].dtype == object and df[c].isna().all()}
    if not taken:
        return numba.typeof(df)
    got = numba.typeof(df.drop(columns=list(taken)))
    kept = [k for k, c in enumerate(expected.columns) if c not in taken]
    if list(expected.columns) == list(df.columns) and got.index == expected.index and \
            got.data == tuple(expected.data[k] for k in kept) and \
            all(isinstance(expected.data[k], taken[c])
                for k, c in enumerate(expected.columns) if c in taken):
        return expected
    return got


def _read_filtered(files, columns, filters, block):
    """The rows of ``files`` (this rank's block of them if ``block``) that match ``filters``."""
    expr = _expression(filters)
    wanted = list(dict.fromkeys(columns + filter_columns(filters)))
    pfs = nonempty_files(files)
    counts = [pf.metadata.num_rows for _, pf in pfs]
    start, stop = 0, sum(counts)
    if block:
        start, stop = block_of(stop)
    pieces, pos = [], 0
    for (f, pf), n in zip(pfs, counts):
        lo, hi = max(start, pos) - pos, min(stop, pos + n) - pos
        if lo < hi:
            frag = next(iter(ds.dataset(f, format="parquet").get_fragments()))
            keep = {rg.id for part in frag.split_by_row_group(filter=expr) for rg in part.row_groups}
            pieces.extend(_kept_rows(pf, wanted, lo, hi, keep))
        pos += n
    schema = pfs[0][1].schema_arrow
    table = pa.concat_tables([t.replace_schema_metadata(schema.metadata) for t in pieces]) \
        if pieces else schema.empty_table().select(wanted)
    df = _to_pandas(table.filter(expr).select(columns))
    first = 0
    if block:
        from mpi4py import MPI
        first = MPI.COMM_WORLD.exscan(len(df)) or 0
    df.index = pd.RangeIndex(first, first + len(df))
    return df


def _kept_rows(pf, columns, start, stop, keep):
    """Rows [start, stop) of one file, a table per row group in ``keep`` that holds some."""
    meta = pf.metadata
    out, pos = [], 0
    for rg in range(meta.num_row_groups):
        n = meta.row_group(rg).num_rows
        lo, hi = max(start, pos), min(stop, pos + n)
        if lo < hi and rg in keep:
            out.append(pf.read_row_group(rg, columns=columns).slice(lo - pos, hi - lo))
        pos += n
    return out


def _pieces_to_pandas(tables, start):
    """One frame of the tables' rows, labelled from ``start`` (pandas' RangeIndex of a dataset)."""
    table = pa.concat_tables([t.replace_schema_metadata(tables[0].schema.metadata)
                              for t in tables])
    df = _to_pandas(table)
    df.index = pd.RangeIndex(start, start + len(df))
    return df


def _read_block(files, columns):
    """This rank's equal block of the rows of ``files`` (in order)."""
    pfs = [pf for _, pf in nonempty_files(files)]
    counts = [pf.metadata.num_rows for pf in pfs]
    start, stop = block_of(sum(counts))
    pieces, pos = [], 0
    for pf, n in zip(pfs, counts):
        lo, hi = max(start, pos) - pos, min(stop, pos + n) - pos
        if lo < hi:
            pieces.append(_rows_of(pf, columns, lo, hi))
        pos += n
    if not pieces:
        pieces.append(pfs[0].schema_arrow.empty_table().select(columns))
    return _pieces_to_pandas(pieces, start)


def _rows_of(pf, columns, start, stop):
    """Rows [start, stop) of one parquet file, reading only the row groups that hold them."""
    meta = pf.metadata
    groups, first, pos = [], None, 0
    for rg in range(meta.num_row_groups):
        n = meta.row_group(rg).num_rows
        if pos + n > start and pos < stop:
            groups.append(rg)
            first = pos if first is None else first
        pos += n
    return pf.read_row_groups(groups, columns=columns).slice(start - first, stop - start)
