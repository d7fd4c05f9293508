"""What a user's ``prange`` loop over split arrays calls once it runs on this rank's rows.

The distributed pass (``transforms/distributed_loops``) makes such a loop iterate over
the local rows; these helpers give it their count, the global position of the first
one (for loops that use the index as a number) and each reduction's global value.
Each is called once per loop, outside it: nothing here runs per row.
"""
from numba import literal_unroll, literally, types
from numba.extending import overload

from hpjit.runtime.collectives import OP_MAX, OP_MIN, OP_PROD, OP_SUM, allreduce, exscan_int64


def loop_length(arrays):
    """Rows of this rank's chunk of the arrays a loop indexes (a tuple); they must agree."""


@overload(loop_length)
def _loop_length(arrays):
    def impl(arrays):
        n = arrays[0].shape[0]
        for a in literal_unroll(arrays):
            if a.shape[0] != n:
                raise ValueError("hpjit: a prange loop indexes arrays whose rows are split "
                                 "differently across ranks (of different lengths)")
        return n
    return impl


def loop_start(n):
    """The global position of this rank's first row (an exclusive scan of the local counts)."""


@overload(loop_start)
def _loop_start(n):
    return lambda n: exscan_int64(n)


def loop_reduce(local, init, op):
    """A reduction's value over every rank: ``init`` combined with each rank's partial
    ``local`` (which started from the operator's identity for sums and products, from
    ``init`` for min and max)."""


@overload(loop_reduce, prefer_literal=True)
def _loop_reduce(local, init, op):
    if not isinstance(op, types.StringLiteral):
        return lambda local, init, op: literally(op)
    kind = op.literal_value
    if kind == "sum":
        return lambda local, init, op: init + allreduce(local, OP_SUM)
    if kind == "prod":
        return lambda local, init, op: init * allreduce(local, OP_PROD)
    if kind == "min":
        return lambda local, init, op: allreduce(local, OP_MIN)
    return lambda local, init, op: allreduce(local, OP_MAX)
