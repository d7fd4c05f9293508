"""Reshaping a frame: ``df.melt`` / ``pd.melt`` (wide to long).

The result is the concatenation of one piece per value column — the id columns, the value
column's name, its values — so ``melt`` is built from ``melt_piece`` and ``pd.concat``; under
MPI (``relational.dist_melt``) each piece's rows go to the ranks holding their block of the
result, as a concatenation's do, which keeps pandas' order (all rows of the first value
column, then the second...) with nothing gathered.
"""
import numpy as np
import pandas as pd
from numba import types
from numba.extending import overload
from numba.np import numpy_support

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.typing.columns.string_edits import repeated_text
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import index_len, make_range_index, range_index_type
from hpjit.typing.operations import PLACED, function, method

MELT_PARAMS = ("frame, id_vars=None, value_vars=None, var_name=None, value_name='value', "
               "col_level=None, ignore_index=True")


class MeltSpec(types.Type):
    """The id columns, value columns and output type of a ``melt``."""

    def __init__(self, frame, ids, values, out_type):
        self.frame, self.ids, self.values, self.out_type = frame, ids, values, out_type
        super().__init__(name=f"MeltSpec({frame}, {ids}, {values})")


def _names(v, what, name, frame):
    cols = const_value(v, None)
    if cols is NOT_CONSTANT:
        raise user_error(f"{what}: hpjit needs {name}= as constant column names")
    cols = [] if cols is None else [cols] if isinstance(cols, str) else list(cols)
    for c in cols:
        if c not in frame.columns:
            raise user_error(f"{what}: column {c!r} does not exist; the columns are "
                             f"{list(frame.columns)}")
    return tuple(cols)


def _value_type(ts, what):
    if all(t == ts[0] for t in ts):
        return ts[0]
    if all(isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Float))
           for t in ts):
        dt = np.result_type(*[np.dtype(str(t.dtype)) for t in ts])
        return types.Array(numpy_support.from_dtype(dt), 1, "C")
    raise user_error(f"{what}: the value columns have different types ({', '.join(map(str, ts))});"
                     " pandas makes an object column of them, which hpjit does not support")


def melt_spec(frame, id_vars=None, value_vars=None, var_name=None, value_name="value",
              col_level=None, ignore_index=True, what="DataFrame.melt"):
    """The MeltSpec of a ``melt`` call, from its argument types."""
    if not isinstance(frame, DataFrameType):
        raise user_error(f"{what}: hpjit melts a DataFrame, not {frame}")
    ids = _names(id_vars, what, "id_vars", frame)
    values = _names(value_vars, what, "value_vars", frame) or frame.columns
    values = tuple(dict.fromkeys(c for c in values if c not in ids))  # as pandas picks them
    var = const_value(var_name, None)
    var = "variable" if var is None else var
    value = const_value(value_name, "value")
    if not (isinstance(var, str) and isinstance(value, str)):
        raise user_error(f"{what}: hpjit needs var_name= and value_name= as constant strings")
    if const_value(ignore_index, True) is not True or const_value(col_level, None) is not None:
        raise user_error(f"{what}: hpjit supports ignore_index=True and no col_level= only")
    if not values:
        raise user_error(f"{what}: there are no value columns to melt")
    data = [frame.data[frame.column_index(c)] for c in ids]
    data += [StringArrayType(), _value_type([frame.data[frame.column_index(c)] for c in values],
                                            what)]
    out = DataFrameType(ids + (var, value), data, range_index_type)
    return MeltSpec(frame, ids, values, out)


def melt_piece(frame, k, spec):
    """The rows of value column ``k`` of ``spec`` in a melt of ``frame`` (a RangeIndex from 0)."""


@overload(melt_piece, prefer_literal=True)
def _melt_piece(frame, k, spec):
    s = spec.instance_type
    col = s.values[k.literal_value]
    name = np.frombuffer(col.encode("utf-8"), np.uint8).copy()
    value_t = s.out_type.data[-1]
    value = f"column_at(frame, {s.frame.column_index(col)})"
    if s.frame.data[s.frame.column_index(col)] != value_t:
        value += f".astype(np.{value_t.dtype})"
    ids = "".join(f"column_at(frame, {s.frame.column_index(c)}), " for c in s.ids)
    return gen_impl(f"def impl(frame, k, spec):\n"
                    f"    n = index_len(frame._index)\n"
                    f"    return init_frame(({ids}repeated_text(name, n), {value}),\n"
                    f"                      make_range_index(0, n, 1), out_t)\n",
                    np=np, index_len=index_len, init_frame=init_frame, name=name,
                    repeated_text=repeated_text, make_range_index=make_range_index,
                    out_t=s.out_type, key=(s.name, k.literal_value))


def melt_source(spec, params, concat):
    """``impl(<params>)`` of a melt by ``spec``: its pieces given to ``concat(pieces)``."""
    pieces = "".join(f"melt_piece(frame, {k}, spec_t), " for k in range(len(spec.values)))
    return f"def impl({params}):\n    return {concat.format(f'({pieces})')}\n"


def _melt_impl(frame, **options):
    spec = melt_spec(frame, **options)
    return gen_impl(melt_source(spec, MELT_PARAMS, "pd.concat({}, ignore_index=True)"),
                    pd=pd, melt_piece=melt_piece, spec_t=spec)


@method(DataFrameType, "melt", PLACED, form="relational.dist_melt", prefer_literal=True)
def _df_melt(frame, id_vars=None, value_vars=None, var_name=None, value_name="value",
             col_level=None, ignore_index=True):
    return _melt_impl(frame, id_vars=id_vars, value_vars=value_vars, var_name=var_name,
                      value_name=value_name, col_level=col_level, ignore_index=ignore_index)


@function(pd.melt, PLACED, form="relational.dist_melt", prefer_literal=True)
def _pd_melt(frame, id_vars=None, value_vars=None, var_name=None, value_name="value",
             col_level=None, ignore_index=True):
    return _melt_impl(frame, id_vars=id_vars, value_vars=value_vars, var_name=var_name,
                      value_name=value_name, col_level=col_level, ignore_index=ignore_index)
