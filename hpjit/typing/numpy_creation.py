"""numpy constructors whose numba versions differ from numpy's, replaced by hpjit's own.

numba's ``np.linspace`` compiled with ``parallel=True`` returns ``[nan]`` for one point
(numpy: ``[start]``). The untyped ``NumpyStatisticsPass`` swaps ``np.linspace`` for
:func:`linspace` here, which the distribution analysis also knows as an array born split.
"""
import numpy as np
from numba import types
from numba.extending import overload

from hpjit.errors import user_error


def linspace(start, stop, num=50, endpoint=True):
    """numpy's ``linspace``: ``start + k * step``, the last point exactly ``stop``."""


@overload(linspace, prefer_literal=True)
def _linspace(start, stop, num=50, endpoint=True):
    if not isinstance(num, (types.Integer, types.Omitted, int)):
        raise user_error(f"np.linspace: num= must be an integer, not {num}")

    def impl(start, stop, num=50, endpoint=True):
        return linspace_part(start, stop, num, endpoint, 0, num)
    return impl


def linspace_part(start, stop, num, endpoint, lo, hi):
    """Points ``lo:hi`` of ``np.linspace(start, stop, num, endpoint)``."""


@overload(linspace_part)
def _linspace_part(start, stop, num, endpoint, lo, hi):
    def impl(start, stop, num, endpoint, lo, hi):
        if num < 0:
            raise ValueError("Number of samples, -1, must be non-negative.")
        div = num - 1 if endpoint else num
        step = (stop - start) / div if div > 0 else 0.0
        out = np.empty(max(hi - lo, 0), np.float64)
        for k in range(hi - lo):
            out[k] = (lo + k) * step + start
        if endpoint and num > 1 and hi == num and hi > lo:
            out[hi - lo - 1] = stop
        return out
    return impl


#: numpy function → hpjit's (see ``transforms/numpy_statistics``)
NUMPY_CREATION = {np.linspace: linspace}
