"""``pd.DataFrame({'a': column, 'b': [x, y], 'c': scalar})``: a frame from a dict of columns.

numba cannot type a dict whose values differ in type, so ``hpjit.transforms.dataframe_pass``
rewrites the call (constant string keys only) into ``frame_of_columns(ColumnNames(names),
*values)``. A value is a Series (its labels are the frame's; every Series must have the same
labels), a 1-d array or a list (a RangeIndex), or a scalar repeated down the rows. A frame
built from lists and scalars alone is small and whole on every rank; one built from split
columns is split like them.
"""
import numpy as np
import pandas as pd
from numba import types

from hpjit.core.pyobjects import register_type_constant
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import copy_column
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import check_aligned, index_len, make_range_index, range_index_type
from hpjit.typing.operations import CONSTRUCT, function
from hpjit.typing.series import SeriesType

_SCALARS = (types.Number, types.Boolean, types.NPDatetime, types.NPTimedelta)


class ColumnNames:
    """The constant keys of the dict given to ``pd.DataFrame``, in order."""

    def __init__(self, value):
        self.value = tuple(value)


class ColumnNamesType(types.Type):
    def __init__(self, value):
        self.value = value
        super().__init__(name=f"ColumnNames({value!r})")


register_type_constant(ColumnNames, ColumnNamesType, lambda v: ColumnNamesType(v.value))


def frame_of_columns(names, *columns):
    """``pd.DataFrame(dict(zip(names, columns)))``: the call the rewrite puts in place."""
    return pd.DataFrame(dict(zip(names.value, columns)))


def _column_type(t, name):
    """The column a dict value gives, or a user error naming what it is."""
    if isinstance(t, SeriesType):
        return t.data
    if isinstance(t, types.Array) and t.ndim == 1 and isinstance(t.dtype, _SCALARS):
        return types.Array(t.dtype, 1, "C")
    if isinstance(t, types.List) and isinstance(t.dtype, _SCALARS):
        return types.Array(t.dtype, 1, "C")
    if isinstance(t, _SCALARS):
        return types.Array(t, 1, "C")
    raise user_error(f"pd.DataFrame: column {name!r} is {t}; hpjit builds a frame from Series, "
                     "1-d arrays, lists of numbers, bools or datetimes, and such scalars")


def _value_source(k, t):
    """Source text of column ``k``'s data, ``n`` rows long."""
    if isinstance(t, SeriesType):
        return f"columns[{k}]._data"
    if isinstance(t, types.Array):
        return f"copy_column(columns[{k}])"
    if isinstance(t, types.List):
        return f"np.array(columns[{k}])"
    return f"np.full(n, columns[{k}])"


@function(frame_of_columns, CONSTRUCT, form="frame_collectives.dist_frame_of_columns")
def _frame_of_columns(names, *columns):
    if not isinstance(names, ColumnNamesType):
        return None
    if len(set(names.value)) != len(names.value):
        raise user_error("pd.DataFrame: column names must be distinct")
    data = [_column_type(t, n) for n, t in zip(names.value, columns)]
    series = [k for k, t in enumerate(columns) if isinstance(t, SeriesType)]
    sized = [k for k, t in enumerate(columns) if isinstance(t, (types.Array, types.List))]
    if not series and not sized:
        raise user_error("pd.DataFrame: with only scalar values hpjit (like pandas) needs a column "
                         "that says how many rows: put a scalar in a list, [x]")
    index_t = columns[series[0]].index if series else range_index_type
    out_t = DataFrameType(names.value, data, index_t)
    lines = ["def impl(names, *columns):"]
    if series:
        first = series[0]
        lines += [f"    check_aligned(columns[{first}]._index, columns[{k}]._index)"
                  for k in series[1:]]
        lines.append(f"    n = index_len(columns[{first}]._index)")
    else:
        lines.append(f"    n = len(columns[{sized[0]}])")
    lines += [f"    if len(columns[{k}]) != n:\n"
              "        raise ValueError('pd.DataFrame: all arrays must be of the same length')"
              for k in sized]
    index = f"columns[{series[0]}]._index" if series else "make_range_index(0, n, 1)"
    cols = "".join(_value_source(k, t) + ", " for k, t in enumerate(columns))
    lines.append(f"    return init_frame(({cols}), {index}, out_t)")
    ns = dict(np=np, init_frame=init_frame, copy_column=copy_column, check_aligned=check_aligned,
              index_len=index_len, make_range_index=make_range_index, out_t=out_t)
    exec("\n".join(lines) + "\n", ns)
    return ns["impl"]
