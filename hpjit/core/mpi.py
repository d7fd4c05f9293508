"""MPI for compiled code: the C functions of the MPI library mpi4py loaded, by pointer.

A process not started by ``mpiexec`` is a world of size 1: mpi4py is never
imported and compiled code contains no MPI call (the distribution passes only
run when the world is larger). Under ``mpiexec`` the C entry points are looked
up once and registered with LLVM, so compiled code calls ``MPI_Allreduce`` and
friends directly, without Python in between.

Handles (communicators, datatypes, ops) are MPICH's 32-bit integers, read from
mpi4py so nothing is hard-coded.
"""
import ctypes
import os
import sys
import time
from ctypes.util import find_library

import llvmlite.binding as ll
import numba
import pyarrow
from numba.extending import register_jitable

ABORT_GRACE_S = 1.0
_ENV_SIZE = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS")
_state = {}


def launched_by_mpiexec():
    return any(v in os.environ for v in _ENV_SIZE)


def _mpi():
    if "MPI" not in _state:
        from mpi4py import MPI
        _state["MPI"] = MPI
    return _state["MPI"]


def world_size():
    if "size" not in _state:
        _state["size"] = _mpi().COMM_WORLD.Get_size() if launched_by_mpiexec() else 1
    return _state["size"]


def world_rank():
    if "rank" not in _state:
        _state["rank"] = _mpi().COMM_WORLD.Get_rank() if launched_by_mpiexec() else 0
    return _state["rank"]


def is_distributed():
    """Whether this process is one of several ranks (compiled code then distributes)."""
    return world_size() > 1


def configure_threads():
    """Under mpiexec, give each rank cores ÷ ranks-on-this-node threads so they never oversubscribe.

    An explicit NUMBA_NUM_THREADS wins (and sets pyarrow's reader threads too); one process
    outside mpiexec keeps numba's and pyarrow's defaults (every core).
    """
    local = os.environ.get("MPI_LOCALNRANKS") or os.environ.get("OMPI_COMM_WORLD_LOCAL_SIZE")
    if not local:
        return
    if "NUMBA_NUM_THREADS" in os.environ:
        threads = numba.config.NUMBA_NUM_THREADS
    else:
        threads = max(1, min(numba.config.NUMBA_NUM_THREADS,
                             (os.cpu_count() or 1) // max(1, int(local))))
        numba.set_num_threads(threads)
    pyarrow.set_cpu_count(threads)  # the parquet reader's threads count too


def barrier():
    if is_distributed():
        _mpi().COMM_WORLD.Barrier()


def abort(code=1):
    """End every rank of the job (after a failure on this one).

    mpiexec forwards a rank's stderr asynchronously and stops forwarding once the
    abort kills the job, so the rank pauses briefly to let its message get out.
    """
    if is_distributed():
        sys.stderr.flush()
        time.sleep(ABORT_GRACE_S)
        _mpi().COMM_WORLD.Abort(code)


# --- handles and C entry points for compiled code ----------------------------

_FUNCTIONS = ("MPI_Allreduce", "MPI_Allgather", "MPI_Allgatherv", "MPI_Gatherv", "MPI_Bcast",
              "MPI_Exscan", "MPI_Barrier", "MPI_Alltoall", "MPI_Alltoallv", "MPI_Scatterv",
              "MPI_Comm_rank",
              "MPI_Comm_size")


def _library():
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "/libmpi" in path and ".so" in path:
                return ctypes.CDLL(path)
    return ctypes.CDLL(find_library("mpi"))


def handles():
    """MPI handle values by name, registering the C entry points with LLVM on first use."""
    if "handles" not in _state:
        MPI = _mpi()
        lib = _library()
        for name in _FUNCTIONS:
            ll.add_symbol(name, ctypes.cast(getattr(lib, name), ctypes.c_void_p).value)
        h = {"COMM_WORLD": MPI.COMM_WORLD, "BYTE": MPI.BYTE, "INT32": MPI.INT32_T,
             "INT64": MPI.INT64_T, "UINT64": MPI.UINT64_T, "DOUBLE": MPI.DOUBLE,
             "FLOAT": MPI.FLOAT, "UINT8": MPI.UINT8_T, "INT8": MPI.INT8_T, "INT16": MPI.INT16_T,
             "UINT16": MPI.UINT16_T, "UINT32": MPI.UINT32_T, "BOOL": MPI.C_BOOL,
             "SUM": MPI.SUM, "MIN": MPI.MIN, "MAX": MPI.MAX, "PROD": MPI.PROD,
             "LAND": MPI.LAND, "LOR": MPI.LOR}
        _state["handles"] = {k: MPI._handleof(v) for k, v in h.items()}
    return _state["handles"]


@register_jitable
def block_range(n, rank, size):
    """Rows [start, stop) of an ``n``-row table that rank ``rank`` of ``size`` holds (equal blocks)."""
    chunk, rem = divmod(n, size)
    start = rank * chunk + min(rank, rem)
    return start, start + chunk + (1 if rank < rem else 0)


def block_of(nrows):
    """This rank's rows [start, stop) of ``nrows``."""
    return block_range(nrows, world_rank(), world_size())
