"""Keep numba's import-time BLAS probe from importing scipy.linalg.

When numba first loads its target (the first compile, or the first load of
cached code in a process), ``numba.np.arraymath`` calls ``ensure_blas()`` once
at import to decide whether ``np.dot`` of vectors may use BLAS, and that
imports ``scipy.linalg`` — 0.1–0.3 s, most of a cached first call. Whether
scipy's ``cython_blas`` module exists answers the same question without
importing it. Nothing else changes: numba's linear-algebra overloads still
call the real ``ensure_blas`` when they compile (scipy imported, its integer
width checked), and compiled code resolves BLAS functions on their first call.
"""
import importlib.util
import os
import sys
from numba.np import linalg


def _cython_blas_present():
    spec = importlib.util.find_spec("scipy")
    for root in (spec.submodule_search_locations or []) if spec else []:
        folder = os.path.join(root, "linalg")
        if os.path.isdir(folder) and any(f.startswith("cython_blas.")
                                         for f in os.listdir(folder)):
            return
    raise ImportError("scipy 0.16+ is required for linear algebra")


def import_arraymath_lazily():
    """Import ``numba.np.arraymath`` with a probe that finds scipy's BLAS without importing it."""
    if "numba.np.arraymath" in sys.modules:
        return
    real = linalg.ensure_blas
    linalg.ensure_blas = _cython_blas_present
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        linalg.ensure_blas = real
