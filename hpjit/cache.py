"""``@hpjit.jit(cache=True)``: compiled code on disk, loaded only when it is still right.

numba's own cache key is the function's source file stamp, its argument types and
the CPU. hpjit's compiled code also depends on:

- hpjit's own sources and the numba, numpy, pandas and pyarrow versions (their
  behaviour is compiled in) — a hash of them is added to the key;
- whether it runs distributed (more than one rank) and the MPI handles (baked into
  distributed code), and the arguments named ``distributed=``; not the rank or the
  world size, which compiled code asks MPI for when it runs — so one entry serves
  every rank and every world size (under ``mpiexec`` rank 0 compiles and saves, the
  other ranks wait and load: see ``hpjit.compiler``);
- the values of the plain constants (strings, numbers, tuples of them) it reads from its
  module's globals, such as a file name: numba bakes globals in and does not key on them;
- the files it was typed against: the frame type of every parquet/CSV source
  typed in the process is saved with the code, and re-derived from the files
  (footer / head) when loading; a changed schema is a miss and recompiles.
"""
import hashlib
import os

from numba.core.caching import FunctionCache

_HERE = os.path.dirname(os.path.abspath(__file__))
_STAMP = []
#: repr of (kind, arguments) → (kind, arguments, frame type as text) of each file source
#: typed in this process (arguments may hold lists, as ``usecols=`` does: keyed by their repr)
_SOURCES = {}


def note_source(kind, args, frame_type):
    """Record that compiled code was typed against a file source (see ``_derive``)."""
    _SOURCES[repr((kind, args))] = (kind, args, str(frame_type))


def _derive(kind, args):
    """The frame type (as text) a source has now, or None if it can't be read."""
    from hpjit.errors import HpjitError
    try:
        if kind == "parquet":
            from hpjit.runtime.parquet import ParquetSource
            return str(ParquetSource(*args).frame_type())
        from hpjit.runtime.csv import CsvSource
        return str(CsvSource(args[0], dict(args[1])).frame_type())
    except (HpjitError, OSError, ValueError):
        return None


def _world():
    from hpjit.runtime import mpi
    if not mpi.is_distributed():
        return None
    return tuple(sorted(mpi.handles().items()))


def stamp():
    """Hash of hpjit's sources and the versions of the libraries whose behaviour is compiled in."""
    if not _STAMP:
        import numba
        import numpy
        import pandas
        import pyarrow
        h = hashlib.sha256()
        for root, dirs, files in sorted(os.walk(_HERE)):
            dirs.sort()
            for name in sorted(f for f in files if f.endswith(".py")):
                with open(os.path.join(root, name), "rb") as f:
                    h.update(name.encode() + f.read())
        for mod in (numba, numpy, pandas, pyarrow):
            h.update(f"{mod.__name__}={mod.__version__};".encode())
        _STAMP.append(h.hexdigest())
    return _STAMP[0]


_CONSTANT_TYPES = (str, bytes, int, float, bool, complex, type(None))


def _is_constant(v):
    if isinstance(v, tuple):
        return all(_is_constant(x) for x in v)
    return isinstance(v, _CONSTANT_TYPES)


def global_constants(py_func):
    """``repr`` of ``(name, value)`` of each plain constant global ``py_func`` (or a function or
    lambda inside it) reads."""
    names, codes = set(), [py_func.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    g = py_func.__globals__
    return repr(sorted((n, g[n]) for n in names if n in g and _is_constant(g[n])))


class _KernelSourcesCache(FunctionCache):
    def __init__(self, py_func, world):
        super().__init__(py_func)
        self._world = world

    def _index_key(self, sig, codegen):
        return super()._index_key(sig, codegen) + (stamp(),) + ((_world(),) if self._world else ())


def cached_njit(fn=None, *, parallel=False, world=False, error_model="python", nogil=False):
    """``njit(cache=True)`` for hpjit's kernels, keyed also by ``stamp()``: numba keys a cached
    function by its own file only, so an edit to a function it calls from another file (a
    gather, a hash table probe) would keep loading the old code. ``world=True`` for code that
    calls MPI: it bakes in the MPI handles (equal in every process of one MPI library), so they
    are keyed too; the rank and size are asked at run time, so one entry serves any world."""
    def wrap(f):
        from numba import njit
        disp = njit(f, parallel=parallel, cache=True, error_model=error_model, nogil=nogil)
        disp._cache = _KernelSourcesCache(f, world)
        return disp
    return wrap(fn) if fn is not None else wrap


class HpjitCache(FunctionCache):
    def __init__(self, py_func, distributed=()):
        super().__init__(py_func)
        self._distributed = tuple(distributed)
        self._py_func = py_func

    def _index_key(self, sig, codegen):
        consts = hashlib.sha256(global_constants(self._py_func).encode()).hexdigest()
        return super()._index_key(sig, codegen) + (stamp(), _world(), self._distributed, consts)

    def _save_overload(self, sig, data):
        if not self._enabled or not self._impl.check_cachable(data):
            return
        self._impl.locator.ensure_cache_path()
        key = self._index_key(sig, data.codegen)
        sources = tuple(_SOURCES[k] for k in sorted(_SOURCES))
        report = (data.metadata or {}).get("hpjit_distribution")
        self._cache_file.save(key, (sources, report, self._impl.reduce(data)))

    def _load_overload(self, sig, target_context):
        if not self._enabled:
            return None
        saved = self._cache_file.load(self._index_key(sig, target_context.codegen()))
        if saved is None:
            return None
        sources, report, data = saved
        if any(_derive(kind, args) != typ for kind, args, typ in sources):
            return None
        cres = self._impl.rebuild(target_context, data)
        return cres._replace(metadata={"hpjit_distribution": report})
