"""``@hpjit.jit(cache=True)``: compiled code on disk, loaded only when it is still right.

numba's own cache key is the function's source file stamp, its argument types and
the CPU. hpjit's compiled code also depends on:

- hpjit's own sources and the numba, numpy, pandas and pyarrow versions (their
  behaviour is compiled in) — a hash of them is added to the key;
- under ``mpiexec``, the rank, the world size and the MPI handles (baked into the
  distributed code) — each rank keeps its own index and code files, so ranks
  never write each other's entries;
- the files it was typed against: the frame type of every parquet/CSV source
  typed in the process is saved with the code, and re-derived from the files
  (footer / head) when loading; a changed schema is a miss and recompiles.
"""
import hashlib
import os

from numba.core.caching import CompileResultCacheImpl, FunctionCache

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
    return mpi.world_rank(), mpi.world_size(), tuple(sorted(mpi.handles().items()))


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


class _Impl(CompileResultCacheImpl):
    @property
    def filename_base(self):
        world = _world()
        base = super().filename_base
        return base if world is None else f"{base}-rank{world[0]}of{world[1]}"


class HpjitCache(FunctionCache):
    _impl_class = _Impl

    def _index_key(self, sig, codegen):
        return super()._index_key(sig, codegen) + (stamp(), _world())

    def _save_overload(self, sig, data):
        if not self._enabled or not self._impl.check_cachable(data):
            return
        self._impl.locator.ensure_cache_path()
        key = self._index_key(sig, data.codegen)
        sources = tuple(_SOURCES[k] for k in sorted(_SOURCES))
        self._cache_file.save(key, (sources, self._impl.reduce(data)))

    def _load_overload(self, sig, target_context):
        if not self._enabled:
            return None
        saved = self._cache_file.load(self._index_key(sig, target_context.codegen()))
        if saved is None:
            return None
        sources, data = saved
        if any(_derive(kind, args) != typ for kind, args, typ in sources):
            return None
        return self._impl.rebuild(target_context, data)
