"""``df.to_parquet(path)`` and ``df.to_csv(path)``: pandas writes the file from the boxed frame.

One Python call per write (never per row). Under MPI the distributed pass gathers
the frame first and rank 0 writes (``hpjit.runtime.dist_ops.dist_write``): one
file, equal to what pandas writes, complete on every rank when the call returns.
"""
import os

import numba
from numba import types
from numba.extending import overload_method

from hpjit.errors import HpjitError, user_error
from hpjit.typing.arrays import is_none
from hpjit.typing.dataframe import DataFrameType


def check_directory(path, what):
    """Raise (on whichever rank calls it: every rank does) if ``path``'s directory is missing."""
    where = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(where):
        raise HpjitError(f"DataFrame.{what}: directory {where!r} does not exist", (what,))


def write_parquet(df, path, index):
    check_directory(path, "to_parquet")
    df.to_parquet(path, index=index)


def write_csv(df, path, index):
    check_directory(path, "to_csv")
    df.to_csv(path, index=index)


WRITERS = {"to_parquet": write_parquet, "to_csv": write_csv}


def _index_arg(index, what):
    if is_none(index) or not isinstance(index, types.Type):
        return None
    if isinstance(index, types.BooleanLiteral):
        return index.literal_value
    if isinstance(index, types.Boolean):
        raise user_error(f"DataFrame.{what}: index= must be a constant True/False/None")
    raise user_error(f"DataFrame.{what}: index= must be True, False or None")


def _writer(name):
    write = WRITERS[name]

    @overload_method(DataFrameType, name, prefer_literal=True)
    def ov(df, path, index=None):
        if not isinstance(path, (types.UnicodeType, types.StringLiteral)):
            raise user_error(f"DataFrame.{name}: hpjit writes to a file path (a string)")
        idx = _index_arg(index, name)

        def impl(df, path, index=None):
            with numba.objmode():
                write(df, path, idx)
        return impl


for _name in WRITERS:
    _writer(_name)
