"""``s.expanding(min_periods=1)`` and its ``sum mean min max count std var``: every row's window
holds all the rows up to it, NaN where it holds fewer than ``min_periods`` present values.

The window's state is a running count, sum, sum of squares and extremes (``_add``), so under
MPI a block continues from the state of the ranks before it (``block_state`` of each rank,
combined by the twin in ``frame_collectives``) and no rows move (rule ``ROWS``).
"""
import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import (box, intrinsic, make_attribute_wrapper, models, register_jitable,
                             register_model)

from hpjit.core.generated import gen_impl, named
from hpjit.core.pyobjects import call_py
from hpjit.errors import user_error
from hpjit.typing.operations import ELEMENTWISE, ROWS, method
from hpjit.typing.rolling import METHODS, WINDOW_RESULT, window_values, windowed
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


@register_jitable
def _add(x, cnt, t, q, lo, hi):
    """The window state with value ``x`` added (a missing one leaves it as it is)."""
    if x == x:
        t += x
        q += x * x
        lo = x if cnt == 0 else min(lo, x)
        hi = x if cnt == 0 else max(hi, x)
        cnt += 1
    return cnt, t, q, lo, hi


@register_jitable
def block_state(a):
    """``(rows, present, sum, sum of squares, least, greatest)`` of a block: what the blocks
    after it continue from (least/greatest are NaN when nothing is present)."""
    cnt, t, q, lo, hi = 0, 0.0, 0.0, np.nan, np.nan
    for j in range(len(a)):
        cnt, t, q, lo, hi = _add(np.float64(a[j]), cnt, t, q, lo, hi)
    return len(a), cnt, t, q, lo, hi


@register_jitable
def no_state(a):
    """One process: nothing before this block."""
    return 0, 0, 0.0, 0.0, np.nan, np.nan


def _kernel(name):
    """``f(c, rows, cnt, t, q, lo, hi, min_periods)``: expanding ``name`` of column ``c``
    continued from the state of the rows before it."""
    empty_ok = name in ("sum", "count")
    held = "rows + j + 1" if name == "count" else "cnt"  # count: pandas checks the rows held
    result = {"min": "lo", "max": "hi"}.get(name, WINDOW_RESULT.get(name))
    return register_jitable(gen_impl(
        "def impl(c, rows, cnt, t, q, lo, hi, min_periods):\n"
        "    out = np.empty(len(c), np.float64)\n"
        "    for j in range(len(c)):\n"
        "        cnt, t, q, lo, hi = add(np.float64(c[j]), cnt, t, q, lo, hi)\n"
        f"        ok = {held} >= min_periods and (cnt > 0 or EMPTY_OK)\n"
        f"        out[j] = ({result}) if ok else np.nan\n"
        "    return out\n", np=np, add=_add, EMPTY_OK=empty_ok, key=("expanding", name)))


def expanding_impl(r, name, state_before):
    """``impl(r)`` of ``r.<name>()``; ``state_before(a)`` is the ``block_state`` of the rows
    before this block (ranks before this one)."""
    kernel = _kernel(name)

    def impl(r):
        s = r._series
        if r._min_periods < 0:
            raise ValueError("min_periods must be >= 0")
        a = window_values(s._data)
        rows, cnt, t, q, lo, hi = state_before(a)
        return init_series(kernel(a, rows, cnt, t, q, lo, hi, r._min_periods), s._index, s)
    return named(impl, "expanding", name, state_before)


def _declare(name):
    method(ExpandingType, name, ROWS, form=f"frame_collectives.dist_expanding_{name}")(
        lambda r: expanding_impl(r, name, no_state))


for _name in METHODS:
    _declare(_name)
