"""Byte loads and copies at raw addresses, for the text parsers' inner loops.

The helpers of a parser's hot loop take the address of the bytes (``arr.ctypes.data``),
not the array: numba increfs and decrefs an array passed to a function, and where the call
is inlined by LLVM those atomic updates stay, ~25 ns a call — more than the parse of a
number. The caller keeps the array alive and every access in bounds.
"""
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


def _integers(*args):
    return all(isinstance(a, types.Integer) for a in args)


def _pointer(builder, addr, i, width):
    at = builder.add(addr, i)
    return builder.inttoptr(at, ir.IntType(width).as_pointer())


@intrinsic
def byte_at(typingctx, addr, i):
    """The byte at ``addr + i``."""
    def codegen(context, builder, sig, args):
        return builder.load(_pointer(builder, args[0], args[1], 8))
    if _integers(addr, i):
        return types.uint8(types.uintp, types.intp), codegen


@intrinsic
def word_at(typingctx, addr, i):
    """The 8 bytes at ``addr + i`` as one uint64 in machine (little-endian) order."""
    def codegen(context, builder, sig, args):
        return builder.load(_pointer(builder, args[0], args[1], 64), align=1)
    if _integers(addr, i):
        return types.uint64(types.uintp, types.intp), codegen


@intrinsic
def copy_bytes(typingctx, dst, src, n):
    """memcpy of ``n`` bytes from address ``src`` to address ``dst``."""
    def codegen(context, builder, sig, args):
        ptr = ir.IntType(8).as_pointer()
        cgutils.raw_memcpy(builder, builder.inttoptr(args[0], ptr),
                           builder.inttoptr(args[1], ptr), args[2], 1)
        return context.get_dummy_value()
    if _integers(dst, src, n):
        return types.none(types.uintp, types.uintp, types.intp), codegen
