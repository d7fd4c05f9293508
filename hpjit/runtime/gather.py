"""Row gathers across threads.

numba runs a ``prange`` in parallel only in a function jitted with ``parallel=True``; in an
overload's implementation (``take_rows``) it is a plain ``range``. So the gathers that
joins, sorts and filters spend their time in are such functions, called from the overloads.
"""
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
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
    if same:
        return a.copy()
    out = np.empty(n, a.dtype)
    for j in prange(n):
        out[j] = a[idx[j]]
    return out
