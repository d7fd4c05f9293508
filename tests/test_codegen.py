"""``hpjit.core.codegen``: an overload's library is optimised and linked into its caller, and given
to LLVM's code generator only when its machine code is asked for; a kernel is called by its
symbol, never linked. ``hpjit.core.overload_cache``: one implementation per overload call."""
import numba
import numpy as np
from numba.extending import overload, overload_method

import hpjit  # noqa: F401  (installs the code generation settings)
from hpjit.core import codegen
from hpjit.core.kernel import cached_njit


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


@cached_njit
def total(a):
    """A kernel: compiled once per installation, called from compiled code by its symbol."""
    s = 0.0
    for x in a:
        s += x
    return s


@numba.njit
def total_plus_one(a):
    return total(a) + 1


def test_kernel_is_called_by_symbol_not_linked():
    a = np.arange(5.0)
    assert total_plus_one(a) == 11.0
    (cres,) = total_plus_one.overloads.values()
    functions = {f.name: f for f in cres.library._final_module.functions}
    symbol = codegen.kernel_symbol(total.py_func, (numba.typeof(a),))
    assert functions[symbol].is_declaration
    assert not [n for n, f in functions.items() if "total" in n and "plus" not in n
                and not f.is_declaration], "the kernel's code was linked into its caller"
    assert codegen.kernel_symbol(total.py_func, (numba.typeof(a[::2]),)) != symbol
    # a cached caller lists the kernels to load before its object code is linked
    _name, kind, data = cres.library.serialize_using_object_code()
    assert kind == "object"
    assert data[2] == ((total.py_func.__module__, "total", (numba.typeof(a),)),)


BUILDS = []


@overload_method(numba.types.Array, "hpjit_scaled")
def _scaled(a, by=2.0, shift=0.0):
    BUILDS.append((a, by, shift))

    def impl(a, by=2.0, shift=0.0):
        return a * by + shift
    return impl


@numba.njit
def scaled_by_keyword(a):
    return a.hpjit_scaled(shift=1.0)


def test_method_called_with_a_keyword_is_built_once():
    """numba built a method's implementation at typing and again at lowering (its cache is
    keyed by keyword types at one and by the folded signature at the other):
    ``hpjit.core.overload_cache`` keeps one."""
    a = np.arange(4.0)
    np.testing.assert_array_equal(scaled_by_keyword(a), a * 2.0 + 1.0)
    assert len(BUILDS) == 1, BUILDS
