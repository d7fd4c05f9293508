"""Missing values of frames: ``dropna`` (Series and DataFrame) and ``DataFrame.fillna``.

``dropna`` keeps some of each rank's own rows in their order, like a filter (rule ``FILTER``:
split unequally, nothing moves); ``fillna`` is the Series method applied column by column.
"""
import numpy as np
from numba import prange, types

from hpjit.core.generated import column_at
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import isna_at
from hpjit.typing.constants import DictConstantType, const_names, const_value
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.index import index_len
from hpjit.typing.indexers import rows_where
from hpjit.typing.operations import ELEMENTWISE, FILTER, method
from hpjit.typing.series import SeriesType, init_series


def _options(what, how, thresh, inplace, ignore_index):
    if const_value(inplace, False) is not False:
        raise user_error(f"{what}: inplace=True is not supported by hpjit; assign the result")
    if const_value(ignore_index, False) is not False:
        raise user_error(f"{what}: ignore_index=True is not supported by hpjit yet; use "
                         ".reset_index(drop=True)")
    if const_value(thresh, None) is not None:
        raise user_error(f"{what}: thresh= is not supported by hpjit yet")
    h = const_value(how, "any")
    if h not in ("any", "all", None):
        raise user_error(f"{what}: how must be 'any' or 'all', got {how}")
    return h or "any"


@method(SeriesType, "dropna", FILTER, prefer_literal=True, parallel=True)
def _series_dropna(s, axis=0, inplace=False, how=None, ignore_index=False):
    _options("Series.dropna", how, None, inplace, ignore_index)

    def impl(s, axis=0, inplace=False, how=None, ignore_index=False):
        a = s._data
        keep = np.empty(len(a), np.bool_)
        for i in prange(len(a)):
            keep[i] = not isna_at(a, i)
        return rows_where(s, keep)
    return impl


@method(DataFrameType, "dropna", FILTER, prefer_literal=True, parallel=True)
def _frame_dropna(df, axis=0, how="any", thresh=None, subset=None, inplace=False,
                  ignore_index=False):
    what = "DataFrame.dropna"
    h = _options(what, how, thresh, inplace, ignore_index)
    if const_value(axis, 0) not in (0, "index"):
        raise user_error(f"{what}: hpjit drops rows (axis=0) only")
    names = df.columns if const_value(subset, None) is None else const_names(subset)
    if names is None:
        raise user_error(f"{what}: hpjit needs subset= constant column names")
    check_columns(df, names, what)
    tests = [f"not isna_at(column_at(df, {df.column_index(c)}), i)" for c in names] or ["True"]
    row = (" and " if h == "any" else " or ").join(tests)
    src = (f"def impl(df, axis=0, how='any', thresh=None, subset=None, inplace=False,"
           f" ignore_index=False):\n"
           f"    n = index_len(df._index)\n"
           f"    keep = np.empty(n, np.bool_)\n"
           f"    for i in prange(n):\n"
           f"        keep[i] = {row}\n"
           f"    return rows_where(df, keep)\n")
    ns = dict(np=np, prange=prange, isna_at=isna_at, index_len=index_len, rows_where=rows_where,
              column_at=column_at)
    exec(src, ns)
    return ns["impl"]


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
