"""Row-sized arrays in huge pages.

numpy advises the kernel to back its large arrays with 2 MiB pages; arrays made in
compiled code come from numba's allocator (``malloc``), which does not, so each 4 KiB
of a fresh array costs a page fault when first written. For the arrays of one value
per row that kernels write (group numbers, gathers, sort permutations) that was most
of the time: numbering 10M rows by a 1000-key table took 28 ms, of which 21 were
faults; advised, 7 ms.
"""
import sys

import numpy as np
from numba import types
from numba.extending import register_jitable

#: ``madvise`` resolved by name when the code is linked, so compiled callers stay cacheable
_madvise = types.ExternalFunction("madvise", types.intc(types.uintp, types.uintp, types.intc))
_LINUX = sys.platform.startswith("linux")
_MADV_HUGEPAGE = 14
_PAGE = 4096
_LARGE = 4 << 20


@register_jitable
def advise_huge_pages(a):
    """Ask for huge pages under array ``a`` when it is large (Linux; advice only)."""
    nbytes = a.size * a.itemsize
    if _LINUX and nbytes >= _LARGE:
        addr = a.ctypes.data
        start = (addr + _PAGE - 1) // _PAGE * _PAGE
        _madvise(start, addr + nbytes - start, _MADV_HUGEPAGE)


@register_jitable
def empty_rows(n, dtype):
    """``np.empty(n, dtype)`` for an array of one value per row, in huge pages when large."""
    a = np.empty(n, dtype)
    advise_huge_pages(a)
    return a
