"""Row keys for the relational operators: hashing, equality and ordering of rows.

A key is a tuple of columns (any layout hpjit supports). Everything here works
on the buffers directly — string bytes are hashed and compared in place over the
Arrow layout — so groupby, drop_duplicates, merge and sort never build a Python
object per row.

Per column: ``key_hash(a, i)``, ``key_equal(a, i, b, j)`` (missing equals
missing, as pandas' grouping and de-duplication treat NaN) and
``key_compare(a, i, b, j)`` (values only; callers place missing values).
Per row, over tuples of columns: ``row_hash``, ``rows_equal``, ``row_compare``.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl as _gen
from hpjit.typing.columns.arrays import isna_at
from hpjit.typing.columns.datetime import DateArrayType, dt64_to_int
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.columns.strings import StringArrayType

_MISSING_HASH = np.uint64(0x9E3779B97F4A7C15)


@register_jitable
def mix64(x):
    """splitmix64's finalizer: a cheap, well-spread 64-bit mix."""
    x = np.uint64(x)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@register_jitable
def combine_hash(h, x):
    return mix64(h ^ (x + np.uint64(0x9E3779B97F4A7C15) + (h << np.uint64(6)) + (h >> np.uint64(2))))


@register_jitable
def _bytes_hash(data, start, stop):
    h = np.uint64(0xCBF29CE484222325)
    for k in range(start, stop):
        h = (h ^ np.uint64(data[k])) * np.uint64(0x100000001B3)
    return mix64(h)


@register_jitable
def _bytes_compare(a, sa, ea, b, sb, eb):
    la, lb = ea - sa, eb - sb
    for k in range(min(la, lb)):
        x, y = a[sa + k], b[sb + k]
        if x != y:
            return -1 if x < y else 1
    return 0 if la == lb else (-1 if la < lb else 1)


@register_jitable
def _float_hash(v):
    """Hash of a number by value (-0.0 and 0.0 alike; 2.0 like 2)."""
    return mix64(np.uint64(hash(v + 0.0)))


def key_int(a, i):
    """Element ``i`` of a fixed-width, non-float column as an integer (dates and datetimes too)."""


@overload(key_int)
def _key_int(a, i):
    if isinstance(a, DateArrayType):
        return lambda a, i: a._days[i]
    if isinstance(a.dtype, types.NPDatetime):
        return lambda a, i: dt64_to_int(a[i])
    return lambda a, i: a[i]


def key_hash(a, i):
    """64-bit hash of element ``i`` of column ``a``; equal values (and all missing ones) collide."""


@overload(key_hash)
def _key_hash(a, i):
    if isinstance(a, StringArrayType):
        def impl(a, i):
            if isna_at(a, i):
                return _MISSING_HASH
            return _bytes_hash(a._data, a._offsets[i], a._offsets[i + 1])
        return impl
    if isinstance(a, MaskedArrayType):
        def impl(a, i):
            if a._mask[i]:
                return _MISSING_HASH
            return _float_hash(a._values[i])
        return impl
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Float):
        def impl(a, i):
            v = a[i]
            if np.isnan(v):
                return _MISSING_HASH
            return _float_hash(v)
        return impl
    return lambda a, i: mix64(key_int(a, i))


def key_equal(a, i, b, j):
    """Whether ``a[i]`` and ``b[j]`` are the same key (two missing values are)."""


@overload(key_equal)
def _key_equal(a, i, b, j):
    if isinstance(a, StringArrayType):
        def impl(a, i, b, j):
            na, nb = isna_at(a, i), isna_at(b, j)
            if na or nb:
                return na and nb
            sa, sb = a._offsets[i], b._offsets[j]
            ln = a._offsets[i + 1] - sa
            if ln != b._offsets[j + 1] - sb:
                return False
            for k in range(ln):
                if a._data[sa + k] != b._data[sb + k]:
                    return False
            return True
        return impl
    if isinstance(a, MaskedArrayType):
        def impl(a, i, b, j):
            if a._mask[i] or b._mask[j]:
                return a._mask[i] and b._mask[j]
            return a._values[i] == b._values[j]
        return impl
    if isinstance(a, types.Array) and isinstance(a.dtype, types.Float):
        def impl(a, i, b, j):
            x, y = a[i], b[j]
            return x == y or (np.isnan(x) and np.isnan(y))
        return impl
    return lambda a, i, b, j: key_int(a, i) == key_int(b, j)


def key_compare(a, i, b, j):
    """-1, 0 or 1 as ``a[i]`` sorts before, with or after ``b[j]`` (neither missing)."""


@overload(key_compare)
def _key_compare(a, i, b, j):
    if isinstance(a, StringArrayType):
        def impl(a, i, b, j):
            return _bytes_compare(a._data, a._offsets[i], a._offsets[i + 1],
                                  b._data, b._offsets[j], b._offsets[j + 1])
        return impl
    if isinstance(a, MaskedArrayType):
        def impl(a, i, b, j):
            x, y = a._values[i], b._values[j]
            return -1 if x < y else (1 if x > y else 0)
        return impl
    if isinstance(a, types.Array) and not isinstance(a.dtype, types.NPDatetime):
        def impl(a, i, b, j):
            x, y = a[i], b[j]
            return -1 if x < y else (1 if x > y else 0)
        return impl
    def impl(a, i, b, j):
        x, y = key_int(a, i), key_int(b, j)
        return -1 if x < y else (1 if x > y else 0)
    return impl


@register_jitable
def _ordered(c, ascending, a_missing, b_missing, na_last):
    if a_missing or b_missing:
        if a_missing and b_missing:
            return 0
        return (1 if na_last else -1) if a_missing else (-1 if na_last else 1)
    return c if ascending else -c


# --- rows: tuples of columns (source generated per key count) ----------------


def row_hash(keys, i):
    """Hash of row ``i`` of the key columns ``keys``."""


@overload(row_hash)
def _row_hash(keys, i):
    body = "".join(f"    h = combine_hash(h, key_hash(keys[{k}], i))\n" for k in range(len(keys)))
    return _gen(f"def impl(keys, i):\n    h = np.uint64(0)\n{body}    return h\n",
                np=np, combine_hash=combine_hash, key_hash=key_hash)


def rows_equal(ka, i, kb, j):
    """Whether row ``i`` of key columns ``ka`` equals row ``j`` of ``kb``."""


@overload(rows_equal)
def _rows_equal(ka, i, kb, j):
    body = "".join(f"    if not key_equal(ka[{k}], i, kb[{k}], j):\n        return False\n"
                   for k in range(len(ka)))
    return _gen(f"def impl(ka, i, kb, j):\n{body}    return True\n", key_equal=key_equal)


def row_compare(ka, i, kb, j, ascending, na_last):
    """Order of row ``i`` of ``ka`` against row ``j`` of ``kb``: -1, 0, 1.

    ``ascending`` holds one flag per key; missing values go last when ``na_last``,
    whatever the direction (pandas' ``na_position``).
    """


@overload(row_compare)
def _row_compare(ka, i, kb, j, ascending, na_last):
    body = "".join(
        f"    ma, mb = isna_at(ka[{k}], i), isna_at(kb[{k}], j)\n"
        f"    c = 0 if (ma or mb) else key_compare(ka[{k}], i, kb[{k}], j)\n"
        f"    c = _ordered(c, ascending[{k}], ma, mb, na_last)\n"
        f"    if c != 0:\n        return c\n" for k in range(len(ka)))
    return _gen(f"def impl(ka, i, kb, j, ascending, na_last):\n{body}    return 0\n",
                isna_at=isna_at, key_compare=key_compare, _ordered=_ordered)


def row_has_missing(keys, i):
    """Whether any key of row ``i`` is missing (such rows are dropped by ``groupby(dropna=True)``)."""


@overload(row_has_missing)
def _row_has_missing(keys, i):
    body = "".join(f"    if isna_at(keys[{k}], i):\n        return True\n" for k in range(len(keys)))
    return _gen(f"def impl(keys, i):\n{body}    return False\n", isna_at=isna_at)
