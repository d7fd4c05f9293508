"""The compiled CSV tokenizer and float parser against pandas and Python's ``float``."""
import os
import struct
import tempfile

import numpy as np
import pandas as pd
import pytest
from numba import njit

from hpjit.typing.csv_schema import CsvSource
from hpjit.runtime.csv_parse import parse_lines
from hpjit.runtime.float_parse import NOT_A_NUMBER, PARSED, UNDECIDED, parse_decimal

DIR = tempfile.mkdtemp(prefix="hpjit_csv_parse_")


@njit
def _parse_all(buf, offsets, values, states):
    for i in range(len(offsets) - 1):
        values[i], states[i] = parse_decimal(buf.ctypes.data, offsets[i], offsets[i + 1])


def _parse(texts):
    data = "".join(texts).encode()
    offsets = np.zeros(len(texts) + 1, np.int64)
    offsets[1:] = np.cumsum([len(t) for t in texts])
    values, states = np.empty(len(texts)), np.empty(len(texts), np.int64)
    _parse_all(np.frombuffer(data, np.uint8), offsets, values, states)
    return values, states


def _halfway(rng, n):
    """Decimal expansions of exact midpoints between neighbouring doubles (ties to even)."""
    out = []
    for _ in range(n):
        mantissa, exp = int(rng.integers(2 ** 52, 2 ** 53)), int(rng.integers(-70, 70))
        num, den = 2 * mantissa + 1, 1
        if exp - 1 >= 0:
            num <<= exp - 1
        else:
            den <<= 1 - exp
        k = den.bit_length() - 1
        digits = str(num * 5 ** k).rjust(k + 1, "0")
        out.append(f"{digits[:-k]}.{digits[-k:]}" if k else digits)
    return out


def test_decimal_text_parses_to_pythons_float():
    """Bit-exact against ``float`` where decided; the undecided few are left to ``float``."""
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2 ** 64 - 1, 200_000, dtype=np.uint64, endpoint=True)
    doubles = bits.view(np.float64)
    doubles = doubles[np.isfinite(doubles)]
    texts = ([repr(float(x)) for x in rng.random(100_000)]
             + [repr(float(x)) for x in doubles]
             + [f"{x:.{int(rng.integers(0, 20))}e}" for x in doubles[:50_000]]
             + [str(v) for v in rng.integers(-10 ** 18, 10 ** 18, 20_000)]
             + [f"{rng.integers(0, 10 ** 9)}.{rng.integers(0, 10 ** 9)}e{rng.integers(-330, 310)}"
                for _ in range(20_000)]
             + _halfway(rng, 5_000)
             + ["0", "-0", "+0.0", "00012", "1.", ".5", "-.5E1", "1e-400", "1e308", "4.9e-324",
                "1.7976931348623157e308", "2.2250738585072014e-308", "9007199254740993",
                "123456789012345678901234", "0.000000000000000000000000123"])
    values, states = _parse(texts)
    assert set(np.unique(states)) <= {PARSED, UNDECIDED}
    assert (states == PARSED).mean() > 0.9
    for text, value, state in zip(texts, values, states):
        if state == PARSED:
            assert struct.pack("<d", value) == struct.pack("<d", float(text)), text


def test_text_that_is_not_a_decimal_is_refused():
    bad = ["", "-", "+", ".", "1e", "1e+", "1.2.3", " 1", "1 ", "inf", "nan", "1_0", "0x1", "e5",
           "1d5", "--1"]
    _, states = _parse(bad)
    assert list(states) == [NOT_A_NUMBER] * len(bad)


def _write(name, text):
    path = os.path.join(DIR, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _lines(path, sep=","):
    with open(path, "rb") as f:
        data = f.read()
    header_end = data.index(b"\n") + 1
    return memoryview(data)[header_end:], list(pd.read_csv(path, nrows=0, sep=sep).columns)


def _frame(n, seed):
    """Every kind the tokenizer takes, nulls spelled the ways pandas reads as missing, text
    that is not ASCII, floats written at full precision and in exponent form."""
    rng = np.random.default_rng(seed)
    words = np.array(["plain", "é漢字", "007", "NA", "null", "", "n/a", "x y", "-1.#IND"],
                     dtype=object)
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-30, 30, n)
    return pd.DataFrame({
        "s": words[rng.integers(0, len(words), n)],
        "i": rng.integers(-10 ** 17, 10 ** 17, n),
        "f": np.where(rng.random(n) < 0.1, np.nan, floats),
        "b": rng.random(n) < 0.5,
        "g": rng.random(n).round(3),
    })


@pytest.mark.parametrize("n", [1, 2, 1000])
def test_tokenizer_gives_pandas_frame(n):
    path = os.path.join(DIR, f"kinds_{n}.csv")
    _frame(n, n).to_csv(path, index=False)
    lines, names = _lines(path)
    got = parse_lines(lines, names, {}, CsvSource(path, {}).frame_type())
    assert got is not None, "left to pandas"
    pd.testing.assert_frame_equal(got, pd.read_csv(path), check_exact=True)


LAYOUTS = {
    "blank_lines": ("a,b,c\n1,x,1.5\n\n2,,2.5\n\n\n3,z,\n", {}),
    "no_final_newline": ("a,b,c\n1,x,1.5\n2,y,2.5", {}),
    "semicolons": ("a;b;c\n1;x;1e5\n2;NA;-0\n", {"sep": ";"}),
    "tabs_usecols": ("a\tb\tc\n1\tx\t1.5\n2\ty\t+2\n", {"sep": "\t", "usecols": ["c", "a"]}),
    "na_values": ("a,b,c\n1,skip,1.5\n2,y,missing\n", {"na_values": ["skip", "missing"]}),
    "dtype": ("a,b,c\n1,2,3\n4,5,6\n", {"dtype": {"b": "str", "c": "float64"}}),
    "long_mantissas": ("a,b\n1,0.1000000000000000055511151231257827021181583404541015625\n"
                       "2,123456789012345678901234567890\n3,4.9e-324\n", {}),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_tokenizer_layouts(layout):
    text, opts = LAYOUTS[layout]
    path = _write(f"{layout}.csv", text)
    lines, names = _lines(path, opts.get("sep", ","))
    got = parse_lines(lines, names, opts, CsvSource(path, opts).frame_type())
    assert got is not None, "left to pandas"
    pd.testing.assert_frame_equal(got, pd.read_csv(path, **opts), check_exact=True)


def test_tokenizer_block_of_no_lines_has_the_compiled_types():
    path = os.path.join(DIR, "kinds_none.csv")
    _frame(20, 0).to_csv(path, index=False)
    _, names = _lines(path)
    got = parse_lines(memoryview(b""), names, {}, CsvSource(path, {}).frame_type())
    pd.testing.assert_frame_equal(got, pd.read_csv(path).iloc[:0], check_index_type=False)


INT_TEXT, FLOAT_TEXT = "a,b\n1,x\n", "a,b\n1.5,x\n"
LEFT_TO_PANDAS = {  # case: (the compiled head, the block)
    "quote": (INT_TEXT, b'1,"x"\n'),
    "crlf": (INT_TEXT, b"1,x\r\n"),
    "short_line": (INT_TEXT, b"1,x\n2\n"),
    "long_line": (INT_TEXT, b"1,x\n2,y,z\n"),
    "missing_int": (INT_TEXT, b"1,x\n,y\n"),
    "na_int": (INT_TEXT, b"1,x\nNA,y\n"),
    "float_in_int": (INT_TEXT, b"1,x\n2.0,y\n"),
    "spaced_float": (FLOAT_TEXT, b"1.5,x\n 2.5,y\n"),
    "inf": (FLOAT_TEXT, b"1.5,x\ninf,y\n"),
    "bad_utf8": (INT_TEXT, b"1,ok\n2,\xff\xfe\n"),
}


@pytest.mark.parametrize("case", sorted(LEFT_TO_PANDAS))
def test_tokenizer_leaves_what_it_does_not_take_to_pandas(case):
    """A block the tokenizer cannot give exactly as pandas would is handed back (None)."""
    head, block = LEFT_TO_PANDAS[case]
    typed = CsvSource(_write(f"head_{case}.csv", head), {}).frame_type()
    assert parse_lines(memoryview(block), ["a", "b"], {}, typed) is None
