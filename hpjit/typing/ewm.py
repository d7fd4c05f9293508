"""``s.ewm(com=|span=|halflife=|alpha=, min_periods=, adjust=, ignore_na=).mean()``: pandas'
exponentially weighted mean, row by row with its own recurrence (a running mean ``m`` and
weight ``w``; ``nobs`` present values so far).

Under MPI a block continues from the state at the end of the ranks before it. Each rank sums
its block up in a few numbers (``block_summary``) — with ``adjust=True`` the weighted sum and
weight are linear in the incoming ones; with ``adjust=False`` the mean after the block's first
value is affine in the mean before — and a rank composes the summaries of the ranks before it
(``state_after``): one allgather of nine numbers per rank, no rows move (rule ``ROWS``).
"""
import math

import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, make_attribute_wrapper, models, register_jitable, register_model

from hpjit.core.generated import named
from hpjit.errors import user_error
from hpjit.typing.constants import const_value
from hpjit.typing.operations import ELEMENTWISE, ROWS, method
from hpjit.typing.series import SeriesType, init_series

#: the length of ``block_summary``'s array
SUMMARY = 9


class EwmType(types.Type):
    """``s.ewm(...)`` of Series type ``series``; ``adjust`` and ``ignore_na`` are constants
    (they choose the recurrence)."""

    def __init__(self, series, adjust, ignore_na):
        self.series = series
        self.adjust = adjust
        self.ignore_na = ignore_na
        super().__init__(name=f"Ewm({series}, adjust={adjust}, ignore_na={ignore_na})")


@register_model(EwmType)
class _EwmModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("series", fe_type.series), ("alpha", types.float64),
                                        ("min_periods", types.int64)])


make_attribute_wrapper(EwmType, "series", "_series")
make_attribute_wrapper(EwmType, "alpha", "_alpha")
make_attribute_wrapper(EwmType, "min_periods", "_min_periods")


def _make(adjust, ignore_na):
    @intrinsic
    def make(typingctx, series, alpha, min_periods):
        typ = EwmType(series, adjust, ignore_na)

        def codegen(context, builder, sig, args):
            r = cgutils.create_struct_proxy(typ)(context, builder)
            r.series = args[0]
            r.alpha = context.cast(builder, args[1], sig.args[1], types.float64)
            r.min_periods = context.cast(builder, args[2], sig.args[2], types.int64)
            context.nrt.incref(builder, series, args[0])
            return r._getvalue()
        return typ(series, alpha, min_periods), codegen
    return make


_MAKERS = {(a, i): _make(a, i) for a in (True, False) for i in (True, False)}


def _given(v):
    return v is not None and not isinstance(v, (types.NoneType, types.Omitted))


@register_jitable
def _alpha_of(com, span, halflife, alpha, which):
    if which == 0:
        if com < 0:
            raise ValueError("comass must satisfy: comass >= 0")
        return 1.0 / (1.0 + com)
    if which == 1:
        if span < 1:
            raise ValueError("span must satisfy: span >= 1")
        return 2.0 / (span + 1.0)
    if which == 2:
        if halflife <= 0:
            raise ValueError("halflife must satisfy: halflife > 0")
        return 1.0 - math.exp(-math.log(2.0) / halflife)
    if alpha <= 0 or alpha > 1:
        raise ValueError("alpha must satisfy: 0 < alpha <= 1")
    return float(alpha)


@method(SeriesType, "ewm", ELEMENTWISE)
def _series_ewm(s, com=None, span=None, halflife=None, alpha=None, min_periods=0, adjust=True,
                ignore_na=False):
    if not (isinstance(s.data, types.Array) and
            isinstance(s.data.dtype, (types.Integer, types.Float, types.Boolean))):
        raise user_error(f"Series.ewm is supported by hpjit for int, float and bool columns, "
                         f"not {s.data}")
    given = [k for k, v in enumerate((com, span, halflife, alpha)) if _given(v)]
    if len(given) != 1:
        raise user_error("Series.ewm: give exactly one of com=, span=, halflife= or alpha= "
                         "(a number of rows; halflife with times= is not supported)")
    flags = [const_value(adjust, True), const_value(ignore_na, False)]
    if not all(isinstance(f, bool) for f in flags):
        raise user_error("Series.ewm: adjust= and ignore_na= must be the constants True or False")
    make = _MAKERS[tuple(flags)]
    return _BY_PARAMETER[given[0]](make)


def _by_com(make):
    return lambda s, com=None, span=None, halflife=None, alpha=None, min_periods=0, \
        adjust=True, ignore_na=False: make(s, _alpha_of(com, 0.0, 0.0, 0.0, 0), min_periods)


def _by_span(make):
    return lambda s, com=None, span=None, halflife=None, alpha=None, min_periods=0, \
        adjust=True, ignore_na=False: make(s, _alpha_of(0.0, span, 0.0, 0.0, 1), min_periods)


def _by_halflife(make):
    return lambda s, com=None, span=None, halflife=None, alpha=None, min_periods=0, \
        adjust=True, ignore_na=False: make(s, _alpha_of(0.0, 0.0, halflife, 0.0, 2), min_periods)


def _by_alpha(make):
    return lambda s, com=None, span=None, halflife=None, alpha=None, min_periods=0, \
        adjust=True, ignore_na=False: make(s, _alpha_of(0.0, 0.0, 0.0, alpha, 3), min_periods)


_BY_PARAMETER = (_by_com, _by_span, _by_halflife, _by_alpha)


@register_jitable
def _decays(x, has, ignore_na):
    return has and (x == x or not ignore_na)


@register_jitable
def block_summary(c, alpha, adjust, ignore_na):
    """The block ``c`` summed up for the blocks after it, as float64 ``[decaying rows up to
    its last value (all if none), present values, weighted sum and weight at its last value
    from no state (adjust=True); decaying rows before its first value, the first value, A, B
    with the mean at its last value = A * the mean at its first + B (adjust=False); decaying
    rows after its last value]``."""
    lam = 1.0 - alpha
    d = d_last = 0
    s_last = w_last = 0.0
    nobs = 0
    s_loc = 0.0
    w_loc = 0.0
    g = 0
    x1 = np.nan
    coef_a, coef_b = 1.0, 0.0
    t = 0
    w_run = 1.0
    for j in range(len(c)):
        x = np.float64(c[j])
        obs = x == x
        if obs or not ignore_na:
            d += 1
            s_loc *= lam
            w_loc *= lam
        if obs:
            s_loc += x
            w_loc += 1.0
            d_last, s_last, w_last = d, s_loc, w_loc
            if nobs == 0:
                x1 = x
            else:
                w = w_run * lam
                coef_a, coef_b = (w / (w + alpha) * coef_a,
                                  w / (w + alpha) * coef_b + alpha * x / (w + alpha))
            nobs += 1
            w_run = 1.0
            t = 0
        elif not ignore_na:
            if nobs == 0:
                g += 1
            else:
                t += 1
                w_run *= lam
    if nobs == 0:
        d_last = d
    return np.array([d_last, nobs, s_last, w_last, g, x1, coef_a, coef_b, t], np.float64)


@register_jitable
def state_after(summaries, k, alpha, adjust):
    """``(mean, weight, present values)`` after the first ``k`` blocks (``summaries``: their
    ``block_summary`` arrays end to end), in pandas' terms: weight is its ``old_wt``."""
    lam = 1.0 - alpha
    m, w, nobs = np.nan, 0.0, 0
    for r in range(k):
        b = summaries[SUMMARY * r:SUMMARY * (r + 1)]
        if b[1] == 0:  # no value: the weight decays, the mean stays (even at weight 0)
            w = w * lam ** b[0] if nobs > 0 else w
        elif adjust:  # weighted sum and weight at the block's last value: linear in the
            s = lam ** b[0] * (m * w if nobs > 0 else 0.0) + b[2]  # incoming ones
            w = lam ** b[0] * (w if nobs > 0 else 0.0) + b[3]
            nobs += np.int64(b[1])
            m = s / w
            w *= lam ** b[8]
        else:
            if nobs > 0:
                wd = w * lam ** (b[4] + 1)
                m1 = (wd * m + alpha * b[5]) / (wd + alpha) if m != b[5] else m
            else:
                m1 = b[5]
            m = b[6] * m1 + b[7]
            w = lam ** b[8]
            nobs += np.int64(b[1])
    return m, w, nobs


@register_jitable
def no_state(c, alpha, adjust, ignore_na):
    """One process: nothing before this block."""
    return np.nan, 0.0, 0


@register_jitable
def ewm_rows(c, alpha, adjust, ignore_na, min_periods, m, w, nobs):
    """pandas' recurrence over block ``c`` from state ``(m, w, nobs)``; float64 per row."""
    lam = 1.0 - alpha
    new_wt = 1.0 if adjust else alpha
    minp = max(min_periods, 1)
    has = nobs > 0
    out = np.empty(len(c), np.float64)
    for j in range(len(c)):
        x = np.float64(c[j])
        obs = x == x
        nobs += obs
        if _decays(x, has, ignore_na):
            w *= lam
            if obs:
                if m != x:
                    m = (w * m + new_wt * x) / (w + new_wt)
                w = w + new_wt if adjust else 1.0
        elif obs:
            m, w, has = x, 1.0, True
        out[j] = m if has and nobs >= minp else np.nan
    return out


def ewm_mean_impl(e, state_before):
    """``impl(e)`` of ``e.mean()``; ``state_before(column, alpha, adjust, ignore_na)`` is the
    state at the end of the rows before this block."""
    adjust, ignore_na = e.adjust, e.ignore_na

    def impl(e):
        s = e._series
        if e._min_periods < 0:
            raise ValueError("min_periods must be >= 0")
        m, w, nobs = state_before(s._data, e._alpha, adjust, ignore_na)
        return init_series(ewm_rows(s._data, e._alpha, adjust, ignore_na, e._min_periods,
                                    m, w, nobs), s._index, s)
    return named(impl, "ewm_mean", adjust, ignore_na, state_before)


method(EwmType, "mean", ROWS, form="frame_collectives.dist_ewm_mean")(
    lambda e: ewm_mean_impl(e, no_state))
