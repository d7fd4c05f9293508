"""Decimal text to float64, correctly rounded, in compiled code (Eisel–Lemire).

pandas' CSV parser and Python's ``float`` both round decimal text correctly, so a value
parsed here equals theirs to the bit. ``parse_decimal`` reads ``[+-]digits[.digits][e[+-]digits]``
and maps the digits ``w`` and decimal exponent ``q`` to binary with one 64×128-bit
product against a table of powers of five (D. Lemire, "Number Parsing at a Gigabyte per
Second", 2021). The rare inputs the product cannot decide — more than 19 significant
digits, a result that would be subnormal or overflow, an ambiguous rounding — are reported
as undecided, for the caller to hand to Python's ``float``.
"""
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.cpython.unsafe.numbers import leading_zeros
from numba.extending import intrinsic, register_jitable

from hpjit.core.kernel import cached_njit
from hpjit.runtime.raw_bytes import byte_at, word_at

_MIN_Q, _MAX_Q = -342, 308
PARSED, UNDECIDED, NOT_A_NUMBER = 0, 1, 2


def _powers_of_five():
    """(high, low) 64-bit halves of 5**q scaled to 128 bits, for q in [_MIN_Q, _MAX_Q]:
    truncated for q >= 0; for q < 0, 2**b // 5**-q + 1 at 128 bits (b chosen exactly
    while 5**-q fits in 64 bits, with 128 extra bits and truncated beyond)."""
    high = np.empty(_MAX_Q - _MIN_Q + 1, np.uint64)
    low = np.empty_like(high)
    mask = (1 << 64) - 1
    for q in range(_MIN_Q, _MAX_Q + 1):
        if q >= 0:
            v = 5 ** q
            shift = v.bit_length() - 128
            v = v >> shift if shift > 0 else v << -shift
        else:
            p = 5 ** -q
            z = p.bit_length()
            b = z + 127 if q >= -27 else 2 * z + 128
            v = (1 << b) // p + 1
            v >>= max(0, v.bit_length() - 128)
        high[q - _MIN_Q] = v >> 64
        low[q - _MIN_Q] = v & mask
    return high, low


_HIGH, _LOW = _powers_of_five()


@intrinsic
def _mul128(typingctx, a, b):
    """The full 128-bit product of two uint64s as (high, low)."""
    def codegen(context, builder, sig, args):
        wide = ir.IntType(128)
        p = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        hi = builder.trunc(builder.lshr(p, ir.Constant(wide, 64)), ir.IntType(64))
        lo = builder.trunc(p, ir.IntType(64))
        return cgutils.pack_array(builder, [hi, lo])
    return types.UniTuple(types.uint64, 2)(types.uint64, types.uint64), codegen


@intrinsic
def _bits_to_float(typingctx, bits):
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.uint64), codegen


_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@cached_njit(nogil=True, inline=True)
def decimal_to_float(w, q, negative):
    """(value, decided) of the decimal ``w * 10**q`` (w < 2**64)."""
    if w == 0 or q < _MIN_Q:
        return (-0.0 if negative else 0.0), True
    if q > _MAX_Q:
        return 0.0, False
    lz = leading_zeros(w)
    w = w << np.uint64(lz)
    hi, lo = _mul128(w, _HIGH[q - _MIN_Q])
    if hi & np.uint64(0x1FF) == np.uint64(0x1FF):
        hi2, lo2 = _mul128(w, _LOW[q - _MIN_Q])
        lo = lo + hi2
        if hi2 > lo:
            hi = hi + np.uint64(1)
        if lo == _M64 and (q < -27 or q > 55):
            return 0.0, False
    upper = hi >> np.uint64(63)
    mantissa = hi >> (upper + np.uint64(9))
    power2 = ((217706 * q) >> 16) + 63 + np.int64(upper) - np.int64(lz) + 1023
    if power2 <= 0 or power2 >= 2046:
        return 0.0, False  # subnormal or near overflow: left to Python
    if lo <= np.uint64(1) and -4 <= q <= 23 and mantissa & np.uint64(3) == np.uint64(1):
        if mantissa << (upper + np.uint64(9)) == hi:
            mantissa &= ~np.uint64(1)  # exactly halfway: round to even
    mantissa += mantissa & np.uint64(1)
    mantissa >>= np.uint64(1)
    if mantissa >= np.uint64(2 << 52):
        mantissa = np.uint64(1 << 52)
        power2 += 1
    mantissa &= ~np.uint64(1 << 52)
    if power2 >= 2047:
        return 0.0, False
    bits = mantissa | (np.uint64(power2) << np.uint64(52))
    if negative:
        bits |= np.uint64(1) << np.uint64(63)
    return _bits_to_float(bits), True


_ZEROS = np.uint64(0x3030303030303030)
_HIGH_NIBBLES = np.uint64(0xF0F0F0F0F0F0F0F0)
_SIXES = np.uint64(0x0606060606060606)
_THREES = np.uint64(0x3333333333333333)
_LOW_BYTES = np.uint64(0x000000FF000000FF)


@register_jitable
def _eight_digits(v):
    """Whether all 8 bytes of word ``v`` are ASCII digits."""
    return ((v & _HIGH_NIBBLES) | (((v + _SIXES) & _HIGH_NIBBLES) >> np.uint64(4))) == _THREES


@register_jitable
def _eight_digits_value(v):
    """The number written by the 8 ASCII digits of word ``v`` (first digit in the low byte),
    by three multiplies instead of eight steps."""
    v = v - _ZEROS
    v = v * np.uint64(10) + (v >> np.uint64(8))
    return ((v & _LOW_BYTES) * np.uint64(100 + (1000000 << 32))
            + ((v >> np.uint64(16)) & _LOW_BYTES) * np.uint64(1 + (10000 << 32))) \
        >> np.uint64(32)


@register_jitable
def _digits(buf, i, end, w):
    """(w extended by the decimal digits at address ``buf`` from ``i``, the position after
    them)."""
    while i + 8 <= end:
        v = word_at(buf, i)
        if not _eight_digits(v):
            break
        w = w * np.uint64(100000000) + _eight_digits_value(v)
        i += 8
    while i < end:
        d = np.int64(byte_at(buf, i)) - 48
        if d < 0 or d > 9:
            break
        w = w * np.uint64(10) + np.uint64(d)
        i += 1
    return w, i


@register_jitable
def parse_decimal(buf, start, end):
    """(value, status) of the bytes [start, end) at address ``buf``: ``PARSED``; ``UNDECIDED`` for a
    well-formed number left to Python's ``float``; ``NOT_A_NUMBER`` for anything else
    (spaces, "inf", a second dot...)."""
    i = start
    negative = False
    if i < end and (byte_at(buf, i) == 45 or byte_at(buf, i) == 43):
        negative = byte_at(buf, i) == 45
        i += 1
    first = i
    while i < end and byte_at(buf, i) == 48:
        i += 1
    lead = i
    w, i = _digits(buf, i, end, np.uint64(0))
    significant = i - lead
    digits = i - first
    q = 0
    if i < end and byte_at(buf, i) == 46:
        i += 1
        point = i
        if significant == 0:
            while i < end and byte_at(buf, i) == 48:
                i += 1
        zeros = i - point
        w, i = _digits(buf, i, end, w)
        significant += i - point - zeros
        digits += i - point
        q = -(i - point)
    if digits == 0:
        return 0.0, NOT_A_NUMBER
    if i < end and (byte_at(buf, i) == 101 or byte_at(buf, i) == 69):
        i += 1
        eneg = False
        if i < end and (byte_at(buf, i) == 45 or byte_at(buf, i) == 43):
            eneg = byte_at(buf, i) == 45
            i += 1
        if i == end:
            return 0.0, NOT_A_NUMBER
        e = 0
        while i < end and 48 <= byte_at(buf, i) <= 57:
            if e < 100000:
                e = e * 10 + (np.int64(byte_at(buf, i)) - 48)
            i += 1
        q += -e if eneg else e
    if i != end:
        return 0.0, NOT_A_NUMBER
    if significant > 19:
        return 0.0, UNDECIDED
    value, decided = decimal_to_float(w, q, negative)
    return value, (PARSED if decided else UNDECIDED)
