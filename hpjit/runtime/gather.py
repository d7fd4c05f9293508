"""Row gathers across threads.

numba runs a ``prange`` in parallel only in a function jitted with ``parallel=True``; in an
overload's implementation (``take_rows``) it is a plain ``range``. So the gathers that
joins, sorts and filters spend their time in are such functions, called from the overloads.
"""
from numba import prange

from hpjit.cache import cached_njit
from hpjit.runtime.memory import empty_rows


@cached_njit(parallel=True)
def gather(a, idx):
    """``a[idx]`` of a 1-d array and non-negative ``idx``; a copy when ``idx`` is
    ``0..len(a)-1`` (a join in which every row found one match), which one sequential pass
    stopping at the first row out of place finds."""
    n = len(idx)
    same = n == len(a)
    j = 0
    while same and j < n:
        same = idx[j] == j
        j += 1
    out = empty_rows(n, a.dtype)
    if same:
        out[:] = a
        return out
    for j in prange(n):
        out[j] = a[idx[j]]
    return out
