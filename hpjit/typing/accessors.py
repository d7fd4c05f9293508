"""``Series.dt`` and ``Series.str`` accessors, and ``pd.to_datetime`` / ``pd.DatetimeIndex``."""
import hashlib
import operator
import re

import numpy as np
import pandas as pd
from numba import prange, types
from numba.core import cgutils
from numba.extending import (intrinsic, models, overload, overload_attribute, register_jitable,
                             register_model)

from hpjit.core.generated import named
from hpjit.core.kernel import cached_njit
from hpjit.errors import attempt, describe_attribute_errors, user_error
from hpjit.typing.columns.arrays import get_value, is_datetime_array, isna_at, strings_from_list
from hpjit.typing.columns.datetime import (FIELD_ALIASES, ISO_FINE, ISO_FORMAT, ISO_OK,
                                           ISO_RANGE, NAT,
                                           TIMESTAMP_FIELDS, TIMESTAMP_FLAGS, DateArrayType,
                                           dt64_to_int, fields, int_to_dt64, iso_error, iso_shape,
                                           make_date_array, parse_iso_datetime, per_second)
from hpjit.typing.columns.patterns import compile_pattern, find_bytes, literal_text, nfa_match
from hpjit.typing.columns.regex import compile_program, regex_test
from hpjit.typing.columns.strptime import compile_format, parse_formatted
from hpjit.typing.columns.string_case import CASES, STRIPS, case_ascii, is_ascii, strip_ascii
from hpjit.typing.columns.strings import (CASE_METHODS, StringArrayType, make_string_array,
                                          view_to_str)
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.distinct import same
from hpjit.typing.operations import ELEMENTWISE, ROWS, function, method
from hpjit.typing.series import SeriesType, init_series


class _AccessorType(types.Type):
    def __init__(self, kind, series):
        self.series = series
        super().__init__(name=f"{kind}Accessor({series})")


class DtAccessorType(_AccessorType):
    def __init__(self, series):
        super().__init__("Dt", series)


class StrAccessorType(_AccessorType):
    def __init__(self, series):
        super().__init__("Str", series)


for _cls in (DtAccessorType, StrAccessorType):
    @register_model(_cls)
    class _Model(models.StructModel):
        def __init__(self, dmm, fe_type):
            super().__init__(dmm, fe_type, [("series", fe_type.series)])


def _make_accessor(cls):
    @intrinsic
    def make(typingctx, s):
        def codegen(context, builder, sig, args):
            acc = cgutils.create_struct_proxy(sig.return_type)(context, builder)
            acc.series = args[0]
            context.nrt.incref(builder, sig.args[0], args[0])
            return acc._getvalue()
        return cls(s)(s), codegen

    @intrinsic
    def series_of(typingctx, acc):
        def codegen(context, builder, sig, args):
            a = cgutils.create_struct_proxy(sig.args[0])(context, builder, value=args[0])
            context.nrt.incref(builder, sig.return_type, a.series)
            return a.series
        return acc.series(acc), codegen
    return make, series_of


_make_dt, dt_series = _make_accessor(DtAccessorType)
_make_str, str_series = _make_accessor(StrAccessorType)


@overload_attribute(SeriesType, "dt", parallel=True)
def _series_dt(s):
    if not is_datetime_array(s.data):
        raise user_error(f"Series.dt needs a datetime column; this one holds {s.data}")
    return lambda s: _make_dt(s)


@overload_attribute(SeriesType, "str", parallel=True)
def _series_str(s):
    if not isinstance(s.data, StringArrayType):
        raise user_error(f"Series.str needs a string column; this one holds {s.data}")
    return lambda s: _make_str(s)


def _dt_field(name, attr):
    """``s.dt.<attr>``: an int32 field per row (NaT refused: pandas gives float64 there), or a
    calendar flag, bool per row (False at NaT, as pandas)."""
    flag = name in TIMESTAMP_FLAGS
    dtype = np.bool_ if flag else np.int32

    def ov(acc):
        f = fields(acc.series.data.dtype.unit)[name]

        def impl(acc):
            s = dt_series(acc)
            a = s._data
            n = len(a)
            out = np.empty(n, dtype)
            for i in prange(n):
                v = dt64_to_int(a[i])
                if v == NAT:
                    if not flag:
                        raise ValueError("hpjit: .dt fields of a column with NaT are not "
                                         "supported yet (pandas returns float64 there)")
                    out[i] = 0
                else:
                    out[i] = f(v)
            return init_series(out, s._index, s)
        return impl
    overload_attribute(DtAccessorType, attr, parallel=True)(ov)


for _name in TIMESTAMP_FIELDS + TIMESTAMP_FLAGS:
    _dt_field(_name, _name)
for _alias, _name in FIELD_ALIASES.items():
    _dt_field(_name, _alias)


@overload_attribute(DtAccessorType, "date", parallel=True)
def _dt_date(acc):
    fd = fields(acc.series.data.dtype.unit)["days"]

    def impl(acc):
        s = dt_series(acc)
        a = s._data
        n = len(a)
        days = np.empty(n, np.int64)
        for i in prange(n):
            v = dt64_to_int(a[i])
            days[i] = NAT if v == NAT else fd(v)
        return init_series(make_date_array(days), s._index, s)
    return impl


# --- .str -------------------------------------------------------------------


@method(StrAccessorType, "len", ELEMENTWISE, parallel=True)
def _str_len(acc):
    def impl(acc):
        s = str_series(acc)
        a = s._data
        n = len(a)
        out = np.empty(n, np.int64)
        for i in prange(n):
            if isna_at(a, i):
                raise ValueError("hpjit: .str.len() of a column with missing values is not "
                                 "supported yet (pandas returns float64 there)")
            out[i] = len(get_value(a, i))
        return init_series(out, s._index, s)
    return impl


def _str_predicate(name):
    def ov(acc, pat):
        if not isinstance(pat, (types.UnicodeType, types.StringLiteral)):
            raise user_error(f"Series.str.{name} needs a string pattern")

        def impl(acc, pat):
            s = str_series(acc)
            a = s._data
            n = len(a)
            out = np.empty(n, np.bool_)
            for i in prange(n):
                out[i] = False if isna_at(a, i) else _apply_pred(get_value(a, i), pat)
            return init_series(out, s._index, s)
        _apply_pred = _PREDICATES[name]
        return impl
    method(StrAccessorType, name, ELEMENTWISE, parallel=True)(ov)


def _startswith(v, pat):
    return v.startswith(pat)


def _endswith(v, pat):
    return v.endswith(pat)


_PREDICATES = {"startswith": register_jitable(_startswith), "endswith": register_jitable(_endswith)}
_str_predicate("startswith")
_str_predicate("endswith")


def _flag(value, name, what, default):
    v = const_value(value, default)
    if not isinstance(v, bool):
        raise user_error(f"Series.str.{what}: {name}= must be a constant True or False")
    return v


def _matcher(what, pat, case, na, regex, anchored, full):
    """The impl of ``Series.str.<what>``: a native automaton for a pattern (``patterns``), or
    the Pike machine where it has groups or ``|`` (``regex``), a byte search for plain text;
    ``na`` for missing values (pandas' str dtype: False)."""
    if not isinstance(pat, types.StringLiteral):
        raise user_error(f"Series.str.{what} needs a constant pattern in hpjit")
    case_, regex_ = _flag(case, "case", what, True), _flag(regex, "regex", what, True)
    na_ = const_value(na, None)
    if na_ is NOT_CONSTANT or not (na_ is None or isinstance(na_, bool)):
        raise user_error(f"Series.str.{what}: na= must be a constant True or False")
    na_ = bool(na_)
    text = pat.literal_value if not regex_ else literal_text(pat.literal_value)
    if text is not None and not anchored and (text.isascii() or case_):
        lit = np.frombuffer((text if case_ else text.lower()).encode("utf-8"), np.uint8).copy()
        fold = not case_

        def test(v):
            return find_bytes(v._ptr, v._nbytes, lit, fold)
    else:
        source = pat.literal_value if regex_ else re.escape(pat.literal_value)
        prog = attempt(compile_pattern, source, case_)
        if prog is None:
            return _machine(what, source, case_, na_, anchored, full)
        step, other, loop, skip, n = prog.step, prog.other, prog.loop, prog.skip, prog.n
        at_start, at_end = prog.at_start or anchored, prog.at_end

        def test(v):
            return nfa_match(v._ptr, v._nbytes, step, other, loop, skip, n, at_start, at_end,
                             full)
    # numba names a compiled function by its qualified name and argument types; these closures
    # differ by the pattern alone, so a cache loaded from another process must not mistake one
    # for another: the pattern and flags go into the name
    key = hashlib.sha1(repr((what, pat.literal_value, case_, na_, regex_)).encode()).hexdigest()
    test.__qualname__ = f"str_{what}_test_{key[:16]}"
    test = register_jitable(test)

    def run(acc):
        s = str_series(acc)
        a = s._data
        n = len(a)
        out = np.empty(n, np.bool_)
        for i in prange(n):
            out[i] = na_ if isna_at(a, i) else test(get_value(a, i))
        return init_series(out, s._index, s)
    run.__qualname__ = f"str_{what}_{key[:16]}"
    return register_jitable(parallel=True)(run)


def _machine(what, pattern, case, na, anchored, full):
    """The run of ``Series.str.<what>`` by the Pike machine (``columns.regex``), for patterns
    the chain automaton refuses (alternation, groups)."""
    prog = compile_program(pattern, case, full)
    code, classes = prog.code, prog.classes

    def run(acc):
        s = str_series(acc)
        return init_series(regex_test(s._data, code, classes, anchored, na), s._index, s)
    return register_jitable(named(run, "str", what, pattern, case, na))


def _no_flags(flags, what):
    if const_value(flags, 0) != 0:
        raise user_error(f"Series.str.{what}: flags= is not supported by hpjit; use case=False "
                         "or inline flags")


@method(StrAccessorType, "contains", ELEMENTWISE, parallel=True, prefer_literal=True)
def _str_contains(acc, pat, case=True, flags=0, na=None, regex=True):
    _no_flags(flags, "contains")
    run = _matcher("contains", pat, case, na, regex, False, False)
    return lambda acc, pat, case=True, flags=0, na=None, regex=True: run(acc)


@method(StrAccessorType, "match", ELEMENTWISE, parallel=True, prefer_literal=True)
def _str_match(acc, pat, case=True, flags=0, na=None):
    _no_flags(flags, "match")
    run = _matcher("match", pat, case, na, True, True, False)
    return lambda acc, pat, case=True, flags=0, na=None: run(acc)


@method(StrAccessorType, "fullmatch", ELEMENTWISE, parallel=True, prefer_literal=True)
def _str_fullmatch(acc, pat, case=True, flags=0, na=None):
    _no_flags(flags, "fullmatch")
    run = _matcher("fullmatch", pat, case, na, True, True, True)
    return lambda acc, pat, case=True, flags=0, na=None: run(acc)


@register_jitable
def _code_point_span(p, nbytes, start, stop):
    """Byte range [lo, hi) of code points ``start:stop`` (Python's slice rules, step 1) of the
    UTF-8 bytes ``p[0:nbytes]``."""
    count = 0
    for k in range(nbytes):
        count += (p[k] & 0xC0) != 0x80
    lo_cp = min(max(start + count if start < 0 else start, 0), count)
    hi_cp = min(max(stop + count if stop < 0 else stop, 0), count)
    if hi_cp <= lo_cp:
        return 0, 0
    lo = hi = nbytes
    cp = 0
    for k in range(nbytes):
        if (p[k] & 0xC0) != 0x80:
            if cp == lo_cp:
                lo = k
            if cp == hi_cp:
                hi = k
                break
            cp += 1
    return lo, hi


@method(StrAccessorType, "slice", ELEMENTWISE, parallel=True)
def _str_slice(acc, start=None, stop=None, step=None):
    """``s.str.slice(start, stop)`` by code points, copying bytes (no Python string per row)."""
    for name, v in (("start", start), ("stop", stop)):
        if not isinstance(v, (types.Integer, types.NoneType, types.Omitted)) and v is not None:
            raise user_error(f"Series.str.slice: {name}= must be an int or None, not {v}")
    if const_value(step, None) not in (None, 1):
        raise user_error("Series.str.slice: hpjit supports step 1 only")
    big = np.iinfo(np.int64).max
    no_start = start is None or isinstance(start, (types.NoneType, types.Omitted))
    no_stop = stop is None or isinstance(stop, (types.NoneType, types.Omitted))

    def impl(acc, start=None, stop=None, step=None):
        s = str_series(acc)
        a = s._data
        n = len(a)
        first = 0 if no_start else start
        last = big if no_stop else stop
        spans = np.empty((n, 2), np.int64)
        offsets = np.empty(n + 1, np.int64)
        offsets[0] = 0
        for i in prange(n):
            v = get_value(a, i)
            lo, hi = (0, 0) if isna_at(a, i) else _code_point_span(v._ptr, v._nbytes, first, last)
            spans[i, 0], spans[i, 1] = lo, hi
        for i in range(n):
            offsets[i + 1] = offsets[i] + spans[i, 1] - spans[i, 0]
        data = np.empty(offsets[n], np.uint8)
        for i in prange(n):
            v = get_value(a, i)
            for k in range(spans[i, 1] - spans[i, 0]):
                data[offsets[i] + k] = v._ptr[spans[i, 0] + k]
        return init_series(make_string_array(offsets, data, a._valid.copy()), s._index, s)
    return impl


@overload(operator.getitem)
def _str_getitem(acc, idx):
    """``s.str[i:j]`` is ``s.str.slice(i, j)``."""
    if not isinstance(acc, StrAccessorType):
        return None
    if not isinstance(idx, types.SliceType) or idx.members != 2:
        raise user_error("Series.str[...]: hpjit supports slices str[i:j]; for one character "
                         "use str[i:i + 1]")
    return lambda acc, idx: acc.slice(idx.start, idx.stop)


def _str_transform(name):
    if name in CASES:
        op = CASES[name]
        ascii_form = register_jitable(named(lambda a: case_ascii(a, op), name))
    else:
        left, right = STRIPS[name]
        ascii_form = register_jitable(named(lambda a: strip_ascii(a, left, right), name))

    def ov(acc):
        def impl(acc):
            s = str_series(acc)
            a = s._data
            if is_ascii(a):
                return init_series(ascii_form(a), s._index, s)
            n = len(a)
            strs = [""] * n
            missing = np.zeros(n, np.bool_)
            for i in range(n):
                if isna_at(a, i):
                    missing[i] = True
                else:
                    strs[i] = _call(view_to_str(get_value(a, i)))
            return init_series(strings_from_list(strs, missing), s._index, s)
        _call = register_jitable(eval(f"lambda x: x.{name}()"))
        return impl
    method(StrAccessorType, name, ELEMENTWISE, parallel=True)(ov)


for _m in CASE_METHODS:
    _str_transform(_m)


# --- to datetime ------------------------------------------------------------

_TEXT_UNIT = "us"  # pandas 3 infers microseconds for text without sub-microsecond digits
_TEXT_PER_SECOND = per_second(_TEXT_UNIT)


@cached_njit(parallel=True)
def _parse_strings(a, dtype):
    n = len(a)
    out = np.empty(n, dtype)
    outcome = np.zeros(n, np.int8)
    ps = _TEXT_PER_SECOND
    for i in prange(n):
        if isna_at(a, i):
            out[i] = int_to_dt64(NAT, dtype)
        else:
            v = get_value(a, i)
            value, code = parse_iso_datetime(v._ptr, v._nbytes, ps)
            outcome[i] = code
            out[i] = int_to_dt64(value, dtype)
    for i in range(n):
        if outcome[i] != 0:
            iso_error(outcome[i])
    return out



def _datetime_values(s, what):
    """(impl kind) for the values of ``s`` as a datetime64 column."""
    data = s.data if isinstance(s, SeriesType) else s
    if is_datetime_array(data):
        return "same"
    if isinstance(data, StringArrayType):
        return "parse"
    if isinstance(data, DateArrayType):
        return "dates"
    raise user_error(f"{what}: hpjit converts strings, dates or datetimes, not {data}")


_DT_DATES = np.dtype("datetime64[s]")  # pandas' unit for datetime.date objects


@cached_njit(parallel=True)
def _days_to_datetimes(days):
    out = np.empty(len(days), _DT_DATES)
    for i in prange(len(days)):
        d = days[i]
        out[i] = int_to_dt64(NAT if d == NAT else d * 86400, _DT_DATES)
    return out


_DT_TEXT = np.dtype(f"datetime64[{_TEXT_UNIT}]")


@cached_njit
def first_iso_format(a):
    """The ISO format (``iso_shape``) of the first present value of text column ``a``: -1
    when none is present, -2 when it is not ISO text."""
    for i in range(len(a)):
        if not isna_at(a, i):
            v = get_value(a, i)
            if parse_iso_datetime(v._ptr, v._nbytes, _TEXT_PER_SECOND)[1] == ISO_FORMAT:
                return -2
            return iso_shape(v._ptr, v._nbytes)
    return -1


@cached_njit(parallel=True)
def _parse_text(a, dtype, coerce, steps, shape):
    """``pd.to_datetime`` of text, by a format's ``steps`` (``compile_format``) or, with no
    steps, as ISO text: without a format pandas infers one from the first present value
    (``shape``, from ``first_iso_format``) and holds every value to it; ``format='ISO8601'``
    (``shape`` ANY_ISO) takes any. With ``coerce`` a value that does not match is NaT, else
    it is the error; text finer than the unit is an error either way (pandas' unit would be
    ns)."""
    iso = len(steps) == 0
    if iso and shape == -2 and coerce:
        raise ValueError(_NO_FORMAT_INFERRED)
    n = len(a)
    out = np.empty(n, dtype)
    outcome = np.zeros(n, np.int8)
    ps = _TEXT_PER_SECOND
    for i in prange(n):
        out[i] = int_to_dt64(NAT, dtype)
        if not isna_at(a, i):
            v = get_value(a, i)
            if iso:
                value, code = parse_iso_datetime(v._ptr, v._nbytes, ps)
                if code == ISO_OK and shape != ANY_ISO and iso_shape(v._ptr, v._nbytes) != shape:
                    code = ISO_SHAPE
            else:
                value, code = parse_formatted(v._ptr, v._nbytes, steps, ps)
                code = _AS_ISO[code]
            if code == ISO_OK:
                out[i] = int_to_dt64(value, dtype)
            elif not coerce or code == ISO_FINE:
                outcome[i] = code
    for i in range(n):
        if outcome[i] == ISO_SHAPE:
            raise ValueError("hpjit: pd.to_datetime: the text is written in more than one ISO "
                             "format (pandas holds every value to the first one's; "
                             "errors='coerce' makes the others NaT)")
        if outcome[i] == NOT_THE_FORMAT:
            raise ValueError("hpjit: pd.to_datetime: a value does not match the format "
                             "(errors='coerce' makes it NaT)")
        if outcome[i] != 0:
            iso_error(outcome[i])
    return out


#: ``_parse_text``'s shape for ``format='ISO8601'``: any ISO text
ANY_ISO = -3
#: ``_parse_text``'s outcomes beside ``parse_iso_datetime``'s: ISO text in another format
#: than the first value's; text a given format does not read
ISO_SHAPE, NOT_THE_FORMAT = 9, 10
#: ``parse_formatted``'s outcomes as ``_parse_text``'s
_AS_ISO = np.array([ISO_OK, NOT_THE_FORMAT, ISO_RANGE, ISO_FINE], np.int64)
_NO_STEPS = np.zeros((0, 2), np.int64)
_NO_FORMAT_INFERRED = ("hpjit: pd.to_datetime(errors='coerce'): the first value is not ISO text, "
                       "and hpjit does not infer other formats as pandas does: pass format=")


def to_datetime_impl(arg, errors, dayfirst, yearfirst, utc, format, agree):
    """The impl of ``pd.to_datetime(arg, errors=, format=)``: text by a strptime format
    compiled here, or as ISO text in the format of the first value (pandas' inference, for ISO
    formats; ``agree(shape)`` makes it the first of all ranks'); datetimes as they are;
    ``datetime.date`` values at pandas' second unit."""
    if not isinstance(arg, SeriesType):
        raise user_error("pd.to_datetime: hpjit supports a Series argument")
    how = const_value(errors)
    if how not in ("raise", "coerce"):
        raise user_error(f"pd.to_datetime: errors= must be 'raise' or 'coerce' written in the "
                         f"code, not {errors}")
    for name, flag in (("dayfirst", dayfirst), ("yearfirst", yearfirst), ("utc", utc)):
        if const_value(flag) not in (False, None):
            raise user_error(f"pd.to_datetime: {name}= is not supported by hpjit (pass format=)")
    fmt = const_value(format)
    if fmt is NOT_CONSTANT or not (fmt is None or isinstance(fmt, str)):
        raise user_error("pd.to_datetime: format= must be a string written in the code")
    kind = _datetime_values(arg, "pd.to_datetime")
    coerce = how == "coerce"
    if kind == "same":
        return lambda arg, errors="raise", dayfirst=False, yearfirst=False, utc=False, \
            format=None: arg
    if kind == "dates":
        return lambda arg, errors="raise", dayfirst=False, yearfirst=False, utc=False, \
            format=None: init_series(_days_to_datetimes(arg._data._days), arg._index, arg)
    if fmt is None:
        def inferred(arg, errors="raise", dayfirst=False, yearfirst=False, utc=False,
                     format=None):
            shape = agree(first_iso_format(arg._data))
            return init_series(_parse_text(arg._data, _DT_TEXT, coerce, _NO_STEPS, shape),
                               arg._index, arg)
        return inferred
    if fmt == "ISO8601":
        return lambda arg, errors="raise", dayfirst=False, yearfirst=False, utc=False, \
            format=None: init_series(_parse_text(arg._data, _DT_TEXT, coerce, _NO_STEPS,
                                                 ANY_ISO), arg._index, arg)
    try:
        steps = compile_format(fmt)
    except ValueError as e:
        raise user_error(f"pd.to_datetime: format {fmt!r}: {e}") from None

    def impl(arg, errors="raise", dayfirst=False, yearfirst=False, utc=False, format=None):
        return init_series(_parse_text(arg._data, _DT_TEXT, coerce, steps, -1), arg._index,
                           arg)
    return impl


@function(pd.to_datetime, ROWS, form="frame_collectives.dist_to_datetime",
          prefer_literal=True, jit_options={"parallel": True})
def _to_datetime(arg, errors="raise", dayfirst=False, yearfirst=False, utc=False, format=None):
    return to_datetime_impl(arg, errors, dayfirst, yearfirst, utc, format, same)  # one process: its own first value's format


@function(pd.DatetimeIndex, ELEMENTWISE, jit_options={"parallel": True})
def _datetime_index(data, name=None):
    """Returns the datetime64 values; assigning them to a column gives what pandas gives."""
    kind = _datetime_values(data, "pd.DatetimeIndex")
    if kind == "dates":
        raise user_error("pd.DatetimeIndex of datetime.date values is not supported by hpjit yet; "
                         "use pd.to_datetime(series)")
    if isinstance(data, SeriesType):
        if kind == "same":
            return lambda data, name=None: data._data
        return lambda data, name=None: _parse_strings(data._data, _DT_TEXT)
    if kind == "same":
        return lambda data, name=None: data
    return lambda data, name=None: _parse_strings(data, _DT_TEXT)


@describe_attribute_errors("DtAccessor(")
def _explain_dt_attribute(attr, typename):
    return f"Series.dt.{attr} is not supported by hpjit"


@describe_attribute_errors("StrAccessor(")
def _explain_str_attribute(attr, typename):
    return f"Series.str.{attr} is not supported by hpjit"
