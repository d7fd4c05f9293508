"""``Series.str`` edits and tests: ``pad center ljust rjust zfill``, literal ``replace``,
``count`` and ``find``/``rfind``, ``cat`` of two columns, ``get`` and ``isdigit isdecimal
isnumeric isalpha isalnum isspace islower isupper``.

Each is one disk-cached kernel over the column's bytes (``columns/string_edits``): a row's
result depends on that row alone, so under MPI each rank edits its own rows. Fill characters
and patterns are constants, handed to the kernels as UTF-8 bytes.
"""
import re

import numpy as np
from numba import types

from hpjit.errors import user_error
from hpjit.typing.accessors import StrAccessorType, str_series
from hpjit.typing.columns.string_edits import (BOTH, CLASSES, LEFT, RIGHT, char_at, char_class,
                                               count_text, find_text, join_texts, pad_strings,
                                               replace_strings, zfill_strings)
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.index import check_aligned
from hpjit.typing.series import SeriesType
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.operations import ELEMENTWISE, method
from hpjit.typing.series import init_series

_SIDES = {"left": LEFT, "right": RIGHT, "both": BOTH}


def _integer(v, name, what):
    if not isinstance(v, types.Integer):
        raise user_error(f"Series.str.{what}: {name} must be an int, not {v}")


def _text(v, name, what, one_char=False):
    """The UTF-8 bytes of constant string argument ``v``."""
    text = const_value(v)
    if text is NOT_CONSTANT or not isinstance(text, str):
        raise user_error(f"Series.str.{what}: hpjit needs {name} as a constant string")
    if one_char and len(text) != 1:
        raise user_error(f"Series.str.{what}: {name} must be one character, not {text!r}")
    return np.frombuffer(text.encode("utf-8"), np.uint8).copy()


def _padding(what, side):
    def typer(acc, width, fillchar=" "):
        _integer(width, "width", what)
        fill = _text(fillchar, "fillchar", what, one_char=True)

        def impl(acc, width, fillchar=" "):
            s = str_series(acc)
            return init_series(pad_strings(s._data, width, side, fill), s._index, s)
        return impl
    method(StrAccessorType, what, ELEMENTWISE, prefer_literal=True)(typer)


_padding("center", BOTH)
_padding("ljust", RIGHT)
_padding("rjust", LEFT)


@method(StrAccessorType, "pad", ELEMENTWISE, prefer_literal=True)
def _str_pad(acc, width, side="left", fillchar=" "):
    _integer(width, "width", "pad")
    where = const_value(side, "left")
    if where not in _SIDES:
        raise user_error(f"Series.str.pad: side must be 'left', 'right' or 'both', not {where!r}")
    code = _SIDES[where]
    fill = _text(fillchar, "fillchar", "pad", one_char=True)

    def impl(acc, width, side="left", fillchar=" "):
        s = str_series(acc)
        return init_series(pad_strings(s._data, width, code, fill), s._index, s)
    return impl


@method(StrAccessorType, "zfill", ELEMENTWISE)
def _str_zfill(acc, width):
    _integer(width, "width", "zfill")

    def impl(acc, width):
        s = str_series(acc)
        return init_series(zfill_strings(s._data, width), s._index, s)
    return impl


@method(StrAccessorType, "replace", ELEMENTWISE, prefer_literal=True)
def _str_replace(acc, pat, repl, n=-1, case=None, flags=0, regex=False):
    what = "replace"
    as_regex = const_value(regex, False)
    if as_regex is NOT_CONSTANT:
        raise user_error("Series.str.replace: hpjit needs regex= as a constant True or False")
    text = _text(pat, "pat", what)
    if as_regex and re.escape(const_value(pat)) != const_value(pat):
        raise user_error(f"Series.str.replace: hpjit replaces plain text; the regular expression "
                         f"{const_value(pat)!r} is not supported yet (regex=False replaces it "
                         f"as text)")
    new = _text(repl, "repl", what)
    if not isinstance(n, (types.Omitted, int)):
        _integer(n, "n", what)
    if const_value(case, None) not in (None, True) or const_value(flags, 0) != 0:
        raise user_error("Series.str.replace: case=False and flags= are not supported by hpjit")

    def impl(acc, pat, repl, n=-1, case=None, flags=0, regex=False):
        s = str_series(acc)
        return init_series(replace_strings(s._data, text, new, n), s._index, s)
    return impl


@method(StrAccessorType, "get", ELEMENTWISE)
def _str_get(acc, i):
    _integer(i, "i", "get")

    def impl(acc, i):
        s = str_series(acc)
        return init_series(char_at(s._data, i), s._index, s)
    return impl


def _char_class(name):
    kind = CLASSES.index(name)

    def typer(acc):
        def impl(acc):
            s = str_series(acc)
            return init_series(char_class(s._data, kind), s._index, s)
        return impl
    method(StrAccessorType, name, ELEMENTWISE)(typer)


for _name in CLASSES:
    _char_class(_name)


def _literal_pattern(pat, what):
    """The bytes of a constant pattern without regular-expression characters (pandas reads
    ``str.count``'s pattern as one)."""
    text = _text(pat, "pat", what)
    if re.escape(const_value(pat)) != const_value(pat):
        raise user_error(f"Series.str.{what}: hpjit counts plain text; the regular expression "
                         f"{const_value(pat)!r} is not supported yet")
    return text


@method(StrAccessorType, "count", ELEMENTWISE, prefer_literal=True)
def _str_count(acc, pat, flags=0):
    text = _literal_pattern(pat, "count")
    if const_value(flags, 0) != 0:
        raise user_error("Series.str.count: flags= is not supported by hpjit")

    def impl(acc, pat, flags=0):
        s = str_series(acc)
        return init_series(count_text(s._data, text), s._index, s)
    return impl


def _finder(what, last):
    def typer(acc, sub, start=0, end=None):
        text = _text(sub, "sub", what)
        if const_value(start, 0) != 0 or const_value(end, None) is not None:
            raise user_error(f"Series.str.{what}: start= and end= are not supported by hpjit")

        def impl(acc, sub, start=0, end=None):
            s = str_series(acc)
            return init_series(find_text(s._data, text, last), s._index, s)
        return impl
    method(StrAccessorType, what, ELEMENTWISE, prefer_literal=True)(typer)


_finder("find", False)
_finder("rfind", True)


@method(StrAccessorType, "cat", ELEMENTWISE, prefer_literal=True)
def _str_cat(acc, others=None, sep=None, na_rep=None, join="left"):
    if not (isinstance(others, SeriesType) and isinstance(others.data, StringArrayType)):
        raise user_error("Series.str.cat: hpjit joins two string Series element by element "
                         f"(others= a string Series), not {others}")
    glue = np.zeros(0, np.uint8) if const_value(sep, None) is None else _text(sep, "sep", "cat")
    if const_value(na_rep, None) is not None or const_value(join, "left") != "left":
        raise user_error("Series.str.cat: na_rep= and join= are not supported by hpjit")

    def impl(acc, others=None, sep=None, na_rep=None, join="left"):
        s = str_series(acc)
        check_aligned(s._index, others._index)
        return init_series(join_texts(s._data, others._data, glue), s._index, s)
    return impl
