"""Parquet at compile time: a file's or dataset's schema → the frame type pandas would read."""
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numba import types
from numba.np import numpy_support

from hpjit.errors import HpjitError
from hpjit.runtime.parquet_read import dataset_files, filter_columns, nonempty_files
from hpjit.typing.columns.datetime import date_array_type
from hpjit.typing.columns.masked import MaskedArrayType, is_masked_dtype
from hpjit.typing.columns.strings import string_array_type
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.index import range_index_type
from hpjit.typing.io_sources import note_source


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
        pfs = nonempty_files(files)
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
        written = _written_dtypes(schema)
        self.types = tuple(_column_type(schema.field(n), _any_nulls(metas, schemas, n), path,
                                        written.get(n)) for n in names)
        kind = _index_kind(schema)
        if kind not in ("range", None):
            raise HpjitError(f"{path!r} stores a pandas index ({kind}); hpjit reads files with the "
                             "default RangeIndex (write with index=False or reset_index())")
        if filters is not None:
            _check_filters(filters, schema, path)
        note_source("parquet", (path, None if columns is None else tuple(columns), filters),
                    self.frame_type())

    def frame_type(self):
        return DataFrameType(self.columns, self.types, range_index_type)


def _check_filters(filters, schema, path):
    try:
        pq.filters_to_expression([list(f) if isinstance(f, tuple) and f and isinstance(
            f[0], tuple) else f for f in filters])
        names = filter_columns(filters)
    except (TypeError, ValueError, IndexError) as e:
        raise HpjitError(f"filters= {list(filters)!r}: {e} (pyarrow's form: [(column, op, "
                         "value), ...] or a list of such lists)") from None
    missing = [n for n in names if schema.get_field_index(n) < 0]
    if missing:
        raise HpjitError(f"filters= names column {missing[0]!r}, which {path!r} does not have; "
                         f"its columns are {schema.names}")


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


def _written_dtypes(schema):
    """Column name → the pandas dtype it was written from (pandas' metadata in the file), which
    ``read_parquet`` restores: a nullable ``Int64`` comes back ``Int64``, nulls or not."""
    return {c["name"]: c.get("numpy_type") for c in _pandas_meta(schema).get("columns", [])
            if isinstance(c.get("name"), str)}


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
    if meta.num_rows == 0:
        return False
    k = schema.get_field_index(name)
    total = 0
    for rg in range(meta.num_row_groups):
        col = meta.row_group(rg).column(k)
        if col.statistics is None or not col.statistics.has_null_count:
            return None
        total += col.statistics.null_count
    return total > 0


def _pandas_dtype(name):
    try:
        return pd.api.types.pandas_dtype(name)
    except (TypeError, ValueError):
        return None


def _column_type(field, has_nulls, path, written=None):
    """The column type ``read_parquet`` gives: the pandas dtype the file was written from
    where pandas' metadata says, else by the parquet type (an int column with nulls is
    float64)."""
    t = field.type
    dtype = _pandas_dtype(written) if written else None
    if dtype is not None and is_masked_dtype(dtype):
        return MaskedArrayType(numpy_support.from_dtype(dtype.numpy_dtype))
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        has_nulls = False  # a numpy column holds no nulls
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
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
