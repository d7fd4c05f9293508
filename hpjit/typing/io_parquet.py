"""``pd.read_parquet(path, columns=..., filters=...)`` and ``pq.read_table(path).to_pandas()``.

The path must be a compile-time constant (a literal or a module-level constant):
the schema is read while typing, so the result has the frame's exact type, and
only the requested columns are read. ``filters`` (pyarrow's: ``[(column, op, value),
...]``, or a list of such lists for an OR of ANDs) must be constant too; row groups
whose statistics rule the filter out are not read.
"""
import functools

import pandas as pd
import pyarrow.parquet as pq
from numba import types
from numba.extending import intrinsic, models, overload, register_model

from hpjit.core.pyobjects import python_call, register_type_constant
from hpjit.errors import HpjitError, user_error
from hpjit.runtime.parquet_read import read_frame
from hpjit.typing.operations import SOURCE, collective, function, method
from hpjit.typing.parquet_schema import ParquetSource

_NOT_CONSTANT = ("{what}: the file name must be a compile-time constant (a string literal or a "
                 "module-level constant), because hpjit reads the file's schema when it compiles; "
                 "or read the file outside and pass the DataFrame as an argument")


class ParquetTableType(types.Opaque):
    """``pq.read_table(path)`` before ``.to_pandas()``: the source, nothing read yet."""

    def __init__(self, source):
        self.source = source
        super().__init__(name=f"ParquetTable({source.path!r}, {source.columns})")

    @property
    def key(self):
        return self.source.path, self.source.columns


register_model(ParquetTableType)(models.OpaqueModel)


@intrinsic
def opaque_value(typingctx, typ):
    """A value of a data-less type (``typ`` a TypeRef)."""
    t = typ.instance_type

    def codegen(context, builder, sig, args):
        return context.get_dummy_value()
    return t(typ), codegen


def _constant_columns(columns, what):
    if columns is None or isinstance(columns, (types.NoneType, types.Omitted)):
        return None
    vals = None
    if isinstance(columns, types.List) and columns.initial_value is not None:
        vals = columns.initial_value
    elif isinstance(columns, types.LiteralList):
        vals = [t.literal_value for t in columns.types]
    elif isinstance(columns, types.BaseTuple) and all(isinstance(t, types.StringLiteral) for t in columns):
        vals = [t.literal_value for t in columns]
    if vals is None or not all(isinstance(v, str) for v in vals):
        raise user_error(f"{what}: columns= must be a constant list of column names")
    return vals


class ParquetFilters:
    """A constant ``filters=`` list, put in place by ``hpjit.transforms.constant_arguments``."""

    def __init__(self, value):
        self.value = value


class ParquetFiltersType(types.Type):
    def __init__(self, value):
        self.value = _frozen(value)
        super().__init__(name=f"ParquetFilters({self.value!r})")


def _frozen(v):
    if isinstance(v, (list, tuple)):
        return tuple(_frozen(x) for x in v)
    return v


def _register_filters():
    register_type_constant(ParquetFilters, ParquetFiltersType,
                           lambda v: ParquetFiltersType(v.value))


_register_filters()


def constant_filters(filters, what):
    """The constant ``filters=`` as pyarrow's nested tuples, or None."""
    if filters is None or isinstance(filters, (types.NoneType, types.Omitted)):
        return None
    if not isinstance(filters, ParquetFiltersType):
        raise user_error(f"{what}: filters= must be a constant list of (column, op, value) "
                         "tuples written in the call")
    return filters.value


def _source(path, columns, what, filters=None):
    if not isinstance(path, types.StringLiteral):
        raise user_error(_NOT_CONSTANT.format(what=what))
    try:
        return ParquetSource(path.literal_value, _constant_columns(columns, what),
                             constant_filters(filters, what))
    except HpjitError as e:
        raise user_error(f"{what}: {e}") from None


def _reader(source, distributed=False):
    """A jitted reader of ``source``: the whole file, or this rank's block of rows."""
    frame_t = source.frame_type()
    read = functools.partial(read_frame, source.path, source.columns, frame_t, distributed,
                             source.filters)
    reader = python_call("read_block" if distributed else "read", read, frame_t)
    if distributed:
        collective("parquet read of this rank's block of rows (no communication)")(reader.py_func)
    return reader


def parquet_source_of_call(fnty, argtypes):
    """The ParquetSource a typed read call reads, or None if the call is not a parquet read."""
    if isinstance(fnty, types.BoundFunction) and isinstance(fnty.this, ParquetTableType) \
            and fnty.typing_key[1] == "to_pandas":
        return fnty.this.source
    if isinstance(fnty, types.Function) and fnty.typing_key is pd.read_parquet:
        cols = None
        if len(argtypes) >= 3:
            cols = _constant_columns(argtypes[2], "pd.read_parquet")
        filters = constant_filters(argtypes[3], "pd.read_parquet") if len(argtypes) >= 4 else None
        return ParquetSource(argtypes[0].literal_value, cols, filters)
    return None


@function(pd.read_parquet, SOURCE, prefer_literal=True)
def _read_parquet(path, engine="auto", columns=None, filters=None):
    source = _source(path, columns, "pd.read_parquet", filters)
    read = _reader(source)
    return lambda path, engine="auto", columns=None, filters=None: read()


@overload(pq.read_table, prefer_literal=True)
def _read_table(source, columns=None):
    src = _source(source, columns, "pq.read_table")
    table_t = ParquetTableType(src)
    return lambda source, columns=None: opaque_value(table_t)


@method(ParquetTableType, "to_pandas", SOURCE)
def _to_pandas(table):
    read = _reader(table.source)
    return lambda table: read()
