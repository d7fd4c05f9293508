"""The SPMD helpers of hpjit's public face, usable from Python and inside ``@hpjit.jit``.

``get_rank()``/``get_size()`` in compiled code ask MPI when they run, so one compiled
(and cached) function serves every rank and world size. ``gatherv`` and ``scatterv`` move
pandas objects and arrays: ``gatherv`` concatenates every rank's chunk, in rank
order, on every rank; ``scatterv`` gives each rank its equal block of rows of a
value (rank 0's, from Python).
"""
import numpy as np
import pandas as pd
from numba.extending import overload

from hpjit.compiler import JitFunction
from hpjit.core import mpi
from hpjit.core.mpi import block_of
from hpjit.engine import HpjitEngine


def get_rank():
    return mpi.world_rank()


def get_size():
    return mpi.world_size()


def barrier():
    mpi.barrier()


def gatherv(value):
    """Every rank's chunk of ``value`` concatenated in rank order, on every rank."""
    if not mpi.is_distributed():
        return value
    parts = mpi._mpi().COMM_WORLD.allgather(value)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return pd.concat(parts)
    return np.concatenate(parts)


def scatterv(value):
    """This rank's equal block of the rows of rank 0's ``value``."""
    if not mpi.is_distributed():
        return value
    return local_block(mpi._mpi().COMM_WORLD.bcast(value, root=0))


def local_block(value):
    """This rank's equal block of the rows of ``value`` (which every rank holds whole)."""
    if not mpi.is_distributed():
        return value
    start, stop = block_of(len(value))
    return value.iloc[start:stop] if isinstance(value, (pd.DataFrame, pd.Series)) \
        else value[start:stop]


@overload(get_rank)
def _get_rank():
    if not mpi.is_distributed():
        return lambda: 0
    from hpjit.runtime.collectives import world_rank_now  # loads MPI: only when distributed
    return lambda: world_rank_now()


@overload(get_size)
def _get_size():
    if not mpi.is_distributed():
        return lambda: 1
    from hpjit.runtime.collectives import world_size_now
    return lambda: world_size_now()


@overload(barrier)
def _barrier():
    if not mpi.is_distributed():
        return lambda: None
    from hpjit.runtime.collectives import barrier as mpi_barrier
    return lambda: mpi_barrier()


@overload(gatherv)
def _gatherv(value):
    if not mpi.is_distributed():
        return lambda value: value
    from hpjit.transforms.distributed.frame_collectives import gather
    return lambda value: gather(value)


@overload(scatterv)
def _scatterv(value):
    if not mpi.is_distributed():
        return lambda value: value
    from hpjit.transforms.distributed.frame_collectives import block_rows
    return lambda value: block_rows(value)


def jit(func=None, *, cache=False, distributed=()):
    """Compile a pandas/numpy function: ``@hpjit.jit`` or ``@hpjit.jit(cache=True)``.

    ``distributed`` names arguments and returns kept as per-rank chunks under MPI
    (takes effect with distribution support).
    """
    def wrap(f):
        return JitFunction(f, cache=cache, distributed=distributed)
    if func is not None:
        return wrap(func)
    wrap.__pandas_udf__ = HpjitEngine
    return wrap


jit.__pandas_udf__ = HpjitEngine
