"""The import order of ARCHITECTURE.md, read from every module's source (ast), so that it stays true.

A module may import its own layer and the layers below it, never above; no import cycle, even
one a package's ``__init__`` would close. Imports are written at the top of the module:
inside a function only for the optional dependencies and the hpjit modules that load one when
imported (the MPI collectives: one process pays nothing for MPI), so that an import cannot
hide a cycle by running late.
"""
import ast
import functools
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "hpjit"

#: lowest first; a module's layer is that of the longest prefix naming it
LAYERS = [
    ("core", ["hpjit.core", "hpjit.errors"]),
    ("columns", ["hpjit.typing.columns"]),
    ("runtime", ["hpjit.runtime"]),
    ("pandas", ["hpjit.typing"]),
    ("ml", ["hpjit.ml"]),
    ("distributed", ["hpjit.transforms.distributed"]),
    ("transforms", ["hpjit.transforms"]),
    ("compiler", ["hpjit.compiler", "hpjit.cache"]),
    ("api", ["hpjit.api", "hpjit.engine", "hpjit.notebook", "hpjit.notebook_cells",
             "hpjit.notebook_pool", "hpjit.notebook_worker", "hpjit"]),
]
OPTIONAL = {"mpi4py", "sklearn", "IPython"}
#: function-level imports that must run late, with the reason
LATE = {("hpjit.core.blas_probe", "numba.np.arraymath"):
        "imported with numba's BLAS check patched (see the module)"}


def _modules():
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


MODULES = _modules()


def layer(mod):
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (mod == p or mod.startswith(p + ".")) and len(p) > best:
                best, rank = len(p), i
    return rank


def _owner(name):
    """The hpjit module an imported dotted name lives in."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


@functools.cache
def _imports(mod):
    """(target module, line, at top level) of each import in ``mod``, parsed once."""
    tree = ast.parse(MODULES[mod].read_text())
    top = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{mod}:{node.lineno}: relative import"
            for a in node.names:
                full = f"{node.module}.{a.name}"
                found.append(((full if _owner(full) == full else node.module), node.lineno,
                              id(node) in top))
    return tuple(found)


def _loads_optional(mod):
    """Whether importing ``mod`` imports an optional dependency (itself or through the hpjit
    modules it imports at its top). Memoised over the whole import graph: walking every path
    through it instead grows exponentially with the modules (it once ran for over an hour)."""
    memo = {}

    def visit(m):
        if m not in memo:
            memo[m] = False  # a cycle (test_no_import_cycles reports it) ends the walk here
            memo[m] = any(name.split(".")[0] in OPTIONAL or
                          (name.startswith("hpjit") and visit(_owner(name)))
                          for name, _, at_top in _imports(m) if at_top)
        return memo[m]
    return visit(mod)


def _edges():
    """hpjit module → hpjit modules it imports, with the packages whose ``__init__`` runs first."""
    edges = {m: set() for m in MODULES}
    for m in MODULES:
        for name, _, _ in _imports(m):
            if name.split(".")[0] != "hpjit":
                continue
            target = _owner(name)
            parts = target.split(".")
            for k in range(2, len(parts) + 1):
                pkg = ".".join(parts[:k])
                if pkg != m and pkg in MODULES:
                    edges[m].add(pkg)
    return edges


def test_every_module_has_a_layer():
    assert [m for m in MODULES if layer(m) is None] == []


def test_imports_follow_the_layers():
    bad = []
    for m in MODULES:
        for name, line, _ in _imports(m):
            if name.split(".")[0] != "hpjit":
                continue
            target = _owner(name)
            if layer(target) > layer(m):
                bad.append(f"{m}:{line} ({LAYERS[layer(m)][0]}) imports {target} "
                           f"({LAYERS[layer(target)][0]})")
    assert bad == []


def test_imports_are_at_module_level():
    bad = []
    for m in MODULES:
        for name, line, at_top in _imports(m):
            if at_top or name.split(".")[0] in OPTIONAL or (m, name) in LATE:
                continue
            if name.split(".")[0] == "hpjit" and _loads_optional(_owner(name)):
                continue
            bad.append(f"{m}:{line} imports {name} inside a function")
    assert bad == []


def test_no_import_cycles():
    edges = _edges()
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for t in sorted(edges[m]):
            if t == "hpjit":  # the package's __init__ runs before any hpjit module
                continue
            if state.get(t) == "open":
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"

    for m in sorted(MODULES):
        if m not in state:
            visit(m)
    assert cycles == []


def test_one_process_loads_no_mpi():
    """``import hpjit`` does not import mpi4py: a world of one process pays nothing for MPI."""
    code = "import sys, hpjit; assert 'mpi4py' not in sys.modules, 'mpi4py imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT.parent)


@pytest.mark.parametrize("lower,upper", [("hpjit.typing.columns.strings", "hpjit.typing.series"),
                                         ("hpjit.runtime.sort_kernels", "hpjit.typing.sort_values")])
def test_the_check_sees_an_upward_import(lower, upper):
    """The order is the one the test enforces: a column model sits below a pandas type."""
    assert layer(lower) < layer(upper)
