"""``@kernel``: numba's ``njit`` with an on-disk cache that is sound for hpjit's kernels.

Analytics kernels compile for seconds each and are the same in every process, so
they are cached in ``__pycache__`` like ``cache=True`` functions, with two
additions to numba's cache key: a hash of hpjit's sources (numba only watches
the kernel's own file, so an edit to ``comm.py`` would otherwise load stale
code), and the MPI handles baked into ``WORLD`` variants (equal in
every process of one MPI library, MPICH's being constants). ``WORLD`` kernels ask
MPI for the rank and size at run time, so one cached kernel serves any world.
"""
from numba import njit
from numba.core.caching import FunctionCache

_STAMP = []


def _stamp():
    """Hash of hpjit's sources (as ``cache.cached_njit`` keys the runtime kernels), and the
    MPI handles when MPI is in use."""
    if not _STAMP:
        from hpjit.cache import stamp
        from hpjit.runtime import mpi
        handles = tuple(sorted(mpi.handles().items())) if mpi.is_distributed() else None
        _STAMP.append((stamp(), handles))
    return _STAMP[0]


class _KernelCache(FunctionCache):
    def _index_key(self, sig, codegen):
        return super()._index_key(sig, codegen) + (_stamp(),)


def kernel(fn=None, *, parallel=False, error_model="python"):
    """``@kernel`` or ``@kernel(parallel=True)``: a cached ``njit`` function (``error_model=
    'numpy'``: a float division by zero gives inf/NaN, as numpy's, instead of raising)."""
    def wrap(f):
        disp = njit(f, parallel=parallel, cache=True, error_model=error_model)
        disp._cache = _KernelCache(f)
        return disp
    return wrap(fn) if fn is not None else wrap
