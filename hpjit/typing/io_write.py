"""``df.to_parquet(path, partition_cols=)`` and ``df.to_csv(path)``: pandas writes the file (or
the directory of parts) from the boxed frame.

One Python call per write (never per row). Under MPI the distributed pass calls
``hpjit.transforms.distributed.frame_collectives.dist_write`` instead: every rank writes its rows into their byte
range of the one file (``write_csv_block`` here, ``runtime.parquet_write`` for parquet), or
the frame is gathered and rank 0 writes it; complete on every rank when the call returns.
"""
import os

import numba
from numba import types

from hpjit.errors import HpjitError, user_error
from hpjit.typing.columns.arrays import is_none
from hpjit.typing.constants import const_names, const_value
from hpjit.typing.dataframe import DataFrameType, check_columns
from hpjit.typing.operations import WRITE, method


def check_directory(path, what):
    """Raise (on whichever rank calls it: every rank does) if ``path``'s directory is missing."""
    where = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(where):
        raise HpjitError(f"DataFrame.{what}: directory {where!r} does not exist", (what,))


def write_parquet(df, path, index, partition_cols=None):
    check_directory(path, "to_parquet")
    if partition_cols:  # a directory of parts, one subdirectory per key value (hive style)
        df.to_parquet(path, index=index, partition_cols=list(partition_cols))
    else:
        df.to_parquet(path, index=index)


def write_csv(df, path, index, partition_cols=None):
    check_directory(path, "to_csv")
    df.to_csv(path, index=index is not False)  # pandas' default for to_csv is index=True


WRITERS = {"to_parquet": write_parquet, "to_csv": write_csv}


def csv_text_is_per_value(df_type):
    """Whether pandas formats each value of the frame's columns on its own (no datetimes)."""
    return not any(isinstance(getattr(t, "dtype", None), types.NPDatetime) for t in df_type.data)


def _index_arg(index, what):
    if is_none(index) or not isinstance(index, types.Type):
        return None
    if isinstance(index, types.BooleanLiteral):
        return index.literal_value
    if isinstance(index, types.Boolean):
        raise user_error(f"DataFrame.{what}: index= must be a constant True/False/None")
    raise user_error(f"DataFrame.{what}: index= must be True, False or None")


def partition_columns(df, partition_cols, what):
    """The constant ``partition_cols=`` names (checked against the frame), or None."""
    if const_value(partition_cols, None) is None:
        return None
    names = const_names(partition_cols)
    if names is None:
        raise user_error(f"DataFrame.{what}: partition_cols= must be constant column names")
    check_columns(df, names, f"DataFrame.{what}")
    if len(names) == len(df.columns):
        raise user_error(f"DataFrame.{what}: partition_cols= cannot be all the columns")
    return names


def _writer(name):
    write = WRITERS[name]

    @method(DataFrameType, name, WRITE, prefer_literal=True)
    def ov(df, path, index=None, partition_cols=None):
        if not isinstance(path, (types.UnicodeType, types.StringLiteral)):
            raise user_error(f"DataFrame.{name}: hpjit writes to a file path (a string)")
        idx = _index_arg(index, name)
        if name == "to_csv" and const_value(partition_cols, None) is not None:
            raise user_error("DataFrame.to_csv: partition_cols= is a to_parquet option")
        parts = partition_columns(df, partition_cols, name)

        def impl(df, path, index=None, partition_cols=None):
            with numba.objmode():
                write(df, path, idx, parts)
        return impl


for _name in WRITERS:
    _writer(_name)
