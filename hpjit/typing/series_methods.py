"""pandas Series API as overloads: each a parallel (``parallel=True``) loop over column buffers."""
import operator

import numpy as np
from numba import prange, types
from numba.extending import overload, overload_attribute, register_jitable

from hpjit.core.chunks import chunk_body, parallel_chunks, row
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import (alloc_fixed, as_str, column_for_value, get_value,
                                         is_missing_str, is_none, isna_at, set_value, slice_rows,
                                         strings_from_list, value_type, values_of)
from hpjit.typing.columns.datetime import (NAT, DateArrayType, DateType, date_days, dt64_to_int,
                                           unit_scale)
from hpjit.typing.columns.masked import MaskedArrayType, make_masked, mask_of
from hpjit.typing.columns.strings import (StringArrayType, affix_text, bytes_equal_at,
                                          compare_bytes, concat_text, repeat_text,
                                          string_array_type, utf8_of)
from hpjit.typing.constants import DictConstantType
from hpjit.typing.index import check_aligned, head_rows, index_slice, tail_rows
from hpjit.typing.operations import ELEMENTWISE, HEAD, ISIN, WHOLE, method
from hpjit.typing.series import SeriesType, init_series, name_carrier
from hpjit.typing.udf import resolve_udf
from hpjit.typing.value_maps import map_series, map_table


def map_values(a, func, out_type):
    """Column ``out_type`` (TypeRef) of ``func`` applied to every element of column ``a``."""


@overload(map_values)
def _map_values(a, func, out_type):
    out_t = out_type.instance_type
    if out_t == string_array_type:
        def impl(a, func, out_type):
            n = len(a)
            strs = [""] * n
            missing = np.zeros(n, np.bool_)
            for i in range(n):
                v = func(get_value(a, i))
                missing[i] = is_missing_str(v)
                if not missing[i]:
                    strs[i] = as_str(v)
            return strings_from_list(strs, missing)
        return impl

    def impl(a, func, out_type):
        n = len(a)
        out = alloc_fixed(n, out_type)
        if parallel_chunks(_map_chunk, n, (a, func, out)):
            for i in range(n):  # replay on this thread: raises the user's own error
                func(get_value(a, i))
            raise ValueError("hpjit: the function passed to Series.map failed")
        return out
    return impl


@chunk_body
def _map_chunk(a, func, out, start, stop):
    for i in range(start, stop):
        i = row(i)
        set_value(out, i, func(get_value(a, i)))
    return 0


def map_masked(a, func, out_dtype):
    """``func`` over the valid values of nullable column ``a``; missing stays missing (pandas:
    NA in, NA out), in a nullable column of ``out_dtype``."""


@overload(map_masked)
def _map_masked(a, func, out_dtype):
    dt = out_dtype.dtype if isinstance(out_dtype, types.DType) else out_dtype

    def impl(a, func, out_dtype):
        n = len(a._values)
        out = np.zeros(n, dt)
        if parallel_chunks(_map_masked_chunk, n, (a, func, out)):
            for i in range(n):
                if not a._mask[i]:
                    func(a._values[i])
            raise ValueError("hpjit: the function passed to Series.map failed")
        return make_masked(out, a._mask.copy())
    return impl


@chunk_body
def _map_masked_chunk(a, func, out, start, stop):
    for i in range(start, stop):
        i = row(i)
        if not a._mask[i]:
            out[i] = func(a._values[i])
    return 0


def _masked_series_map(s, arg):
    sig = resolve_udf(arg, (s.data.dtype,), "Series.map")
    rt = sig.return_type
    if isinstance(rt, types.Boolean):
        out_dt = np.bool_
    elif isinstance(rt, types.Integer):
        out_dt = np.int64
    elif isinstance(rt, types.Float):
        out_dt = np.float64
    else:
        raise user_error(f"Series.map over a nullable column: hpjit keeps the result nullable and "
                         f"supports number or bool results, not {rt}")

    def impl(s, arg, na_action=None):
        return init_series(map_masked(s._data, arg, out_dt), s._index, s)
    return impl


@method(SeriesType, "map", ISIN, parallel=True)
def _series_map(s, arg, na_action=None):
    """``s.map(f | dict | Series)``: each row against the whole mapping (a Series split over
    the ranks is gathered to each, as ``isin``'s values are)."""
    if not is_none(na_action):
        raise user_error("Series.map: na_action='ignore' is not supported by hpjit yet")
    if isinstance(arg, DictConstantType):
        return map_table(s, arg)
    if isinstance(arg, SeriesType):
        return map_series(s, arg)
    if isinstance(arg, (types.DictType, types.Array)):
        raise user_error("Series.map: hpjit maps with a function, a Series or a dict written as "
                         "a constant, not a dict built at run time or an array")
    if isinstance(s.data, MaskedArrayType):
        return _masked_series_map(s, arg)
    sig = resolve_udf(arg, (value_type(s.data),), "Series.map")
    out_arr = column_for_value(sig.return_type, "Series.map")
    out_series = SeriesType(out_arr, s.index, s.series_name)

    def impl(s, arg, na_action=None):
        return init_series(map_values(s._data, arg, out_arr), s._index, out_series)
    return impl


@overload(len, jit_options={"parallel": True})
def _series_len(s):
    if isinstance(s, SeriesType):
        return lambda s: len(s._data)


@overload_attribute(SeriesType, "values", parallel=True)
def _series_values(s):
    if not isinstance(s.data, types.Array):
        raise user_error(f"Series.values of a {s.data} column is not supported by hpjit yet "
                         "(numbers, bools and datetimes are)")
    return lambda s: s._data


@method(SeriesType, "to_numpy", ELEMENTWISE, parallel=True)
def _series_to_numpy(s):
    if not isinstance(s.data, types.Array):  # pandas gives an object array there
        raise user_error(f"Series.to_numpy of a {s.data} column is not supported by hpjit yet "
                         "(numbers, bools and datetimes are)")
    return lambda s: s._data


@overload_attribute(SeriesType, "name", parallel=True)
def _series_name(s):
    name = s.series_name
    return lambda s: name


@overload_attribute(SeriesType, "shape", parallel=True)
def _series_shape(s):
    return lambda s: (len(s._data),)


def _series_rows(bounds):
    """``s.head``/``s.tail``: the rows ``bounds(len, n)`` gives, with their labels."""
    def ov(s, n=5):
        def impl(s, n=5):
            start, stop = bounds(len(s._data), n)
            return init_series(slice_rows(s._data, start, stop),
                               index_slice(s._index, start, stop), s)
        return impl
    return ov


method(SeriesType, "head", HEAD, parallel=True)(_series_rows(head_rows))
method(SeriesType, "tail", WHOLE, form="frame_collectives.dist_tail",
       parallel=True)(_series_rows(tail_rows))


# --- element-wise arithmetic and comparisons -------------------------------

#: the operators of Series (and, column by column, of frames), by their symbol
ARITHMETIC = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
          operator.floordiv: "//", operator.mod: "%", operator.pow: "**"}
COMPARISONS = {operator.eq: "==", operator.ne: "!=", operator.lt: "<", operator.le: "<=",
        operator.gt: ">", operator.ge: ">="}
_LOGIC = {operator.and_: "&", operator.or_: "|", operator.xor: "^"}


def _result_name(a, b):
    if isinstance(a, SeriesType) and isinstance(b, SeriesType):
        return a.series_name if a.series_name == b.series_name else None
    return a.series_name if isinstance(a, SeriesType) else b.series_name


def _string_compare(op, sym):
    """Series of strings compared element-wise with a string scalar (``swap``: the scalar is
    on the left) or another string Series, by their UTF-8 bytes (Python's order of strings):
    nothing is decoded per row."""
    def elementwise(a, b, swap):
        n = len(a)
        out = np.empty(n, np.bool_)
        lit = utf8_of(b)
        sign = -1 if swap else 1
        for i in prange(n):
            if isna_at(a, i):
                out[i] = sym == "!="
            else:
                x = get_value(a, i)
                out[i] = op(sign * compare_bytes(x._ptr, x._nbytes, lit, len(lit)), 0)
        return out

    def pairwise(a, b):
        n = len(a)
        out = np.empty(n, np.bool_)
        for i in prange(n):
            if isna_at(a, i) or isna_at(b, i):
                out[i] = sym == "!="
            else:
                x, y = get_value(a, i), get_value(b, i)
                out[i] = op(compare_bytes(x._ptr, x._nbytes, y._ptr, y._nbytes), 0)
        return out
    parallel = register_jitable(parallel=True)
    return parallel(elementwise), parallel(pairwise)


def _date_compare(op, sym):
    """Series of ``datetime.date`` compared with a date or another date Series, as pandas
    compares objects: a missing date is unequal to everything and neither less nor greater."""
    def scalar(days, d, swap):
        n = len(days)
        out = np.empty(n, np.bool_)
        for i in prange(n):
            v = days[i]
            if v == NAT:
                out[i] = sym == "!="
            else:
                out[i] = op(d, v) if swap else op(v, d)
        return out

    def pairwise(a, b):
        out = np.empty(len(a), np.bool_)
        for i in prange(len(a)):
            if a[i] == NAT or b[i] == NAT:
                out[i] = sym == "!="
            else:
                out[i] = op(a[i], b[i])
        return out
    parallel = register_jitable(parallel=True)
    return parallel(scalar), parallel(pairwise)


def _date_binop(a, b, sym, date_scalar, date_pair, out_t):
    """The impl of a comparison with a date Series operand, or None."""
    if date_scalar is None:
        raise user_error(f"Series {sym} of dates is not supported by hpjit (only comparisons)")
    da, db = (isinstance(x, SeriesType) and isinstance(x.data, DateArrayType) for x in (a, b))
    if da and db:
        def pair(a, b):
            check_aligned(a._index, b._index)
            return init_series(date_pair(a._data._days, b._data._days), a._index, out_t)
        return pair
    if da and isinstance(b, DateType):
        return lambda a, b: init_series(date_scalar(a._data._days, date_days(b), False),
                                        a._index, out_t)
    if db and isinstance(a, DateType):
        return lambda a, b: init_series(date_scalar(b._data._days, date_days(a), True),
                                        b._index, out_t)
    other = b if da else a
    raise user_error(f"Series of dates {sym} {other}: pandas compares date columns with "
                     "datetime.date values (Invalid comparison otherwise)")


def _binop(op, sym):
    str_scalar, str_pair = _string_compare(op, sym) if op in COMPARISONS else (None, None)
    date_scalar, date_pair = _date_compare(op, sym) if op in COMPARISONS else (None, None)

    @overload(op, jit_options={"parallel": True})
    def ov(a, b):
        if not (isinstance(a, SeriesType) or isinstance(b, SeriesType)):
            return None
        name = _result_name(a, b)
        if any(isinstance(x, SeriesType) and isinstance(x.data, DateArrayType) for x in (a, b)):
            return _date_binop(a, b, sym, date_scalar, date_pair, name_carrier(name))
        if _any_masked(a, b):
            return _masked_binop(op, sym, a, b, name_carrier(name))
        text = _text_arithmetic(op, a, b, name_carrier(name))
        if text is not None:
            return text
        if isinstance(a, SeriesType) and isinstance(b, SeriesType):
            if isinstance(a.data, StringArrayType) and isinstance(b.data, StringArrayType) and str_pair:
                out_t = name_carrier(name)

                def strings(a, b):
                    check_aligned(a._index, b._index)
                    return init_series(str_pair(a._data, b._data), a._index, out_t)
                return strings
            if not (isinstance(a.data, types.Array) and isinstance(b.data, types.Array)):
                raise user_error(f"Series {sym} Series is not supported by hpjit for "
                                 f"{a.data} and {b.data}")

            def impl(a, b):
                check_aligned(a._index, b._index)
                return init_series(op(a._data, b._data), a._index, out_t)
            out_t = name_carrier(name)
            return impl
        s, other, swap = (a, b, False) if isinstance(a, SeriesType) else (b, a, True)
        if isinstance(s.data, StringArrayType):
            if str_scalar is None or not isinstance(other, (types.UnicodeType, types.StringLiteral)):
                raise user_error(f"Series {sym} {other} is not supported by hpjit for strings")
            out_t = name_carrier(name)
            if swap:
                return lambda a, b: init_series(str_scalar(b._data, a, True), b._index, out_t)
            return lambda a, b: init_series(str_scalar(a._data, b, False), a._index, out_t)
        if not isinstance(s.data, types.Array):
            raise user_error(f"Series {sym} {other} is not supported by hpjit for {s.data}")
        out_t = name_carrier(name)
        if swap:
            return lambda a, b: init_series(op(a, b._data), b._index, out_t)
        return lambda a, b: init_series(op(a._data, b), a._index, out_t)


def _is_text(x):
    return isinstance(x, SeriesType) and isinstance(x.data, StringArrayType)


def _text_arithmetic(op, a, b, out_t):
    """pandas' ``+`` of strings (a Series and a string, or two Series: missing where either is)
    and ``*`` of strings by an integer (repetition); None for other operands."""
    scalar = (types.UnicodeType, types.StringLiteral)
    if op is operator.add and _is_text(a) and _is_text(b):
        def both(a, b):
            check_aligned(a._index, b._index)
            return init_series(concat_text(a._data, b._data), a._index, out_t)
        return both
    if op is operator.add and _is_text(a) and isinstance(b, scalar):
        return lambda a, b: init_series(affix_text(a._data, utf8_of(b), False), a._index, out_t)
    if op is operator.add and _is_text(b) and isinstance(a, scalar):
        return lambda a, b: init_series(affix_text(b._data, utf8_of(a), True), b._index, out_t)
    if op is operator.mul and _is_text(a) and isinstance(b, types.Integer):
        return lambda a, b: init_series(repeat_text(a._data, b), a._index, out_t)
    if op is operator.mul and _is_text(b) and isinstance(a, types.Integer):
        return lambda a, b: init_series(repeat_text(b._data, a), b._index, out_t)
    return None


def _any_masked(a, b):
    return any(isinstance(x, SeriesType) and isinstance(x.data, MaskedArrayType) for x in (a, b))


def _logical(x):
    """Whether operand ``x`` takes part in pandas' three-valued logic: a bool Series (nullable
    or not) or a bool."""
    if isinstance(x, SeriesType):
        return isinstance(x.data, (types.Array, MaskedArrayType)) and \
            isinstance(x.data.dtype, types.Boolean)
    return isinstance(x, types.Boolean)


def logic_at(x, i):
    """``(value, missing)`` of logical operand ``x`` at row ``i`` (a bool: every row)."""


@overload(logic_at)
def _logic_at(x, i):
    if isinstance(x, types.Boolean):
        return lambda x, i: (x, False)
    if isinstance(x.data, MaskedArrayType):
        return lambda x, i: (x._data._values[i], x._data._mask[i])
    return lambda x, i: (x._data[i], False)


@register_jitable
def _kleene_rows(a, b, n, code):
    """``(values, missing)`` of ``a & b`` (``code`` 0), ``a | b`` (1) or ``a ^ b`` (2)."""
    values = np.empty(n, np.bool_)
    missing = np.empty(n, np.bool_)
    for i in prange(n):
        va, ma = logic_at(a, i)
        vb, mb = logic_at(b, i)
        if code == 0:
            known = (not va and not ma) or (not vb and not mb)  # a known False decides
            values[i] = not known and va and vb
            missing[i] = not known and (ma or mb)
        elif code == 1:
            known = (va and not ma) or (vb and not mb)  # a known True decides
            values[i] = known or va or vb
            missing[i] = not known and (ma or mb)
        else:
            values[i] = va != vb
            missing[i] = ma or mb
    return make_masked(values, missing)


def _kleene(op, a, b, out_t):
    """pandas' logic of nullable bools (Kleene's): ``True | NA`` is True, ``False & NA`` False,
    anything else with a missing operand missing."""
    code = {operator.and_: 0, operator.or_: 1, operator.xor: 2}[op]
    if isinstance(a, SeriesType) and isinstance(b, SeriesType):
        def both(a, b):
            check_aligned(a._index, b._index)
            return init_series(_kleene_rows(a, b, len(a._data), code), a._index, out_t)
        return both
    if isinstance(a, SeriesType):
        return lambda a, b: init_series(_kleene_rows(a, b, len(a._data), code), a._index, out_t)
    return lambda a, b: init_series(_kleene_rows(a, b, len(b._data), code), b._index, out_t)


def _masked_binop(op, sym, a, b, out_t):
    """A nullable operand: the values combine as numpy does, missing where either is missing
    (bools: Kleene's logic, ``_kleene``)."""
    if op in _LOGIC:
        if _logical(a) and _logical(b):
            return _kleene(op, a, b, out_t)
        if any(isinstance(x, SeriesType) and isinstance(x.data.dtype, types.Boolean)
               for x in (a, b)):
            raise user_error(f"Series {sym} of {a} and {b} is not supported by hpjit (a nullable "
                             f"column's logic: bools with bools, integers with integers)")
    for x in (a, b):
        if isinstance(x, SeriesType) and not isinstance(x.data, (types.Array, MaskedArrayType)):
            raise user_error(f"Series {sym} is not supported by hpjit for {x.data}")
    if isinstance(a, SeriesType) and isinstance(b, SeriesType):
        def impl(a, b):
            check_aligned(a._index, b._index)
            v = op(values_of(a._data), values_of(b._data))
            return init_series(make_masked(v, nan_missing(v, mask_of(a._data) | mask_of(b._data))),
                               a._index, out_t)
        return impl
    if isinstance(a, SeriesType):
        def left(a, b):
            v = op(a._data._values, b)
            return init_series(make_masked(v, nan_missing(v, a._data._mask.copy())), a._index,
                               out_t)
        return left

    def right(a, b):
        v = op(a, b._data._values)
        return init_series(make_masked(v, nan_missing(v, b._data._mask.copy())), b._index, out_t)
    return right


def nan_missing(values, mask):
    """``mask`` with the rows where float ``values`` are NaN set: pandas' nullable arithmetic
    makes a NaN it computes (0 / 0, inf - inf) missing."""


@overload(nan_missing)
def _nan_missing(values, mask):
    if isinstance(values.dtype, types.Float):
        def floats(values, mask):
            for i in range(len(values)):
                if np.isnan(values[i]):
                    mask[i] = True
            return mask
        return floats
    return lambda values, mask: mask


for _op, _sym in list(ARITHMETIC.items()) + list(COMPARISONS.items()) + list(_LOGIC.items()):
    _binop(_op, _sym)


@overload(operator.neg, jit_options={"parallel": True})
def _series_neg(s):
    if isinstance(s, SeriesType) and isinstance(s.data, types.Array):
        return lambda s: init_series(-s._data, s._index, s)


@overload(operator.invert, jit_options={"parallel": True})
def _series_invert(s):
    if isinstance(s, SeriesType) and isinstance(s.data, types.Array):
        return lambda s: init_series(~s._data, s._index, s)
    if isinstance(s, SeriesType) and isinstance(s.data, MaskedArrayType):  # ~NA is NA
        return lambda s: init_series(make_masked(~s._data._values, s._data._mask.copy()),
                                     s._index, s)


# --- isin --------------------------------------------------------------------


def _isin_values(values):
    """The element type of an ``isin`` argument (a list, tuple, 1-d array or a Series of
    numbers), else None."""
    if isinstance(values, SeriesType) and isinstance(values.data, types.Array):
        return values.data.dtype
    if isinstance(values, (types.List, types.Array)) and getattr(values, "ndim", 1) == 1:
        return values.dtype
    if isinstance(values, types.UniTuple):
        return values.dtype
    return None


@register_jitable
def _sorted_contains(sorted_vals, x):
    lo, hi = 0, len(sorted_vals)
    while lo < hi:
        mid = (lo + hi) >> 1
        if sorted_vals[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(sorted_vals) and sorted_vals[lo] == x


@register_jitable
def _utf8_values(values):
    """``(offsets, data)``: the UTF-8 bytes of a list of strings, end to end."""
    parts = [utf8_of(v) for v in values]
    offsets = np.zeros(len(parts) + 1, np.int64)
    for j in range(len(parts)):
        offsets[j + 1] = offsets[j] + len(parts[j])
    data = np.empty(offsets[len(parts)], np.uint8)
    for j in range(len(parts)):
        data[offsets[j]:offsets[j + 1]] = parts[j]
    return offsets, data


@method(SeriesType, "isin", ISIN, parallel=True)
def _series_isin(s, values):
    """``s.isin(values)``: numbers by binary search over the sorted values (NaN matching
    NaN, as in pandas), strings compared in place over the Arrow buffers. Values in a Series
    (another frame's column: a semi-join) are gathered whole under MPI."""
    item = _isin_values(values)
    data = s.data
    if item is None:
        raise user_error(f"Series.isin: hpjit takes a list, tuple or array of values, or a Series "
                         f"of numbers, not {values}")
    if isinstance(values, SeriesType):
        if isinstance(data, StringArrayType) or not isinstance(item, (types.Number, types.Boolean)):
            raise user_error(f"Series.isin: a Series of {item} values is not supported yet")
        return lambda s, values: s.isin(values._data)
    text_values = isinstance(item, types.UnicodeType)
    if isinstance(data, types.Array) and isinstance(data.dtype, types.NPDatetime) and \
            isinstance(item, types.NPDatetime):
        return _isin_times(data.dtype.unit, item.unit)
    if isinstance(data, StringArrayType) != text_values or isinstance(data, DateArrayType) or (
            isinstance(data, types.Array) and isinstance(data.dtype, types.NPDatetime)):
        if not isinstance(item, (types.Number, types.Boolean, types.UnicodeType)):
            raise user_error(f"Series.isin of {data} with {item} values is not supported by hpjit "
                             f"yet")
        return lambda s, values: init_series(np.zeros(len(s._data), np.bool_), s._index, s)
    if isinstance(data, StringArrayType):
        def impl_str(s, values):
            a = s._data
            offsets, data = _utf8_values(values)
            n = len(a)
            out = np.zeros(n, np.bool_)
            for i in prange(n):
                if not isna_at(a, i):
                    start, stop = a._offsets[i], a._offsets[i + 1]
                    for j in range(len(offsets) - 1):
                        if bytes_equal_at(a._data, start, stop, data, offsets[j], offsets[j + 1]):
                            out[i] = True
                            break
            return init_series(out, s._index, s)
        return impl_str
    if not (isinstance(data, (types.Array, MaskedArrayType))
            and isinstance(data.dtype, (types.Number, types.Boolean))
            and isinstance(item, (types.Number, types.Boolean))):
        raise user_error(f"Series.isin of {data} with {item} values is not supported by hpjit yet")
    common = np.result_type(np.dtype(str(data.dtype)), np.dtype(str(item)))
    nullable = isinstance(data, MaskedArrayType)  # pandas: boolean, a missing value not in
    wrap = _boolean if nullable else _flags

    def impl(s, values):
        a = s._data
        v = values_of(a)
        vals = np.sort(np.array([v for v in values], common))
        nan_in = len(vals) > 0 and vals[len(vals) - 1] != vals[len(vals) - 1]
        n = len(a)
        out = np.empty(n, np.bool_)
        for i in prange(n):
            x = common.type(v[i])
            out[i] = False if isna_at(a, i) and nullable else (
                nan_in if x != x else _sorted_contains(vals, x))
        return init_series(wrap(out), s._index, s)
    return impl


def _isin_times(unit, values_unit):
    """``isin`` of a datetime column with datetime values: equal instants (a value finer than
    the column's unit that is not a whole number of its units matches nothing; NaT matches
    NaT, as in pandas)."""
    times, per = unit_scale(values_unit, unit)

    def impl(s, values):
        a = s._data
        wanted = []
        for v in values:
            x = dt64_to_int(v)
            if x == NAT or x % per == 0:
                wanted.append(x if x == NAT else x // per * times)
        vals = np.sort(np.array(wanted, np.int64))
        n = len(a)
        out = np.empty(n, np.bool_)
        for i in prange(n):
            out[i] = _sorted_contains(vals, dt64_to_int(a[i]))
        return init_series(out, s._index, s)
    return impl


@register_jitable
def _flags(flags):
    return flags


@register_jitable
def _boolean(flags):
    """Bool column ``flags`` as pandas' ``boolean`` with no value missing."""
    return make_masked(flags, np.zeros(len(flags), np.bool_))
