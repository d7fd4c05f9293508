"""MPI collectives callable from compiled code (imported only when the world is larger than 1).

Each C entry point is an intrinsic taking addresses (``arr.ctypes.data``) and
handles; the jitable functions below build hpjit's collectives on them: scalar
allreduce/bcast/exscan/allgather, and bcast, gatherv, allgatherv, scatterv and
alltoallv of 1-d numeric arrays (moved as bytes, so any dtype travels). String,
date and nullable columns travel as their component arrays (``dist_ops``).
"""
import numpy as np
from llvmlite import ir as llir
from numba import types
from numba.core import cgutils
from mpi4py import MPI  # noqa: F401  the handles below load it: import this module lazily
from numba.extending import intrinsic, overload, register_jitable

from hpjit.core.mpi import handles

H = handles()
COMM = H["COMM_WORLD"]
H_INT64 = H["INT64"]
H_BYTE = H["BYTE"]
H_UINT8 = H["UINT8"]
H_INT32 = H["INT32"]


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
_gatherv = _c_function("MPI_Gatherv", "piipppiii")
_scatterv = _c_function("MPI_Scatterv", "pppipiiii")
_alltoall = _c_function("MPI_Alltoall", "piipiii")
_alltoallv = _c_function("MPI_Alltoallv", "pppipppii")
_comm_rank = _c_function("MPI_Comm_rank", "ip")
_comm_size = _c_function("MPI_Comm_size", "ip")

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


def allreduce_array(a, op):
    """``op`` of numeric array ``a`` element by element over all ranks (a new C-ordered array)."""


@overload(allreduce_array)
def _allreduce_array_ov(a, op):
    dt = mpi_dtype(a.dtype)

    def impl(a, op):
        send = np.ascontiguousarray(a)
        recv = np.empty_like(send)
        _allreduce(send.ctypes.data, recv.ctypes.data, send.size, dt, op, COMM)
        return recv
    return impl


@register_jitable
def world_rank_now():
    """This rank, asked of MPI at run time (compiled code that must not bake it in: cached)."""
    out = np.empty(1, np.int32)
    _comm_rank(COMM, out.ctypes.data)
    return np.int64(out[0])


@register_jitable
def world_size_now():
    """The world size, asked of MPI at run time."""
    out = np.empty(1, np.int32)
    _comm_size(COMM, out.ctypes.data)
    return np.int64(out[0])


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
    return recv[0] if world_rank_now() > 0 else 0


@register_jitable
def allgather_int64(x):
    """``x`` of every rank, as an int64 array of the world size."""
    send = np.empty(1, np.int64)
    send[0] = x
    recv = np.empty(world_size_now(), np.int64)
    _allgather(send.ctypes.data, 1, H_INT64, recv.ctypes.data, 1, H_INT64, COMM)
    return recv


@register_jitable
def allgatherv_bytes(send, nbytes, out):
    """Concatenate ``nbytes`` bytes at address ``send`` from every rank into uint8 array ``out``."""
    counts, displs = _counts_displs(allgather_int64(nbytes))
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



def _counts_displs(counts64):
    counts = counts64.astype(np.int32)
    displs = np.zeros(len(counts), np.int32)
    for r in range(1, len(counts)):
        displs[r] = displs[r - 1] + counts[r - 1]
    return counts, displs


_counts_displs = register_jitable(_counts_displs)


def bcast(x, root):
    """Rank ``root``'s scalar or 1-d array ``x``, on every rank."""


@overload(bcast)
def _bcast_ov(x, root):
    if isinstance(x, types.Array):
        def impl(x, root):
            n = np.empty(1, np.int64)
            n[0] = len(x)
            _bcast(n.ctypes.data, 1, H_INT64, root, COMM)
            out = x.copy() if world_rank_now() == root else np.empty(n[0], x.dtype)
            _bcast(out.ctypes.data, n[0] * out.itemsize, H_BYTE, root, COMM)
            return out
        return impl
    t = x.literal_type if isinstance(x, types.Literal) else x
    np_dt = np.dtype(str(t)) if not isinstance(t, types.Boolean) else np.bool_

    def impl(x, root):
        buf = np.empty(1, np_dt)
        buf[0] = x
        _bcast(buf.ctypes.data, buf.itemsize, H_BYTE, root, COMM)
        return buf[0]
    return impl


@register_jitable
def gatherv_array(a, root):
    """The concatenation of every rank's ``a`` on ``root`` (an empty array elsewhere)."""
    counts, displs = _counts_displs(allgather_int64(len(a) * a.itemsize))
    total = counts.sum() // a.itemsize if world_rank_now() == root else 0
    out = np.empty(total, a.dtype)
    _gatherv(a.ctypes.data, len(a) * a.itemsize, H_BYTE, out.ctypes.data, counts.ctypes.data,
             displs.ctypes.data, H_BYTE, root, COMM)
    return out


@register_jitable
def scatterv_array(a, root):
    """This rank's equal block of rank ``root``'s array ``a``."""
    n = bcast(len(a), root)
    size, rank = world_size_now(), world_rank_now()
    sizes = np.empty(size, np.int64)
    chunk, rem = divmod(n, size)
    for r in range(size):
        sizes[r] = (chunk + (1 if r < rem else 0)) * a.itemsize
    counts, displs = _counts_displs(sizes)
    out = np.empty(sizes[rank] // a.itemsize, a.dtype)
    _scatterv(a.ctypes.data, counts.ctypes.data, displs.ctypes.data, H_BYTE, out.ctypes.data,
              sizes[rank], H_BYTE, root, COMM)
    return out


@register_jitable
def alltoallv_array(send, send_counts):
    """Send ``send_counts[r]`` consecutive elements of ``send`` to rank r; returns what arrived
    (in rank order) and how many came from each rank."""
    item = send.itemsize
    sc = (send_counts * item).astype(np.int32)
    size = world_size_now()
    rc = np.empty(size, np.int32)
    _alltoall(sc.ctypes.data, 1, H_INT32, rc.ctypes.data, 1, H_INT32, COMM)
    sd = np.zeros(size, np.int32)
    rd = np.zeros(size, np.int32)
    for r in range(1, size):
        sd[r] = sd[r - 1] + sc[r - 1]
        rd[r] = rd[r - 1] + rc[r - 1]
    out = np.empty(rc.sum() // item, send.dtype)
    _alltoallv(send.ctypes.data, sc.ctypes.data, sd.ctypes.data, H_BYTE, out.ctypes.data,
               rc.ctypes.data, rd.ctypes.data, H_BYTE, COMM)
    return out, (rc // item).astype(np.int64)
