"""Values looked up in a table: ``Series.map(dict)``, ``Series.map(Series)``,
``Series.replace`` and ``DataFrame.replace``.

The table is known at compile time (a dict or list written in the code, or a module
constant): its keys become a sorted array (numbers) or sorted UTF-8 byte strings, and each row
finds its key by binary search over them, with no Python object per row. The result's dtype is
pandas' where pandas decides it from the table alone; where pandas decides it from the data (a
value missing from an int-valued dict makes the column float64; a replacement the column cannot
hold upcasts it only if some row matches) hpjit takes the case that keeps the column's type and
says so: an unmatched row is a run-time error there, an upcasting replacement a compile-time
one.
"""
import hashlib

import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.runtime.join_kernels import match_groups
from hpjit.typing.columns.arrays import copy_column, isna_at, take_or_missing, take_rows, values_of
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import StringArrayType, make_string_array, str_getitem
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import KeyIndexType, RangeIndexType, index_key_columns, index_labels
from hpjit.typing.operations import ELEMENTWISE, method
from hpjit.typing.series import SeriesType, init_series

#: a row's code: no key matched it (or it is missing); keep its own value
NO_MATCH, KEEP = -1, -2


class Table:
    """Compile-time keys and their values, in key order, as arrays jitted code can search."""

    def __init__(self, column, pairs):
        self.strings = isinstance(column, StringArrayType)
        kind = _kind(column)
        pairs = [(k, v) for k, v in pairs if _can_match(k, kind)]
        self.nan_value = None
        if kind == "f":
            nans = [v for k, v in pairs if k != k]
            self.nan_value = nans[-1] if nans else None
            pairs = [(k, v) for k, v in pairs if k == k]
        keys = {}
        for k, v in pairs:
            keys[k] = v  # a later duplicate wins, as in a dict
        if self.strings:
            order = sorted(keys, key=lambda k: k.encode())
            encoded = [k.encode() for k in order]
            self.key_offsets = np.cumsum([0] + [len(b) for b in encoded]).astype(np.int64)
            self.key_bytes = np.frombuffer(b"".join(encoded) or b"\0", np.uint8).copy()
        else:
            order = sorted(keys)
            self.keys = np.array(order, np.float64 if kind == "f" else np.int64)
        #: int keys of a compact range: each value's code read from a table over the range
        self.direct = None
        whole = not self.strings and all(np.isfinite(k) and float(k) == int(k) for k in order)
        if whole and order and int(order[-1]) - int(order[0]) < max(4 * len(order), 4096):
            self.low = int(order[0])
            self.direct = np.full(int(order[-1]) - self.low + 1, NO_MATCH, np.int64)
            self.direct[np.array(order, np.int64) - self.low] = np.arange(len(order))
        self.values = [keys[k] for k in order]
        self.count = len(order)
        self.key = hashlib.sha1(repr((self.strings, order, self.values, self.nan_value))
                                .encode()).hexdigest()[:16]


def _kind(column):
    if isinstance(column, StringArrayType):
        return "U"
    if isinstance(column, (types.Array, MaskedArrayType)) and \
            isinstance(column.dtype, (types.Integer, types.Boolean)):
        return "i"
    if isinstance(column, (types.Array, MaskedArrayType)) and isinstance(column.dtype, types.Float):
        return "f"
    return None


def _can_match(k, kind):
    """Whether constant key ``k`` can equal a value of a column of ``kind`` (an int column's
    values equal whole floats, a float column's any number)."""
    if kind == "U":
        return isinstance(k, str)
    if not isinstance(k, (bool, np.bool_, int, np.integer, float, np.floating)):
        return False
    return kind == "f" or (bool(np.isfinite(k)) and float(k) == int(k))


def _value_kind(values, what):
    """``'i'``, ``'b'``, ``'f'`` or ``'U'``: the kind of a table's values, as numpy combines them."""
    kinds = set()
    for v in values:
        if isinstance(v, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(v, (int, np.integer)):
            kinds.add("i")
        elif isinstance(v, (float, np.floating)):
            kinds.add("f")
        elif isinstance(v, str):
            kinds.add("U")
        else:
            raise user_error(f"{what}: a {type(v).__name__} value ({v!r}) is not supported by "
                             f"hpjit; use numbers, bools or strings")
    if kinds <= {"i"}:
        return "i"
    if kinds <= {"i", "f"}:
        return "f"
    if len(kinds) == 1:
        return kinds.pop()
    raise user_error(f"{what}: values of mixed types {sorted(kinds)} give an object column in "
                     f"pandas, which hpjit does not support")


@register_jitable
def _bytes_less(p, n, data, start, stop):
    """Whether bytes ``p[:n]`` sort before ``data[start:stop]``; (less, equal)."""
    m = stop - start
    for k in range(min(n, m)):
        if p[k] != data[start + k]:
            return p[k] < data[start + k], False
    return n < m, n == m


def key_codes(a, table):
    """Each row's position in ``table``'s keys, ``NO_MATCH`` when none (or missing)."""


@overload(key_codes)
def _key_codes(a, table):
    t = table.instance_type.table if isinstance(table, types.TypeRef) else table.table
    if t.strings:
        offsets, data = t.key_offsets, t.key_bytes
        count = t.count

        def impl(a, table):
            n = len(a)
            out = np.empty(n, np.int64)
            for i in prange(n):
                out[i] = NO_MATCH
                if isna_at(a, i):
                    continue
                v = str_getitem(a, i)
                lo, hi = 0, count
                while lo < hi:
                    mid = (lo + hi) >> 1
                    less, equal = _bytes_less(v._ptr, v._nbytes, data, offsets[mid],
                                              offsets[mid + 1])
                    if equal:
                        out[i] = mid
                        break
                    if less:
                        hi = mid
                    else:
                        lo = mid + 1
            return out
        return impl
    is_float = isinstance(a.dtype, types.Float)
    nan_code = t.count if t.nan_value is not None else NO_MATCH
    if t.direct is not None:
        direct, low = t.direct, t.low

        def dense(a, table):
            vals = values_of(a)
            n = len(vals)
            out = np.empty(n, np.int64)
            for i in prange(n):
                x = vals[i]
                if is_float and x != x:
                    out[i] = nan_code
                    continue
                k = np.int64(x) - low
                hit = 0 <= k < len(direct) and (not is_float or k + low == x)
                out[i] = direct[k] if hit and not isna_at(a, i) else NO_MATCH
            return out
        return dense
    keys = t.keys if t.count else np.zeros(1, t.keys.dtype)
    m = t.count

    def impl(a, table):
        vals = values_of(a)
        n = len(vals)
        out = np.empty(n, np.int64)
        for i in prange(n):
            x = vals[i]
            if is_float and x != x:
                out[i] = nan_code
                continue
            base, size = 0, m  # branch-free lower bound: halvings depend on m only
            while size > 1:
                half = size >> 1
                base = base + half if keys[base + half] < x else base
                size -= half
            pos = base + (1 if m and keys[base] < x else 0)
            out[i] = pos if pos < m and keys[pos] == x and not isna_at(a, i) else NO_MATCH
        return out
    return impl


class TableType(types.Type):
    """A ``Table`` as a numba type (a global of generated code; its whole value is the type)."""

    def __init__(self, table):
        self.table = table
        super().__init__(name=f"Table({table.key})")


def kept_size(a, i):
    """Bytes of row ``i`` of ``a`` when it keeps its own value (0 unless ``a`` holds strings)."""


@overload(kept_size)
def _kept_size(a, i):
    if isinstance(a, StringArrayType):
        return lambda a, i: 0 if isna_at(a, i) else a._offsets[i + 1] - a._offsets[i]
    return lambda a, i: 0


def copy_kept(a, i, data, start):
    """Row ``i`` of string column ``a`` copied into ``data`` at ``start``."""


@overload(copy_kept)
def _copy_kept(a, i, data, start):
    if isinstance(a, StringArrayType):
        def impl(a, i, data, start):
            first = a._offsets[i]
            for k in range(a._offsets[i + 1] - first):
                data[start + k] = a._data[first + k]
        return impl
    return lambda a, i, data, start: None


@register_jitable
def strings_by_code(a, codes, value_offsets, value_bytes):
    """A string column whose row ``i`` is value ``codes[i]`` of the table, missing for
    ``NO_MATCH``, or row ``i`` of string column ``a`` for ``KEEP``."""
    n = len(codes)
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in range(n):
        c = codes[i]
        present = c >= 0 or (c == KEEP and not isna_at(a, i))
        if present:
            valid[i >> 3] |= np.uint8(1 << (i & 7))
        size = value_offsets[c + 1] - value_offsets[c] if c >= 0 else kept_size(a, i)
        offsets[i + 1] = offsets[i] + (size if present else 0)
    data = np.empty(offsets[n], np.uint8)
    for i in prange(n):
        c = codes[i]
        start = offsets[i]
        if c >= 0:
            for k in range(value_offsets[c + 1] - value_offsets[c]):
                data[start + k] = value_bytes[value_offsets[c] + k]
        elif c == KEEP:
            copy_kept(a, i, data, start)
    return make_string_array(offsets, data, valid)


def _string_values(values):
    encoded = [v.encode() for v in values]
    offsets = np.cumsum([0] + [len(b) for b in encoded]).astype(np.int64)
    return offsets, np.frombuffer(b"".join(encoded) or b"\0", np.uint8).copy()


def _pairs_of(arg, what):
    value = const_value(arg)
    if not isinstance(value, dict):
        raise user_error(f"{what}: hpjit maps with a dict written in the code or a module "
                         f"constant, not {arg}")
    return list(value.items())


# --- Series.map(dict) ------------------------------------------------------


def map_table(s, arg):
    """``impl(s, arg, na_action=None)`` of ``s.map(dict)``."""
    what = "Series.map"
    if _kind(s.data) is None:
        raise user_error(f"{what}(dict) is not supported by hpjit for {s.data} columns yet")
    if isinstance(s.data, MaskedArrayType):
        raise user_error(f"{what}(dict) of a nullable column is not supported by hpjit yet")
    pairs = _pairs_of(arg, what)
    if not pairs:
        raise user_error(f"{what}: an empty dict gives an all-NaN column of no inferable dtype")
    table = Table(s.data, pairs)
    kind = _value_kind([v for _, v in pairs], what)
    tt = TableType(table)
    values = table.values + ([table.nan_value] if table.nan_value is not None else [])
    glbs = dict(np=np, key_codes=key_codes, init_series=init_series, TABLE=tt,
                NO_MATCH=NO_MATCH)
    if kind == "U":
        voff, vbytes = _string_values(values)
        return gen_impl(
            "def impl(s, arg, na_action=None):\n"
            "    codes = key_codes(s._data, TABLE)\n"
            "    return init_series(strings_by_code(s._data, codes, VOFF, VBYTES), s._index, s)\n",
            strings_by_code=strings_by_code, VOFF=voff, VBYTES=vbytes, key=table.key, **glbs)
    dtype = {"i": np.int64, "b": np.bool_, "f": np.float64}[kind]
    vals = np.array(values if values else [0], dtype)
    if kind == "f":
        return gen_impl(
            "def impl(s, arg, na_action=None):\n"
            "    codes = key_codes(s._data, TABLE)\n"
            "    out = np.empty(len(codes), np.float64)\n"
            "    for i in prange(len(codes)):\n"
            "        out[i] = VALS[codes[i]] if codes[i] >= 0 else np.nan\n"
            "    return init_series(out, s._index, s)\n", VALS=vals, prange=prange, key=table.key,
            **glbs)
    return gen_impl(
        "def impl(s, arg, na_action=None):\n"
        "    codes = key_codes(s._data, TABLE)\n"
        "    out = np.empty(len(codes), DTYPE)\n"
        "    unmatched = 0\n"
        "    for i in prange(len(codes)):\n"
        "        if codes[i] >= 0:\n"
        "            out[i] = VALS[codes[i]]\n"
        "        else:\n"
        "            unmatched += 1\n"
        "    if unmatched:\n"
        "        raise ValueError(MESSAGE)\n"
        "    return init_series(out, s._index, s)\n",
        VALS=vals, DTYPE=dtype, prange=prange, key=table.key,
        MESSAGE="hpjit: Series.map(dict): a row's value is missing or not in the dict; pandas "
                "then gives NaN and a float64 column, which this dict's "
                f"{np.dtype(dtype).name} values cannot hold: write the values as floats",
        **glbs)


# --- Series.map(Series) ----------------------------------------------------


def map_series(s, arg):
    """``impl(s, arg, na_action=None)`` of ``s.map(other)``: each row's value looked up among
    ``other``'s labels (which pandas requires unique; a missing value finds a missing label).
    An unmatched row is missing in the result; with int or bool values pandas would change
    the dtype then, so hpjit raises naming it, as for a dict."""
    what = "Series.map(Series)"
    idx = arg.index
    if isinstance(idx, RangeIndexType):
        labels_type = types.Array(types.int64, 1, "C")
    elif isinstance(idx, KeyIndexType):
        labels_type = idx.data
    else:
        raise user_error(f"{what}: hpjit looks values up by one level of labels, not {idx}")
    if labels_type != s.data:
        raise user_error(f"{what}: the values ({s.data}) and the other Series' labels "
                         f"({labels_type}) are of different types")
    values = arg.data
    exact = isinstance(values, types.Array) and isinstance(values.dtype, (types.Integer,
                                                                          types.Boolean))
    keyed = isinstance(idx, KeyIndexType)
    message = (f"hpjit: {what}: a row's value is not among the labels; pandas then gives a "
               f"missing value and another dtype, which {values.dtype} values cannot hold: "
               f"map with a float Series" if exact else "")

    def impl(s, arg, na_action=None):
        keys = index_key_columns(arg._index) if keyed else (index_labels(arg._index),)
        _, first, lgroup = match_groups((s._data,), keys)
        if len(first) != len(keys[0]):
            raise ValueError("hpjit: Series.map(Series): the Series' labels are not unique "
                             "(pandas: 'Reindexing only valid with uniquely valued Index "
                             "objects')")
        n = len(lgroup)
        rows = np.empty(n, np.int64)
        unmatched = 0
        for i in prange(n):
            g = lgroup[i]
            rows[i] = first[g] if g >= 0 else -1
            unmatched += g < 0
        if exact:
            if unmatched:
                raise ValueError(message)
            return init_series(take_rows(arg._data, rows), s._index, s)
        return init_series(take_or_missing(arg._data, rows), s._index, s)
    return impl


# --- replace ---------------------------------------------------------------


def replacement_pairs(to_replace, value, what):
    """``[(old, new)]`` of ``replace(to_replace, value)`` (scalar, list or dict forms)."""
    old = const_value(to_replace)
    new = const_value(value, None)
    if old is NOT_CONSTANT or new is NOT_CONSTANT:
        raise user_error(f"{what}: hpjit needs to_replace= and value= written as constants")
    if isinstance(old, dict):
        if new is not None:
            raise user_error(f"{what}: a dict to_replace= with a value= is not supported by "
                             f"hpjit yet")
        return list(old.items())
    olds = list(old) if isinstance(old, (list, tuple)) else [old]
    if isinstance(new, (list, tuple)):
        if len(new) != len(olds):
            raise user_error(f"{what}: Replacement lists must match in length. Expecting "
                             f"{len(olds)} got {len(new)}")
        return list(zip(olds, new))
    if new is None:
        raise user_error(f"{what}: value=None (pandas' pad fill) is not supported by hpjit")
    return [(o, new) for o in olds]


def _holds(column, v):
    """Whether ``column`` holds replacement value ``v`` without changing its dtype."""
    if isinstance(column, StringArrayType):
        return isinstance(v, str)
    if isinstance(column.dtype, types.Boolean):
        return isinstance(v, (bool, np.bool_))
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        return False
    if isinstance(column.dtype, types.Integer):
        info = np.iinfo(np.dtype(str(column.dtype)))
        return float(v) == int(v) and info.min <= int(v) <= info.max if v == v else False
    return True


def replace_column(column, pairs, what):
    """A jitted ``fn(column)`` giving the column with ``pairs`` replaced, or None when no key
    can match it (pandas returns the column unchanged)."""
    if _kind(column) is None:
        return None
    table = Table(column, pairs)
    if table.count == 0 and table.nan_value is None:
        return None
    values = table.values + ([table.nan_value] if table.nan_value is not None else [])
    for v in values:
        if not _holds(column, v):
            raise user_error(
                f"{what}: replacing with {v!r} would change the {column} column's dtype when a "
                f"row matches (pandas decides from the data); convert the column first, "
                f"e.g. .astype('float64')")
    tt = TableType(table)
    glbs = dict(np=np, key_codes=key_codes, TABLE=tt, prange=prange, KEEP=KEEP)
    if isinstance(column, StringArrayType):
        voff, vbytes = _string_values(values)
        return register_jitable(gen_impl(
            "def impl(a):\n    codes = key_codes(a, TABLE)\n"
            "    for i in prange(len(codes)):\n"
            "        if codes[i] < 0:\n            codes[i] = KEEP\n"
            "    return strings_by_code(a, codes, VOFF, VBYTES)\n",
            strings_by_code=strings_by_code, VOFF=voff, VBYTES=vbytes, key=table.key, **glbs))
    vals = np.array(values, np.dtype(str(column.dtype)))
    if isinstance(column, MaskedArrayType):
        return register_jitable(gen_impl(
            "def impl(a):\n    codes = key_codes(a, TABLE)\n    out = a._values.copy()\n"
            "    for i in prange(len(codes)):\n"
            "        if codes[i] >= 0:\n            out[i] = VALS[codes[i]]\n"
            "    return make_masked(out, a._mask.copy())\n",
            VALS=vals, make_masked=make_masked, key=table.key, **glbs))
    return register_jitable(gen_impl(
        "def impl(a):\n    codes = key_codes(a, TABLE)\n    out = a.copy()\n"
        "    for i in prange(len(codes)):\n"
        "        if codes[i] >= 0:\n            out[i] = VALS[codes[i]]\n"
        "    return out\n", VALS=vals, key=table.key, **glbs))


@method(SeriesType, "replace", ELEMENTWISE, prefer_literal=True, parallel=True)
def _series_replace(s, to_replace=None, value=None):
    what = "Series.replace"
    fn = replace_column(s.data, replacement_pairs(to_replace, value, what), what)
    if fn is None:
        return lambda s, to_replace=None, value=None: init_series(copy_column(s._data), s._index,
                                                                  s)
    return lambda s, to_replace=None, value=None: init_series(fn(s._data), s._index, s)


@method(DataFrameType, "replace", ELEMENTWISE, prefer_literal=True, parallel=True)
def _frame_replace(df, to_replace=None, value=None):
    """``df.replace(old, new)`` in every column that can match; ``df.replace({col: {old: new}})``
    in the named columns."""
    what = "DataFrame.replace"
    old = const_value(to_replace)
    per_column = isinstance(old, dict) and old and all(isinstance(v, dict) for v in old.values())
    if per_column:
        for col in old:
            if col not in df.columns:
                raise user_error(f"{what}: column {col!r} does not exist")
    fns, items = {}, []
    for j, (col, t) in enumerate(zip(df.columns, df.data)):
        if per_column:
            fn = replace_column(t, list(old.get(col, {}).items()), what) if col in old else None
        else:
            fn = replace_column(t, replacement_pairs(to_replace, value, what), what)
        if fn is None:
            items.append(f"copy_column(column_at(df, {j})), ")
        else:
            fns[f"f{j}"] = fn
            items.append(f"f{j}(column_at(df, {j})), ")
    return gen_impl(f"def impl(df, to_replace=None, value=None):\n"
                    f"    return init_frame(({''.join(items)}), df._index, df)\n",
                    init_frame=init_frame, copy_column=copy_column, **fns)
