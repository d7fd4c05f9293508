"""pd.read_csv inside @jit against pandas, and its errors."""
import os
import tempfile

import pandas as pd
import pytest

import hpjit
from hpjit import HpjitError
from conftest import event_frame

DIR = tempfile.mkdtemp(prefix="hpjit_csv_")
EVENTS = os.path.join(DIR, "events.csv")
SEMI = os.path.join(DIR, "semi.csv")
LATE = os.path.join(DIR, "late.csv")
LATE_TEXT = os.path.join(DIR, "late_text.csv")
MISSING = os.path.join(DIR, "missing.csv")
TYPED = os.path.join(DIR, "typed.csv")
event_frame(10, seed=1).to_csv(EVENTS, index=False)


def events():
    df = pd.read_csv(EVENTS)
    df["t"] = pd.to_datetime(df.event_time)
    df["hr"] = df.t.dt.hour
    df["ind"] = df.indicator.map(lambda x: -1 if x == "na" else int(x))
    return df, df.ind.sum(), df.value.mean()


def event_csv(n, seed):
    """The workload's columns as CSV; row 0's indicator is 'na', so every size reads as text."""
    df = event_frame(n, seed=seed, nulls=True)
    df["event_time"] = df.event_time.fillna("2018-05-05 05:05:05")  # .dt fields of NaT: not yet
    df.loc[0, "indicator"] = "na"
    df.to_csv(EVENTS, index=False)


event_csv(1, 0)
jit_events = hpjit.jit(events)


@pytest.mark.parametrize("n", [1, 7, 500])
def test_read_csv_workload(n):
    event_csv(n, seed=n)
    got, exp = jit_events(), events()
    pd.testing.assert_frame_equal(got[0], exp[0])
    assert got[1] == exp[1] and got[2] == pytest.approx(exp[2])


def options():
    return pd.read_csv(SEMI, sep=";", usecols=["b", "a"], skiprows=1, nrows=3)


def test_read_csv_options():
    with open(SEMI, "w") as f:
        f.write("junk line\na;b;c\n1;x;2.5\n2;;3.5\n3;z;\n4;w;1\n")
    pd.testing.assert_frame_equal(hpjit.jit(options)(), options())


def typed():
    return pd.read_csv(TYPED, dtype={"code": "str", "n": "Int64", "x": "float64"},
                       na_values=["n/a", "-"])


def one_dtype():
    return pd.read_csv(TYPED, dtype="str", na_values="-")


def test_read_csv_dtype_and_na_values():
    """Digits kept as text, a column with a missing value as Int64, ints as float64, extra
    missing-value strings — the frame pandas reads."""
    with open(TYPED, "w") as f:
        f.write("code,n,x,s\n007,1,2,a\n010,n/a,3,-\n123,4,-,c\n")
    pd.testing.assert_frame_equal(hpjit.jit(typed)(), typed())
    pd.testing.assert_frame_equal(hpjit.jit(one_dtype)(), one_dtype())


def late_type_change():
    return pd.read_csv(LATE)


def test_type_change_after_head_is_an_error_not_a_guess():
    from hpjit.runtime import csv_read as csv
    rows = ["a,b"] + [f"{i},x" for i in range(csv.HEAD_ROWS + 5)] + ["1.5,y"]
    with open(LATE, "w") as f:
        f.write("\n".join(rows) + "\n")
    with pytest.raises(HpjitError, match="CSV column 'a'.*pass dtype=") as e:
        hpjit.jit(late_type_change)()
    assert f"row {csv.HEAD_ROWS + 5}: 1.5 is not an integer" in str(e.value)
    assert f"test_io_csv.py:{late_type_change.__code__.co_firstlineno + 1}" in str(e.value)


def missing_late():
    return pd.read_csv(LATE_TEXT)


def test_unparsable_field_names_row_and_value():
    from hpjit.runtime import csv_read as csv
    rows = ["a,b"] + [f"{i}.5,x" for i in range(csv.HEAD_ROWS + 2)] + ["oops,y", ",z"]
    with open(LATE_TEXT, "w") as f:
        f.write("\n".join(rows) + "\n")
    with pytest.raises(HpjitError, match="CSV column 'a'") as e:
        hpjit.jit(missing_late)()
    assert f"row {csv.HEAD_ROWS + 2}: 'oops' is not a number" in str(e.value)
    assert f"test_io_csv.py:{missing_late.__code__.co_firstlineno + 1}" in str(e.value)


def missing_csv():
    return pd.read_csv(MISSING)


def test_missing_csv():
    with pytest.raises(HpjitError, match="does not exist"):
        hpjit.jit(missing_csv)()


def non_constant_csv(path):
    return pd.read_csv(path)


def test_non_constant_csv_path():
    with pytest.raises(HpjitError, match="compile-time constant"):
        hpjit.jit(non_constant_csv)(EVENTS)


