"""Series reductions and missing-value methods, NaN/NaT/null-aware like pandas (``skipna=True``).

Each reduction is one parallel loop (a parfor reduction), so a distribution pass
can turn it into a local reduction plus an allreduce.
"""
import numpy as np
from numba import prange, types
from numba.extending import overload, register_jitable

from hpjit.core.generated import named
from hpjit.errors import user_error
from hpjit.runtime.keys import key_compare
from hpjit.typing.columns.arrays import get_value, isna_at, slice_rows, values_of
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.masked import MaskedArrayType, make_masked
from hpjit.typing.columns.strings import (StringArrayType, present_bytes, text_or_fill,
                                          utf8_of, utf8_to_str, view_to_str)
from hpjit.typing.index import RangeIndexType
from hpjit.typing.operations import ELEMENTWISE, REDUCE, WHOLE, method
from hpjit.typing.series import SeriesType, init_series


def _numeric(s, what):
    if not (isinstance(s.data, (types.Array, MaskedArrayType))
            and isinstance(s.data.dtype, (types.Number, types.Boolean))):
        raise user_error(f"Series.{what} is not supported by hpjit for {s.data} columns yet")


def _is_float(s):
    return isinstance(s.data.dtype, types.Float)


@method(SeriesType, "count", REDUCE, parallel=True)
def _count(s):
    def impl(s):
        a = s._data
        c = 0
        for i in prange(len(a)):
            if not isna_at(a, i):
                c += 1
        return c
    return impl


@method(SeriesType, "sum", REDUCE, parallel=True)
def _sum(s):
    if isinstance(s.data, StringArrayType):
        def text(s):
            joined = present_bytes(s._data)
            return utf8_to_str(joined, len(joined))
        return text
    _numeric(s, "sum")
    if _is_float(s):
        def impl(s):
            a = s._data
            v = values_of(a)
            t = 0.0
            for i in prange(len(v)):
                if not isna_at(a, i):
                    t += v[i]
            return t
        return impl

    def impl(s):
        a = s._data
        v = values_of(a)
        t = 0
        for i in prange(len(v)):
            if not isna_at(a, i):
                t += v[i]
        return t
    return impl


@method(SeriesType, "mean", REDUCE, parallel=True)
def _mean(s):
    _numeric(s, "mean")

    def impl(s):
        a = s._data
        v = values_of(a)
        t = 0.0
        c = 0
        for i in prange(len(v)):
            if not isna_at(a, i):
                t += v[i]
                c += 1
        return t / c if c > 0 else np.nan
    return impl


def _var_impl(ddof_default):
    def impl(s, ddof=ddof_default):
        a = s._data
        v = values_of(a)
        t = 0.0
        c = 0
        for i in prange(len(v)):
            if not isna_at(a, i):
                t += v[i]
                c += 1
        if c - ddof <= 0:
            return np.nan
        m = t / c
        sq = 0.0
        for i in prange(len(v)):
            if not isna_at(a, i):
                d = v[i] - m
                sq += d * d
        return sq / (c - ddof)
    return impl


@method(SeriesType, "var", REDUCE, parallel=True)
def _var(s, ddof=1):
    _numeric(s, "var")
    return _var_impl(1)


@method(SeriesType, "std", REDUCE, parallel=True)
def _std(s, ddof=1):
    _numeric(s, "std")
    var = register_jitable(_var_impl(1))

    def impl(s, ddof=1):
        return np.sqrt(var(s, ddof))
    return impl


def _minmax(is_min):
    def ov(s):
        if isinstance(s.data, StringArrayType):
            def text(s):
                best = arg_extreme(s._data, is_min)
                if best < 0:
                    raise ValueError("hpjit: min/max of an empty string Series is NaN in pandas, "
                                     "which a string result cannot hold")
                return view_to_str(get_value(s._data, best))
            return named(text, is_min)
        _numeric(s, "min" if is_min else "max")
        dt = s.data.dtype
        if _is_float(s):
            init = np.inf if is_min else -np.inf

            def impl(s):
                a = s._data
                v = values_of(a)
                r = init
                c = 0
                for i in prange(len(v)):
                    if not isna_at(a, i):
                        r = min(r, v[i]) if is_min else max(r, v[i])
                        c += 1
                return r if c > 0 else np.nan
            return impl
        if isinstance(dt, types.Boolean) and isinstance(s.data, types.Array):
            def impl(s):
                a = s._data
                if len(a) == 0:
                    raise ValueError("hpjit: min/max of an empty bool Series is NaN in pandas, "
                                     "which a bool result cannot hold")
                return a.all() if is_min else a.any()
            return impl
        if isinstance(dt, types.Boolean):
            init = True if is_min else False
        else:
            init = np.iinfo(np.dtype(str(dt))).max if is_min else np.iinfo(np.dtype(str(dt))).min

        def impl(s):
            a = s._data
            v = values_of(a)
            r = init
            c = 0
            for i in prange(len(v)):
                if not isna_at(a, i):
                    r = min(r, v[i]) if is_min else max(r, v[i])
                    c += 1
            if c == 0:
                raise ValueError("hpjit: min/max of an empty integer Series is NaN in pandas, "
                                 "which an integer result cannot hold")
            return r
        return impl
    return ov


method(SeriesType, "min", REDUCE, parallel=True)(_minmax(True))
method(SeriesType, "max", REDUCE, parallel=True)(_minmax(False))


def truth_at(a, i):
    """Python's truth of the present element ``i``: a number non-zero, a string non-empty."""


@overload(truth_at)
def _truth_at(a, i):
    if isinstance(a, StringArrayType):
        return lambda a, i: a._offsets[i + 1] > a._offsets[i]
    return lambda a, i: values_of(a)[i] != 0


def _truth(is_any):
    """``any()`` / ``all()``: missing values skipped (pandas' ``skipna=True``)."""
    def ov(s):
        if not isinstance(s.data, StringArrayType):
            _numeric(s, "any" if is_any else "all")

        def impl(s):
            a = s._data
            hits = 0
            for i in prange(len(a)):
                if not isna_at(a, i) and truth_at(a, i) == is_any:
                    hits += 1
            return (hits > 0) == is_any
        return named(impl, is_any)
    return ov


method(SeriesType, "any", REDUCE, parallel=True)(_truth(True))
method(SeriesType, "all", REDUCE, parallel=True)(_truth(False))


@method(SeriesType, "prod", REDUCE, parallel=True)
def _prod(s):
    _numeric(s, "prod")
    one = 1.0 if _is_float(s) else 1

    def impl(s):
        a = s._data
        v = values_of(a)
        t = one
        for i in prange(len(v)):
            if not isna_at(a, i):
                t *= v[i]
        return t
    return impl


def label_at(idx, i):
    """The label of row ``i`` of a range or int64-label index."""


@overload(label_at)
def _label_at(idx, i):
    if isinstance(idx, RangeIndexType):
        return lambda idx, i: idx._start + i * idx._step
    if isinstance(idx, types.Array):
        return lambda idx, i: idx[i]


def arg_extreme(a, is_min):
    """Position of the first smallest (largest) present value of column ``a`` (strings by their
    bytes, in place), -1 when none is present."""


@overload(arg_extreme)
def _arg_extreme(a, is_min):
    def impl(a, is_min):
        worse = 1 if is_min else -1
        best = -1
        for i in range(len(a)):
            if not isna_at(a, i) and (best < 0 or key_compare(a, best, a, i) == worse):
                best = i
        return best
    return impl


@register_jitable
def extreme_row(a, is_min):
    """The first smallest (largest) present row of column ``a`` as a column of that one row (of
    no row when no value is present): what a rank sends of its extreme string."""
    best = arg_extreme(a, is_min)
    return slice_rows(a, max(best, 0), best + 1)


def _idx_extreme(is_min):
    name = "idxmin" if is_min else "idxmax"

    def ov(s):
        if not isinstance(s.data, StringArrayType):
            _numeric(s, name)
        if not isinstance(s.index, (RangeIndexType, types.Array)):
            raise user_error(f"Series.{name} of a Series labelled by {s.index} is not supported "
                             f"by hpjit yet")

        def impl(s):
            best = arg_extreme(s._data, is_min)
            if best < 0:
                raise ValueError("hpjit: " + name + " of a Series with no values (pandas raises)")
            return label_at(s._index, best)
        return named(impl, is_min)
    return ov


method(SeriesType, "idxmin", WHOLE, form="frame_collectives.dist_idxmin")(_idx_extreme(True))
method(SeriesType, "idxmax", WHOLE, form="frame_collectives.dist_idxmax")(_idx_extreme(False))


@method(SeriesType, "nunique", REDUCE, parallel=True)
def _nunique(s, dropna=True):
    if isinstance(s.data, StringArrayType):
        def impl(s, dropna=True):
            a = s._data
            seen = set()
            has_na = False
            for i in range(len(a)):
                if isna_at(a, i):
                    has_na = True
                else:
                    seen.add(view_to_str(get_value(a, i)))
            return len(seen) + (0 if dropna or not has_na else 1)
        return impl
    if isinstance(s.data, (types.Array, MaskedArrayType, DateArrayType)):
        def impl(s, dropna=True):
            a = s._data
            keep = np.empty(len(a), np.bool_)
            for i in prange(len(a)):
                keep[i] = not isna_at(a, i)
            vals = np.sort(sortable_values(a)[keep])
            u = 0
            for i in range(len(vals)):
                if i == 0 or vals[i] != vals[i - 1]:
                    u += 1
            return u + (0 if dropna or keep.all() else 1)
        return impl
    raise user_error(f"Series.nunique is not supported by hpjit for {s.data} columns yet")


def sortable_values(a):
    """The values of a column as a numpy array that sorts like it (a date column's days)."""


@overload(sortable_values)
def _sortable_values(a):
    if isinstance(a, DateArrayType):
        return lambda a: a._days
    return lambda a: values_of(a)


def _isna_mask(s, negate):
    def impl(s):
        a = s._data
        n = len(a)
        out = np.empty(n, np.bool_)
        for i in prange(n):
            out[i] = isna_at(a, i) != negate
        return init_series(out, s._index, s)
    return impl


for _name, _neg in (("isna", False), ("isnull", False), ("notna", True), ("notnull", True)):
    method(SeriesType, _name, ELEMENTWISE, parallel=True)((lambda neg: (lambda s: _isna_mask(s, neg)))(_neg))


@method(SeriesType, "fillna", ELEMENTWISE, parallel=True)
def _fillna(s, value):
    if isinstance(s.data, types.Array) and isinstance(s.data.dtype, types.Float):
        if not isinstance(value, (types.Number, types.Boolean)):
            raise user_error(f"Series.fillna: cannot fill a float column with {value}")

        def impl(s, value):
            a = s._data
            out = np.empty(len(a), a.dtype)
            for i in prange(len(a)):
                out[i] = value if np.isnan(a[i]) else a[i]
            return init_series(out, s._index, s)
        return impl
    if isinstance(s.data, MaskedArrayType) and isinstance(value, (types.Number, types.Boolean)):
        def impl(s, value):
            a = s._data
            out = a._values.copy()
            for i in prange(len(out)):
                if a._mask[i]:
                    out[i] = value
            return init_series(make_masked(out, np.zeros(len(out), np.bool_)), s._index, s)
        return impl
    if isinstance(s.data, types.Array) and not isinstance(s.data.dtype, types.NPDatetime):
        return lambda s, value: init_series(s._data.copy(), s._index, s)
    if isinstance(s.data, StringArrayType) and isinstance(value, (types.UnicodeType, types.StringLiteral)):

        def impl(s, value):
            a = s._data
            keep = np.empty(len(a), np.bool_)
            for i in prange(len(a)):
                keep[i] = not isna_at(a, i)
            return init_series(text_or_fill(a, keep, utf8_of(value), False), s._index, s)
        return impl
    raise user_error(f"Series.fillna is not supported by hpjit for {s.data} with {value}")


@overload(np.sum, jit_options={"parallel": True})
def _np_sum(s):
    if isinstance(s, SeriesType):
        return lambda s: s.sum()
