"""``s.rolling(window, min_periods=)`` and its ``sum mean min max count std var``: a trailing
window of ``window`` rows, NaN where it holds fewer than ``min_periods`` present values (pandas'
default: the whole window). A nullable number column is windowed as pandas does it: as float64
with NaN for its missing values (``window_values``).

The first ``window - 1`` rows of a block need the rows before it, which under MPI are on the
ranks before: the kernel takes them as a column (``before``: empty on one process; the twins in
``frame_collectives`` fetch exactly ``window - 1`` rows from however many ranks they span), so
nothing else moves (rule ``ROWS``). Sums and moments slide (one add and one remove per row);
``min``/``max`` keep a monotonic queue of positions, so every method is linear in the rows.
"""
import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import (box, intrinsic, make_attribute_wrapper, models, overload,
                             register_jitable, register_model)

from hpjit.core.generated import gen_impl, named
from hpjit.core.pyobjects import call_py
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import concat_columns, slice_rows
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.constants import const_value
from hpjit.typing.numeric_methods import converter
from hpjit.typing.operations import ELEMENTWISE, ROWS, method
from hpjit.typing.series import SeriesType, init_series

#: the methods of a rolling (and an expanding) window
METHODS = ("sum", "mean", "min", "max", "count", "std", "var")
#: the methods of a rolling window only: they need the window's values in order
ORDER_METHODS = ("median",)


def windowed(t):
    """Whether window methods take column type ``t``: int, float and bool columns, and their
    nullable forms."""
    return isinstance(t, (types.Array, MaskedArrayType)) and \
        isinstance(t.dtype, (types.Integer, types.Float, types.Boolean))


def window_values(a):
    """The values the window kernels read: the column itself, or for a nullable one float64
    with NaN where a value is missing (pandas windows those as float64 too)."""


@overload(window_values)
def _window_values(a):
    if isinstance(a, types.Array):
        return lambda a: a
    as_float = converter(a, ("numpy", np.dtype(np.float64)), "window")  # astype('float64')
    return lambda a: as_float(a)


class RollingType(types.Type):
    """``s.rolling(window, min_periods)`` of Series type ``series``."""

    def __init__(self, series):
        self.series = series
        super().__init__(name=f"Rolling({series})")


@register_model(RollingType)
class _RollingModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("series", fe_type.series), ("window", types.int64),
                                        ("min_periods", types.int64)])


make_attribute_wrapper(RollingType, "series", "_series")
make_attribute_wrapper(RollingType, "window", "_window")
make_attribute_wrapper(RollingType, "min_periods", "_min_periods")


@intrinsic
def make_rolling(typingctx, series, window, min_periods):
    def codegen(context, builder, sig, args):
        r = cgutils.create_struct_proxy(sig.return_type)(context, builder)
        r.series = args[0]
        r.window = context.cast(builder, args[1], sig.args[1], types.int64)
        r.min_periods = context.cast(builder, args[2], sig.args[2], types.int64)
        context.nrt.incref(builder, series, args[0])
        return r._getvalue()
    return RollingType(series)(series, window, min_periods), codegen


def _to_pandas(series, window, min_periods):
    return series.rolling(window, min_periods=min_periods)


@box(RollingType)
def _box_rolling(typ, val, c):
    """A rolling window returned to Python is pandas' own, over the boxed Series."""
    r = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    c.context.nrt.incref(c.builder, typ.series, r.series)  # boxing the Series consumes it
    series = c.box(typ.series, r.series)
    window = c.box(types.int64, r.window)
    min_periods = c.box(types.int64, r.min_periods)
    res = call_py(c, _to_pandas, series, window, min_periods)
    for o in (series, window, min_periods):
        c.pyapi.decref(o)
    c.context.nrt.decref(c.builder, typ, val)
    return res


@method(SeriesType, "rolling", ELEMENTWISE)
def _series_rolling(s, window, min_periods=None, center=False):
    if not windowed(s.data):
        raise user_error(f"Series.rolling is supported by hpjit for int, float and bool columns "
                         f"(and their nullable forms), not {s.data}")
    if not isinstance(window, types.Integer):
        raise user_error(f"Series.rolling: hpjit takes a window of a number of rows, not {window}")
    if const_value(center, False) is not False:
        raise user_error("Series.rolling: center=True is not supported by hpjit yet")
    if min_periods is None or isinstance(min_periods, (types.NoneType, types.Omitted)):
        return lambda s, window, min_periods=None, center=False: make_rolling(s, window, window)
    return lambda s, window, min_periods=None, center=False: make_rolling(s, window, min_periods)


@register_jitable
def no_rows_before(a, k):
    """One process: no rows before this block."""
    return slice_rows(a, 0, 0)


#: each sliding method's value from the window's present count ``cnt``, sum ``t`` and sum of
#: squares ``q``
WINDOW_RESULT = {"sum": "t", "mean": "t / cnt", "count": "float(cnt)",
           "var": "(q - t * t / cnt) / (cnt - 1) if cnt > 1 else np.nan",
           "std": "np.sqrt(max((q - t * t / cnt) / (cnt - 1), 0.0)) if cnt > 1 else np.nan"}


def _moment_kernel(name):
    """``f(c, n_before, window, min_periods)``: rolling ``name`` of column ``c`` whose first
    ``n_before`` rows precede this block (their results are not returned)."""
    empty_ok = name in ("sum", "count")  # an empty window's sum is 0, its count 0
    # count checks min_periods against the window's rows, present or not (pandas' rule)
    held = "min(j + 1, window)" if name == "count" else "cnt"
    return register_jitable(gen_impl(
        "def impl(c, n_before, window, min_periods):\n"
        "    out = np.empty(len(c) - n_before, np.float64)\n"
        "    t = 0.0\n    q = 0.0\n    cnt = 0\n"
        "    for j in range(len(c)):\n"
        "        x = c[j]\n"
        "        if x == x:\n            t += x\n            q += x * x\n            cnt += 1\n"
        "        if j >= window:\n            y = c[j - window]\n"
        "            if y == y:\n                t -= y\n                q -= y * y\n"
        "                cnt -= 1\n"
        "        if j >= n_before:\n"
        f"            ok = {held} >= min_periods and (cnt > 0 or EMPTY_OK)\n"
        f"            out[j - n_before] = ({WINDOW_RESULT[name]}) if ok else np.nan\n"
        "    return out\n", np=np, EMPTY_OK=empty_ok, key=name))


def _extreme_kernel(is_min):
    """``f(c, n_before, window, min_periods)``: rolling min (max) by a monotonic queue of
    positions."""
    def impl(c, n_before, window, min_periods):
        n = len(c) - n_before
        out = np.empty(n, np.float64)
        queue = np.empty(len(c), np.int64)
        head, tail = 0, 0
        cnt = 0
        for j in range(len(c)):
            x = c[j]
            if x == x:
                cnt += 1
                while tail > head and ((c[queue[tail - 1]] >= x) if is_min
                                       else (c[queue[tail - 1]] <= x)):
                    tail -= 1
                queue[tail] = j
                tail += 1
            if j >= window:
                if c[j - window] == c[j - window]:
                    cnt -= 1
                while tail > head and queue[head] <= j - window:
                    head += 1
            if j >= n_before:
                ok = cnt >= min_periods and tail > head
                out[j - n_before] = c[queue[head]] if ok else np.nan
        return out
    return register_jitable(named(impl, is_min))


@register_jitable
def _median_kernel(c, n_before, window, min_periods):
    """``f(c, n_before, window, min_periods)``: rolling median over a sorted copy of the
    window's present values (a binary search and a shift per row entering or leaving)."""
    out = np.empty(len(c) - n_before, np.float64)
    buf = np.empty(window + 1, np.float64)
    m = 0
    for j in range(len(c)):
        x = c[j]
        if x == x:
            k = np.searchsorted(buf[:m], x)
            buf[k + 1:m + 1] = buf[k:m].copy()
            buf[k] = x
            m += 1
        if j >= window:
            y = c[j - window]
            if y == y:
                k = np.searchsorted(buf[:m], y)
                buf[k:m - 1] = buf[k + 1:m].copy()
                m -= 1
        if j >= n_before:
            if m == 0 or m < min_periods:
                out[j - n_before] = np.nan
            elif m % 2 == 1:
                out[j - n_before] = buf[m // 2]
            else:
                out[j - n_before] = (buf[m // 2 - 1] + buf[m // 2]) / 2
    return out


_KERNELS = {"median": _median_kernel}


def window_kernel(name):
    """``f(c, n_before, window, min_periods)`` of window method ``name`` (made once)."""
    if name not in _KERNELS:
        _KERNELS[name] = _extreme_kernel(name == "min") if name in ("min", "max") else \
            _moment_kernel(name)
    return _KERNELS[name]


def rolling_impl(r, name, before_rows):
    """``impl(r)`` of ``r.<name>()``; ``before_rows(column, k)`` gives the ``k`` rows before
    this block."""
    kernel = window_kernel(name)

    def impl(r):
        s = r._series
        a = window_values(s._data)
        if r._window < 1:
            raise ValueError("window must be an integer 0 or greater")
        before = before_rows(a, r._window - 1)
        c = concat_columns(before, a) if len(before) else a
        return init_series(kernel(c, len(before), r._window, r._min_periods), s._index, s)
    return named(impl, name, before_rows)


def _declare(name):
    method(RollingType, name, ROWS, form=f"frame_collectives.dist_rolling_{name}")(
        lambda r: rolling_impl(r, name, no_rows_before))


for _name in METHODS + ORDER_METHODS:
    _declare(_name)
