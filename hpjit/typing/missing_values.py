"""Missing values of frames: ``dropna`` (Series and DataFrame) and ``DataFrame.fillna``.

``dropna`` keeps some of each rank's own rows in their order, like a filter (split
unequally, nothing moves; rule ``SUBSET`` because ``ignore_index=True`` labels the rows by
their global positions, continued from the ranks before); ``fillna`` is the Series method
applied column by column.
"""
import numpy as np
from numba import prange, types

from hpjit.core.generated import column_at, gen_impl
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import isna_at
from hpjit.typing.constants import DictConstantType, const_names, const_value, required_const
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.distinct import same
from hpjit.typing.index import index_len
from hpjit.typing.indexers import rows_where
from hpjit.typing.operations import ELEMENTWISE, SUBSET, method
from hpjit.typing.series import SeriesType, init_series
from hpjit.typing.sort_values import rows_of


def _options(what, how, thresh, inplace):
    if const_value(inplace, False) is not False:
        raise user_error(f"{what}: inplace=True is not supported by hpjit; assign the result")
    if const_value(thresh, None) is not None:
        raise user_error(f"{what}: thresh= is not supported by hpjit yet")
    h = const_value(how, "any")
    if h not in ("any", "all", None):
        raise user_error(f"{what}: how must be 'any' or 'all', got {how}")
    return h or "any"


def dropna_impl(x, axis, how, thresh, subset, inplace, ignore_index, relabel):
    """``impl`` of ``x.dropna(...)``: the rows with no missing value (``how='any'``) or some
    present one (``'all'``) among ``subset``; ``ignore_index`` relabels them 0..n-1 through
    ``relabel`` (under MPI: continued from the ranks before)."""
    series = isinstance(x, SeriesType)
    what = "Series.dropna" if series else "DataFrame.dropna"
    h = _options(what, how, thresh, inplace)
    fresh = bool(required_const(ignore_index, "ignore_index=", what, False))
    if const_value(axis, 0) not in (0, "index"):
        raise user_error(f"{what}: hpjit drops rows (axis=0) only")
    if series:
        tests = ["not isna_at(x._data, i)"]
        params = "x, axis=0, inplace=False, how=None, ignore_index=False"
    else:
        names = x.columns if const_value(subset, None) is None else const_names(subset)
        if names is None:
            raise user_error(f"{what}: hpjit needs subset= constant column names")
        check_columns(x, names, what)
        tests = [f"not isna_at(column_at(x, {x.column_index(c)}), i)" for c in names] or ["True"]
        params = ("x, axis=0, how='any', thresh=None, subset=None, inplace=False, "
                  "ignore_index=False")
    row = (" and " if h == "any" else " or ").join(tests)
    rows = "relabel(rows_of(x, np.flatnonzero(keep), True))" if fresh else \
        "rows_where(x, keep)"
    return gen_impl(f"def impl({params}):\n"
                    f"    n = index_len(x._index)\n"
                    f"    keep = np.empty(n, np.bool_)\n"
                    f"    for i in prange(n):\n"
                    f"        keep[i] = {row}\n"
                    f"    return {rows}\n",
                    np=np, prange=prange, isna_at=isna_at, index_len=index_len,
                    rows_where=rows_where, rows_of=rows_of, relabel=relabel)


@method(SeriesType, "dropna", SUBSET, form="frame_collectives.dist_series_dropna",
        prefer_literal=True, parallel=True)
def _series_dropna(x, axis=0, inplace=False, how=None, ignore_index=False):
    return dropna_impl(x, axis, how, None, None, inplace, ignore_index, same)


@method(DataFrameType, "dropna", SUBSET, form="frame_collectives.dist_dropna",
        prefer_literal=True, parallel=True)
def _frame_dropna(x, axis=0, how="any", thresh=None, subset=None, inplace=False,
                  ignore_index=False):
    return dropna_impl(x, axis, how, thresh, subset, inplace, ignore_index, same)


def _dict_keys(t):
    """The constant string keys of a dict argument, or None."""
    if isinstance(t, DictConstantType):
        keys = tuple(t.value)
    elif isinstance(t, types.LiteralStrKeyDict):
        keys = tuple(getattr(k, "literal_value", k) for k in t.literal_value)
    elif isinstance(t, types.DictType) and t.initial_value is not None:
        keys = tuple(t.initial_value)
    else:
        return None
    return keys if all(isinstance(k, str) for k in keys) else None


@method(DataFrameType, "fillna", ELEMENTWISE, prefer_literal=True, parallel=True)
def _frame_fillna(df, value=None, axis=None, inplace=False, limit=None):
    what = "DataFrame.fillna"
    if const_value(inplace, False) is not False:
        raise user_error(f"{what}: inplace=True is not supported by hpjit; assign the result")
    if const_value(limit, None) is not None:
        raise user_error(f"{what}: limit= is not supported by hpjit yet")
    keys = _dict_keys(value)
    ns = dict(init_frame=init_frame, init_series=init_series, column_at=column_at)
    if isinstance(value, DictConstantType):
        check_columns(df, keys, what)
        if not all(isinstance(v, (int, float, bool, str)) for v in value.value.values()):
            raise user_error(f"{what}: hpjit fills with numbers, bools and strings")
        ns.update({f"fill{k}": v for k, v in enumerate(value.value.values())})
        fills = {c: f"fill{k}" for k, c in enumerate(value.value)}
    elif keys is not None:
        check_columns(df, keys, what)
        fills = {c: f"value[{c!r}]" for c in keys}
    elif isinstance(value, (types.Number, types.Boolean, types.UnicodeType, types.StringLiteral)):
        fills = {c: "value" for c in df.columns}
    else:
        raise user_error(f"{what}: hpjit needs a scalar value or a dict of them with constant "
                         f"column names, got {value}")
    items = []
    for j, c in enumerate(df.columns):
        if c in fills:
            ns[f"s{j}"] = df.series_type(c)
            items.append(f"init_series(column_at(df, {j}), df._index, s{j}).fillna({fills[c]})._data")
        else:
            items.append(f"column_at(df, {j})")
    body = "".join(i + ", " for i in items)
    exec(f"def impl(df, value=None, axis=None, inplace=False, limit=None):\n"
         f"    return init_frame(({body}), df._index, df)\n", ns)
    return ns["impl"]
