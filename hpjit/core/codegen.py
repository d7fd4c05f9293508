"""Machine code only for what Python calls: numba's code generation, trimmed for deep overload trees.

numba compiles every overload implementation (each ``@overload``, ``register_jitable`` and
their callees) as a library of its own, and emits machine code for it as soon as it is
compiled. But an overload's library is only ever *linked* (as LLVM IR) into its callers: it
has no Python entry point (numba builds overloads without one), so its machine code is never
run. A distributed sort or join is a tree of dozens of such overloads, and each level emitted
machine code for everything below it again; the user's function at the top emits it all once
more, and that copy is the one that runs (and the one the cache stores).

So here a library without a Python entry point (or first finalised only to be linked into
another: numba's parallel-loop wrappers) gets no module optimisation of its own (numba
optimises each library as a module twice; its callers link the IR and optimise it again, twice)
and is given to LLVM's code generator only if something asks for its machine code (a
function pointer, assembly, its object code for the cache). The environment of a function that
was only linked (its constants for object-mode calls) is set when the library that contains it
is emitted, as numba sets the environments of a cached function it loads.
Overloads also skip the C callback wrapper numba adds to every function, which nothing calls.

hpjit's kernels (``hpjit.core.kernel.cached_njit``: the sort, hash, join and groupby loops) are
the opposite case: compiled once per installation and loaded from disk, but numba still links
a kernel's IR into every caller and optimises and code-generates it again there, so each user
function paid for every kernel it reached. A kernel is instead *published* under a stable
symbol (``kernel_symbol``: its module, name and argument types, the same in every process);
callers declare that symbol and call it, and the process symbol table resolves it to the
kernel's machine code. A cached library lists the kernels it calls, and loading it loads
them first.

These replace methods of numba's code libraries (``numba.core.codegen``) for the numba minor
version hpjit pins, once, before anything compiles. ``tests/test_codegen.py`` checks the
mechanism; every compiled, cached and loaded program in the suite runs through it. Measured:
the distributed sort programs' job (``mpiexec -n 2``, cold cache) 106 s -> 69 s without the
machine code, -> 42 s optimising once; the code that runs is the same (benchmarks' warm runs
unchanged). Calling kernels by symbol: a notebook-style cell's first call 7.9 s -> 2 s.
"""
import copy
import hashlib
import importlib

import llvmlite.binding as ll
from numba import _dynfunc
from numba.core import cpu, extending
from numba.core.codegen import JITCodeLibrary
from numba.core.environment import lookup_environment
from numba.core.itanium_mangler import mangle_args

_EMIT = JITCodeLibrary._finalize_final_module
_POINTER = JITCodeLibrary.get_pointer_to_function
_ASM = JITCodeLibrary.get_asm_str
_OBJECT = JITCodeLibrary.serialize_using_object_code
_OPTIMIZE = JITCodeLibrary._optimize_final_module
_EXECUTABLE = cpu.CPUContext.get_executable
_LINK = JITCodeLibrary.add_linking_library
_UNSERIALIZE = JITCodeLibrary._unserialize.__func__

#: published kernel symbol -> (module, qualified name, argument types), and its Python function
_KERNELS = {}
_PUBLISHERS = {}


def _defines(library, name):
    try:
        library._final_module.get_function(name)
    except NameError:
        return False
    return True


def _emit(library):
    """Machine code for ``library``, and the environments of the link-only functions in it (which
    their own libraries would have set, had they been emitted), as numba does on a cache load."""
    _EMIT(library)
    for gv in library._final_module.global_variables:
        env = lookup_environment(gv.name) if gv.name.startswith("_ZN08NumbaEnv") else None
        if env is not None:
            library._codegen.set_env(gv.name, env)


def _optimize_final_module(self):
    """numba runs LLVM's module pipeline twice per library (the second time for vectorising).
    A link-only library skips it: its functions had numba's function passes when they were
    added, and every caller runs the module pipeline over the linked code again, twice. Its
    machine code, if asked for later, is optimised first (``_emitted``)."""
    if getattr(self, "_link_only", False):
        self._module_unoptimized = True
        return
    _OPTIMIZE(self)


def _finalize_final_module(self):
    if getattr(self, "_link_only", False):
        self._finalized = True  # optimised and ready to link; machine code when asked for
        return
    _emit(self)


def _emitted(method):
    def emit_first(self, *args):
        if getattr(self, "_link_only", False):
            self._link_only = False
            if getattr(self, "_module_unoptimized", False):
                self._module_unoptimized = False
                _OPTIMIZE(self)
            _emit(self)
        return method(self, *args)
    emit_first.__doc__ = method.__doc__
    return emit_first


def _get_executable(self, library, fndesc, env):
    """numba's ``get_executable``, except that a library without a Python wrapper is only
    optimised: the function object it returns has no address, as numba's own has none then."""
    if (not isinstance(library, JITCodeLibrary) or library._finalized
            or _defines(library, fndesc.llvm_cpython_wrapper_name)):
        return _EXECUTABLE(self, library, fndesc, env)
    library._link_only = True
    library.finalize()
    doc = f"compiled (link-only) code of {fndesc.qualname!r}"
    return _dynfunc.make_function(fndesc.lookup_module(), fndesc.qualname.split(".")[-1], doc,
                                  0, env, (library,))


def _add_linking_library(self, library):
    """A library first finalized to be linked into another (numba's gufunc wrappers for a
    parallel loop) is link-only too, until something asks for its machine code."""
    if not library._finalized:
        library._link_only = True
    _LINK(self, library)


def kernel_symbol(py_func, argtypes):
    """The symbol a kernel compiled for ``argtypes`` is called by: the same in every process
    (numba's own names carry a per-process counter)."""
    name = f"{py_func.__module__}.{py_func.__qualname__}"
    digest = hashlib.sha256(f"{name}({mangle_args(argtypes)})".encode()).hexdigest()[:24]
    return f"hpjit.kernel.{name}.{digest}"


def publish_kernel(py_func, cres):
    """Calls from compiled code to ``cres`` (a kernel compiled or loaded) go through its symbol
    instead of linking its IR into the caller."""
    argtypes = tuple(cres.signature.args)
    symbol = kernel_symbol(py_func, argtypes)
    if _PUBLISHERS.setdefault(symbol, py_func) is not py_func:
        raise RuntimeError(f"two kernels are named {py_func.__module__}.{py_func.__qualname__}: "
                           "a kernel must be a module-level function")
    ll.add_symbol(symbol, cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name))
    _KERNELS[symbol] = (py_func.__module__, py_func.__qualname__, argtypes)
    by_symbol = copy.copy(cres.fndesc)
    by_symbol.mangled_name = symbol
    cres.target_context.insert_user_function(cres.entry_point, by_symbol)


def _kernels_called(library):
    modules = [m for m in (library._final_module, library._shared_module) if m is not None]
    return tuple(sorted({_KERNELS[f.name] for m in modules for f in m.functions
                         if f.is_declaration and f.name in _KERNELS}, key=repr))


def _load_kernel(module, qualname, argtypes):
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    obj.compile(argtypes)


def _serialize_using_object_code(self):
    """numba's object-code state, plus the kernels the code calls by symbol."""
    name, kind, data = _emitted(_OBJECT)(self)
    return name, kind, data + (_kernels_called(self),)


def _unserialize(cls, codegen, state):
    """Load (or compile) the kernels a cached library calls before its object code is linked:
    an unresolved symbol there would end the process."""
    name, kind, data = state
    if kind == "object" and len(data) == 3:
        for kernel in data[2]:
            _load_kernel(*kernel)
        state = (name, kind, data[:2])
    return _UNSERIALIZE(cls, codegen, state)


def install():
    """Replace numba's methods (once, before hpjit's overloads are registered: the wrapper
    option is read when an overload is declared)."""
    extending._overload_default_jit_options["no_cfunc_wrapper"] = True
    JITCodeLibrary._finalize_final_module = _finalize_final_module
    JITCodeLibrary._optimize_final_module = _optimize_final_module
    JITCodeLibrary.get_pointer_to_function = _emitted(_POINTER)
    JITCodeLibrary.get_asm_str = _emitted(_ASM)
    JITCodeLibrary.serialize_using_object_code = _serialize_using_object_code
    JITCodeLibrary._unserialize = classmethod(_unserialize)
    cpu.CPUContext.get_executable = _get_executable
    JITCodeLibrary.add_linking_library = _add_linking_library
