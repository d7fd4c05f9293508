"""Programs fitting scikit-learn estimators inside @hpjit.jit, and their data; shared by the
one-process tests and the mpiexec programs so each function compiles once per process.

Each program is plain scikit-learn code: run as Python it is its own expected result."""
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, Ridge

import hpjit


def features_frame(n, seed=0):
    """Three features (one integer), a constant column and a noisy linear target."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.normal(size=n) * 3 + 5
    k = rng.integers(0, 10, n)
    y = 2 * a - 0.5 * b + 0.1 * k + rng.normal(size=n) * 0.1 + 3
    return pd.DataFrame({"a": a, "b": b, "k": k, "const": np.full(n, 0.1), "y": y})


def linreg(df):
    X = df[["a", "b", "k"]].to_numpy()
    lr = LinearRegression()
    lr.fit(X, df.y)
    return lr.coef_, lr.intercept_, lr.score(X, df.y), lr.predict(X)


def ridge_frame(df):
    r = Ridge(alpha=0.5, fit_intercept=False).fit(df[["a", "b", "k"]], df.y)
    return r.coef_, r.intercept_, r.predict(df[["a", "b", "k"]])


def linreg_constant_column(df):
    lr = LinearRegression().fit(df[["a", "const"]].values, df.y.to_numpy())
    return lr.coef_, lr.intercept_


def fitted_model(df):
    return Ridge(alpha=2.0).fit(df[["a", "b"]], df.y)


def expected(fn, df):
    """scikit-learn's own result (its warning about R^2 of one sample silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(df)


PROGRAMS = [linreg, ridge_frame, linreg_constant_column]
JITTED = {fn.__name__: hpjit.jit(fn) for fn in PROGRAMS + [fitted_model]}


def assert_close(got, exp, rtol=1e-8):
    """Model outputs agree to rounding (arrays elementwise, tuples member by member)."""
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_close(g, e, rtol)
        return
    if np.ndim(exp) == 0 and np.isnan(exp):
        assert np.isnan(got)
        return
    np.testing.assert_allclose(got, exp, rtol=rtol, atol=1e-9)
