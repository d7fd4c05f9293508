"""User-written ``prange`` loops, run by test_loops.py (one process) and mpi_programs.py
(split rows): each is compared with the same function run by Python (``prange`` is ``range``)."""
import numpy as np
import pandas as pd
from numba import prange


def fill_and_reduce(n):
    a = np.arange(n)
    b = np.empty(n)
    s = 0.0
    p = 1
    m = 10**9
    for i in prange(n):
        b[i] = a[i] * 2.0 + i  # the index as a number: the global row
        s += a[i]
        p *= 1 + (a[i] % 50 == 0)
        m = min(m, a[i] - 3)
    return s, p, m, b.sum(), b


def column_loop(df):
    x = df.value.to_numpy()
    y = np.empty(len(x))
    pos = 0.0
    top = -np.inf
    for i in prange(len(x)):
        y[i] = x[i] * x[i]
        if x[i] > 0:
            pos += x[i]
        top = max(top, x[i])
    return pos, top, y


#: the parquet file ``read_column_loop`` reads (set by the MPI job; part of the cache key)
LOOP_PARQUET = None


def read_column_loop():
    """A ``prange`` loop over a parquet read's column: each rank loops over its block of rows."""
    df = pd.read_parquet(LOOP_PARQUET)
    x = df.value.to_numpy()
    out = np.empty(len(x))
    total = 0.0
    for i in prange(len(x)):
        out[i] = abs(x[i]) + 1.0
        total += out[i]
    return total, out


def matrix_loop(df):
    X = df[["value", "w"]].to_numpy()
    out = np.zeros(X.shape[0])
    for i in prange(X.shape[0]):
        out[i] = X[i, 0] * X[i, 1] + 1.0
    return out, out.sum()


def lookup_loop(n):
    lut = np.arange(7) * 10  # read at other rows than i: kept whole on every rank
    a = np.arange(n)
    out = np.empty(n, np.int64)
    for i in prange(n):
        out[i] = lut[a[i] % 7]
    return out


def shifted_loop(n):
    a = np.arange(n)
    b = np.zeros(n)
    for i in prange(n - 1):  # not the arrays' length: the loop runs whole on every rank
        b[i] = a[i + 1]
    return b.sum(), b


INT_PROGRAMS = [fill_and_reduce, lookup_loop, shifted_loop]
FRAME_PROGRAMS = [column_loop, matrix_loop]


def loop_frame(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"value": rng.normal(size=n), "w": rng.normal(size=n)})


def assert_same(got, exp):
    if isinstance(exp, tuple):
        assert len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_same(g, e)
    elif isinstance(exp, np.ndarray):
        np.testing.assert_allclose(got, exp, rtol=1e-12)
        assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    else:
        assert np.isclose(got, exp, rtol=1e-12), (got, exp)
