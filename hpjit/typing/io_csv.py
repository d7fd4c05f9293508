"""``pd.read_csv(path, sep=, usecols=, header=, names=, skiprows=, nrows=, parse_dates=,
dtype=, na_values=)``.

As for parquet, the path and the options must be compile-time constants: the file's
head is read while typing (``hpjit.runtime.csv_read``).
"""
import functools

import pandas as pd
from numba import types

from hpjit.core.pyobjects import python_call
from hpjit.errors import HpjitError, user_error
from hpjit.runtime.csv_read import read_csv_block, read_csv_frame, splits_by_bytes
from hpjit.typing.columns.arrays import is_none
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.csv_schema import CsvSource
from hpjit.typing.io_parquet import _NOT_CONSTANT, _constant_columns
from hpjit.typing.operations import SOURCE, collective, function

_OPTIONS = ("sep", "header", "names", "usecols", "skiprows", "nrows", "parse_dates", "dtype",
            "na_values")


def _constant(name, t):
    if is_none(t):
        return None
    if isinstance(t, types.Omitted) or not isinstance(t, types.Type):
        return None  # not given: pandas' own default
    if name in ("names", "usecols", "parse_dates"):
        return _constant_columns(t, f"pd.read_csv {name}=")
    if name in ("dtype", "na_values"):
        v = const_value(t)
        ok = {"dtype": lambda v: isinstance(v, str) or (isinstance(v, dict) and all(
                  isinstance(k, str) and isinstance(x, str) for k, x in v.items())),
              "na_values": lambda v: isinstance(v, str) or (isinstance(v, (list, tuple)) and all(
                  isinstance(x, str) for x in v))}[name]
        if v is NOT_CONSTANT or not ok(v):
            raise user_error(f"pd.read_csv: {name}= must be a constant "
                             + ("dtype name or dict of column → dtype name (strings, e.g. "
                                "{'a': 'float64'})" if name == "dtype" else
                                "string or list of strings"))
        return list(v) if isinstance(v, tuple) else v
    if isinstance(t, types.Literal):
        return t.literal_value
    raise user_error(f"pd.read_csv: {name}= must be a compile-time constant, not {t}")


def csv_source(argtypes):
    """The CsvSource of a typed ``pd.read_csv`` call's argument types."""
    path = argtypes[0]
    if not isinstance(path, types.StringLiteral):
        raise user_error(_NOT_CONSTANT.format(what="pd.read_csv"))
    options = {}
    for name, t in zip(_OPTIONS, argtypes[1:]):
        value = _constant(name, t)
        if value is not None:
            options[name] = value
    try:
        return CsvSource(path.literal_value, options)
    except HpjitError as e:
        raise user_error(f"pd.read_csv: {e}") from None
    except (ValueError, pd.errors.ParserError) as e:
        raise user_error(f"pd.read_csv: pandas cannot read {path.literal_value!r}: {e}") from None


def csv_reader(source, distributed=False):
    """A jitted reader of ``source``: the whole file, or this rank's rows (its byte range
    where the options allow, else its block of the whole file's rows)."""
    frame_t = source.frame_type()
    if distributed and splits_by_bytes(source.options):
        reader = python_call("csv_read_bytes", functools.partial(
            read_csv_block, source.path, source.options, frame_t), frame_t)
        collective("CSV read of this rank's byte range (exscan of quote and row counts)")(
            reader.py_func)
        return reader
    reader = python_call("csv_read", functools.partial(
        read_csv_frame, source.path, source.options, frame_t, distributed), frame_t)
    if distributed:
        collective("CSV read: each rank parses the whole file, keeps its block of rows")(
            reader.py_func)
    return reader


@function(pd.read_csv, SOURCE, prefer_literal=True)
def _read_csv(filepath_or_buffer, sep=None, header="infer", names=None, usecols=None,
              skiprows=None, nrows=None, parse_dates=None, dtype=None, na_values=None):
    source = csv_source((filepath_or_buffer, sep, header, names, usecols, skiprows, nrows,
                         parse_dates, dtype, na_values))
    read = csv_reader(source)

    def impl(filepath_or_buffer, sep=None, header="infer", names=None, usecols=None,
             skiprows=None, nrows=None, parse_dates=None, dtype=None, na_values=None):
        return read()
    return impl
