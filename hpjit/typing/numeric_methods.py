"""Element-wise methods of number columns, as pandas gives them: ``abs``, ``round``, ``clip``,
``between``, ``where``/``mask`` and ``astype``, of Series and (where pandas has them) frames,
and ``pd.to_numeric``.

Each row's result comes from that row alone, so all of them are ``ELEMENTWISE``: under MPI a
rank converts its own rows. Results are typed at compile time; where pandas' dtype would
depend on the data (an int Series ``where`` without ``other`` is float64 only when a row is
replaced) hpjit asks for the argument that makes it fixed instead of guessing.
"""
import numpy as np
import pandas as pd
from numba import prange, types
from numba.extending import register_jitable
from numba.np import numpy_support

from hpjit.core.generated import column_at
from hpjit.core.kernel import cached_njit
from hpjit.errors import user_error
from hpjit.runtime.float_parse import NOT_A_NUMBER, UNDECIDED, parse_decimal
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import (StringArrayType, parse_float, str_isna, text_or_fill,
                                          utf8_of, utf8_to_str)
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.index import check_aligned
from hpjit.typing.operations import ELEMENTWISE, function, method
from hpjit.typing.series import SeriesType, init_series


def is_number_array(t):
    return isinstance(t, types.Array) and t.ndim == 1 and \
        isinstance(t.dtype, (types.Integer, types.Float))


def _is_number(t):
    return isinstance(t, (types.Integer, types.Float, types.IntegerLiteral))


def _number_column(s, what):
    if isinstance(s.data, MaskedArrayType) and isinstance(s.data.dtype, (types.Integer,
                                                                          types.Float)):
        return
    if not is_number_array(s.data):
        raise user_error(f"{what}: hpjit supports number columns here, not {s.data}")


# --- abs, round ----------------------------------------------------------------


def _masked_or_plain(fn):
    """``f(column)``: ``fn`` applied to the values, a nullable column keeping its mask."""
    fn = register_jitable(fn)

    def impl(a):
        return fn(a)

    def masked(a):
        return make_masked(fn(a._values), a._mask.copy())
    return register_jitable(impl), register_jitable(masked)


def _unary(s, fn, what):
    _number_column(s, what)
    plain, masked = _masked_or_plain(fn)
    f = masked if isinstance(s.data, MaskedArrayType) else plain
    return f


@method(SeriesType, "abs", ELEMENTWISE, parallel=True)
def _series_abs(s):
    f = _unary(s, lambda a: np.abs(a), "Series.abs")
    return lambda s: init_series(f(s._data), s._index, s)


def _rounder(dtype, decimals):
    if isinstance(dtype, types.Integer):
        if decimals >= 0:
            return lambda a: a.copy()
        scale = 10 ** -decimals
        # numpy rounds ints half to even, through floats
        return lambda a: (np.round(a / scale) * scale).astype(a.dtype)
    return lambda a: np.round(a, decimals)


def _decimals(decimals, what):
    v = const_value(decimals, 0)
    if not isinstance(v, int) and not isinstance(decimals, types.Integer):
        raise user_error(f"{what}: decimals must be an integer, got {decimals}")
    if v is NOT_CONSTANT or not isinstance(v, int):
        raise user_error(f"{what}: hpjit needs a constant decimals (a number written in the code)")
    return v


@method(SeriesType, "round", ELEMENTWISE, prefer_literal=True, parallel=True)
def _series_round(s, decimals=0):
    what = "Series.round"
    d = _decimals(decimals, what)
    _number_column(s, what)
    f = _unary(s, _rounder(s.data.dtype, d), what)
    return lambda s, decimals=0: init_series(f(s._data), s._index, s)


# --- clip, between ---------------------------------------------------------------


def _bound(t, what, name):
    if t is None or isinstance(t, (types.NoneType, types.Omitted)):
        return None
    if not _is_number(t):
        raise user_error(f"{what}: {name} must be a number, got {t}")
    return t


@method(SeriesType, "clip", ELEMENTWISE, parallel=True)
def _series_clip(s, lower=None, upper=None):
    what = "Series.clip"
    lo, hi = _bound(lower, what, "lower"), _bound(upper, what, "upper")
    if isinstance(s.data, MaskedArrayType) and isinstance(s.data.dtype, (types.Integer,
                                                                          types.Float)):
        return _masked_clip(s, lo, hi, what)
    if not is_number_array(s.data):
        raise user_error(f"{what}: hpjit supports int and float columns here, not {s.data}")
    out = s.data.dtype
    for b in (lo, hi):
        if b is not None and isinstance(out, types.Integer) and isinstance(b, types.Float):
            raise user_error(f"{what}: an int column clipped by a float bound is float64 in "
                             "pandas only when a value is clipped; pass int bounds or "
                             "astype(float) first")
        if b is not None:
            out = numpy_support.from_dtype(np.result_type(numpy_support.as_dtype(out),
                                                          numpy_support.as_dtype(b)))
    dt = numpy_support.as_dtype(out)
    has_lo, has_hi = lo is not None, hi is not None
    order = _ordered if has_lo and has_hi else _as_given

    def impl(s, lower=None, upper=None):
        a = s._data
        res = np.empty(len(a), dt)
        lo, hi = order(lower, upper)
        for i in prange(len(a)):
            v = a[i]
            if has_lo and v < lo:
                v = lo
            if has_hi and v > hi:
                v = hi
            res[i] = v
        return init_series(res, s._index, s)
    return impl


def _masked_clip(s, lo, hi, what):
    """``clip`` of a nullable number column: missing values stay missing, the dtype stays
    (an ``Int64`` column clipped by a float bound would be pandas' error or guess: refused)."""
    for b in (lo, hi):
        if b is not None and isinstance(s.data.dtype, types.Integer) and \
                isinstance(b, types.Float):
            raise user_error(f"{what}: an Int64 column clipped by a float bound: pass int bounds "
                             f"or astype('Float64') first")
    has_lo, has_hi = lo is not None, hi is not None
    order = _ordered if has_lo and has_hi else _as_given
    dt = numpy_support.as_dtype(s.data.dtype)

    def impl(s, lower=None, upper=None):
        a = s._data
        res = a._values.copy()
        lo, hi = order(lower, upper)
        for i in prange(len(res)):
            if has_lo and res[i] < lo:
                res[i] = dt.type(lo)
            if has_hi and res[i] > hi:
                res[i] = dt.type(hi)
        return init_series(make_masked(res, a._mask.copy()), s._index, s)
    return impl


@register_jitable
def _ordered(lower, upper):
    """pandas swaps two scalar bounds given the wrong way round (``clip(4, -3)``)."""
    if lower > upper:
        return upper, lower
    return lower, upper


@register_jitable
def _as_given(lower, upper):
    return lower, upper


@method(SeriesType, "between", ELEMENTWISE, prefer_literal=True, parallel=True)
def _series_between(s, left, right, inclusive="both"):
    what = "Series.between"
    _number_column(s, what)
    for name, t in (("left", left), ("right", right)):
        if not _is_number(t):
            raise user_error(f"{what}: {name} must be a number, got {t}")
    how = const_value(inclusive, "both")
    if how not in ("both", "neither", "left", "right"):
        raise user_error(f"{what}: inclusive must be 'both', 'neither', 'left' or 'right'")
    lo_closed, hi_closed = how in ("both", "left"), how in ("both", "right")

    @register_jitable(parallel=True)
    def inside(a, left, right):
        out = np.empty(len(a), np.bool_)
        for i in prange(len(a)):
            v = a[i]
            out[i] = (v >= left if lo_closed else v > left) and \
                (v <= right if hi_closed else v < right)
        return out
    if isinstance(s.data, MaskedArrayType):
        return lambda s, left, right, inclusive="both": init_series(
            make_masked(inside(s._data._values, left, right), s._data._mask.copy()), s._index, s)
    return lambda s, left, right, inclusive="both": init_series(inside(s._data, left, right),
                                                                s._index, s)


# --- where, mask -----------------------------------------------------------------


def _where(keep_when, what):
    def typer(s, cond, other=None):
        if not (isinstance(cond, SeriesType) and isinstance(cond.data, types.Array) and
                isinstance(cond.data.dtype, types.Boolean)):
            raise user_error(f"{what}: cond must be a boolean Series, got {cond}")
        if isinstance(s.data, StringArrayType):
            return _where_text(s, other, keep_when, what)
        if not (is_number_array(s.data) or (isinstance(s.data, types.Array) and
                                            isinstance(s.data.dtype, types.Boolean))):
            raise user_error(f"{what}: hpjit supports number and bool columns here, not {s.data}")
        omitted = other is None or isinstance(other, (types.NoneType, types.Omitted))
        if omitted and not isinstance(s.data.dtype, types.Float):
            raise user_error(f"{what}: without other= pandas' dtype for this {s.data.dtype} "
                             "column depends on the data (float64 only if a row is replaced); "
                             "pass other= or astype(float) first")
        if not omitted and not isinstance(other, (types.Number, types.Boolean,
                                                  types.IntegerLiteral, types.BooleanLiteral)):
            raise user_error(f"{what}: other must be a number, got {other}")
        if not omitted and isinstance(s.data.dtype, types.Boolean) != isinstance(
                other, (types.Boolean, types.BooleanLiteral)):
            raise user_error(f"{what}: a {s.data.dtype} column with other={other} is an object "
                             "column in pandas once a row is replaced, which hpjit does not "
                             "support; convert with astype first")
        src = numpy_support.as_dtype(s.data.dtype)
        dt = src if omitted else np.result_type(src, numpy_support.as_dtype(
            getattr(other, "literal_type", other)))

        @register_jitable(parallel=True)
        def replaced(a, c, fill):
            out = np.empty(len(a), dt)
            for i in prange(len(a)):
                out[i] = a[i] if c[i] == keep_when else fill
            return out
        if omitted:
            def without(s, cond, other=None):
                check_aligned(s._index, cond._index)
                return init_series(replaced(s._data, cond._data, np.nan), s._index, s)
            return without

        def with_other(s, cond, other=None):
            check_aligned(s._index, cond._index)
            return init_series(replaced(s._data, cond._data, other), s._index, s)
        return with_other
    return typer


def _where_text(s, other, keep_when, what):
    """``where``/``mask`` of a ``str`` column: replaced rows get the string ``other``, or are
    missing when it is omitted."""
    omitted = other is None or isinstance(other, (types.NoneType, types.Omitted))
    if not omitted and not isinstance(other, (types.UnicodeType, types.StringLiteral)):
        raise user_error(f"{what}: a str column with other={other} is an object column in "
                         "pandas once a row is replaced, which hpjit does not support")

    if omitted:
        def without(s, cond, other=None):
            check_aligned(s._index, cond._index)
            keep = cond._data == keep_when
            return init_series(text_or_fill(s._data, keep, np.empty(0, np.uint8), True),
                               s._index, s)
        return without

    def with_other(s, cond, other=None):
        check_aligned(s._index, cond._index)
        keep = cond._data == keep_when
        return init_series(text_or_fill(s._data, keep, utf8_of(other), False), s._index, s)
    return with_other


method(SeriesType, "where", ELEMENTWISE, parallel=True)(_where(True, "Series.where"))
method(SeriesType, "mask", ELEMENTWISE, parallel=True)(_where(False, "Series.mask"))


# --- astype ----------------------------------------------------------------------

_NULLABLE = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
             "Float32", "Float64", "boolean"}
_PYTHON = {int: np.dtype(np.int64), float: np.dtype(np.float64), bool: np.dtype(np.bool_)}


def target_dtype(t, what):
    """``("numpy" | "masked", numpy dtype)`` of an ``astype`` argument."""
    v = const_value(t)
    if isinstance(v, str):
        if v in _NULLABLE:
            return "masked", pd.api.types.pandas_dtype(v).numpy_dtype
        try:
            dt = np.dtype(v)
        except TypeError:
            dt = None
        if dt is not None and dt.kind in "iufb":
            return "numpy", dt
        raise user_error(f"{what}: hpjit converts to number and bool dtypes (and their nullable "
                         f"forms), not {v!r}")
    if isinstance(t, types.NumberClass):
        return "numpy", numpy_support.as_dtype(t.instance_type)
    if isinstance(t, types.DType):
        return "numpy", numpy_support.as_dtype(t.dtype)
    key = getattr(t, "typing_key", None)
    if key in _PYTHON:
        return "numpy", _PYTHON[key]
    raise user_error(f"{what}: hpjit needs a constant dtype (a string such as 'float64' or "
                     f"'Int64', or np.float64), got {t}")


@register_jitable
def _check_finite(a):
    for i in range(len(a)):
        if not np.isfinite(a[i]):
            raise ValueError("hpjit: Cannot convert non-finite values (NA or inf) to integer")


@register_jitable
def _check_integral(a, missing):
    for i in range(len(a)):
        if not missing[i] and a[i] != np.floor(a[i]):
            raise ValueError("hpjit: cannot safely cast non-equivalent float to int")


@register_jitable
def _check_present(mask):
    if mask.any():
        raise ValueError("hpjit: cannot convert NA to a numpy integer or bool (use a nullable "
                         "dtype such as 'Int64', or float)")


def converter(col, target, what):
    """A jitted ``f(column) -> column`` converting a column of type ``col`` to ``target``."""
    kind, dt = target
    to_int = dt.kind in "iu"
    if isinstance(col, types.Array) and isinstance(col.dtype, (types.Number, types.Boolean)):
        src_float = isinstance(col.dtype, types.Float)
        if kind == "numpy":
            if src_float and to_int:
                def f(a):
                    _check_finite(a)
                    return a.astype(dt)
                return register_jitable(f)
            return register_jitable(lambda a: a.astype(dt))
        if src_float and dt.kind == "b":
            raise user_error(f"{what}: float to 'boolean' is not supported by hpjit")
        if src_float:
            def g(a):
                m = np.isnan(a)
                if to_int:
                    _check_integral(a, m)
                return make_masked(np.where(m, 0, a).astype(dt), m)
            return register_jitable(g)
        return register_jitable(lambda a: make_masked(a.astype(dt), np.zeros(len(a), np.bool_)))
    if isinstance(col, MaskedArrayType):
        if kind == "numpy" and dt.kind == "f":
            def h(a):
                out = a._values.astype(dt)
                out[a._mask] = np.nan
                return out
            return register_jitable(h)
        if kind == "numpy":
            def k(a):
                _check_present(a._mask)
                return a._values.astype(dt)
            return register_jitable(k)
        if to_int and isinstance(col.dtype, types.Float):
            def m(a):
                _check_integral(a._values, a._mask)
                return make_masked(np.where(a._mask, 0, a._values).astype(dt), a._mask.copy())
            return register_jitable(m)
        return register_jitable(lambda a: make_masked(a._values.astype(dt), a._mask.copy()))
    raise user_error(f"{what}: hpjit converts number and bool columns (and their nullable "
                     f"forms), not {col} to {dt}")


def _errors(errors, what):
    if const_value(errors, "raise") != "raise":
        raise user_error(f"{what}: hpjit supports errors='raise' only")


@method(SeriesType, "astype", ELEMENTWISE, prefer_literal=True, parallel=True)
def _series_astype(s, dtype, copy=None, errors="raise"):
    what = "Series.astype"
    _errors(errors, what)
    f = converter(s.data, target_dtype(dtype, what), what)
    return lambda s, dtype, copy=None, errors="raise": init_series(f(s._data), s._index, s)


def _per_column(df, convert, params):
    """An impl of ``params`` applying ``convert[j]`` (a jitted function or None) to column j."""
    ns = dict(init_frame=init_frame, column_at=column_at)
    items = []
    for j in range(len(df.columns)):
        if convert[j] is None:
            items.append(f"column_at(df, {j})")
        else:
            ns[f"f{j}"] = convert[j]
            items.append(f"f{j}(column_at(df, {j}))")
    ns["out_t"] = df
    body = "".join(i + ", " for i in items)
    exec(f"def impl({params}):\n    return init_frame(({body}), df._index, out_t)\n", ns)
    return ns["impl"]


@method(DataFrameType, "astype", ELEMENTWISE, prefer_literal=True, parallel=True)
def _frame_astype(df, dtype, copy=None, errors="raise"):
    what = "DataFrame.astype"
    _errors(errors, what)
    v = const_value(dtype)
    if isinstance(v, dict):
        check_columns(df, tuple(v), what)
        targets = {c: target_dtype(types.literal(d) if isinstance(d, str) else d, what)
                   for c, d in v.items()}
    else:
        t = target_dtype(dtype, what)
        targets = {c: t for c in df.columns}
    convert = [converter(df.data[j], targets[c], f"{what} of column {c!r}") if c in targets
               else None for j, c in enumerate(df.columns)]
    return _per_column(df, convert, "df, dtype, copy=None, errors='raise'")


@method(DataFrameType, "round", ELEMENTWISE, prefer_literal=True, parallel=True)
def _frame_round(df, decimals=0):
    """Number columns rounded; the others unchanged, as pandas does."""
    d = _decimals(decimals, "DataFrame.round")
    convert = []
    for t in df.data:
        number = is_number_array(t) or (isinstance(t, MaskedArrayType) and
                                        isinstance(t.dtype, (types.Integer, types.Float)))
        convert.append(_unary(SeriesType(t, df.index), _rounder(t.dtype, d), "DataFrame.round")
                       if number else None)
    return _per_column(df, convert, "df, decimals=0")


@method(DataFrameType, "abs", ELEMENTWISE, parallel=True)
def _frame_abs(df):
    convert = [_unary(SeriesType(t, df.index), lambda a: np.abs(a),
                      f"DataFrame.abs of column {c!r}") for c, t in zip(df.columns, df.data)]
    return _per_column(df, convert, "df")


# --- pd.to_numeric ---------------------------------------------------------


@cached_njit(parallel=True)
def _parse_numbers(a, coerce):
    """(float64 values, the first row that is not a number or -1) of text column ``a`` as
    pandas' ``to_numeric`` reads it: missing and empty text are NaN, surrounding whitespace
    is skipped, ``inf``/``infinity`` in any case with a sign are infinities, and anything
    else that is not ``[+-]digits[.digits][e[+-]digits]`` is NaN with ``coerce`` (pandas also
    refuses ``nan``)."""
    n = len(a)
    out = np.empty(n, np.float64)
    bad = n
    at = a._data.ctypes.data
    for i in prange(n):
        out[i] = np.nan
        if str_isna(a, i):
            continue
        start, end = a._offsets[i], a._offsets[i + 1]
        if start == end:
            continue
        while start < end and (a._data[start] == 32 or 9 <= a._data[start] <= 13):
            start += 1
        while end > start and (a._data[end - 1] == 32 or 9 <= a._data[end - 1] <= 13):
            end -= 1
        value, state = parse_decimal(at, start, end)
        if state == UNDECIDED:
            value = parse_float(a._data[start:end], end - start)
        elif state == NOT_A_NUMBER:
            value = _infinity(a._data, start, end)
            if value != value:
                if not coerce:
                    bad = min(bad, i)
                continue
        out[i] = value
    return out, (bad if bad < n else -1)


@cached_njit
def _unparsable(a, i):
    """The message for row ``i`` of ``a`` that is not a number (a kernel: the decoding is
    compiled once, not in every function that converts text)."""
    start = a._offsets[i]
    return ("hpjit: pd.to_numeric: unable to parse string \""
            + utf8_to_str(a._data[start:], a._offsets[i + 1] - start)
            + "\" (errors='coerce' makes it NaN)")


@register_jitable
def _infinity(data, start, end):
    """±inf for ``[+-]inf`` or ``[+-]infinity`` in any case, else NaN."""
    negative = False
    if start < end and (data[start] == 45 or data[start] == 43):
        negative = data[start] == 45
        start += 1
    word = "infinity"
    size = end - start
    if size != 3 and size != 8:
        return np.nan
    for k in range(size):
        if data[start + k] | 32 != ord(word[k]):
            return np.nan
    return -np.inf if negative else np.inf


@function(pd.to_numeric, ELEMENTWISE, prefer_literal=True, jit_options={"parallel": True})
def _to_numeric(arg, errors="raise", downcast=None):
    """``pd.to_numeric(s, errors=)``: number columns as they are; text as float64. pandas
    makes text int64 when every value is an integer, which only the data can say; hpjit types
    it float64 (README, where pandas' dtype depends on the values)."""
    if not isinstance(arg, SeriesType):
        raise user_error(f"pd.to_numeric: hpjit converts a Series, not {arg}")
    how = const_value(errors)
    if how not in ("raise", "coerce"):
        raise user_error(f"pd.to_numeric: errors= must be 'raise' or 'coerce' written in the "
                         f"code, not {errors}")
    if not (downcast is None or isinstance(downcast, (types.NoneType, types.Omitted))):
        raise user_error("pd.to_numeric: downcast= is not supported by hpjit")
    data = arg.data
    if isinstance(getattr(data, "dtype", None), (types.Number, types.Boolean)):
        return lambda arg, errors="raise", downcast=None: arg
    if not isinstance(data, StringArrayType):
        raise user_error(f"pd.to_numeric of a {data} column is not supported by hpjit (numbers "
                         f"and text are)")
    coerce = how == "coerce"

    def impl(arg, errors="raise", downcast=None):
        out, bad = _parse_numbers(arg._data, coerce)
        if bad >= 0:
            raise ValueError(_unparsable(arg._data, bad))
        return init_series(out, arg._index, arg)
    return impl
