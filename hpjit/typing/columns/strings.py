"""Arrow ``large_string`` arrays and the string values user functions see.

``StringArrayType`` holds int64 offsets, UTF-8 bytes and a validity bitmap, the
buffers of pandas 3's Arrow-backed ``str`` dtype, so unboxing and boxing hand
buffers over without copying. An element is a ``StringViewType``: a pointer and
a length into the array's bytes, so a lambda over strings allocates nothing per
row unless it builds a new string (``+``, ``lower()``...), which gives numba's
own ``unicode_type``.
"""
import operator

import numpy as np
from numba import carray, types
from numba.core import cgutils
from numba.cpython import unicode as nb_unicode
from numba.extending import (NativeValue, box, intrinsic, make_attribute_wrapper, models, overload,
                             overload_attribute, overload_method, register_jitable, register_model,
                             unbox)

from hpjit.core.kernel import cached_njit
from hpjit.core.pyobjects import call_py
from hpjit.typing.columns import convert

_I64 = types.Array(types.int64, 1, "C")
_U8 = types.Array(types.uint8, 1, "C")


class StringArrayType(types.Type):
    """A column of nullable strings in Arrow layout."""

    def __init__(self):
        super().__init__(name="StringArray")

    @property
    def dtype(self):
        return string_view

    def copy(self):
        return StringArrayType()


string_array_type = StringArrayType()


@register_model(StringArrayType)
class _StringArrayModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("offsets", _I64), ("data", _U8), ("valid", _U8)])


make_attribute_wrapper(StringArrayType, "offsets", "_offsets")
make_attribute_wrapper(StringArrayType, "data", "_data")
make_attribute_wrapper(StringArrayType, "valid", "_valid")


@intrinsic
def make_string_array(typingctx, offsets, data, valid):
    def codegen(context, builder, sig, args):
        sa = cgutils.create_struct_proxy(string_array_type)(context, builder)
        sa.offsets, sa.data, sa.valid = args
        for ty, a in zip(sig.args, args):
            context.nrt.incref(builder, ty, a)
        return sa._getvalue()
    return string_array_type(offsets, data, valid), codegen


@unbox(StringArrayType)
def _unbox_string_array(typ, obj, c):
    bufs = call_py(c, convert.string_buffers, obj)
    sa = cgutils.create_struct_proxy(typ)(c.context, c.builder)
    failed = cgutils.alloca_once_value(c.builder, cgutils.is_null(c.builder, bufs))
    with c.builder.if_then(c.builder.not_(c.builder.load(failed))):
        for k, (field, ty) in enumerate((("offsets", _I64), ("data", _U8), ("valid", _U8))):
            item = c.pyapi.tuple_getitem(bufs, k)
            nv = c.unbox(ty, item)
            setattr(sa, field, nv.value)
        c.pyapi.decref(bufs)
    return NativeValue(sa._getvalue(), is_error=c.builder.load(failed))


@box(StringArrayType)
def _box_string_array(typ, val, c):
    sa = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    objs = []
    for field, ty in (("offsets", _I64), ("data", _U8), ("valid", _U8)):
        arr = getattr(sa, field)
        c.context.nrt.incref(c.builder, ty, arr)
        objs.append(c.box(ty, arr))
    res = call_py(c, convert.make_string_array, *objs)
    for o in objs:
        c.pyapi.decref(o)
    c.context.nrt.decref(c.builder, typ, val)
    return res


@overload(len)
def _len_string_array(a):
    if isinstance(a, StringArrayType):
        return lambda a: len(a._offsets) - 1


@register_jitable
def str_isna(a, i):
    return (a._valid[i >> 3] >> (i & 7)) & 1 == 0


# ---------------------------------------------------------------------------
# String values inside user functions


class StringViewType(types.Type):
    """A string element of a ``StringArrayType``: borrowed UTF-8 bytes, or missing (NaN)."""

    def __init__(self):
        super().__init__(name="StringView")


string_view = StringViewType()


@register_model(StringViewType)
class _StringViewModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("ptr", types.CPointer(types.uint8)),
                                        ("length", types.intp), ("isnull", types.boolean)])


make_attribute_wrapper(StringViewType, "ptr", "_ptr")
make_attribute_wrapper(StringViewType, "length", "_nbytes")
make_attribute_wrapper(StringViewType, "isnull", "_isnull")


@intrinsic
def _make_view(typingctx, data, start, length, isnull):
    def codegen(context, builder, sig, args):
        arr = context.make_array(sig.args[0])(context, builder, args[0])
        v = cgutils.create_struct_proxy(string_view)(context, builder)
        v.ptr = builder.gep(arr.data, [args[1]])
        v.length = args[2]
        v.isnull = args[3]
        return v._getvalue()
    return string_view(data, types.intp, types.intp, types.boolean), codegen


@register_jitable
def str_getitem(a, i):
    start = a._offsets[i]
    return _make_view(a._data, start, a._offsets[i + 1] - start, str_isna(a, i))


@register_jitable
def view_to_str(v):
    """A numba ``unicode_type`` copy of the view (decodes UTF-8)."""
    return utf8_to_str(v._ptr, v._nbytes)


@register_jitable
def utf8_to_str(p, n):
    """A numba ``unicode_type`` of UTF-8 bytes ``p[:n]`` (a pointer or an array)."""
    ascii_only = True
    for k in range(n):
        if p[k] >= 128:
            ascii_only = False
            break
    if ascii_only:
        s = nb_unicode._empty_string(nb_unicode.PY_UNICODE_1BYTE_KIND, n, 1)
        for k in range(n):
            nb_unicode._set_code_point(s, k, p[k])
        return s
    # general UTF-8: decode to code points first
    cps = np.empty(n, np.uint32)
    m = 0
    k = 0
    maxcp = 0
    while k < n:
        b0 = np.uint32(p[k])
        if b0 < 0x80:
            cp = b0
            k += 1
        elif b0 < 0xE0:
            cp = ((b0 & 0x1F) << 6) | (np.uint32(p[k + 1]) & 0x3F)
            k += 2
        elif b0 < 0xF0:
            cp = ((b0 & 0x0F) << 12) | ((np.uint32(p[k + 1]) & 0x3F) << 6) | (np.uint32(p[k + 2]) & 0x3F)
            k += 3
        else:
            cp = (((b0 & 0x07) << 18) | ((np.uint32(p[k + 1]) & 0x3F) << 12)
                  | ((np.uint32(p[k + 2]) & 0x3F) << 6) | (np.uint32(p[k + 3]) & 0x3F))
            k += 4
        cps[m] = cp
        maxcp = max(maxcp, cp)
        m += 1
    kind = nb_unicode._codepoint_to_kind(maxcp)
    s = nb_unicode._empty_string(kind, m, 0)
    for j in range(m):
        nb_unicode._set_code_point(s, j, cps[j])
    return s


@register_jitable
def utf8_len(s):
    """Bytes needed to encode numba string ``s`` as UTF-8."""
    if s._is_ascii:
        return len(s)
    m = 0
    for k in range(len(s)):
        cp = nb_unicode._get_code_point(s, k)
        m += 1 if cp < 0x80 else (2 if cp < 0x800 else (3 if cp < 0x10000 else 4))
    return m


@register_jitable
def utf8_write(s, buf, pos):
    """Write ``s`` as UTF-8 into ``buf`` at ``pos``; return the end position."""
    for k in range(len(s)):
        cp = nb_unicode._get_code_point(s, k)
        if cp < 0x80:
            buf[pos] = cp
            pos += 1
        elif cp < 0x800:
            buf[pos] = 0xC0 | (cp >> 6)
            buf[pos + 1] = 0x80 | (cp & 0x3F)
            pos += 2
        elif cp < 0x10000:
            buf[pos] = 0xE0 | (cp >> 12)
            buf[pos + 1] = 0x80 | ((cp >> 6) & 0x3F)
            buf[pos + 2] = 0x80 | (cp & 0x3F)
            pos += 3
        else:
            buf[pos] = 0xF0 | (cp >> 18)
            buf[pos + 1] = 0x80 | ((cp >> 12) & 0x3F)
            buf[pos + 2] = 0x80 | ((cp >> 6) & 0x3F)
            buf[pos + 3] = 0x80 | (cp & 0x3F)
            pos += 4
    return pos


@register_jitable
def utf8_of(s):
    """The UTF-8 bytes of a numba string: compared with a column's bytes in place, so that
    nothing is decoded or allocated per row."""
    out = np.empty(utf8_len(s), np.uint8)
    utf8_write(s, out, 0)
    return out


@register_jitable
def compare_bytes(p, n, q, m):
    """-1, 0 or 1 as bytes ``p[:n]`` sort before, with or after ``q[:m]``: UTF-8 bytes sort as
    their code points do, so this is Python's order of the strings they encode."""
    for k in range(min(n, m)):
        if p[k] != q[k]:
            return -1 if p[k] < q[k] else 1
    return -1 if n < m else (1 if n > m else 0)


@register_jitable
def present_bytes(a):
    """The UTF-8 bytes of string column ``a``'s present values one after another, in row order
    (their concatenation, which ranks can gather as bytes)."""
    n = len(a)
    m = 0
    for i in range(n):
        if not str_isna(a, i):
            m += a._offsets[i + 1] - a._offsets[i]
    out = np.empty(m, np.uint8)
    pos = 0
    for i in range(n):
        if not str_isna(a, i):
            for k in range(a._offsets[i], a._offsets[i + 1]):
                out[pos] = a._data[k]
                pos += 1
    return out


@register_jitable
def text_or_fill(a, keep, fill, fill_missing):
    """Row ``i`` of string column ``a`` where ``keep[i]``, else the UTF-8 bytes ``fill`` (missing
    when ``fill_missing``): ``where``/``mask``/``fillna`` of strings, copying bytes only."""
    n = len(a)
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    for i in range(n):
        if keep[i]:
            size = 0 if str_isna(a, i) else a._offsets[i + 1] - a._offsets[i]
        else:
            size = 0 if fill_missing else len(fill)
        offsets[i + 1] = offsets[i] + size
    data = np.empty(offsets[n], np.uint8)
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in range(n):
        if keep[i]:
            if str_isna(a, i):
                continue
            start = a._offsets[i]
            for k in range(offsets[i + 1] - offsets[i]):
                data[offsets[i] + k] = a._data[start + k]
        elif fill_missing:
            continue
        else:
            data[offsets[i]:offsets[i + 1]] = fill
        valid[i >> 3] |= np.uint8(1 << (i & 7))
    return make_string_array(offsets, data, valid)


@register_jitable
def _text_rows(offsets, present):
    """An empty string column shape: ``(data, valid)`` for ``offsets`` and the present rows."""
    n = len(present)
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in range(n):
        if present[i]:
            valid[i >> 3] |= np.uint8(1 << (i & 7))
    return np.empty(offsets[n], np.uint8), valid


@register_jitable
def concat_text(a, b):
    """Row-wise ``a + b`` of two string columns (missing where either is)."""
    n = len(a)
    offsets = np.zeros(n + 1, np.int64)
    present = np.empty(n, np.bool_)
    for i in range(n):
        present[i] = not (str_isna(a, i) or str_isna(b, i))
        size = (a._offsets[i + 1] - a._offsets[i] + b._offsets[i + 1] - b._offsets[i]
                if present[i] else 0)
        offsets[i + 1] = offsets[i] + size
    data, valid = _text_rows(offsets, present)
    for i in range(n):
        if present[i]:
            na = a._offsets[i + 1] - a._offsets[i]
            data[offsets[i]:offsets[i] + na] = a._data[a._offsets[i]:a._offsets[i + 1]]
            data[offsets[i] + na:offsets[i + 1]] = b._data[b._offsets[i]:b._offsets[i + 1]]
    return make_string_array(offsets, data, valid)


@register_jitable
def affix_text(a, fix, before):
    """UTF-8 bytes ``fix`` before (or after) each present string of column ``a``: ``'p' + s``,
    ``s + 's'``."""
    n = len(a)
    offsets = np.zeros(n + 1, np.int64)
    present = np.empty(n, np.bool_)
    for i in range(n):
        present[i] = not str_isna(a, i)
        size = a._offsets[i + 1] - a._offsets[i] + len(fix) if present[i] else 0
        offsets[i + 1] = offsets[i] + size
    data, valid = _text_rows(offsets, present)
    m = len(fix)
    for i in range(n):
        if present[i]:
            at = offsets[i] + (m if before else 0)
            data[at:at + a._offsets[i + 1] - a._offsets[i]] = a._data[a._offsets[i]:a._offsets[i + 1]]
            at = offsets[i] if before else offsets[i + 1] - m
            data[at:at + m] = fix
    return make_string_array(offsets, data, valid)


@register_jitable
def repeat_text(a, k):
    """Each present string of column ``a`` ``k`` times (none for ``k <= 0``): ``s * k``."""
    n = len(a)
    times = max(k, 0)
    offsets = np.zeros(n + 1, np.int64)
    present = np.empty(n, np.bool_)
    for i in range(n):
        present[i] = not str_isna(a, i)
        offsets[i + 1] = offsets[i] + ((a._offsets[i + 1] - a._offsets[i]) * times
                                       if present[i] else 0)
    data, valid = _text_rows(offsets, present)
    for i in range(n):
        if present[i]:
            size = a._offsets[i + 1] - a._offsets[i]
            for r in range(times):
                at = offsets[i] + r * size
                data[at:at + size] = a._data[a._offsets[i]:a._offsets[i + 1]]
    return make_string_array(offsets, data, valid)


@register_jitable
def bytes_equal_at(a, sa, ea, b, sb, eb):
    """Whether bytes ``a[sa:ea]`` equal ``b[sb:eb]`` (no slices made)."""
    if ea - sa != eb - sb:
        return False
    for k in range(ea - sa):
        if a[sa + k] != b[sb + k]:
            return False
    return True


@register_jitable
def _view_eq_bytes(v, lit):
    if v._isnull or v._nbytes != len(lit):
        return False
    p = v._ptr
    for k in range(len(lit)):
        if p[k] != lit[k]:
            return False
    return True


@register_jitable
def _view_eq_view(a, b):
    if a._isnull or b._isnull or a._nbytes != b._nbytes:
        return False
    pa, pb = a._ptr, b._ptr
    for k in range(a._nbytes):
        if pa[k] != pb[k]:
            return False
    return True


def _literal_bytes(ty):
    return np.frombuffer(ty.literal_value.encode("utf-8"), dtype=np.uint8).copy()


def _eq_impl(a, b):
    """Equality of a view with a view, a literal, or a numba string."""
    if isinstance(a, StringViewType) and isinstance(b, StringViewType):
        return lambda a, b: _view_eq_view(a, b)
    if isinstance(a, StringViewType):
        if isinstance(b, types.StringLiteral):
            lit = _literal_bytes(b)
            return lambda a, b: _view_eq_bytes(a, lit)
        if isinstance(b, types.UnicodeType):
            return lambda a, b: (not a._isnull) and view_to_str(a) == b
    if isinstance(b, StringViewType):
        if isinstance(a, types.StringLiteral):
            lit = _literal_bytes(a)
            return lambda a, b: _view_eq_bytes(b, lit)
        if isinstance(a, types.UnicodeType):
            return lambda a, b: (not b._isnull) and view_to_str(b) == a
    return None


@overload(operator.eq, prefer_literal=True)
def _view_eq(a, b):
    return _eq_impl(a, b)


@overload(operator.ne, prefer_literal=True)
def _view_ne(a, b):
    eq = _eq_impl(a, b)
    if eq is None:
        return None
    eqj = register_jitable(eq)
    return lambda a, b: not eqj(a, b)


def _either_view(a, b):
    return isinstance(a, StringViewType) or isinstance(b, StringViewType)


for _op in (operator.lt, operator.le, operator.gt, operator.ge, operator.add):
    def _make(op):
        @overload(op)
        def _ov(a, b):
            if not _either_view(a, b):
                return None
            if isinstance(a, StringViewType) and isinstance(b, StringViewType):
                return lambda a, b: op(view_to_str(a), view_to_str(b))
            if isinstance(a, StringViewType):
                return lambda a, b: op(view_to_str(a), b)
            return lambda a, b: op(a, view_to_str(b))
    _make(_op)


@overload(len)
def _view_len(v):
    if isinstance(v, StringViewType):
        def impl(v):
            if v._isnull:
                raise TypeError("object of type 'float' has no len()")
            n = 0
            p = v._ptr
            for k in range(v._nbytes):
                if (p[k] & 0xC0) != 0x80:
                    n += 1
            return n
        return impl


@overload(str)
def _view_str(v):
    if isinstance(v, StringViewType):
        return lambda v: view_to_str(v)


@register_jitable
def _is_space(b):
    return b == 32 or (9 <= b <= 13)


@register_jitable
def _trim_sign(p, n):
    """(first, end, negative) of the number in ``p[:n]``: whitespace trimmed, sign consumed."""
    k = 0
    while k < n and _is_space(p[k]):
        k += 1
    end = n
    while end > k and _is_space(p[end - 1]):
        end -= 1
    neg = False
    if k < end and (p[k] == 45 or p[k] == 43):
        neg = p[k] == 45
        k += 1
    return k, end, neg


@register_jitable
def int_of(p, n):
    """Python ``int()`` of ASCII bytes (optional whitespace, sign, underscores between
    digits): (value, whether they are an integer)."""
    k, end, neg = _trim_sign(p, n)
    if k >= end:
        return 0, False
    val = 0
    prev_digit = False
    while k < end:
        c = p[k]
        if 48 <= c <= 57:
            val = val * 10 + (c - 48)
            prev_digit = True
        elif c == 95 and prev_digit and k + 1 < end and 48 <= p[k + 1] <= 57:
            prev_digit = False
        else:
            return 0, False
        k += 1
    return (-val if neg else val), True


_POW10 = np.array([10.0 ** k for k in range(23)])


@register_jitable
def parse_float(p, n):
    """Python ``float()`` of ASCII decimal bytes (exact when the digits fit in 2**53 and |exp| <= 22)."""
    k, end, neg = _trim_sign(p, n)
    rest = end - k
    if rest == 3 and (p[k] | 32) == 110 and (p[k + 1] | 32) == 97 and (p[k + 2] | 32) == 110:
        return np.nan
    if rest == 3 and (p[k] | 32) == 105 and (p[k + 1] | 32) == 110 and (p[k + 2] | 32) == 102:
        return -np.inf if neg else np.inf
    mant = 0
    ndig = 0
    exp10 = 0
    seen_dot = False
    any_digit = False
    while k < end:
        c = p[k]
        if 48 <= c <= 57:
            any_digit = True
            if ndig < 19:
                mant = mant * 10 + (c - 48)
                if mant > 0:
                    ndig += 1
                if seen_dot:
                    exp10 -= 1
            elif not seen_dot:
                exp10 += 1
        elif c == 46 and not seen_dot:
            seen_dot = True
        elif (c == 101 or c == 69) and any_digit:
            k += 1
            eneg = False
            if k < end and (p[k] == 45 or p[k] == 43):
                eneg = p[k] == 45
                k += 1
            if k >= end:
                raise ValueError("could not convert string to float")
            e = 0
            while k < end:
                d = p[k]
                if not (48 <= d <= 57):
                    raise ValueError("could not convert string to float")
                e = e * 10 + (d - 48)
                k += 1
            exp10 += -e if eneg else e
            break
        else:
            raise ValueError("could not convert string to float")
        k += 1
    if not any_digit:
        raise ValueError("could not convert string to float")
    val = float(mant)
    if exp10 == 0:
        pass
    elif 0 < exp10 <= 22:
        val = val * _POW10[exp10]
    elif -22 <= exp10 < 0:
        val = val / _POW10[-exp10]
    else:
        val = val * 10.0 ** exp10
    return -val if neg else val


@cached_njit
def int_literal_error(text):
    """Python's message for ``int()`` of UTF-8 bytes ``text``: a kernel, so a function that
    converts text with ``int`` does not compile the decoding and concatenation again."""
    return "invalid literal for int() with base 10: '" + utf8_to_str(text, len(text)) + "'"


@overload(int)
def _view_int(v):
    if isinstance(v, StringViewType):
        def impl(v):
            if v._isnull:
                raise ValueError("cannot convert float NaN to integer")
            val, ok = int_of(v._ptr, v._nbytes)
            if not ok:
                raise ValueError(int_literal_error(carray(v._ptr, v._nbytes)))
            return val
        return impl


@overload(float)
def _view_float(v):
    if isinstance(v, StringViewType):
        def impl(v):
            if v._isnull:
                return np.nan
            return parse_float(v._ptr, v._nbytes)
        return impl


def _no_method(name):
    """pandas passes a missing string to a user's function as NaN, which has no str methods."""
    return f"'float' object has no attribute '{name}'"


def _bytes_prefix_impl(at_end):
    message = _no_method("endswith" if at_end else "startswith")

    def impl(v, lit):
        n = len(lit)
        if v._isnull:
            raise AttributeError(message)
        if v._nbytes < n:
            return False
        base = v._nbytes - n if at_end else 0
        p = v._ptr
        for k in range(n):
            if p[base + k] != lit[k]:
                return False
        return True
    return register_jitable(impl)


_startswith_bytes = _bytes_prefix_impl(False)
_endswith_bytes = _bytes_prefix_impl(True)


def _delegated(name, params="*args"):
    """``view.name(<params>)`` as numba's ``str.name`` on a decoded copy (pandas' error for a
    missing string)."""
    src = (f"def impl(v, {params}):\n"
           f"    if v._isnull:\n"
           f"        raise AttributeError({_no_method(name)!r})\n"
           f"    return view_to_str(v).{name}({params})\n")
    glb = {"view_to_str": view_to_str}
    exec(src, glb)
    return glb["impl"]


def _delegate_method(name):
    impl = _delegated(name)
    overload_method(StringViewType, name)(lambda v, *args: impl)


def _affix_method(name, literal_form):
    """``startswith``/``endswith``: a constant affix is compared as bytes, in place."""
    decoded = _delegated(name, "affix")

    def ov(v, affix):
        if isinstance(affix, types.StringLiteral):
            lit = _literal_bytes(affix)
            return lambda v, affix: literal_form(v, lit)
        return decoded
    overload_method(StringViewType, name)(ov)


_affix_method("startswith", _startswith_bytes)
_affix_method("endswith", _endswith_bytes)


#: str methods of one string giving one string (``Series.str`` has them too)
CASE_METHODS = ("lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "swapcase")

for _name in CASE_METHODS + (
              "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper", "isnumeric",
              "isdecimal", "find", "rfind", "count", "replace", "split", "zfill", "center",
              "ljust", "rjust"):
    _delegate_method(_name)


@overload(operator.contains)
def _view_contains(v, sub):
    if isinstance(v, StringViewType):
        return lambda v, sub: (not v._isnull) and sub in view_to_str(v)


@overload(operator.getitem)
def _view_getitem(v, idx):
    if isinstance(v, StringViewType):
        return lambda v, idx: view_to_str(v)[idx]


@overload_attribute(StringViewType, "_is_missing")
def _view_missing(v):
    return lambda v: v._isnull
