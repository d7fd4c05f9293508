"""hpjit: compile pandas/numpy ETL functions to native code (numba → LLVM), SPMD over MPI."""
from hpjit.core.codegen import install as _install_codegen
from hpjit.core.memory import keep_freed_memory as _keep_freed_memory
from hpjit.core.overload_cache import install as _install_overload_cache

_install_codegen()
_install_overload_cache()
_keep_freed_memory()
from hpjit.api import barrier, gatherv, get_rank, get_size, scatterv  # noqa: F401
from hpjit.api import jit  # noqa: F401
from hpjit.compiler import JitFunction  # noqa: F401
from hpjit.errors import HpjitError  # noqa: F401
from hpjit.notebook import load_ipython_extension as _load_magics

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """``%load_ext hpjit``: register the ``%%hpjit`` and ``%hpjit_explain`` magics."""
    _load_magics(ipython)

__all__ = ["jit", "JitFunction", "HpjitError", "get_rank", "get_size", "barrier", "gatherv",
           "scatterv", "load_ipython_extension"]
