"""The native regular-expression automaton (``hpjit.typing.columns.patterns``) and the Pike
machine with groups (``hpjit.typing.columns.regex``) against Python's ``re`` on random strings,
and their compile-time refusals."""
import re

import numpy as np
import pandas as pd
import pytest
from numba import njit

import hpjit
from hpjit.errors import HpjitError
from hpjit.typing.columns.patterns import compile_pattern, nfa_match
from hpjit.typing.columns.regex import compile_program, search, workspace

PATTERNS = ["special.*requests", "^ab", "b$", "a.c", "[0-9]+-[0-9]{2}", r"\d\d?x", r"\w+ \w",
            "[^a-c]b", "x{2,3}", "a*b+c?", "", r"\.", "^$", r"\s", "[A-Z][a-z]*$", "(ab)c", "(?i)aB"]
ALPHABET = list("abcx -0123.ABC\n") + ["é", "ü"]


@njit
def _match_slice(b, step, other, loop, skip, n, at_start, at_end, full):
    return nfa_match(b, len(b), step, other, loop, skip, n, at_start, at_end, full)


def _strings(seed, count=300):
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(ALPHABET, rng.integers(0, 9))) for _ in range(count)]


@pytest.mark.parametrize("case", [True, False])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_automaton_matches_python_re(pattern, case):
    strings = _strings(hash(pattern) % 1000)
    flags = 0 if case else re.IGNORECASE
    p = compile_pattern(pattern, case)
    for mode, anchored, full, ref in (("search", False, False, re.search),
                                      ("match", True, False, re.match),
                                      ("fullmatch", True, True, re.fullmatch)):
        got = [bool(_match_slice(np.frombuffer(s.encode(), np.uint8), p.step, p.other, p.loop,
                                 p.skip, p.n, p.at_start or anchored, p.at_end, full))
               for s in strings]
        exp = [ref(pattern, s, flags) is not None for s in strings]
        bad = [s for s, g, e in zip(strings, got, exp) if g != e]
        assert not bad, (mode, pattern, bad[:5])


GROUPED = ["a|b", "(a)|(x)", "(a+)(b*)", "(?P<n>a|ab)(c|bcd)(d*)", "x*", "(a|b)*c", "a{2,3}?",
           "(ab){1,2}", "^(a|c)x$", "(.)x", r"(\d+)-(\w+)", "(a*?)(a*)", "[^a]|(b)", "(a)?b", ".(.)",
           "(?:ab|a)(b?)", r"\s(\S)", "(?i)(A|X)", "(x)(?:y|z){2}", "((a)|b)+", "(a|b)+b$", "(ab)*"]


@njit
def _machine_search(b, code, classes, slots, anchored):
    ws, found = workspace(code, slots)
    ok = search(code, classes, b, 0, len(b), 0, anchored, ws, found)
    return ok, found


@pytest.mark.parametrize("pattern", GROUPED)
def test_machine_matches_python_re_with_groups(pattern):
    rx = re.compile(pattern)
    for mode in ("search", "match", "fullmatch"):
        p = compile_program(pattern, full=mode == "fullmatch")
        bad = []
        for s in _strings(hash(pattern) % 1000, 200):
            b = np.frombuffer(s.encode(), np.uint8)
            ok, f = _machine_search(b, p.code, p.classes, p.slots, mode != "search")
            m = getattr(rx, mode)(s)
            got = [None if f[2 * g] < 0 else b[f[2 * g]:f[2 * g + 1]].tobytes().decode()
                   for g in range(rx.groups + 1)] if ok else None
            if got != (None if m is None else [m.group(g) for g in range(rx.groups + 1)]):
                bad.append(s)
        assert not bad, (mode, pattern, bad[:5])


@pytest.mark.parametrize("pattern, fragment", [
    ("é.", "ASCII patterns only"), ("(a|é)", "ASCII patterns only"), ("(a", "is not valid"),
    (r"(a)\1", "backreferences"), ("a(?=b)", "lookarounds"), ("(?<!b)a", "lookarounds"),
    (r"a\b", "word boundaries"), ("(a*)*", "a repeated group that can match the empty"),
    ("(?s)a.", "the inline flag (?i) only")])
def test_unsupported_pattern_is_one_clear_error(pattern, fragment):
    ns = {}
    exec(f"def f(s):\n    return s.str.contains({pattern!r})\n", ns)
    with pytest.raises(HpjitError, match=re.escape(fragment)) as info:
        hpjit.jit(ns["f"])(pd.Series(pd.array(["ab"], dtype="str")))
    assert repr(pattern) in str(info.value)
