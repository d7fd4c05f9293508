"""hpjit: compile pandas/numpy ETL functions to native code (numba → LLVM)."""
from hpjit.compiler import jit, JitFunction  # noqa: F401
from hpjit.errors import HpjitError  # noqa: F401

__version__ = "0.1.0"
__all__ = ["jit", "JitFunction", "HpjitError"]
