"""``hpjit.core.codegen``: an overload's library is optimised and linked into its caller, and given
to LLVM's code generator only when its machine code is asked for."""
import numba
import numpy as np
from numba.extending import overload

import hpjit  # noqa: F401  (installs the code generation settings)


def doubled(a):
    """2 * a, as an overload (numba compiles it as a library of its own, with no Python entry)."""


@overload(doubled)
def _doubled(a):
    def impl(a):
        out = np.empty_like(a)
        for i in range(len(a)):
            out[i] = 2 * a[i]
        return out
    return impl


@numba.njit
def doubled_plus_one(a):
    return doubled(a) + 1


def test_overload_library_is_linked_and_emitted_on_demand():
    a = np.arange(6.0)
    np.testing.assert_array_equal(doubled_plus_one(a), 2 * a + 1)
    (cres,) = doubled_plus_one.overloads.values()
    assert not getattr(cres.library, "_link_only", False)  # the caller is callable from Python
    linked = [lib for lib in cres.library._linking_libraries if getattr(lib, "_link_only", False)]
    assert linked, "the overload's library was code-generated although only linked"
    lib = linked[0]
    name = next(fn.name for fn in lib.get_defined_functions() if "doubled" in fn.name)
    assert lib.get_pointer_to_function(name) != 0  # asking for machine code emits it
    assert not lib._link_only
    np.testing.assert_array_equal(doubled_plus_one(a[:2]), [1.0, 3.0])
