"""DataFrame reductions (``df.sum()``, ``df.mean()``, ``df.count()``...): each column reduced as
its Series is, the results one Series labelled by the column names, typed by pandas' rules for
combining them (``int`` and ``float`` columns give ``float64``; a nullable column makes the
result nullable; ``count``/``nunique`` are ``int64``).

One generator serves one process and MPI: it takes the per-column reduction as a function of
``(series, name, ddof)``, :func:`local_reduce` here and the distributed pass's ``dist_reduce``
under MPI (rule ``REDUCE``: the result is whole on every rank).
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl, named
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import strings_from_list
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.constants import required_const
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.index import IndexNames, make_key_index
from hpjit.typing.operations import REDUCE, method
from hpjit.typing.series import SeriesType, init_series

#: reductions giving a number per column, by what pandas gives for an int column
SUMS = ("sum", "prod")
EXTREMES = ("min", "max")
MOMENTS = ("mean", "std", "var")
COUNTS = ("count", "nunique")
TRUTHS = ("any", "all")
FRAME_REDUCTIONS = SUMS + EXTREMES + MOMENTS + COUNTS + TRUTHS

_NAMES = IndexNames((None,))
_UNNAMED = SeriesType(types.none, types.none, None)


def _is_number(t):
    return isinstance(t, (types.Array, MaskedArrayType)) and \
        isinstance(t.dtype, (types.Number, types.Boolean))


def kept_columns(df, name, numeric_only):
    """``(position, column name, column type)`` of the columns ``df.<name>()`` reduces."""
    if not all(isinstance(c, str) for c in df.columns):
        raise user_error(f"DataFrame.{name} of a frame with MultiIndex columns (such as "
                         f"ohlc()'s) is not supported by hpjit: select one column first")
    kept = []
    for j, (col, t) in enumerate(zip(df.columns, df.data)):
        if name in COUNTS or _is_number(t) or (name in TRUTHS and isinstance(t, StringArrayType)):
            kept.append((j, col, t))
        elif not numeric_only:
            raise user_error(f"DataFrame.{name}: column {col!r} ({t}) is not supported by hpjit; "
                             f"pass numeric_only=True to leave it out")
    if not kept:
        raise user_error(f"DataFrame.{name} of a frame with no numeric columns is not supported "
                         f"by hpjit yet")
    return kept


def _column_result(name, dtype):
    """numpy dtype of ``Series.<name>()`` of a column of numba ``dtype``."""
    if name in COUNTS:
        return np.dtype(np.int64)
    if name in TRUTHS:
        return np.dtype(np.bool_)
    if name in MOMENTS:
        return np.dtype(np.float64)
    if isinstance(dtype, types.Boolean):
        return np.dtype(np.int64 if name in SUMS else np.bool_)
    if name in SUMS:
        return np.dtype(np.float64 if isinstance(dtype, types.Float) else np.int64)
    return np.dtype(str(dtype))


def result_type(kept, name):
    """``(numpy dtype, nullable)`` of the combined Series, as pandas combines the columns'
    results."""
    dtypes = [_column_result(name, t.dtype) for _, _, t in kept]
    kinds = {d.kind for d in dtypes}
    if "b" in kinds and len(kinds) > 1:
        raise user_error(f"DataFrame.{name} of bool and number columns together is not supported "
                         f"by hpjit (pandas gives an object Series); select them apart")
    nullable = name not in COUNTS and any(isinstance(t, MaskedArrayType) for _, _, t in kept)
    return np.result_type(*dtypes), nullable


def frame_reduction(df, name, numeric_only, reduce_column):
    """``impl(df, ddof, dropna)``: ``df.<name>()`` with each column reduced by
    ``reduce_column(series, name, ddof, dropna)``."""
    kept = kept_columns(df, name, numeric_only)
    dtype, nullable = result_type(kept, name)
    p = len(kept)
    # an empty int column has no min/max; pandas gives NaN (or NA) where the result holds it
    guard = name in EXTREMES and (nullable or dtype.kind == "f")
    lines = []
    for k, (j, _, t) in enumerate(kept):
        lines.append(f"    s = init_series(column_at(df, {j}), df._index, UNNAMED)\n")
        value = f"reduce_column(s, {name!r}, ddof, dropna)"
        if name in EXTREMES and dtype.kind == "b":  # pandas: NaN, a float64 result, if empty
            lines.append(f"    if reduce_column(s, 'count', ddof, dropna) == 0:\n"
                         f"        raise ValueError('hpjit: DataFrame.{name} of an empty bool "
                         f"column is NaN in pandas, which a bool result cannot hold')\n"
                         f"    out[{k}] = {value}\n")
        elif guard and nullable and dtype.kind in "iu" and isinstance(t, types.Array):
            # pandas: NaN from the empty int column turns the whole result Float64
            lines.append(f"    if reduce_column(s, 'count', ddof, dropna) == 0:\n"
                         f"        raise ValueError('hpjit: DataFrame.{name} of an empty int "
                         f"column beside a nullable one is Float64 in pandas (its NaN), a dtype "
                         f"the data decides')\n"
                         f"    out[{k}] = {value}\n")
        elif guard and not isinstance(t.dtype, types.Float):
            lines.append(f"    if reduce_column(s, 'count', ddof, dropna) == 0:\n"
                         f"        out[{k}] = 0\n        missing[{k}] = True\n"
                         f"    else:\n        out[{k}] = {value}\n")
        else:
            lines.append(f"    out[{k}] = {value}\n")
            if nullable and dtype.kind == "f":
                lines.append(f"    missing[{k}] = np.isnan(out[{k}])\n")
    labels = "".join(f"{col!r}, " for _, col, _ in kept)
    if nullable:
        values = "make_masked(out, missing)"
    elif guard:
        values = "np.where(missing, np.nan, out)"
    else:
        values = "out"
    return gen_impl(
        f"def impl(df, ddof, dropna):\n    out = np.empty({p}, DTYPE)\n"
        f"    missing = np.zeros({p}, np.bool_)\n{''.join(lines)}"
        f"    labels = strings_from_list([{labels}], np.zeros({p}, np.bool_))\n"
        f"    return init_series({values}, make_key_index((labels,), NAMES), UNNAMED)\n",
        np=np, DTYPE=dtype, init_series=init_series, make_masked=make_masked,
        strings_from_list=strings_from_list, make_key_index=make_key_index, NAMES=_NAMES,
        UNNAMED=_UNNAMED, reduce_column=reduce_column,
        key=(reduce_column, dtype.str, nullable, guard))


def local_reduce(s, name, ddof, dropna):
    """``s.<name>()`` on this process's rows (``name`` a literal)."""


@overload(local_reduce, prefer_literal=True)
def _local_reduce(s, name, ddof, dropna):
    op = name.literal_value
    args = {"std": "ddof", "var": "ddof", "nunique": "dropna"}.get(op, "")
    return gen_impl(f"def impl(s, name, ddof, dropna):\n    return s.{op}({args})\n", key=op)


def _declare(name):
    """Install ``DataFrame.<name>`` with the parameters pandas' signature gives it."""
    if name in ("std", "var"):
        def typer(df, ddof=1, numeric_only=False):
            impl = register_jitable(
                frame_reduction(df, name, _only(numeric_only, name), local_reduce))
            return named(lambda df, ddof=1, numeric_only=False: impl(df, ddof, True), name)
    elif name == "nunique":
        def typer(df, dropna=True):
            impl = register_jitable(frame_reduction(df, name, False, local_reduce))
            return named(lambda df, dropna=True: impl(df, 1, dropna), name)
    else:
        def typer(df, numeric_only=False):
            impl = register_jitable(
                frame_reduction(df, name, _only(numeric_only, name), local_reduce))
            return named(lambda df, numeric_only=False: impl(df, 1, True), name)
    method(DataFrameType, name, REDUCE, params=_PARAMS.get(name, ("numeric_only",)))(typer)


_PARAMS = {"std": ("ddof", "numeric_only"), "var": ("ddof", "numeric_only"),
           "nunique": ("dropna",)}


def _only(numeric_only, name):
    return required_const(numeric_only, "numeric_only", f"DataFrame.{name}", False)


for _name in FRAME_REDUCTIONS:
    _declare(_name)
