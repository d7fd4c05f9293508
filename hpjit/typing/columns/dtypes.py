"""Mapping pandas columns to hpjit column types, and boxing/unboxing them."""
import datetime

import numpy as np
import pandas as pd
from numba import types
from numba.np import numpy_support

from hpjit.errors import HpjitError
from hpjit.typing.columns.datetime import date_array_type
from hpjit.typing.columns.masked import MaskedArrayType, is_masked_dtype
from hpjit.typing.columns.strings import string_array_type

_NUMERIC_KINDS = "biuf"


def column_type_of(values, what="column"):
    """The hpjit column type of a pandas Series/array, or raise HpjitError naming the dtype."""
    dtype = values.dtype
    if is_masked_dtype(dtype):
        return MaskedArrayType(numpy_support.from_dtype(dtype.numpy_dtype))
    if isinstance(dtype, pd.StringDtype) or dtype == object and _all_str(values):
        return string_array_type
    if isinstance(dtype, np.dtype):
        if dtype.kind in _NUMERIC_KINDS or dtype.kind == "M":
            return types.Array(numpy_support.from_dtype(dtype), 1, "C")
        if dtype == object and _all_dates(values):
            return date_array_type
    raise HpjitError(f"hpjit does not support {what} of dtype {dtype} yet")


def _non_null(values):
    arr = np.asarray(values, dtype=object)
    return [v for v in arr[:1000] if not (v is None or v is pd.NaT or (isinstance(v, float) and v != v))]


def _all_str(values):
    vals = _non_null(values)
    return bool(vals) and all(isinstance(v, str) for v in vals)


def _all_dates(values):
    vals = _non_null(values)
    return bool(vals) and all(isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)
                              for v in vals)


def column_payload(values):
    """What the column type's unbox takes: numpy values for numbers/datetimes, else the object."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and (dtype.kind in _NUMERIC_KINDS or dtype.kind == "M"):
        return np.ascontiguousarray(values.to_numpy() if isinstance(values, pd.Series)
                                    else np.asarray(values))
    return values.array if isinstance(values, pd.Series) else values


def box_column(typ, val, c):
    """A new reference to the Python column object (numpy array or pandas array) of ``val``."""
    c.context.nrt.incref(c.builder, typ, val)
    return c.box(typ, val)

