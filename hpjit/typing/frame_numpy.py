"""A frame's numeric columns as one 2-d numpy array: ``df.to_numpy()``, ``df.values``; numpy
functions of Series (``np.where(cond, x, y)``).

The array is C-ordered (one row per frame row), the layout estimators stream
through, and its dtype is numpy's common type of the columns, as pandas gives
for numeric frames. Nullable, string and datetime columns are refused by name.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, overload_attribute

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.operations import ELEMENTWISE, function, method
from hpjit.typing.series import SeriesType


def matrix_dtype(df, what):
    """numpy dtype of ``df``'s values as one array; a user error for non-numeric columns."""
    dts = []
    for name, t in zip(df.columns, df.data):
        if not (isinstance(t, types.Array) and isinstance(t.dtype, (types.Number, types.Boolean))
                and not isinstance(t.dtype, types.Complex)):
            raise user_error(f"DataFrame.{what}: column {name!r} ({t}) is not a numeric numpy "
                             f"column; hpjit makes 2-d arrays of int, float and bool columns only")
        dts.append(np.dtype(str(t.dtype)))
    if not dts:
        return np.dtype(np.float64)
    if any(d == np.bool_ for d in dts) and any(d != np.bool_ for d in dts):
        raise user_error(f"DataFrame.{what}: mixing bool and numeric columns gives an object "
                         f"array in pandas, which hpjit does not support")
    return np.result_type(*dts)


def frame_matrix_impl(df, what):
    """``impl(df)`` returning the frame's values as a C-ordered 2-d array."""
    dt = matrix_dtype(df, what)
    ncols = len(df.columns)
    stores = "".join(f"        out[i, {j}] = d{j}[i]\n" for j in range(ncols))
    loads = "".join(f"    d{j} = column_at(df, {j})\n" for j in range(ncols))
    return gen_impl(f"def impl(df):\n    n = len(df)\n    out = np.empty((n, {ncols}), dt)\n"
                    f"{loads}    for i in prange(n):\n{stores}    return out\n",
                    np=np, prange=prange, dt=dt)


@method(DataFrameType, "to_numpy", ELEMENTWISE, parallel=True)
def _frame_to_numpy(df):
    return frame_matrix_impl(df, "to_numpy()")


@overload_attribute(DataFrameType, "values", parallel=True)
def _frame_values(df):
    return frame_matrix_impl(df, "values")


def array_of(v):
    """A Series' numpy values (other values as they are): numpy functions work positionally."""


@overload(array_of)
def _array_of(v):
    if isinstance(v, SeriesType):
        return lambda v: v._data
    return lambda v: v


@function(np.where, ELEMENTWISE, jit_options={"parallel": True})
def _np_where(condition, x=None, y=None):
    """``np.where(cond, x, y)`` with Series among its arguments: numpy's, on their values (an
    array, by position as numpy does). The one-argument form is numba's."""
    given = [t for t in (condition, x, y) if t is not None and not isinstance(t, types.Omitted)]
    if not any(isinstance(t, SeriesType) for t in given):
        return None
    if len(given) != 3:
        raise user_error("np.where(condition) of a Series (the positions of its True values) is "
                         "not supported by hpjit; use np.where(cond, x, y) or s[s].index")
    if isinstance(x, types.StringLiteral) and isinstance(y, types.StringLiteral):
        return _where_text(condition, x.literal_value, y.literal_value)
    if any(isinstance(t, (types.UnicodeType, types.StringLiteral)) for t in (x, y)):
        raise user_error("np.where(cond, x, y) of strings: hpjit takes two string constants "
                         "(numpy's '<U' width is theirs); for a str Series use s.where/s.mask "
                         "or a lambda")
    for t in given:
        if isinstance(t, SeriesType) and not (isinstance(t.data, types.Array)
                                              and isinstance(t.data.dtype, (types.Number,
                                                                            types.Boolean,
                                                                            types.NPDatetime))):
            raise user_error(f"np.where of a {t.data} Series is not supported by hpjit (numpy "
                             f"makes an object array of it)")
    return lambda condition, x=None, y=None: np.where(array_of(condition), array_of(x),
                                                      array_of(y))


def _where_text(condition, x, y):
    """``np.where(cond, 'x', 'y')``: numpy's fixed-width text array (``<U`` of the longer
    constant), which a column assignment stores as a ``str`` column."""
    dt = np.dtype(f"<U{max(len(x), len(y), 1)}")

    def impl(condition, x=None, y=None):
        c = array_of(condition)
        out = np.empty(len(c), dt)
        for i in range(len(c)):
            out[i] = x if c[i] else y
        return out
    return impl
