"""Row-sized arrays in huge pages, and freed ones kept for reuse.

numpy advises the kernel to back its large arrays with 2 MiB pages; arrays made in
compiled code come from numba's allocator (``malloc``), which does not, so each 4 KiB
of a fresh array costs a page fault when first written. For the arrays of one value
per row that kernels write (group numbers, gathers, sort permutations) that was most
of the time: numbering 10M rows by a 1000-key table took 28 ms, of which 21 were
faults; advised, 7 ms.

The other half of a fresh array's cost is the kernel zeroing its pages: glibc serves a
block above its mmap threshold (at most 32 MiB by default) from fresh pages and unmaps
it when freed, so every 80 MB column a kernel writes is zeroed by the kernel first.
``keep_freed_memory`` raises the threshold and the trim threshold, so that large blocks
come from the heap and a freed one is reused by the next allocation (as Arrow's jemalloc
pool does): a 10M-row merge went from 67 to 58 ms. The cost is that the process keeps its
peak heap instead of returning it to the system.
"""
import ctypes
import os
import platform
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


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_INT_MAX = (1 << 31) - 1


def keep_freed_memory():
    """Have glibc keep freed large blocks for reuse (see above); ``HPJIT_KEEP_MEMORY=0``
    leaves malloc as it is. Whether it took effect (False off glibc, or if refused)."""
    if os.environ.get("HPJIT_KEEP_MEMORY", "1") == "0" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, 1 << 30)) and bool(mallopt(_M_TRIM_THRESHOLD, _INT_MAX))


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
