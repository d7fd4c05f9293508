"""Frame methods and operators that are their Series form on every column: ``df.isna()``,
``df.clip(0, 9)``, ``df.isin([1, 2])`` (or ``{'c': [1, 2]}``), ``df.where(df > 0, 0)``, ``df > 0``, ``df * 2``,
``df1 - df2`` (the same columns; rows aligned as Series are).

pandas computes these column by column, each column as its Series would, so the result's dtypes,
missing values and errors are the Series method's (``hpjit.typing.series_methods``,
``numeric_methods``): one generator builds the frame of each column's Series result. Each row's
result comes from that row alone (rule ``ELEMENTWISE``): under MPI every rank works on its own
rows, nothing moves.
"""
import operator

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.constants import DictConstantType
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import check_aligned
from hpjit.typing.operations import ELEMENTWISE, method
from hpjit.typing.series import SeriesType, init_series, name_carrier
from hpjit.typing.series_methods import ARITHMETIC, COMPARISONS


def by_column(df, call, params, key, cond=None):
    """An impl of ``params`` whose frame has, for each column of ``df``, the data of ``call``
    (source text with ``{s}``, the column as a Series, and ``{c}``, the same column of the
    frame parameter ``cond``), labelled like ``df``."""
    glbs = dict(init_series=init_series, init_frame=init_frame, check_aligned=check_aligned,
                operator=operator)
    items = []
    for j, name in enumerate(df.columns):
        glbs[f"S{j}"] = name_carrier(name)
        items.append(call.format(s=f"init_series(column_at(df, {j}), df._index, S{j})",
                                 c=f"init_series(column_at(cond, {j}), cond._index, S{j})") + "._data, ")
    check = "    check_aligned(df._index, cond._index)\n" if cond is not None else ""
    src = (f"def impl({params}):\n{check}"
           f"    return init_frame(({''.join(items)}), df._index, df)\n")
    return gen_impl(src, key=key, **glbs)


def _numbers_only(df, what):
    """pandas compares and clips numbers (and bools) only: a text or date column is its TypeError."""
    for name, t in zip(df.columns, df.data):
        number = (isinstance(t, types.Array) and isinstance(t.dtype, (types.Number, types.Boolean))) \
            or (isinstance(t, MaskedArrayType) and isinstance(t.dtype, types.Number))
        if not number:
            raise user_error(f"{what}: column {name!r} is {t}; hpjit does this for number and "
                             "bool columns (pandas raises a TypeError for the others)")


def _missing(name):
    def typer(df):
        return by_column(df, f"{{s}}.{name}()", "df", name)
    return typer


def _where(name):
    def typer(df, cond, other=None):
        if not isinstance(cond, DataFrameType) or cond.columns != df.columns:
            raise user_error(f"DataFrame.{name}: cond must be a boolean frame with the frame's "
                             f"columns (such as df > 0), got {cond}")
        return by_column(df, f"{{s}}.{name}({{c}}, other)", "df, cond, other=None", name, cond)
    return typer


def _declare():
    for name in ("isna", "isnull", "notna", "notnull"):
        method(DataFrameType, name, ELEMENTWISE, parallel=True)(_missing(name))
    for name in ("where", "mask"):
        method(DataFrameType, name, ELEMENTWISE, parallel=True)(_where(name))

    @method(DataFrameType, "clip", ELEMENTWISE, parallel=True)
    def clip(df, lower=None, upper=None):
        _numbers_only(df, "DataFrame.clip")
        return by_column(df, "{s}.clip(lower, upper)", "df, lower=None, upper=None", "clip")

    @method(DataFrameType, "isin", ELEMENTWISE, parallel=True)
    def isin(df, values):
        if isinstance(values, DictConstantType):
            return _isin_per_column(df, values.value)
        if isinstance(values, (SeriesType, DataFrameType, types.DictType)):
            raise user_error("DataFrame.isin: hpjit takes a list, tuple or array of values, or a "
                             "dict of them written in the code (pandas matches a Series or frame "
                             "by label)")
        return by_column(df, "{s}.isin(values)", "df, values", "isin")


def _isin_per_column(df, table):
    """``df.isin({'c': [values]})``: each named column against its own values, a column the
    dict does not name all False (pandas' rule)."""
    glbs = dict(init_series=init_series, init_frame=init_frame, np=np)
    items = []
    for j, name in enumerate(df.columns):
        values = table.get(name, ())
        if not isinstance(values, (list, tuple)):
            raise user_error(f"DataFrame.isin: the values of column {name!r} must be a list or "
                             f"tuple, not {values!r}")
        if not values:
            items.append("np.zeros(len(df), np.bool_), ")
            continue
        glbs[f"S{j}"], glbs[f"V{j}"] = name_carrier(name), tuple(values)
        items.append(f"init_series(column_at(df, {j}), df._index, S{j}).isin(V{j})._data, ")
    src = f"def impl(df, values):\n    return init_frame(({''.join(items)}), df._index, df)\n"
    return gen_impl(src, key=("isin", repr(table)), **glbs)


def _operator(op):
    @overload(op, jit_options={"parallel": True})
    def frame_op(a, b):
        frame_a, frame_b = isinstance(a, DataFrameType), isinstance(b, DataFrameType)
        if not (frame_a or frame_b):
            return None
        sym = ARITHMETIC.get(op) or COMPARISONS[op]
        if frame_a and frame_b:
            if a.columns != b.columns:
                raise user_error(f"DataFrame {sym} DataFrame of different columns is not "
                                 "supported by hpjit yet (pandas aligns them by label, missing "
                                 f"where one has no column): {a.columns} and {b.columns}")
            impl = register_jitable(by_column(a, f"operator.{op.__name__}({{s}}, {{c}})",
                                              "df, cond", (op.__name__, "frames"), cond=b))
            return lambda a, b: impl(a, b)
        df, scalar = (a, b) if frame_a else (b, a)
        if not isinstance(scalar, (types.Number, types.Boolean, types.UnicodeType,
                                   types.StringLiteral)):
            raise user_error(f"DataFrame {sym} {scalar} is not supported by hpjit (a number, bool "
                             "or string scalar is)")
        call = f"operator.{op.__name__}" + ("({s}, other)" if frame_a else "(other, {s})")
        impl = register_jitable(by_column(df, call, "df, other", (op.__name__, frame_a)))
        if frame_a:
            return lambda a, b: impl(a, b)
        return lambda a, b: impl(b, a)
    return frame_op


_declare()
for _op in list(ARITHMETIC) + list(COMPARISONS):
    _operator(_op)
