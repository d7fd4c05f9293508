"""Along the rows: ``shift``, ``diff``, ``pct_change`` and the cumulative ``cumsum`` /
``cumprod`` / ``cummin`` / ``cummax`` of Series and frames (a frame's: each column's).

Each row's result depends on rows before (or after) it, which under MPI may be on other
ranks. The kernels here take what the other ranks contribute as arguments, so one process
and MPI share them: ``shift`` the ``k`` rows before (after) this block, as a column
(``before`` / ``after``: empty on one process, the neighbours' edge rows under MPI, however
many ranks they span), and the cumulative methods the running value of the ranks before
(``carry``), which combine by an allgather of one value per rank. Nothing else moves (rule
``ROWS``; the twins are in ``frame_collectives``).
"""
import numpy as np
from numba import prange, types
from numba.np import numpy_support
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl, named
from hpjit.errors import user_error
from hpjit.runtime.keys import key_compare
from hpjit.typing.columns.arrays import (concat_columns, copy_column, isna_at, slice_rows,
                                         take_or_missing, values_of, with_missing)
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.constants import const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.operations import ROWS, method
from hpjit.typing.series import SeriesType, init_series, name_carrier
from hpjit.typing.series_reductions import extreme_row


def _plain_number(t):
    return isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Float))


def _masked_number(t):
    return isinstance(t, MaskedArrayType) and isinstance(t.dtype, (types.Integer, types.Float))


@register_jitable
def no_rows(a, k, forward):
    """One process: no rows of other ranks around this block."""
    return slice_rows(a, 0, 0)


@register_jitable
def shift_sources(n_before, n_rows, n_total, periods):
    """For each row of a block preceded by ``n_before`` rows in a column of ``n_total``: the
    row it takes after shifting by ``periods``, -1 when none."""
    src = np.empty(n_rows, np.int64)
    for i in range(n_rows):
        j = i + n_before - periods
        src[i] = j if 0 <= j < n_total else -1
    return src


def shifted(a, before, after, periods):
    """Column ``a`` shifted by ``periods`` rows (``before`` / ``after``: the rows of the other
    ranks next to this block), missing where no row comes in."""


@overload(shifted)
def _shifted(a, before, after, periods):
    def impl(a, before, after, periods):
        c = concat_columns(before, concat_columns(a, after))
        return take_or_missing(c, shift_sources(len(before), len(a), len(c), periods))
    return impl


def shift_rows(x, periods, fill_value, edges):
    """``impl(x, periods, fill_value)`` of ``x.shift(...)``, ``edges(column, k, forward)``
    giving the ``k`` rows before (``forward``) or after this block."""
    if const_value(periods, 1) == 0:  # nothing moves: the column keeps its dtype
        if isinstance(x, SeriesType):
            return lambda x, periods=1, fill_value=None: init_series(copy_column(x._data),
                                                                     x._index, x)
        return lambda x, periods=1, fill_value=None: x.copy()
    given = not (fill_value is None or isinstance(fill_value, (types.NoneType, types.Omitted)))
    cols = x.data if isinstance(x, DataFrameType) else (x.data,)
    for t in cols:
        if isinstance(t, DateArrayType):
            raise user_error("shift of a datetime.date column is not supported by hpjit yet; "
                             "convert it with pd.to_datetime first")
        if not given and with_missing(t) is None:
            raise user_error("shift of a bool column is object in pandas (True, False and NaN); "
                             "pass fill_value=")
        if given and not (_plain_number(t) and isinstance(fill_value, types.Number)):
            raise user_error(f"shift(fill_value=) is supported by hpjit for int and float "
                             f"columns and a number, not {t} and {fill_value}")
    if given and len(cols) > 1:
        raise user_error("DataFrame.shift(fill_value=) is not supported by hpjit yet; shift "
                         "the columns one by one")
    fill_t = getattr(fill_value, "literal_type", fill_value)
    dt = np.result_type(numpy_support.as_dtype(cols[0].dtype), numpy_support.as_dtype(fill_t)) \
        if given else None
    column = register_jitable(named(_shift_column_impl(dt, edges), str(dt), edges))
    if isinstance(x, SeriesType):
        return named(lambda x, periods=1, fill_value=None: init_series(
            column(x._data, periods, fill_value), x._index, x), str(dt), edges)
    items = "".join(f"column(column_at(x, {j}), periods, fill_value), " for j in range(len(cols)))
    return gen_impl(f"def impl(x, periods=1, fill_value=None):\n"
                    f"    return init_frame(({items}), x._index, x)\n",
                    column=column, init_frame=init_frame, key=(str(dt), edges))


def _shift_column_impl(dt, edges):
    filled = dt is not None
    out_type = dt.type if filled else None

    def impl(a, periods, fill_value):
        k = abs(periods)
        before = edges(a, k, True) if periods > 0 else slice_rows(a, 0, 0)
        after = edges(a, k, False) if periods < 0 else slice_rows(a, 0, 0)
        if not filled:
            return shifted(a, before, after, periods)
        c = concat_columns(before, concat_columns(a, after))
        src = shift_sources(len(before), len(a), len(c), periods)
        out = np.empty(len(a), out_type)
        for i in prange(len(a)):
            out[i] = c[src[i]] if src[i] >= 0 else fill_value
        return out
    return impl


def _periods(periods, what):
    if not isinstance(periods, (types.Integer, int)) and \
            not isinstance(getattr(periods, "value", 1), int):
        raise user_error(f"{what}: periods must be an int, got {periods}")


# --- diff, pct_change ------------------------------------------------------------


def diff_rows(s, periods, edges, ratio):
    """``impl(s, periods)`` of ``s.diff(periods)`` (``ratio``: ``s.pct_change(periods)``); of a
    frame, each column's."""
    if isinstance(s, DataFrameType):
        return _frame_diff(s, periods, edges, ratio)
    what = "Series.pct_change" if ratio else "Series.diff"
    _periods(periods, what)
    if _plain_number(s.data):
        def plain(s, periods=1):
            a = s._data
            k = abs(periods)
            before = edges(a, k, True) if periods > 0 else slice_rows(a, 0, 0)
            after = edges(a, k, False) if periods < 0 else slice_rows(a, 0, 0)
            prev = shifted(a, before, after, periods)
            # array operations: numpy's division (inf and NaN), not Python's ZeroDivisionError
            out = a / prev - 1.0 if ratio else a - prev
            return init_series(out, s._index, s)
        return named(plain, ratio, edges)
    if _masked_number(s.data) and not ratio:
        def masked(s, periods=1):
            a = s._data
            k = abs(periods)
            before = edges(a, k, True) if periods > 0 else slice_rows(a, 0, 0)
            after = edges(a, k, False) if periods < 0 else slice_rows(a, 0, 0)
            prev = shifted(a, before, after, periods)
            out = a._values - prev._values
            return init_series(make_masked(out, a._mask | prev._mask), s._index, s)
        return named(masked, edges)
    raise user_error(f"{what} is supported by hpjit for int and float columns (and Int64 for "
                     f"diff), not {s.data}")


def _frame_diff(df, periods, edges, ratio):
    glbs = dict(init_series=init_series, init_frame=init_frame)
    items = []
    for j, (name, t) in enumerate(zip(df.columns, df.data)):
        glbs[f"d{j}"] = register_jitable(diff_rows(SeriesType(t, df.index, name), periods,
                                                   edges, ratio))
        glbs[f"S{j}"] = name_carrier(name)
        items.append(f"d{j}(init_series(column_at(s, {j}), s._index, S{j}), periods)._data, ")
    return gen_impl(f"def impl(s, periods=1):\n"
                    f"    return init_frame(({''.join(items)}), s._index, s)\n",
                    key=(ratio, edges), **glbs)


# --- cumulative ----------------------------------------------------------------------


#: identity and combination of each cumulative method
_IDENTITY = {"cumsum": "0", "cumprod": "1", "cummin": "HIGH", "cummax": "LOW"}
_COMBINE = {"cumsum": "r + v", "cumprod": "r * v", "cummin": "min(r, v)", "cummax": "max(r, v)"}


def _result_dtype(name, t):
    if isinstance(t.dtype, types.Boolean):
        return np.dtype(np.int64) if name in ("cumsum", "cumprod") else np.dtype(np.bool_)
    if isinstance(t.dtype, types.Integer):
        return np.dtype(np.int64) if name in ("cumsum", "cumprod") else np.dtype(str(t.dtype))
    return np.dtype(str(t.dtype))


def cumulative_column(name, t):
    """``(total(a), scan(a, carry, has_carry), none(a))``: the running ``name`` of column type
    ``t``, continued from ``carry`` when ``has_carry`` (``none``: the carry of no rows before);
    missing values stay missing and are skipped (pandas' ``skipna=True``)."""
    if isinstance(t, StringArrayType) and name in ("cummin", "cummax"):
        return _text_extremes(name == "cummin")
    if not (isinstance(t, (types.Array, MaskedArrayType)) and
            isinstance(t.dtype, (types.Integer, types.Float, types.Boolean))):
        raise user_error(f"Series.{name} is supported by hpjit for number and bool columns "
                         f"(and their nullable forms; cummin and cummax for str ones too), "
                         f"not {t}")
    dt = _result_dtype(name, t)
    info = np.finfo(dt) if dt.kind == "f" else (np.iinfo(dt) if dt.kind in "iu" else None)
    high = np.inf if dt.kind == "f" else (info.max if info is not None else True)
    low = -np.inf if dt.kind == "f" else (info.min if info is not None else False)
    glbs = dict(np=np, DT=dt.type, HIGH=dt.type(high), LOW=dt.type(low), isna_at=isna_at,
                values_of=values_of, make_masked=make_masked)
    combine = _COMBINE[name]
    total = gen_impl(
        f"def impl(a):\n    v_all = values_of(a)\n    r = DT({_IDENTITY[name]})\n"
        f"    seen = False\n    for i in range(len(v_all)):\n"
        f"        if not isna_at(a, i):\n            v = DT(v_all[i])\n"
        f"            r = {combine}\n            seen = True\n    return r, seen\n",
        key=(name, dt.str), **glbs)
    wrap = "make_masked(out, a._mask.copy())" if isinstance(t, MaskedArrayType) else "out"
    missing = "np.nan" if dt.kind == "f" else "0"
    scan = gen_impl(
        f"def impl(a, carry, has_carry):\n    v_all = values_of(a)\n"
        f"    out = np.empty(len(v_all), DT)\n"
        f"    r = carry if has_carry else DT({_IDENTITY[name]})\n"
        f"    for i in range(len(v_all)):\n"
        f"        if isna_at(a, i):\n            out[i] = {missing}\n        else:\n"
        f"            v = DT(v_all[i])\n            r = {combine}\n            out[i] = r\n"
        f"    return {wrap}\n", key=(name, dt.str, wrap), **glbs)
    none = gen_impl("def impl(a):\n    return DT(0)\n", key=dt.str, DT=dt.type)
    return register_jitable(total), register_jitable(scan), register_jitable(none)


def _text_extremes(is_min):
    """``cumulative_column`` of ``cummin`` / ``cummax`` of strings: the running value is a row,
    compared by its bytes in place, and each row of the result a copy of its running row's; the
    carry is the extreme of the rows before as a column of one row (``extreme_row``)."""
    worse = 1 if is_min else -1

    def total(a):
        row = extreme_row(a, is_min)
        return row, len(row) > 0

    def scan(a, carry, has_carry):
        c = concat_columns(carry, a) if has_carry else a
        k = len(c) - len(a)
        src = np.empty(len(a), np.int64)
        best = k - 1
        for i in range(len(a)):
            if isna_at(a, i):
                src[i] = -1
            else:
                if best < 0 or key_compare(c, best, c, i + k) == worse:
                    best = i + k
                src[i] = best
        return take_or_missing(c, src)

    def none(a):
        return slice_rows(a, 0, 0)
    return (register_jitable(named(total, is_min)), register_jitable(named(scan, is_min)),
            register_jitable(none))


#: each cumulative method's combination, as the number ``prefix`` functions take
OPS = {"cumsum": 0, "cumprod": 1, "cummin": 2, "cummax": 3}


def cumulative_rows(x, name, prefix=None):
    """``impl(x)`` of ``x.<name>()``. Under MPI ``prefix(value, seen, op)`` combines each
    rank's total (``seen``: it has a value) over the ranks before this one: the running value
    this block continues from, and whether there is one."""
    cols = x.data if isinstance(x, DataFrameType) else (x.data,)
    kernels = [cumulative_column(name, t) for t in cols]
    glbs = {f"t{j}": k[0] for j, k in enumerate(kernels)}
    glbs.update({f"s{j}": k[1] for j, k in enumerate(kernels)})
    glbs.update({f"z{j}": k[2] for j, k in enumerate(kernels)})
    col = "column_at(x, {})" if isinstance(x, DataFrameType) else "x._data"
    if prefix is None:
        carry = "".join(f"    c{j}, h{j} = z{j}({col.format(j)}), False\n"
                        for j in range(len(cols)))
    else:
        carry = "".join(f"    v{j}, seen{j} = t{j}({col.format(j)})\n"
                        f"    c{j}, h{j} = prefix(v{j}, seen{j}, OP)\n" for j in range(len(cols)))
    frame = isinstance(x, DataFrameType)
    if frame:
        items = "".join(f"s{j}(column_at(x, {j}), c{j}, h{j}), " for j in range(len(cols)))
        result = f"init_frame(({items}), x._index, x)"
    else:
        result = "init_series(s0(x._data, c0, h0), x._index, x)"
    return gen_impl(f"def impl(x, axis=None, skipna=True):\n{carry}    return {result}\n",
                    prefix=prefix, OP=OPS[name], FRAME=frame, init_frame=init_frame,
                    init_series=init_series, key=(name, prefix), **glbs)


def _declare():
    owners = (SeriesType, DataFrameType)

    def shift(x, periods=1, fill_value=None):
        _periods(periods, "shift")
        return shift_rows(x, periods, fill_value, no_rows)
    method(owners, "shift", ROWS, form="frame_collectives.dist_shift", prefer_literal=True,
           parallel=True)(shift)

    def diff(s, periods=1):
        return diff_rows(s, periods, no_rows, False)
    method(owners, "diff", ROWS, form="frame_collectives.dist_diff", parallel=True)(diff)

    def pct_change(s, periods=1):
        return diff_rows(s, periods, no_rows, True)
    method(owners, "pct_change", ROWS, form="frame_collectives.dist_pct_change",
           parallel=True)(pct_change)

    for name in _COMBINE:
        method(owners, name, ROWS, form=f"frame_collectives.dist_{name}")(_cumulative(name))


def _cumulative(name):
    def typer(x, axis=None, skipna=True):
        if const_value(axis, None) not in (None, 0) or const_value(skipna, True) is not True:
            raise user_error(f"{name}: hpjit supports axis=0 and skipna=True only")
        return cumulative_rows(x, name)
    return typer


_declare()
