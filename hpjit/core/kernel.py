"""hpjit's kernels compiled once and cached on disk, keyed by hpjit's own sources.

numba keys a cached function by its own file only; a kernel's code also depends on the
functions it calls in other files and on the library versions compiled in, so stamp()
(a hash of them) is part of the key, and the MPI handles for kernels that call MPI.
"""
import contextlib
import fcntl
import hashlib
import os
import stat
import tempfile

import numba
import numpy
import pandas
import pyarrow
from numba.core.caching import CompileResultCacheImpl, FunctionCache, _CacheLocator, \
    _SourceFileBackedLocatorMixin
from numba.core.registry import CPUDispatcher

from hpjit.core import mpi
from hpjit.core.codegen import publish_kernel

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_STAMP = []


def world_key():
    """The MPI handles compiled-in MPI calls bake in (None in one process)."""
    if not mpi.is_distributed():
        return None
    return tuple(sorted(mpi.handles().items()))


def stamp():
    """Hash of hpjit's sources and the versions of the libraries whose behaviour is compiled in."""
    if not _STAMP:
        h = hashlib.sha256()
        for root, dirs, files in sorted(os.walk(_PACKAGE)):
            dirs.sort()
            for name in sorted(f for f in files if f.endswith(".py")):
                with open(os.path.join(root, name), "rb") as f:
                    h.update(name.encode() + f.read())
        for mod in (numba, numpy, pandas, pyarrow):
            h.update(f"{mod.__name__}={mod.__version__};".encode())
        _STAMP.append(h.hexdigest())
    return _STAMP[0]


class PrivateTempLocator(_SourceFileBackedLocatorMixin, _CacheLocator):
    """The last resort when neither ``NUMBA_CACHE_DIR``, the package's ``__pycache__`` nor the
    user's cache directory is writable (a read-only install, no home: batch jobs,
    containers): a directory of this user's own under the temporary directory. It must be
    owned by the user and closed to others, since loading a cache entry runs its code."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._root = os.path.join(tempfile.gettempdir(), f"hpjit-cache-{os.getuid()}")
        self._cache_path = os.path.join(self._root, self.get_suitable_cache_subpath(py_file))

    def get_cache_path(self):
        return self._cache_path

    def ensure_cache_path(self):
        os.makedirs(self._root, mode=0o700, exist_ok=True)
        st = os.lstat(self._root)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            raise OSError(f"{self._root} is not this user's private directory")
        super().ensure_cache_path()


class CacheImpl(CompileResultCacheImpl):
    """numba's places for a cache, then this user's private temporary directory."""
    _locator_classes = CompileResultCacheImpl._locator_classes + [PrivateTempLocator]


@contextlib.contextmanager
def saving(cache):
    """Held while ``cache`` (a numba ``FunctionCache``) saves an entry: numba picks the new
    entry's data file from the index it read, so two processes saving two signatures at once
    (ranks, test workers, on a cold cache) can both pick one file, and the index then names
    the other signature's code for it. Saves by processes sharing the directory take turns."""
    cache._impl.locator.ensure_cache_path()
    with open(cache._cache_file._index_path + ".lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


class _KernelSourcesCache(FunctionCache):
    _impl_class = CacheImpl

    def __init__(self, py_func, world):
        super().__init__(py_func)
        self._world = world

    def _save_overload(self, sig, data):
        with saving(self):
            super()._save_overload(sig, data)

    def _index_key(self, sig, codegen):
        return super()._index_key(sig, codegen) + (stamp(),) + ((world_key(),) if self._world else ())


class KernelDispatcher(CPUDispatcher):
    """A kernel whose compiled code other compiled code calls by symbol (``publish_kernel``)
    instead of linking its IR in: a caller does not optimise and code-generate it again."""

    def add_overload(self, cres):
        super().add_overload(cres)
        if not cres.objectmode:
            publish_kernel(self.py_func, cres)


def cached_njit(fn=None, *, parallel=False, world=False, error_model="python", nogil=False,
                inline=False):
    """``njit(cache=True)`` for hpjit's kernels, keyed also by ``stamp()``: numba keys a cached
    function by its own file only, so an edit to a function it calls from another file (a
    gather, a hash table probe) would keep loading the old code. ``world=True`` for code that
    calls MPI: it bakes in the MPI handles (equal in every process of one MPI library), so they
    are keyed too; the rank and size are asked at run time, so one entry serves any world.
    Callers call a kernel's machine code (``KernelDispatcher``); ``inline=True`` links its IR
    into them instead, for a per-element helper that must inline into their loops."""
    def wrap(f):
        options = dict(parallel=parallel, error_model=error_model, nogil=nogil)
        if inline:
            disp = numba.njit(f, **options)
        else:
            disp = KernelDispatcher(py_func=f, locals={}, targetoptions=dict(options, nopython=True))
        try:
            disp._cache = _KernelSourcesCache(f, world)
        except RuntimeError:  # no writable directory anywhere: compiled in each process
            pass
        return disp
    return wrap(fn) if fn is not None else wrap
