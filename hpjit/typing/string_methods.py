"""``Series.str`` edits and tests: ``pad center ljust rjust zfill``, ``replace`` and ``count``
(of text, or of a regular expression by the Pike machine of ``columns/regex``), ``extract``,
``find``/``rfind``, ``cat`` of two columns, ``get`` and ``isdigit isdecimal isnumeric isalpha
isalnum isspace islower isupper``.

Each is one disk-cached kernel over the column's bytes (``columns/string_edits``): a row's
result depends on that row alone, so under MPI each rank edits its own rows. Fill characters
and patterns are constants, handed to the kernels as UTF-8 bytes.
"""
import re
from re import _parser as _p

import numpy as np
from numba import types

from hpjit.core.generated import gen_impl, named
from hpjit.errors import user_error
from hpjit.typing.accessors import StrAccessorType, str_series
from hpjit.typing.columns.string_edits import (BOTH, CLASSES, LEFT, RIGHT, char_at, char_class,
                                               count_text, find_text, join_texts, pad_strings,
                                               replace_strings, zfill_strings)
from hpjit.typing.columns.regex import (BOL, compile_program, group_column, regex_count,
                                        regex_groups, regex_replace)
from hpjit.typing.columns.strings import StringArrayType, string_array_type
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.index import check_aligned
from hpjit.typing.series import SeriesType
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.operations import ELEMENTWISE, method
from hpjit.typing.series import init_series, name_carrier

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
    new = _text(repl, "repl", what)
    if not isinstance(n, (types.Omitted, int)):
        _integer(n, "n", what)
    if const_value(case, None) not in (None, True) or const_value(flags, 0) != 0:
        raise user_error("Series.str.replace: case=False and flags= are not supported by hpjit")
    if as_regex and (re.escape(const_value(pat)) != const_value(pat)
                     or "\\" in const_value(repl)):
        return _regex_replace(const_value(pat), const_value(repl), n)

    def impl(acc, pat, repl, n=-1, case=None, flags=0, regex=False):
        s = str_series(acc)
        return init_series(replace_strings(s._data, text, new, n), s._index, s)
    return impl


def _matching(pattern, what, anchored_again):
    """The program of ``pattern`` for ``str.replace``/``str.count``. pandas' engine there
    (Arrow's) counts and replaces empty matches by bytes, not characters, and, where
    ``anchored_again``, matches ``^`` again after each match: such patterns are refused."""
    prog = compile_program(pattern)
    if prog.nullable:
        raise user_error(f"Series.str.{what}: the regular expression {pattern!r} can match the "
                         "empty string, which hpjit does not support here")
    if anchored_again and (prog.code[:, 0] == BOL).any():
        raise user_error(f"Series.str.{what}: the regular expression {pattern!r} holds "
                         "^ or \\A, which pandas' engine matches again after each match here")
    return prog


def _template(repl, pattern, groups):
    """``repl`` as rows ``(group, lo, hi)`` (group -1: bytes ``lo:hi`` of the returned text).

    pandas substitutes by Python's rules where ``repl`` names a group (``\\g<name>``), else by
    Arrow's: ``\\1``..``\\9`` and ``\\\\``, nothing else after a backslash."""
    parts = []
    if "\\g<" in repl:
        try:
            refs, literals = _p.parse_template(repl, re.compile(pattern))
        except re.error as e:
            raise user_error(f"Series.str.replace: repl {repl!r} is not valid: {e}") from None
        at = dict(refs)
        parts = [at[k] if lit is None else lit for k, lit in enumerate(literals)]
    else:
        k = 0
        while k < len(repl):
            ch = repl[k]
            if ch == "\\":
                nxt = repl[k + 1:k + 2]
                if nxt.isdigit() and int(nxt) < groups:
                    ch = int(nxt)
                elif nxt != "\\":
                    raise user_error(f"Series.str.replace: repl {repl!r}: hpjit substitutes "
                                     f"\\1..\\{groups - 1} and \\g<name> after a backslash")
                else:
                    ch = nxt
                k += 1
            parts.append(ch)
            k += 1
    text, rows = b"", []
    for part in parts:
        if isinstance(part, int):
            rows.append((part, 0, 0))
        elif part:
            raw = part.encode("utf-8")
            if rows and rows[-1][0] < 0:
                text, rows[-1] = text + raw, (-1, rows[-1][1], len(text) + len(raw))
            else:
                rows.append((-1, len(text), len(text) + len(raw)))
                text += raw
    return (np.array(rows, np.int64).reshape(-1, 3),
            np.frombuffer(text, np.uint8).copy())


def _regex_replace(pattern, repl, n):
    python_rules = "\\g<" in repl
    prog = _matching(pattern, "replace", not python_rules and const_value(n, -1) != -1)
    template, text = _template(repl, pattern, prog.slots // 2)
    code, classes, slots = prog.code, prog.classes, prog.slots

    def impl(acc, pat, repl, n=-1, case=None, flags=0, regex=False):
        s = str_series(acc)
        limit = -1 if python_rules and n == 0 else n
        return init_series(regex_replace(s._data, code, classes, slots, template, text, limit),
                           s._index, s)
    return named(impl, "str.replace", pattern, repl)


@method(StrAccessorType, "extract", ELEMENTWISE, prefer_literal=True)
def _str_extract(acc, pat, flags=0, expand=True):
    pattern = const_value(pat)
    if not isinstance(pattern, str):
        raise user_error("Series.str.extract: hpjit needs pat as a constant string")
    if const_value(flags, 0) != 0:
        raise user_error("Series.str.extract: flags= is not supported by hpjit; use inline (?i)")
    frame = const_value(expand, True)
    if not isinstance(frame, bool):
        raise user_error("Series.str.extract: expand= must be a constant True or False")
    prog = compile_program(pattern)
    labels = prog.labels
    if not labels:
        raise user_error(f"Series.str.extract: the pattern {pattern!r} contains no capture "
                         "groups (pandas' ValueError)")
    glbs = dict(str_series=str_series, regex_groups=regex_groups, group_column=group_column,
                init_frame=init_frame, init_series=init_series, code=prog.code,
                classes=prog.classes, slots=prog.slots)
    body = ("def impl(acc, pat, flags=0, expand=True):\n"
            "    s = str_series(acc)\n"
            "    spans = regex_groups(s._data, code, classes, slots)\n")
    if frame or len(labels) > 1:
        glbs["frame_t"] = DataFrameType(labels, (string_array_type,) * len(labels),
                                        acc.series.index)
        cols = "".join(f"group_column(s._data, spans, {g}), " for g in range(len(labels)))
        body += f"    return init_frame(({cols}), s._index, frame_t)\n"
    else:
        glbs["named_t"] = name_carrier(labels[0]) if isinstance(labels[0], str) else acc.series
        body += "    return init_series(group_column(s._data, spans, 0), s._index, named_t)\n"
    return gen_impl(body, key=("str.extract", pattern, frame), **glbs)


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


@method(StrAccessorType, "count", ELEMENTWISE, prefer_literal=True)
def _str_count(acc, pat, flags=0):
    if const_value(flags, 0) != 0:
        raise user_error("Series.str.count: flags= is not supported by hpjit")
    text = _text(pat, "pat", "count")
    if re.escape(const_value(pat)) != const_value(pat):
        prog = _matching(const_value(pat), "count", True)
        code, classes = prog.code, prog.classes

        def counted(acc, pat, flags=0):
            s = str_series(acc)
            return init_series(regex_count(s._data, code, classes), s._index, s)
        return named(counted, "str.count", const_value(pat))

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
