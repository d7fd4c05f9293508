"""MPI collectives callable from compiled code (imported only when the world is larger than 1).

Each C entry point is an intrinsic taking addresses (``arr.ctypes.data``) and
handles; the jitable functions below build hpjit's collectives on them: scalar
allreduce, exscan, allgather, and allgatherv of numeric, string and date
columns (so every column layout travels).
"""
import numpy as np
from llvmlite import ir as llir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload, register_jitable

from hpjit.runtime.mpi import handles, world_rank, world_size

H = handles()
COMM = H["COMM_WORLD"]
SIZE = world_size()
RANK = world_rank()
H_INT64 = H["INT64"]
H_BYTE = H["BYTE"]
H_UINT8 = H["UINT8"]


def _c_function(name, kinds):
    """An intrinsic calling MPI function ``name``; ``kinds`` is 'p' (address) or 'i' (int) per arg."""
    params = ", ".join(f"a{k}" for k in range(len(kinds)))
    src = f"def fn(typingctx, {params}):\n    return _impl(typingctx, {params})\n"

    def _impl(typingctx, *args):
        def codegen(context, builder, sig, llargs):
            i8p = llir.IntType(8).as_pointer()
            i32 = llir.IntType(32)
            vals, tys = [], []
            for kind, v, t in zip(kinds, llargs, sig.args):
                if kind == "p":
                    vals.append(builder.inttoptr(v, i8p))
                    tys.append(i8p)
                else:
                    vals.append(builder.trunc(v, i32) if v.type.width > 32 else v)
                    tys.append(i32)
            fn = cgutils.get_or_insert_function(builder.module, llir.FunctionType(i32, tys), name)
            return builder.call(fn, vals)
        return types.int32(*args), codegen
    ns = {"_impl": _impl}
    exec(src, ns)
    return intrinsic(ns["fn"])


_allreduce = _c_function("MPI_Allreduce", "ppiiii")
_allgather = _c_function("MPI_Allgather", "piipiii")
_allgatherv = _c_function("MPI_Allgatherv", "piipppii")
_exscan = _c_function("MPI_Exscan", "ppiiii")
_bcast = _c_function("MPI_Bcast", "piiii")
_barrier = _c_function("MPI_Barrier", "i")

_DTYPES = {types.int64: "INT64", types.int32: "INT32", types.int16: "INT16", types.int8: "INT8",
           types.uint64: "UINT64", types.uint32: "UINT32", types.uint16: "UINT16",
           types.uint8: "UINT8", types.float64: "DOUBLE", types.float32: "FLOAT",
           types.boolean: "BOOL"}
OP_SUM, OP_MIN, OP_MAX, OP_PROD, OP_AND, OP_OR = (H[k] for k in ("SUM", "MIN", "MAX", "PROD",
                                                                  "LAND", "LOR"))


def mpi_dtype(t):
    return H[_DTYPES[t]]


def allreduce(x, op):
    """``op`` (``OP_SUM``, ``OP_MIN``...) of scalar ``x`` over all ranks."""


@overload(allreduce)
def _allreduce_ov(x, op):
    t = x.literal_type if isinstance(x, types.Literal) else x
    if isinstance(t, types.Boolean):
        def impl(x, op):
            send = np.empty(1, np.uint8)
            send[0] = x
            recv = np.empty(1, np.uint8)
            _allreduce(send.ctypes.data, recv.ctypes.data, 1, H_UINT8, op, COMM)
            return recv[0] != 0
        return impl
    dt = mpi_dtype(t)
    np_dt = np.dtype(str(t))

    def impl(x, op):
        send = np.empty(1, np_dt)
        send[0] = x
        recv = np.empty(1, np_dt)
        _allreduce(send.ctypes.data, recv.ctypes.data, 1, dt, op, COMM)
        return recv[0]
    return impl


@register_jitable
def barrier():
    _barrier(COMM)


@register_jitable
def exscan_int64(x):
    """Sum of ``x`` over the lower ranks (0 on rank 0)."""
    send = np.empty(1, np.int64)
    send[0] = x
    recv = np.zeros(1, np.int64)
    _exscan(send.ctypes.data, recv.ctypes.data, 1, H_INT64, OP_SUM, COMM)
    return recv[0] if RANK > 0 else 0


@register_jitable
def allgather_int64(x):
    """``x`` of every rank, as an int64 array of the world size."""
    send = np.empty(1, np.int64)
    send[0] = x
    recv = np.empty(SIZE, np.int64)
    _allgather(send.ctypes.data, 1, H_INT64, recv.ctypes.data, 1, H_INT64, COMM)
    return recv


@register_jitable
def allgatherv_bytes(send, nbytes, out):
    """Concatenate ``nbytes`` bytes at address ``send`` from every rank into uint8 array ``out``."""
    counts64 = allgather_int64(nbytes)
    counts = counts64.astype(np.int32)
    displs = np.zeros(SIZE, np.int32)
    for r in range(1, SIZE):
        displs[r] = displs[r - 1] + counts[r - 1]
    _allgatherv(send, nbytes, H_BYTE, out.ctypes.data, counts.ctypes.data, displs.ctypes.data,
                H_BYTE, COMM)


@register_jitable
def allgatherv_array(a):
    """The concatenation of 1-d numeric array ``a`` over all ranks, on every rank."""
    total = allgather_int64(len(a)).sum()
    out = np.empty(total, a.dtype)
    raw = out.view(np.uint8)
    allgatherv_bytes(a.ctypes.data, len(a) * a.itemsize, raw)
    return out

