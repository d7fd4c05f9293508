"""Who a kernel combines its partial results with: this process only, or every rank.

Kernels take a ``comm`` argument, :data:`LOCAL` or :data:`WORLD` (constants whose
meaning is their numba type), and combine partials with :func:`comm_sum` and
friends. The same kernel source thus serves a replicated input (``LOCAL``: the
combine is the identity) and a distributed one (``WORLD``: an MPI collective);
the distributed pass picks ``WORLD`` where the analysis split the input.
``hpjit.runtime.collectives`` is imported only when ``WORLD`` is compiled, and
``WORLD`` code asks MPI for rank and size at run time, so cached kernels
(:mod:`kernel`) serve any world.
"""
import numpy as np
from numba import types
from numba.extending import overload

from hpjit.core.pyobjects import register_type_constant


class Comm:
    def __init__(self, world):
        self.world = world


LOCAL, WORLD = Comm(False), Comm(True)


class CommType(types.Type):
    def __init__(self, world):
        self.world = world
        super().__init__(f"Comm({'world' if world else 'local'})")


register_type_constant(Comm, CommType, lambda v: CommType(v.world))


def _collectives():
    from hpjit.runtime import collectives  # loads MPI: only when a WORLD kernel compiles
    return collectives


def comm_sum(comm, x):
    """``x`` (scalar or array) summed over the ranks of ``comm``."""


def comm_max(comm, x):
    """The largest scalar ``x`` over the ranks of ``comm``."""


def comm_any(comm, flag):
    """True on every rank when ``flag`` is true on any."""


def comm_allgather(comm, x):
    """Scalar ``x`` of every rank of ``comm``, as a 1-d array in rank order."""


def comm_rank(comm):
    """This process's rank in ``comm``."""


def comm_size(comm):
    """The number of ranks in ``comm``."""


@overload(comm_sum)
def _comm_sum(comm, x):
    if not comm.world:
        return lambda comm, x: x
    c = _collectives()
    if isinstance(x, types.Array):
        return lambda comm, x: c.allreduce_array(x, c.OP_SUM)
    return lambda comm, x: c.allreduce(x, c.OP_SUM)


@overload(comm_max)
def _comm_max(comm, x):
    if not comm.world:
        return lambda comm, x: x
    c = _collectives()
    return lambda comm, x: c.allreduce(x, c.OP_MAX)


@overload(comm_any)
def _comm_any(comm, flag):
    if not comm.world:
        return lambda comm, flag: flag
    c = _collectives()
    return lambda comm, flag: c.allreduce(bool(flag), c.OP_OR)


@overload(comm_allgather)
def _comm_allgather(comm, x):
    if not comm.world:
        return lambda comm, x: np.full(1, x)
    c = _collectives()
    return lambda comm, x: c.allgatherv_array(np.full(1, x))


@overload(comm_rank)
def _comm_rank(comm):
    if not comm.world:
        return lambda comm: 0
    c = _collectives()
    return lambda comm: c.world_rank_now()


@overload(comm_size)
def _comm_size(comm):
    if not comm.world:
        return lambda comm: 1
    c = _collectives()
    return lambda comm: c.world_size_now()


def comm_allgatherv(comm, a):
    """1-d array ``a`` of every rank of ``comm``, concatenated in rank order."""


@overload(comm_allgatherv)
def _comm_allgatherv(comm, a):
    if not comm.world:
        return lambda comm, a: a
    c = _collectives()
    return lambda comm, a: c.allgatherv_array(a)
