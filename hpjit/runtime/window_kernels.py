"""Window kernels of ``rolling``, ``expanding`` and ``groupby().rolling``, with pandas' own
arithmetic so results agree with it bit for bit, not just to rounding.

pandas (``_libs/window/aggregations.pyx``) slides a window by removing the rows that leave it
before adding the ones that enter, and:

- sums with Kahan compensation, one compensation for adds and another for removes; a window
  whose present values are one repeated value answers that value (times the count) outright;
  a mean of values all of one sign keeps that sign;
- keeps Welford's running mean and sum of squared deviations, with a compensation of its own,
  and starts the window over when a step loses all but three digits of that sum;
- treats ``inf`` as missing (``count`` alone counts it);
- starts over at every row when windows do not overlap (a window of one row).

A rolling kernel is ``f(c, n_before, window, min_periods)`` over column ``c`` whose first
``n_before`` rows only lead into the block (under MPI: the rows of the ranks before). An
expanding kernel is ``f(c, state, min_periods)`` continuing from ``state``, the running state
of the rows before (``NO_STATE`` on one process).
"""
import math

import numpy as np
from numba.extending import register_jitable

from hpjit.core.generated import named

#: a step leaving less than this part of the squared deviations has lost all but three digits
_UNSTABLE = np.finfo(np.float64).eps * 1e3


@register_jitable
def missing(x):
    """NaN and ``inf`` are outside every window but ``count``'s."""
    return not (x - x == 0.0)


@register_jitable
def _kahan(total, comp, x):
    y = x - comp
    t = total + y
    return t, t - total - y


@register_jitable
def sum_add(x, nobs, sx, comp, run, prev, neg):
    """``x`` enters a sum's window: present count, Kahan sum and compensation, the run of
    equal values ending at ``prev``, negative values."""
    if missing(x):
        return nobs, sx, comp, run, prev, neg
    sx, comp = _kahan(sx, comp, x)
    run = run + 1 if x == prev else 1
    return nobs + 1, sx, comp, run, x, neg + (math.copysign(1.0, x) < 0)


@register_jitable
def sum_remove(x, nobs, sx, comp, neg):
    if missing(x):
        return nobs, sx, comp, neg
    sx, comp = _kahan(sx, comp, -x)
    return nobs - 1, sx, comp, neg - (math.copysign(1.0, x) < 0)


@register_jitable
def sum_result(nobs, sx, run, prev, neg, min_periods, is_mean):
    if is_mean:
        if nobs < min_periods or nobs == 0:
            return np.nan
        if run >= nobs:
            return prev
        m = sx / nobs
        if (neg == 0 and m < 0) or (neg == nobs and m > 0):
            return 0.0
        return m
    if nobs == 0 and min_periods == 0:
        return 0.0
    if nobs < min_periods:
        return np.nan
    return prev * nobs if run >= nobs else sx


@register_jitable
def var_add(x, nobs, mean, ssq, comp, unstable):
    """``x`` enters a variance's window (Welford, compensated)."""
    if missing(x):
        return nobs, mean, ssq, comp, unstable
    before = ssq
    nobs += 1
    prev_mean = mean - comp
    y = x - comp
    t = y - mean
    comp = t + mean - y
    mean = mean + t / nobs
    ssq = ssq + (x - prev_mean) * (x - mean)
    return nobs, mean, ssq, comp, unstable or before * _UNSTABLE > ssq


@register_jitable
def var_remove(x, nobs, mean, ssq, comp, unstable):
    if missing(x):
        return nobs, mean, ssq, comp, unstable
    nobs -= 1
    if nobs == 0:
        return nobs, 0.0, 0.0, comp, False
    before = ssq
    prev_mean = mean - comp
    y = x - comp
    t = y - mean
    comp = t + mean - y
    mean = mean - t / nobs
    ssq = ssq - (x - prev_mean) * (x - mean)
    return nobs, mean, ssq, comp, unstable or before * _UNSTABLE > ssq


@register_jitable
def var_result(nobs, ssq, min_periods, is_std):
    if nobs < max(min_periods, 1) or nobs <= 1:
        return np.nan
    v = ssq / (nobs - 1)
    return (0.0 if v < 0 else math.sqrt(v)) if is_std else v


def _sum_kernel(is_mean):
    def impl(c, n_before, window, min_periods):
        out = np.empty(len(c) - n_before, np.float64)
        nobs, sx, ca, cr, run, prev, neg = 0, 0.0, 0.0, 0.0, 0, np.nan, 0
        for i in range(len(c)):
            s = max(i + 1 - window, 0)
            if i == 0 or s >= i:
                nobs, sx, ca, cr, run, prev, neg = 0, 0.0, 0.0, 0.0, 0, np.nan, 0
                for j in range(s, i + 1):
                    nobs, sx, ca, run, prev, neg = sum_add(np.float64(c[j]), nobs, sx, ca,
                                                           run, prev, neg)
            else:
                if s > 0:
                    nobs, sx, cr, neg = sum_remove(np.float64(c[s - 1]), nobs, sx, cr, neg)
                nobs, sx, ca, run, prev, neg = sum_add(np.float64(c[i]), nobs, sx, ca, run,
                                                       prev, neg)
            if i >= n_before:
                out[i - n_before] = sum_result(nobs, sx, run, prev, neg, min_periods, is_mean)
        return out
    return register_jitable(named(impl, "rolling_sum", is_mean))


def _var_kernel(is_std):
    def impl(c, n_before, window, min_periods):
        out = np.empty(len(c) - n_before, np.float64)
        nobs, mean, ssq, ca, cr, unstable = 0, 0.0, 0.0, 0.0, 0.0, False
        for i in range(len(c)):
            s = max(i + 1 - window, 0)
            fresh = i == 0 or s >= i
            if not fresh:
                if s > 0:
                    nobs, mean, ssq, cr, unstable = var_remove(np.float64(c[s - 1]), nobs,
                                                               mean, ssq, cr, unstable)
                nobs, mean, ssq, ca, unstable = var_add(np.float64(c[i]), nobs, mean, ssq, ca,
                                                        unstable)
            if fresh or unstable:
                nobs, mean, ssq, ca, cr = 0, 0.0, 0.0, 0.0, 0.0
                for j in range(s, i + 1):
                    nobs, mean, ssq, ca, unstable = var_add(np.float64(c[j]), nobs, mean, ssq,
                                                            ca, unstable)
                unstable = False
            if i >= n_before:
                out[i - n_before] = var_result(nobs, ssq, min_periods, is_std)
        return out
    return register_jitable(named(impl, "rolling_var", is_std))


@register_jitable
def _count_kernel(c, n_before, window, min_periods):
    """Present values, ``inf`` included; ``min_periods`` is checked against the rows the
    window holds, present or not (pandas' rule)."""
    out = np.empty(len(c) - n_before, np.float64)
    cnt = 0
    for j in range(len(c)):
        x = c[j]
        cnt += x == x
        if j >= window:
            y = c[j - window]
            cnt -= y == y
        if j >= n_before:
            out[j - n_before] = cnt if min(j + 1, window) >= min_periods else np.nan
    return out


def _extreme_kernel(is_min):
    """Rolling min (max) by a monotonic queue of positions."""
    def impl(c, n_before, window, min_periods):
        n = len(c) - n_before
        out = np.empty(n, np.float64)
        queue = np.empty(len(c), np.int64)
        head, tail = 0, 0
        cnt = 0
        for j in range(len(c)):
            x = np.float64(c[j])
            if not missing(x):
                cnt += 1
                while tail > head and ((c[queue[tail - 1]] >= x) if is_min
                                       else (c[queue[tail - 1]] <= x)):
                    tail -= 1
                queue[tail] = j
                tail += 1
            if j >= window:
                cnt -= not missing(np.float64(c[j - window]))
                while tail > head and queue[head] <= j - window:
                    head += 1
            if j >= n_before:
                ok = cnt >= min_periods and tail > head
                out[j - n_before] = c[queue[head]] if ok else np.nan
        return out
    return register_jitable(named(impl, is_min))


@register_jitable
def _median_kernel(c, n_before, window, min_periods):
    """Rolling median over a sorted copy of the window's present values (a binary search and
    a shift per row entering or leaving)."""
    out = np.empty(len(c) - n_before, np.float64)
    buf = np.empty(window + 1, np.float64)
    m = 0
    for j in range(len(c)):
        x = np.float64(c[j])
        if not missing(x):
            k = np.searchsorted(buf[:m], x)
            buf[k + 1:m + 1] = buf[k:m].copy()
            buf[k] = x
            m += 1
        if j >= window:
            y = np.float64(c[j - window])
            if not missing(y):
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


_ROLLING = {"median": _median_kernel, "count": _count_kernel}


def rolling_kernel(name):
    """``f(c, n_before, window, min_periods)`` of window method ``name`` (made once)."""
    if name not in _ROLLING:
        _ROLLING[name] = (_extreme_kernel(name == "min") if name in ("min", "max") else
                          _sum_kernel(name == "mean") if name in ("sum", "mean") else
                          _var_kernel(name == "std"))
    return _ROLLING[name]


# --- expanding ---------------------------------------------------------------------------

#: the running state of an expanding window, as float64 at these positions
(ROWS, COUNT, LEAST, GREATEST, NOBS, SUM, MEAN, SSQ, RUN, LAST, NEG) = range(11)
STATE = 11


@register_jitable
def no_state():
    """The state of no rows."""
    st = np.zeros(STATE, np.float64)
    st[LEAST] = st[GREATEST] = st[LAST] = np.nan
    return st


@register_jitable
def join_states(a, b):
    """The state of rows ``a`` then rows ``b``: counts and sums add, means and squared
    deviations combine (Chan et al.), a run of equal values ending ``b`` extends one ending
    ``a`` when ``b`` holds nothing else."""
    st = a.copy()
    st[ROWS] += b[ROWS]
    st[COUNT] += b[COUNT]
    if b[NOBS] == 0:
        return st
    st[LEAST] = b[LEAST] if a[NOBS] == 0 else min(a[LEAST], b[LEAST])
    st[GREATEST] = b[GREATEST] if a[NOBS] == 0 else max(a[GREATEST], b[GREATEST])
    n = a[NOBS] + b[NOBS]
    d = b[MEAN] - a[MEAN]
    st[MEAN] = a[MEAN] + d * b[NOBS] / n
    st[SSQ] = a[SSQ] + b[SSQ] + d * d * a[NOBS] * b[NOBS] / n
    st[SUM] = a[SUM] + b[SUM]
    st[NEG] = a[NEG] + b[NEG]
    joined = a[NOBS] > 0 and b[RUN] == b[NOBS] and b[LAST] == a[LAST]
    st[RUN] = a[RUN] + b[RUN] if joined else b[RUN]
    st[LAST] = b[LAST]
    st[NOBS] = n
    return st


#: expanding methods, by the code their kernel is made for (``STATE_ONLY``: ``block_state``)
EXPANDING = ("sum", "mean", "var", "std", "min", "max", "count")
STATE_ONLY = -1


def _expanding_kernel(code):
    """``f(c, st, min_periods) -> (results, state after c)`` of expanding method
    ``EXPANDING[code]``, continuing from state ``st``."""
    def impl(c, st, min_periods):
        out = np.empty(len(c) if code != STATE_ONLY else 0, np.float64)
        rows, cnt = np.int64(st[ROWS]), np.int64(st[COUNT])
        lo, hi = st[LEAST], st[GREATEST]
        nobs, sx, run, prev = np.int64(st[NOBS]), st[SUM], np.int64(st[RUN]), st[LAST]
        neg = np.int64(st[NEG])
        vn, mean, ssq = nobs, st[MEAN], st[SSQ]
        ca = va = 0.0
        unstable = False
        for i in range(len(c)):
            x = np.float64(c[i])
            cnt += x == x
            if not missing(x):
                lo = x if nobs == 0 else min(lo, x)
                hi = x if nobs == 0 else max(hi, x)
            nobs, sx, ca, run, prev, neg = sum_add(x, nobs, sx, ca, run, prev, neg)
            vn, mean, ssq, va, unstable = var_add(x, vn, mean, ssq, va, unstable)
            if unstable:  # pandas starts the window over (here: from the rows before)
                vn, mean, ssq, va = np.int64(st[NOBS]), st[MEAN], st[SSQ], 0.0
                for j in range(i + 1):
                    vn, mean, ssq, va, unstable = var_add(np.float64(c[j]), vn, mean, ssq,
                                                          va, unstable)
                unstable = False
            if code == 0 or code == 1:
                out[i] = sum_result(nobs, sx, run, prev, neg, min_periods, code == 1)
            elif code == 2 or code == 3:
                out[i] = var_result(vn, ssq, min_periods, code == 3)
            elif code == 4 or code == 5:
                ok = nobs >= min_periods and nobs > 0
                out[i] = (lo if code == 4 else hi) if ok else np.nan
            elif code == 6:
                out[i] = cnt if rows + i + 1 >= min_periods else np.nan
        after = np.empty(STATE, np.float64)
        after[ROWS], after[COUNT], after[LEAST], after[GREATEST] = rows + len(c), cnt, lo, hi
        after[NOBS], after[SUM], after[MEAN], after[SSQ] = nobs, sx, mean, ssq
        after[RUN], after[LAST], after[NEG] = run, prev, neg
        return out, after
    return register_jitable(named(impl, "expanding", code))


_EXPANDING = {}


def expanding_kernel(name):
    """``f(c, st, min_periods) -> (results, state after c)`` of expanding method ``name``
    (made once; ``None``: the state alone)."""
    code = STATE_ONLY if name is None else EXPANDING.index(name)
    if code not in _EXPANDING:
        _EXPANDING[code] = _expanding_kernel(code)
    return _EXPANDING[code]


_STATE_OF = expanding_kernel(None)


@register_jitable
def block_state(c):
    """The state at the end of block ``c``, from no rows before it."""
    return _STATE_OF(c, no_state(), 0)[1]
