"""Regular expressions compiled into native code for ``Series.str.contains/match/fullmatch``.

A constant pattern is parsed at compile time (by Python's own ``re`` parser, so the syntax is
Python's) into a chain of at most 63 single-character atoms — literals, ``.``, classes like
``[a-z]``, ``\\d``, ``\\w``, ``\\s`` — each optionally repeated (``*``, ``+``, ``?``, ``{m,n}``),
with ``^`` and ``$`` at the ends. Such a chain is a nondeterministic automaton whose states fit
one 64-bit word: each code point of a string advances the word by a table lookup and a shift,
so matching allocates nothing and touches no Python object. Alternation, groups that repeat,
backreferences and lookarounds are refused at compile time with the pattern named; so are
non-ASCII characters in the pattern (the tables are indexed by byte). In the data, a non-ASCII
character is one code point: ``.`` and negated classes match it, ``\\w`` matches it (letters),
``\\d`` and ``\\s`` do not.
"""
import re
from re import _constants as _c, _parser as _p  # Python's own parser (3.11+)

import numpy as np
from numba.extending import register_jitable

from hpjit.errors import user_error

MAX_ATOMS = 63
_WORD = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_CATEGORIES = {
    _c.CATEGORY_DIGIT: (set(b"0123456789"), False),
    _c.CATEGORY_NOT_DIGIT: (set(range(128)) - set(b"0123456789"), True),
    _c.CATEGORY_SPACE: (set(b" \t\n\r\f\v"), False),
    _c.CATEGORY_NOT_SPACE: (set(range(128)) - set(b" \t\n\r\f\v"), True),
    _c.CATEGORY_WORD: (_WORD, True),
    _c.CATEGORY_NOT_WORD: (set(range(128)) - _WORD, False),
}


class Pattern:
    """A compiled chain: per ASCII byte, the states it advances (``step[b]``), the states
    non-ASCII code points advance, and which states repeat or may be skipped."""

    def __init__(self, step, other, loop, skip, n, at_start, at_end):
        self.step, self.other, self.loop, self.skip = step, other, loop, skip
        self.n, self.at_start, self.at_end = n, at_start, at_end


def atom_bytes(op, av, pattern, fold):
    """(ASCII bytes matched, whether a non-ASCII code point matches) of one atom."""
    negate = False
    if not pattern.isascii() or (op in (_c.LITERAL, _c.NOT_LITERAL) and av >= 128):
        raise user_error(f"regular expression {pattern!r}: hpjit matches ASCII patterns only")
    if op in (_c.LITERAL, _c.NOT_LITERAL):
        chars, other, negate = {av}, False, op == _c.NOT_LITERAL
    elif op == _c.ANY:
        chars, other, negate = {ord("\n")}, False, True
    elif op == _c.IN:
        chars, other = set(), False
        for iop, iav in av:
            if iop == _c.NEGATE:
                negate = True
            elif iop == _c.LITERAL and iav < 128:
                chars.add(iav)
            elif iop == _c.RANGE and iav[1] < 128:
                chars |= set(range(iav[0], iav[1] + 1))
            elif iop == _c.CATEGORY and iav in _CATEGORIES:
                more, o = _CATEGORIES[iav]
                chars |= more
                other |= o
            else:
                raise user_error(f"regular expression {pattern!r}: hpjit does not support the "
                                 "class item it holds (ASCII literals, ranges, \\d \\w \\s)")
    else:
        raise user_error(f"regular expression {pattern!r}: hpjit supports literals, '.', classes, "
                         "repeats (* + ? {m,n}) and ^ $ anchors, not alternation, groups that "
                         "repeat, backreferences or lookarounds")
    if fold:
        chars = chars | {ch ^ 0x20 for ch in chars if chr(ch).isalpha()}
    if negate:
        chars, other = set(range(128)) - chars, not other
    return chars, other


def _flatten(items, pattern):
    """The parsed pattern's items with plain (unrepeated) groups opened up."""
    out = []
    for op, av in items:
        if op == _c.SUBPATTERN:
            out.extend(_flatten(av[-1], pattern))
        else:
            out.append((op, av))
    return out


def parse(pattern, case=True):
    """Python's parse of a constant pattern, or a user error naming it."""
    try:
        parsed = _p.parse(pattern, 0 if case else re.IGNORECASE)
    except re.error as e:
        raise user_error(f"regular expression {pattern!r} is not valid: {e}") from None
    if parsed.state.flags & ~(re.IGNORECASE | re.UNICODE):
        raise user_error(f"regular expression {pattern!r}: hpjit supports the inline flag "
                         "(?i) only")
    return parsed


def compile_pattern(pattern, case=True):
    """The ``Pattern`` of a constant regular expression, or a user error naming it."""
    parsed = parse(pattern, case)
    fold = bool(parsed.state.flags & re.IGNORECASE)
    items = _flatten(list(parsed), pattern)
    at_start = bool(items) and items[0] == (_c.AT, _c.AT_BEGINNING)
    at_end = bool(items) and items[-1] == (_c.AT, _c.AT_END)
    items = items[int(at_start):len(items) - int(at_end)]
    atoms = []  # (chars, other, loop, skip)
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi, sub = av
            sub = _flatten(list(sub), pattern)
            if len(sub) != 1:
                raise user_error(f"regular expression {pattern!r}: hpjit repeats single "
                                 "characters or classes only")
            chars, other = atom_bytes(*sub[0], pattern, fold)
            atoms += [(chars, other, False, False)] * lo
            if hi == _c.MAXREPEAT:
                atoms.append((chars, other, True, True))
            else:
                atoms += [(chars, other, False, True)] * (hi - lo)
        else:
            atoms.append((*atom_bytes(op, av, pattern, fold), False, False))
        if len(atoms) > MAX_ATOMS:
            raise user_error(f"regular expression {pattern!r} is too long for hpjit "
                             f"({MAX_ATOMS} characters after expanding repeats)")
    step = np.zeros(128, np.uint64)
    other = loop = skip = 0
    for k, (chars, oth, lp, sk) in enumerate(atoms):
        bit = 1 << k
        for ch in chars:
            step[ch] |= np.uint64(bit)
        other |= bit if oth else 0
        loop |= bit if lp else 0
        skip |= bit if sk else 0
    return Pattern(step, np.uint64(other), np.uint64(loop), np.uint64(skip), len(atoms),
                   at_start, at_end)


def literal_text(pattern):
    """``pattern`` as plain text if it has no regular-expression syntax, else None."""
    return pattern if not any(ch in set(".^$*+?{}[]\\|()") for ch in pattern) else None


@register_jitable
def _closure(m, skip, n):
    for _ in range(n):
        nxt = m | ((m & skip) << np.uint64(1))
        if nxt == m:
            break
        m = nxt
    return m


@register_jitable
def nfa_match(p, nbytes, step, other, loop, skip, n, at_start, at_end, full):
    """Whether the bytes ``p[0:nbytes]`` (UTF-8) hold a match: anywhere (``contains``), at the
    start (``at_start``: ``match``), or spanning the whole string (``full``)."""
    one = np.uint64(1)
    done = one << np.uint64(n)
    active = _closure(one, skip, n)
    i = 0
    while True:
        if active & done:
            if not (at_end or full) or i == nbytes or \
                    (not full and i == nbytes - 1 and p[i] == 10):
                return True
        if i == nbytes:
            return False
        b = p[i]
        if b < 128:
            moved = active & step[b]
            i += 1
        else:
            moved = active & other
            i += 1
            while i < nbytes and (p[i] & 0xC0) == 0x80:
                i += 1
        active = (moved << one) | (moved & loop)
        if not (at_start or full):
            active |= one
        active = _closure(active, skip, n)
        if active == 0:
            return False


@register_jitable
def find_bytes(p, nbytes, lit, fold):
    """Whether ``lit`` (bytes, ASCII-folded when ``fold``) occurs in ``p[0:nbytes]``."""
    m = len(lit)
    for start in range(nbytes - m + 1):
        k = 0
        while k < m:
            b = p[start + k]
            if fold and 65 <= b <= 90:
                b += 32
            if b != lit[k]:
                break
            k += 1
        if k == m:
            return True
    return False
