"""Regular expressions with alternation and capture groups, as a Pike virtual machine.

The chain automaton of ``patterns`` is faster but has no groups and no ``|``; this engine takes
what it refuses. A constant pattern is parsed at compile time (Python's ``re`` parser) into a
program, an int64 array of ``(op, a, b)`` instructions, and a table of character classes (one
row per class: 128 ASCII bytes, then whether a non-ASCII code point matches, by
``patterns``' rules). The machine runs every thread of the program in step over a string's
UTF-8 bytes, in priority order, so it finds the match Python's backtracking finds (leftmost,
greedy or lazy as written) in time linear in the string, with the byte positions of each
group. Both arrays are arguments of disk-cached kernels: nothing depends on the pattern but
their values. Backreferences, lookarounds, conditionals and word boundaries are refused with
the pattern named, as are non-ASCII pattern characters.
"""
import re
from re import _constants as _c

import numpy as np
from numba import prange
from numba.extending import register_jitable

from hpjit.core.kernel import cached_njit
from hpjit.errors import user_error
from hpjit.typing.columns.patterns import atom_bytes, parse
from hpjit.typing.columns.string_edits import COUNT_MISSING, refuse_missing, text_buffers
from hpjit.typing.columns.strings import make_string_array, str_isna

CHAR, SPLIT, JMP, SAVE, MATCH, BOL, EOL, EOS = range(8)
#: instructions a program may have once repeats ``{m,n}`` are written out
MAX_PROGRAM = 4000
_AT = {_c.AT_BEGINNING: BOL, _c.AT_BEGINNING_STRING: BOL, _c.AT_END: EOL,
       _c.AT_END_STRING: EOS}


class Program:
    """A compiled pattern: ``code`` (n, 3) int64 (the first, ``SAVE 0``, holds in its last
    field whether the program can match the empty string), ``classes`` (k + 1, 129) bool (the
    last row: the characters a match can start with), its groups' labels (pandas' extract column
    names) and whether it can match the empty string."""

    def __init__(self, code, classes, labels, nullable):
        self.code, self.classes, self.labels, self.nullable = code, classes, labels, nullable
        self.slots = 2 * (len(labels) + 1)


class _Builder:
    def __init__(self, pattern, fold):
        self.pattern, self.fold = pattern, fold
        self.code, self.classes = [], {}

    def refuse(self, what):
        raise user_error(f"regular expression {self.pattern!r}: hpjit does not support {what}")

    def emit(self, op, a=0, b=0):
        if len(self.code) >= MAX_PROGRAM:
            raise user_error(f"regular expression {self.pattern!r} is too long for hpjit "
                             f"({MAX_PROGRAM} instructions after expanding repeats)")
        self.code.append([op, a, b])
        return len(self.code) - 1

    def char(self, op, av):
        chars, other = atom_bytes(op, av, self.pattern, self.fold)
        row = tuple(ch in chars for ch in range(128)) + (other,)
        self.emit(CHAR, self.classes.setdefault(row, len(self.classes)))

    def items(self, items):
        for op, av in items:
            self.item(op, av)

    def item(self, op, av):
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
            self.char(op, av)
        elif op == _c.SUBPATTERN:
            group, add, remove, sub = av
            if add or remove:
                self.refuse("flags inside a group")
            if group is not None:
                self.emit(SAVE, 2 * group)
            self.items(sub)
            if group is not None:
                self.emit(SAVE, 2 * group + 1)
        elif op == _c.BRANCH:
            self.branch(av[1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            self.repeat(*av, greedy=op == _c.MAX_REPEAT)
        elif op == _c.AT and av in _AT:
            self.emit(_AT[av])
        elif op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            self.refuse("backreferences")
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            self.refuse("lookarounds")
        elif op == _c.AT:
            self.refuse("word boundaries (\\b, \\B)")
        else:
            self.refuse(f"{str(op).lower()}")

    def branch(self, alternatives):
        jumps = []
        for alt in alternatives[:-1]:
            split = self.emit(SPLIT, len(self.code) + 1)
            self.items(alt)
            jumps.append(self.emit(JMP))
            self.code[split][2] = len(self.code)
        self.items(alternatives[-1])
        for j in jumps:
            self.code[j][1] = len(self.code)

    def close(self, split, greedy):
        body, out = split + 1, len(self.code)
        self.code[split][1:] = [body, out] if greedy else [out, body]

    def repeat(self, lo, hi, sub, greedy):
        if hi > 1 and sub.getwidth()[0] == 0 and _has_group(sub):
            self.refuse("a repeated group that can match the empty string")
        for _ in range(lo):
            self.items(sub)
        if hi == _c.MAXREPEAT:
            split = self.emit(SPLIT)
            self.items(sub)
            self.emit(JMP, split)
            self.close(split, greedy)
            return
        splits = []
        for _ in range(hi - lo):
            splits.append(self.emit(SPLIT))
            self.items(sub)
        for split in splits:
            self.close(split, greedy)


def _has_group(items):
    for op, av in items:
        if op == _c.SUBPATTERN and (av[0] is not None or _has_group(av[-1])):
            return True
        if op == _c.BRANCH and any(_has_group(alt) for alt in av[1]):
            return True
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and _has_group(av[2]):
            return True
    return False


def _starts(code):
    """(whether the program reaches MATCH from its start without consuming a character, the
    classes of the characters it can consume first)."""
    seen, todo, classes = set(), [0], []
    while todo:
        pc = todo.pop()
        if pc in seen:
            continue
        seen.add(pc)
        op, a, b = code[pc]
        if op == MATCH:
            return True, classes
        if op == SPLIT:
            todo += [a, b]
        elif op == JMP:
            todo.append(a)
        elif op == CHAR:
            classes.append(a)
        else:
            todo.append(pc + 1)
    return False, classes


def group_labels(parsed):
    """pandas' names of a pattern's groups: the group's name, else its number from 0."""
    names = {v: k for k, v in parsed.state.groupdict.items()}
    return tuple(names.get(g, g - 1) for g in range(1, parsed.state.groups))


def compile_program(pattern, case=True, full=False):
    """The ``Program`` of a constant pattern; ``full`` makes a match span the whole string."""
    parsed = parse(pattern, case)
    b = _Builder(pattern, bool(parsed.state.flags & re.IGNORECASE))
    b.emit(SAVE, 0)
    b.items(list(parsed))
    if full:
        b.emit(EOS)
    b.emit(SAVE, 1)
    b.emit(MATCH)
    classes = np.zeros((len(b.classes) + 1, 129), np.bool_)
    for row, k in b.classes.items():
        classes[k] = row
    nullable, starts = _starts(b.code)
    b.code[0][2] = nullable
    classes[-1] = True if nullable else classes[starts].any(axis=0)
    return Program(np.array(b.code, np.int64), classes, group_labels(parsed), nullable)


# --- the machine ---------------------------------------------------------------


@register_jitable
def workspace(code, slots):
    """Arrays searches need (one set per thread): two thread lists, the explored stack,
    per-instruction marks (the last item: the generation last used), unset captures; and the
    captures of a match. ``slots`` may be fewer than the program's: groups past them are not
    recorded."""
    n = len(code)
    return (np.empty(n, np.int64), np.empty((n, slots), np.int64),
            np.empty(n, np.int64), np.empty((n, slots), np.int64),
            np.empty(n + 2, np.int64), np.empty((n + 2, slots), np.int64),
            np.zeros(n + 1, np.int64), np.full((1, slots), -1, np.int64)), np.empty(slots, np.int64)


#: rows of the blocks the kernels hand to threads, one workspace a block
BLOCK = 256


@register_jitable
def blocks(n):
    return (n + BLOCK - 1) // BLOCK


@register_jitable
def block_rows(c, n):
    return range(c * BLOCK, min(n, (c + 1) * BLOCK))


@register_jitable
def _copy_row(dst, i, src, j):
    for k in range(dst.shape[1]):
        dst[i, k] = src[j, k]


@register_jitable
def _add(code, data, start, stop, pcs, caps, count, pc0, src, row, pos, stack, stack_caps,
         mark, gen):
    """Add the threads reachable from ``pc0`` (captures ``src[row]``) at ``pos`` without
    consuming, in priority order; the new length of the list."""
    stack[0] = pc0
    _copy_row(stack_caps, 0, src, row)
    sp = 1
    while sp > 0:
        sp -= 1
        pc = stack[sp]
        if mark[pc] == gen:
            continue
        mark[pc] = gen
        op = code[pc, 0]
        if op == JMP:
            stack[sp] = code[pc, 1]
            sp += 1
        elif op == SPLIT:
            stack[sp] = code[pc, 2]
            stack[sp + 1] = code[pc, 1]
            _copy_row(stack_caps, sp + 1, stack_caps, sp)
            sp += 2
        elif op == SAVE:
            if code[pc, 1] < stack_caps.shape[1]:
                stack_caps[sp, code[pc, 1]] = pos
            stack[sp] = pc + 1
            sp += 1
        elif op == BOL or op == EOL or op == EOS:
            if (pos == start if op == BOL else
                    pos == stop or (op == EOL and pos == stop - 1 and data[pos] == 10)):
                stack[sp] = pc + 1
                sp += 1
        else:
            pcs[count] = pc
            _copy_row(caps, count, stack_caps, sp)
            count += 1
    return count


@register_jitable
def _width(data, pos, stop):
    """Bytes of the code point at ``pos``."""
    width = 1
    if data[pos] >= 128:
        while pos + width < stop and (data[pos + width] & 0xC0) == 0x80:
            width += 1
    return width


@register_jitable
def _skip(classes, data, pos, stop):
    """The first position from ``pos`` whose character a match can start with (the last row
    of ``classes``), or ``stop``."""
    first = len(classes) - 1
    while pos < stop and not classes[first, min(data[pos], 128)]:
        pos += _width(data, pos, stop)
    return pos


@register_jitable
def search(code, classes, data, start, stop, frm, anchored, ws, found):
    """Whether ``data[start:stop]`` (one UTF-8 value) holds a match starting at ``frm`` or
    later (at ``frm`` only when ``anchored``); its groups' byte positions in ``found``
    (-1 for a group that took no part)."""
    pos = frm if anchored else _skip(classes, data, frm, stop)
    if pos == stop and not code[0, 2]:
        return False
    cur, cur_caps, nxt, nxt_caps, stack, stack_caps, mark, seed = ws
    gen = mark[-1] + 1
    count = _add(code, data, start, stop, cur, cur_caps, 0, 0, seed, 0, pos, stack, stack_caps,
                 mark, gen)
    matched = False
    while count > 0:
        width = _width(data, pos, stop) if pos < stop else 0
        col = min(data[pos], 128) if pos < stop else 0
        gen += 1
        m = 0
        for t in range(count):
            pc = cur[t]
            if code[pc, 0] == MATCH:
                for k in range(len(found)):
                    found[k] = cur_caps[t, k]
                matched = True
                break
            if pos < stop and classes[code[pc, 1], col]:
                m = _add(code, data, start, stop, nxt, nxt_caps, m, pc + 1, cur_caps, t,
                         pos + width, stack, stack_caps, mark, gen)
        if pos >= stop:
            break
        pos += width
        if not (matched or anchored):
            if m == 0:
                pos = _skip(classes, data, pos, stop)
                if pos == stop and not code[0, 2]:
                    break
            m = _add(code, data, start, stop, nxt, nxt_caps, m, 0, seed, 0, pos, stack,
                     stack_caps, mark, gen)
        cur, nxt = nxt, cur
        cur_caps, nxt_caps = nxt_caps, cur_caps
        count = m
    mark[-1] = gen
    return matched


# --- kernels over a string column ----------------------------------------------


@cached_njit(parallel=True)
def regex_test(a, code, classes, anchored, na):
    """Per row whether it holds a match (at its start when ``anchored``); ``na`` if missing."""
    n = len(a._offsets) - 1
    out = np.empty(n, np.bool_)
    for c in prange(blocks(n)):
        ws, found = workspace(code, 0)
        for i in block_rows(c, n):
            start = a._offsets[i]
            out[i] = na if str_isna(a, i) else search(code, classes, a._data, start,
                                                      a._offsets[i + 1], start, anchored, ws,
                                                      found)
    return out


@cached_njit(parallel=True)
def regex_groups(a, code, classes, slots):
    """(rows, 2 * groups) byte positions of each group of each row's first match, -1 where
    the row is missing, has no match or the group took no part."""
    n = len(a._offsets) - 1
    spans = np.full((n, slots - 2), -1, np.int64)
    for c in prange(blocks(n)):
        ws, found = workspace(code, slots)
        for i in block_rows(c, n):
            start = a._offsets[i]
            if not str_isna(a, i) and search(code, classes, a._data, start, a._offsets[i + 1],
                                             start, False, ws, found):
                spans[i] = found[2:]
    return spans


@cached_njit(parallel=True)
def group_column(a, spans, g):
    """The string column of group ``g`` from ``regex_groups``' spans (missing where -1)."""
    n = len(spans)
    lens = np.empty(n, np.int64)
    for i in prange(n):
        lens[i] = max(spans[i, 2 * g + 1] - spans[i, 2 * g], 0)
    offsets, data = text_buffers(lens)
    valid = np.zeros((n + 7) >> 3, np.uint8)
    for i in range(n):
        if spans[i, 2 * g] >= 0:
            valid[i >> 3] |= np.uint8(1 << (i & 7))
    for i in prange(n):
        lo = spans[i, 2 * g]
        for k in range(lens[i]):
            data[offsets[i] + k] = a._data[lo + k]
    return make_string_array(offsets, data, valid)


@cached_njit(parallel=True)
def regex_count(a, code, classes):
    """Per row the number of non-overlapping matches of a pattern that cannot match empty."""
    refuse_missing(a, COUNT_MISSING)
    n = len(a._offsets) - 1
    out = np.empty(n, np.int64)
    for c in prange(blocks(n)):
        ws, found = workspace(code, 2)
        for i in block_rows(c, n):
            start, stop = a._offsets[i], a._offsets[i + 1]
            k = 0
            while search(code, classes, a._data, start, stop, found[1] if k else start, False,
                         ws, found):
                k += 1
            out[i] = k
    return out


@register_jitable
def _substitute(code, classes, a, i, template, text, limit, ws, found, out, at, write):
    """Row ``i`` with at most ``limit`` (all if negative) non-empty matches replaced by
    ``template`` (rows ``(group, lo, hi)``: group -1 is ``text[lo:hi]``); written at ``at``
    when ``write``; its byte count."""
    data = a._data
    start, stop = a._offsets[i], a._offsets[i + 1]
    size = 0
    pos = start
    done = 0
    while (limit < 0 or done < limit) and search(code, classes, data, start, stop, pos, False,
                                                  ws, found):
        for k in range(pos, found[0]):
            if write:
                out[at + size] = data[k]
            size += 1
        for t in range(len(template)):
            g = template[t, 0]
            src = text if g < 0 else data
            lo, hi = (template[t, 1], template[t, 2]) if g < 0 else (found[2 * g],
                                                                     found[2 * g + 1])
            for k in range(lo, max(hi, lo)):
                if write:
                    out[at + size] = src[k]
                size += 1
        pos = found[1]
        done += 1
    for k in range(pos, stop):
        if write:
            out[at + size] = data[k]
        size += 1
    return size


@cached_njit(parallel=True)
def regex_replace(a, code, classes, slots, template, text, limit):
    """Each value with its matches replaced by ``template`` (``_substitute``)."""
    n = len(a._offsets) - 1
    lens = np.zeros(n, np.int64)
    for c in prange(blocks(n)):
        ws, found = workspace(code, slots)
        for i in block_rows(c, n):
            if not str_isna(a, i):
                lens[i] = _substitute(code, classes, a, i, template, text, limit, ws, found,
                                      a._data, 0, False)
    offsets, data = text_buffers(lens)
    for c in prange(blocks(n)):
        ws, found = workspace(code, slots)
        for i in block_rows(c, n):
            if not str_isna(a, i):
                _substitute(code, classes, a, i, template, text, limit, ws, found, data,
                            offsets[i], True)
    return make_string_array(offsets, data, a._valid.copy())
