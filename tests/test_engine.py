"""hpjit as pandas' execution engine, against pandas without an engine."""
import numpy as np
import pandas as pd
import pytest

import hpjit
from hpjit import HpjitError


def frame(n, seed=0):
    rng = np.random.default_rng(seed)
    ind = np.where(rng.random(n) < 0.2, "na", rng.integers(-9, 100, n).astype(str)).astype(object)
    f = rng.normal(size=n)
    f[rng.random(n) < 0.2] = np.nan
    t = (np.datetime64("2019-03-01") + rng.integers(0, 10**8, n).astype("timedelta64[s]"))
    return pd.DataFrame({"hr": rng.integers(0, 24, n), "minute": rng.integers(0, 60, n),
                         "f": f, "t": t, "indicator": pd.array(ind, dtype="str")},
                        index=pd.Index([f"r{i}" for i in range(n)]))


SIZES = [0, 1, 9, 300]


@pytest.mark.parametrize("n", [1, 9, 300])  # an empty frame never reaches the engine in pandas
def test_apply_rows(n):
    df = frame(n, seed=n)
    for f in (lambda row: row.hr * 60 + row.minute, lambda row: row["f"] * 2 + row.hr,
              lambda row: row.t.hour + row["minute"]):
        pd.testing.assert_series_equal(df.apply(f, axis=1, engine=hpjit.jit), df.apply(f, axis=1))


@pytest.mark.parametrize("n", SIZES)
def test_map_each_dtype(n):
    df = frame(n, seed=n + 1)
    cases = [("indicator", lambda x: -1 if x == "na" else int(x)),
             ("indicator", lambda x: x.upper()),
             ("hr", lambda x: x * 2.5),
             ("f", lambda x: x + 1),
             ("t", lambda x: x.date()),
             ("t", lambda x: x.hour * 100 + x.minute)]
    for col, f in cases:
        s = df[col].rename("named")
        pd.testing.assert_series_equal(s.map(f, engine=hpjit.jit), s.map(f))


def test_map_na_action_ignore():
    s = pd.Series(["1", None, "22", None], dtype="str", index=[5, 6, 7, 8])
    f = lambda x: len(x)  # noqa: E731
    pd.testing.assert_series_equal(s.map(f, na_action="ignore", engine=hpjit.jit),
                                   s.map(f, na_action="ignore"))


def test_args_kwargs():
    df = frame(50, seed=3)

    def scale(row, k, bias=0):
        return row.hr * k + bias
    pd.testing.assert_series_equal(df.apply(scale, axis=1, args=(3,), bias=7, engine=hpjit.jit),
                                   df.apply(scale, axis=1, args=(3,), bias=7))

    def shift(x, by):
        return x + by
    pd.testing.assert_series_equal(df.hr.map(shift, by=4, engine=hpjit.jit), df.hr.map(shift, by=4))


def test_raw_rows():
    df = frame(40, seed=4)[["hr", "minute"]]
    f = lambda r: r[0] * 60 + r[1]  # noqa: E731
    pd.testing.assert_series_equal(df.apply(f, axis=1, raw=True, engine=hpjit.jit),
                                   df.apply(f, axis=1, raw=True))


def test_axis0_reductions():
    df = frame(60, seed=5)[["hr", "minute", "f"]]
    f = lambda col: col.sum()  # noqa: E731
    pd.testing.assert_series_equal(df.apply(f, axis=0, engine=hpjit.jit), df.apply(f, axis=0))


def test_same_code_compiles_once():
    df = frame(20, seed=6)
    for _ in range(3):
        df.apply(lambda row: row.hr + 1, axis=1, engine=hpjit.jit)
    from hpjit.engine import _DRIVERS
    compiled = sum(len(d.dispatcher.overloads) for d in _DRIVERS.values())
    df.apply(lambda row: row.hr + 1, axis=1, engine=hpjit.jit)  # same code again
    assert sum(len(d.dispatcher.overloads) for d in _DRIVERS.values()) == compiled


def test_configured_jit_is_an_engine():
    s = pd.Series([1, 2, 3])
    pd.testing.assert_series_equal(s.map(lambda x: x * 3, engine=hpjit.jit(cache=False)),
                                   s.map(lambda x: x * 3))


def test_unsupported_call_is_a_clear_error():
    df = frame(5)
    with pytest.raises(HpjitError) as e:
        df.apply(lambda row: row.hr.bit_length(), axis=1, engine=hpjit.jit)
    assert "DataFrame.apply(engine=hpjit.jit)" in str(e.value)
    assert "bit_length" in str(e.value) and "test_engine.py" in str(e.value)


def test_untypeable_object_is_a_clear_error():
    s = pd.Series([1, 2])
    with pytest.raises(HpjitError) as e:
        s.map(lambda x: {x: [x]}, engine=hpjit.jit)
    assert "Series.map(engine=hpjit.jit)" in str(e.value) and "test_engine.py" in str(e.value)


@pytest.mark.parametrize("dtype", ["Int64", "Float64", "boolean"])
def test_map_nullable(dtype):
    rng = np.random.default_rng(7)
    vals = [None if rng.random() < 0.3 else (bool(v > 0) if dtype == "boolean" else float(v) if
            dtype == "Float64" else int(v)) for v in rng.integers(-5, 5, 40)]
    s = pd.Series(pd.array(vals, dtype=dtype), name="n", index=np.arange(40) * 3)
    f = (lambda x: x ^ True) if dtype == "boolean" else (lambda x: x * 2 + 1)
    pd.testing.assert_series_equal(s.map(f, engine=hpjit.jit), s.map(f))
    g = lambda x: x > 0  # noqa: E731
    pd.testing.assert_series_equal(s.map(g, engine=hpjit.jit), s.map(g))
