"""``@kernel``: the analytics kernels' ``njit``: cached on disk (they compile for seconds each
and are the same in every process), keyed by hpjit's sources and the MPI handles that
``WORLD`` variants bake in (``hpjit.core.kernel.cached_njit``)."""
from hpjit.core.kernel import cached_njit


def kernel(fn=None, *, parallel=False, error_model="python"):
    """``@kernel`` or ``@kernel(parallel=True)``: a cached ``njit`` function (``error_model=
    'numpy'``: a float division by zero gives inf/NaN, as numpy's, instead of raising)."""
    return cached_njit(fn, parallel=parallel, world=True, error_model=error_model)
