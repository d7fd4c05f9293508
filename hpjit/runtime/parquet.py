"""Parquet at compile time (schema → frame type) and at run time (read → columns)."""
import glob
import json
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numba import types
from numba.np import numpy_support

from hpjit.errors import HpjitError

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


def _nonempty(files):
    """(file, ParquetFile) of the files holding rows (all of them if none does): a file of no
    rows contributes nothing, whatever types its writer gave its columns."""
    pfs = [(f, pq.ParquetFile(f)) for f in files]
    return [(f, pf) for f, pf in pfs if pf.metadata.num_rows > 0] or pfs


def _same_schema(files, schemas):
    """Raise naming the first file and column whose type differs from the first file's."""
    first = schemas[0]
    for f, schema in zip(files[1:], schemas[1:]):
        for field in first:
            i = schema.get_field_index(field.name)
            if i < 0:
                raise HpjitError(f"dataset file {f!r} has no column {field.name!r} (which "
                                 f"{files[0]!r} has)")
            if schema.field(i).type != field.type:
                raise HpjitError(f"dataset file {f!r}: column {field.name!r} is "
                                 f"{schema.field(i).type}, but {field.type} in {files[0]!r}")
        extra = [n for n in schema.names if first.get_field_index(n) < 0]
        if extra:
            raise HpjitError(f"dataset file {f!r} has column {extra[0]!r}, which {files[0]!r} "
                             "lacks")


class ParquetSource:
    """What the compiler knows of a parquet file or dataset (a directory or glob of files):
    path, columns to read, and their types."""

    def __init__(self, path, columns=None, filters=None):
        files = dataset_files(path)
        self.path = path
        self.filters = filters
        pfs = _nonempty(files)
        schemas = [pf.schema_arrow for _, pf in pfs]
        _same_schema([f for f, _ in pfs], schemas)
        schema = schemas[0]
        names = [n for n in schema.names if n not in _index_columns(schema)]
        if columns is not None:
            missing = [c for c in columns if c not in schema.names]
            if missing:
                raise HpjitError(f"column {missing[0]!r} is not in {path!r}; its columns are {names}")
            names = list(columns)
        self.columns = tuple(names)
        metas = [pf.metadata for _, pf in pfs]
        self.types = tuple(_column_type(schema.field(n), _any_nulls(metas, schemas, n), path)
                           for n in names)
        kind = _index_kind(schema)
        if kind not in ("range", None):
            raise HpjitError(f"{path!r} stores a pandas index ({kind}); hpjit reads files with the "
                             "default RangeIndex (write with index=False or reset_index())")
        if filters is not None:
            _check_filters(filters, schema, path)
        from hpjit.cache import note_source
        note_source("parquet", (path, None if columns is None else tuple(columns), filters),
                    self.frame_type())

    def frame_type(self):
        from hpjit.typing.dataframe import DataFrameType
        from hpjit.typing.index import range_index_type
        return DataFrameType(self.columns, self.types, range_index_type)


def _filter_columns(filters):
    """The column names a (pyarrow DNF) filter reads."""
    terms = filters if filters and isinstance(filters[0][0], (list, tuple)) else [filters]
    return sorted({t[0] for conj in terms for t in conj})


def _check_filters(filters, schema, path):
    try:
        pq.filters_to_expression([list(f) if isinstance(f, tuple) and f and isinstance(
            f[0], tuple) else f for f in filters])
        names = _filter_columns(filters)
    except (TypeError, ValueError, IndexError) as e:
        raise HpjitError(f"filters= {list(filters)!r}: {e} (pyarrow's form: [(column, op, "
                         "value), ...] or a list of such lists)") from None
    missing = [n for n in names if schema.get_field_index(n) < 0]
    if missing:
        raise HpjitError(f"filters= names column {missing[0]!r}, which {path!r} does not have; "
                         f"its columns are {schema.names}")


def _expression(filters):
    return pq.filters_to_expression([list(f) if isinstance(f, tuple) and f and isinstance(
        f[0], tuple) else f for f in filters])


def _index_columns(schema):
    meta = _pandas_meta(schema)
    return [c for c in meta.get("index_columns", []) if isinstance(c, str)]


def _index_kind(schema):
    meta = _pandas_meta(schema)
    cols = meta.get("index_columns", [])
    if not cols:
        return None
    if len(cols) == 1 and isinstance(cols[0], dict) and cols[0].get("kind") == "range":
        return "range"
    return f"index columns {cols}"


def _pandas_meta(schema):
    raw = (schema.metadata or {}).get(b"pandas")
    return json.loads(raw) if raw else {}


def _any_nulls(metas, schemas, name):
    """Whether column ``name`` holds a null in any file (None if the statistics don't say)."""
    found = False
    for meta, schema in zip(metas, schemas):
        has = _has_nulls(meta, schema, name)
        if has is None:
            return None
        found |= has
    return found


def _has_nulls(meta, schema, name):
    """Whether column ``name`` holds any null, by the row-group statistics (None if unknown)."""
    k = schema.get_field_index(name)
    total = 0
    for rg in range(meta.num_row_groups):
        col = meta.row_group(rg).column(k)
        if col.statistics is None or not col.statistics.has_null_count:
            return None
        total += col.statistics.null_count
    return total > 0


def _column_type(field, has_nulls, path):
    from hpjit.typing.datetime import date_array_type
    from hpjit.typing.strings import string_array_type
    t = field.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return string_array_type
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            raise HpjitError(f"column {field.name!r} of {path!r}: time zones are not supported yet")
        return types.Array(types.NPDatetime(t.unit), 1, "C")
    if pa.types.is_date32(t):
        return date_array_type
    if pa.types.is_boolean(t) or pa.types.is_integer(t):
        if has_nulls is None or has_nulls:
            # pandas turns an int/bool column with nulls into float64 / object
            if pa.types.is_boolean(t):
                raise HpjitError(f"column {field.name!r} of {path!r}: booleans with nulls are "
                                 "not supported yet")
            return types.Array(types.float64, 1, "C")
        return types.Array(numpy_support.from_dtype(np.dtype(t.to_pandas_dtype())), 1, "C")
    if pa.types.is_floating(t):
        return types.Array(numpy_support.from_dtype(np.dtype(t.to_pandas_dtype())), 1, "C")
    raise HpjitError(f"column {field.name!r} of {path!r} has type {t}, which hpjit does not "
                     "support yet")


def read_frame(path, columns, expected, block=False, filters=None):
    """Read ``columns`` of the file or dataset ``path`` as pandas does; check the frame still
    has type ``expected``.

    ``block=True`` reads only this rank's equal block of the rows (the file list and row
    counts as they are now), reading just the row groups that hold them; the frame's
    RangeIndex then carries the global row labels. With ``filters`` only the matching rows
    are kept (labelled 0.. in order, as pandas does; under MPI from an exscan of the counts)
    and row groups that the statistics rule out are skipped.
    """
    import numba
    try:
        files = dataset_files(path)
        if filters is not None:
            df = _read_filtered(files, list(columns), filters, block)
        elif not block:
            if len(files) == 1:
                df = pq.read_table(files[0], columns=list(columns)).to_pandas()
            else:
                df = _pieces_to_pandas([pf.read(columns=list(columns))
                                        for _, pf in _nonempty(files)], 0)
        else:
            df = _read_block(files, list(columns))
    except FileNotFoundError:
        raise HpjitError(f"parquet file {path!r} does not exist", _CALLS) from None
    except HpjitError as e:  # the dataset's files changed since compiling
        raise HpjitError(str(e), _CALLS) from None
    got = numba.typeof(df)
    if got != expected:
        raise HpjitError(f"{path!r} changed since it was compiled against: expected {expected}, "
                         f"found {got}", _CALLS)
    return df


def _read_filtered(files, columns, filters, block):
    """The rows of ``files`` (this rank's block of them if ``block``) that match ``filters``."""
    import pyarrow.dataset as ds
    expr = _expression(filters)
    wanted = list(dict.fromkeys(columns + _filter_columns(filters)))
    pfs = _nonempty(files)
    counts = [pf.metadata.num_rows for _, pf in pfs]
    start, stop = 0, sum(counts)
    if block:
        from hpjit.runtime.dist_ops import block_of
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
    df = table.filter(expr).select(columns).to_pandas()
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
    df = table.to_pandas()
    df.index = pd.RangeIndex(start, start + len(df))
    return df


def _read_block(files, columns):
    """This rank's equal block of the rows of ``files`` (in order)."""
    from hpjit.runtime.dist_ops import block_of
    pfs = [pf for _, pf in _nonempty(files)]
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
