"""Parquet at compile time (schema → frame type) and at run time (read → columns)."""
import json
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numba import types
from numba.np import numpy_support

from hpjit.errors import HpjitError


class ParquetSource:
    """What the compiler knows of one parquet file: path, columns to read, and their types."""

    def __init__(self, path, columns=None):
        if not os.path.exists(path):
            raise HpjitError(f"parquet file {path!r} does not exist (hpjit reads the schema "
                             "when it compiles)")
        self.path = path
        pf = pq.ParquetFile(path)
        schema = pf.schema_arrow
        meta = pf.metadata
        names = [n for n in schema.names if n not in _index_columns(schema)]
        if columns is not None:
            missing = [c for c in columns if c not in schema.names]
            if missing:
                raise HpjitError(f"column {missing[0]!r} is not in {path!r}; its columns are {names}")
            names = list(columns)
        self.columns = tuple(names)
        self.nrows = meta.num_rows
        self.types = tuple(_column_type(schema.field(n), _has_nulls(meta, schema, n), path)
                           for n in names)
        kind = _index_kind(schema)
        if kind not in ("range", None):
            raise HpjitError(f"{path!r} stores a pandas index ({kind}); hpjit reads files with the "
                             "default RangeIndex (write with index=False or reset_index())")
        from hpjit.cache import note_source
        note_source("parquet", (path, None if columns is None else tuple(columns)),
                    self.frame_type())

    def frame_type(self):
        from hpjit.typing.dataframe import DataFrameType
        from hpjit.typing.index import range_index_type
        return DataFrameType(self.columns, self.types, range_index_type)


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


def read_frame(path, columns, expected, block=None):
    """Read ``columns`` of ``path`` as pandas does; check the frame still has type ``expected``.

    ``block=(start, stop)`` reads only those rows (one rank's share), reading just the row
    groups that hold them; the frame's RangeIndex then carries the global row labels.
    """
    import numba
    try:
        if block is None:
            df = pq.read_table(path, columns=list(columns)).to_pandas()
        else:
            df = _read_rows(path, list(columns), *block)
    except FileNotFoundError:
        raise HpjitError(f"parquet file {path!r} does not exist") from None
    got = numba.typeof(df)
    if got != expected:
        raise HpjitError(f"{path!r} changed since it was compiled against: expected {expected}, "
                         f"found {got}")
    return df


def read_frame_block(path, columns, expected, nrows):
    """This rank's equal block of the ``nrows`` rows of ``path``."""
    from hpjit.runtime.dist_ops import block_of
    return read_frame(path, columns, expected, block_of(nrows))


def _read_rows(path, columns, start, stop):
    pf = pq.ParquetFile(path)
    meta = pf.metadata
    groups, first, pos = [], None, 0
    for rg in range(meta.num_row_groups):
        n = meta.row_group(rg).num_rows
        if pos + n > start and pos < stop:
            groups.append(rg)
            first = pos if first is None else first
        pos += n
    if groups:
        table = pf.read_row_groups(groups, columns=columns).slice(start - first, stop - start)
    else:
        table = pf.schema_arrow.empty_table().select(columns)
    df = table.to_pandas()
    df.index = pd.RangeIndex(start, start + len(df))
    return df
