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

from numba.core.caching import FunctionCache

from hpjit.core.kernel import CacheImpl, saving, stamp, world_key
from hpjit.errors import HpjitError
from hpjit.typing.csv_schema import CsvSource
from hpjit.typing.io_sources import typed_sources
from hpjit.typing.parquet_schema import ParquetSource


def _derive(kind, args):
    """The frame type (as text) a source has now, or None if it can't be read."""
    try:
        if kind == "parquet":
            return str(ParquetSource(*args).frame_type())
        return str(CsvSource(args[0], dict(args[1])).frame_type())
    except (HpjitError, OSError, ValueError):
        return None


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


class HpjitCache(FunctionCache):
    _impl_class = CacheImpl

    def __init__(self, py_func, distributed=()):
        super().__init__(py_func)
        self._distributed = tuple(distributed)
        self._py_func = py_func

    def _index_key(self, sig, codegen):
        consts = hashlib.sha256(global_constants(self._py_func).encode()).hexdigest()
        return super()._index_key(sig, codegen) + (stamp(), world_key(), self._distributed, consts)

    def _save_overload(self, sig, data):
        if not self._enabled or not self._impl.check_cachable(data):
            return
        key = self._index_key(sig, data.codegen)
        sources = typed_sources()
        report = (data.metadata or {}).get("hpjit_distribution")
        state = (sources, report, self._impl.reduce(data))
        with saving(self):
            self._cache_file.save(key, state)

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
