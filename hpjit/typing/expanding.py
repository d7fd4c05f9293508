"""``s.expanding(min_periods=1)`` and its ``sum mean min max count std var``: every row's window
holds all the rows up to it, NaN where it holds fewer than ``min_periods`` present values.

The kernels (``runtime.window_kernels``) keep pandas' running state — count, compensated sum,
Welford's mean and squared deviations, extremes — so under MPI a block continues from the state
of the ranks before it (``block_state`` of each rank, joined by the twin in
``frame_collectives``) and no rows move (rule ``ROWS``). The joined state carries no
compensation, so past the first rank results can differ from pandas' in the last bits.
"""
from numba import types
from numba.core import cgutils
from numba.extending import (box, intrinsic, make_attribute_wrapper, models, register_jitable,
                             register_model)

from hpjit.core.generated import named
from hpjit.core.pyobjects import call_py
from hpjit.errors import user_error
from hpjit.runtime.window_kernels import expanding_kernel, no_state
from hpjit.typing.operations import ELEMENTWISE, ROWS, method
from hpjit.typing.rolling import METHODS, window_values, windowed
from hpjit.typing.series import SeriesType, init_series


class ExpandingType(types.Type):
    """``s.expanding(min_periods)`` of Series type ``series``."""

    def __init__(self, series):
        self.series = series
        super().__init__(name=f"Expanding({series})")


@register_model(ExpandingType)
class _ExpandingModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("series", fe_type.series),
                                        ("min_periods", types.int64)])


make_attribute_wrapper(ExpandingType, "series", "_series")
make_attribute_wrapper(ExpandingType, "min_periods", "_min_periods")


@intrinsic
def make_expanding(typingctx, series, min_periods):
    def codegen(context, builder, sig, args):
        r = cgutils.create_struct_proxy(sig.return_type)(context, builder)
        r.series = args[0]
        r.min_periods = context.cast(builder, args[1], sig.args[1], types.int64)
        context.nrt.incref(builder, series, args[0])
        return r._getvalue()
    return ExpandingType(series)(series, min_periods), codegen


def _to_pandas(series, min_periods):
    return series.expanding(min_periods=min_periods)


@box(ExpandingType)
def _box_expanding(typ, val, c):
    """An expanding window returned to Python is pandas' own, over the boxed Series."""
    r = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    c.context.nrt.incref(c.builder, typ.series, r.series)
    series = c.box(typ.series, r.series)
    min_periods = c.box(types.int64, r.min_periods)
    res = call_py(c, _to_pandas, series, min_periods)
    for o in (series, min_periods):
        c.pyapi.decref(o)
    c.context.nrt.decref(c.builder, typ, val)
    return res


@method(SeriesType, "expanding", ELEMENTWISE)
def _series_expanding(s, min_periods=1):
    if not windowed(s.data):
        raise user_error(f"Series.expanding is supported by hpjit for int, float and bool "
                         f"columns (and their nullable forms), not {s.data}")
    if not isinstance(min_periods, (types.Integer, types.Omitted, int)):
        raise user_error(f"Series.expanding: min_periods must be an integer, not {min_periods}")
    return lambda s, min_periods=1: make_expanding(s, min_periods)


def expanding_impl(r, name, state_before):
    """``impl(r)`` of ``r.<name>()``; ``state_before(a)`` is the state
    (``window_kernels.block_state``) of the rows before this block (ranks before this one)."""
    kernel = expanding_kernel(name)

    def impl(r):
        s = r._series
        if r._min_periods < 0:
            raise ValueError("min_periods must be >= 0")
        a = window_values(s._data)
        return init_series(kernel(a, state_before(a), r._min_periods)[0], s._index, s)
    return named(impl, "expanding", name, state_before)


@register_jitable
def no_rows_before(a):
    """One process: nothing before this block."""
    return no_state()


def _declare(name):
    method(ExpandingType, name, ROWS, form=f"frame_collectives.dist_expanding_{name}")(
        lambda r: expanding_impl(r, name, no_rows_before))


for _name in METHODS:
    _declare(_name)
