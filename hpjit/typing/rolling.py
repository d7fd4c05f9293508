"""``s.rolling(window, min_periods=)`` and its ``sum mean min max count std var``: a trailing
window of ``window`` rows, NaN where it holds fewer than ``min_periods`` present values (pandas'
default: the whole window). A nullable number column is windowed as pandas does it: as float64
with NaN for its missing values (``window_values``).

The first ``window - 1`` rows of a block need the rows before it, which under MPI are on the
ranks before: the kernel takes them as a column (``before``: empty on one process; the twins in
``frame_collectives`` fetch exactly ``window - 1`` rows from however many ranks they span), so
nothing else moves (rule ``ROWS``). The kernels (``runtime.window_kernels``) do pandas' own
arithmetic; a block after the first starts its sums over at those rows, where pandas carries
its compensation from the first row, so there results can differ from pandas' in the last bits.
"""
import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import (box, intrinsic, make_attribute_wrapper, models, overload,
                             register_jitable, register_model)

from hpjit.core.generated import named
from hpjit.core.pyobjects import call_py
from hpjit.errors import user_error
from hpjit.runtime.window_kernels import rolling_kernel
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


def rolling_impl(r, name, before_rows):
    """``impl(r)`` of ``r.<name>()``; ``before_rows(column, k)`` gives the ``k`` rows before
    this block."""
    kernel = rolling_kernel(name)

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
