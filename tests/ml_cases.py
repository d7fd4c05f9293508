"""Programs fitting scikit-learn estimators inside @hpjit.jit, and their data; shared by the
one-process tests and the mpiexec programs so each function compiles once per process.

Each program is plain scikit-learn code: run as Python it is its own expected result."""
import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

import hpjit


def features_frame(n, seed=0):
    """Three features (one integer), a constant column, a noisy linear target, and class labels
    that depend on the features: ``flag`` (bool) and ``cls`` (three int classes)."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.normal(size=n) * 3 + 5
    k = rng.integers(0, 10, n)
    y = 2 * a - 0.5 * b + 0.1 * k + rng.normal(size=n) * 0.1 + 3
    scores = np.column_stack([a, 0.3 * (b - 5), -a + 0.2 * (k - 4.5)]) + rng.normal(size=(n, 3))
    return pd.DataFrame({"a": a, "b": b, "k": k, "const": np.full(n, 0.1), "y": y,
                         "flag": a + rng.normal(size=n) > 0.2,
                         "cls": np.argmax(scores, axis=1) * 10 + 1})


def blobs_frame(n, seed=0):
    """Points around three centers in the plane (x, y), and an integer column."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, 3, n)
    centers = np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]])
    xy = centers[which] + rng.normal(size=(n, 2))
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "g": rng.integers(0, 4, n)})


def kmeans_plusplus(df):
    km = KMeans(n_clusters=min(3, len(df)), random_state=0)
    km.fit(df[["x", "y"]].to_numpy())
    return km.cluster_centers_, km.labels_, km.inertia_, km.n_iter_, np.bincount(km.labels_)


def kmeans_random_init(df):
    km = KMeans(n_clusters=min(4, len(df)), init="random", n_init=3, random_state=7, tol=1e-6)
    labels = km.fit_predict(df[["x", "y", "g"]])
    return labels


def kmeans_empty_cluster(df):
    """A given center far from every point loses all its points and is relocated."""
    centers = np.array([[0.0, 0.0], [6.0, 1.0], [500.0, 500.0]])
    km = KMeans(n_clusters=3, init=centers, max_iter=30).fit(df[["x", "y"]].values)
    return km.cluster_centers_, km.labels_, km.inertia_, km.n_iter_, km.predict(df[["x", "y"]].values)


def linreg(df):
    X = df[["a", "b", "k"]].to_numpy()
    lr = LinearRegression()
    lr.fit(X, df.y)
    return lr.coef_, lr.intercept_, lr.score(X, df.y), lr.predict(X)


#: the parquet file ``read_linreg`` reads: set by the MPI job before compiling it (a global
#: constant of the function, so part of its cache key)
FEATURES = None


def read_linreg():
    """``linreg`` over a parquet read (each rank reads its block of rows); a module function,
    so the ``-n 3`` job loads what the ``-n 2`` job compiled."""
    df = pd.read_parquet(FEATURES)
    X = df[["a", "b", "k"]].to_numpy()
    lr = LinearRegression()
    lr.fit(X, df.y)
    return lr.coef_, lr.intercept_, lr.score(X, df.y), lr.predict(X)


def ridge_frame(df):
    r = Ridge(alpha=0.5, fit_intercept=False).fit(df[["a", "b", "k"]], df.y)
    return r.coef_, r.intercept_, r.predict(df[["a", "b", "k"]])


def linreg_stacked(df):
    """Features stacked from columns (split by rows like them under MPI)."""
    X = np.column_stack((df.a.to_numpy(), df.b.values, df.k.to_numpy()))
    lr = LinearRegression().fit(X, df.y)
    return lr.coef_, lr.intercept_, X


def linreg_constant_column(df):
    lr = LinearRegression().fit(df[["a", "const"]].values, df.y.to_numpy())
    return lr.coef_, lr.intercept_


def logistic_binary(df):
    X = df[["a", "b"]]
    m = LogisticRegression(C=2.0, tol=1e-10, max_iter=1000).fit(X, df.flag)
    return (m.coef_, m.intercept_, m.classes_, m.predict_proba(X), m.predict(X),
            m.score(X, df.flag))


def logistic_multinomial(df):
    X = df[["a", "b", "k"]].to_numpy()
    m = LogisticRegression(tol=1e-10, max_iter=1000)
    m.fit(X, df.cls.to_numpy())
    return m.coef_, m.intercept_, m.classes_, m.predict_proba(X), m.predict(X)


def quantiles(df):
    return (df.a.quantile(0.1), df.b.quantile(0.75), df.k.median(), df.y.quantile(1.0),
            df.a.median(), df[["a", "b", "k"]].quantile(0.3), df[["a", "k"]].quantile([0.25, 0.5]),
            df.b.quantile([0.1, 0.9]))


def numpy_statistics(df):
    """numpy's statistics of arrays taken from the frame (``a`` has NaN)."""
    a, b = df.a.to_numpy(), df.b.to_numpy()
    X = df[["b", "k", "y"]].to_numpy()
    return (np.nanpercentile(a, 30), np.percentile(b, [5, 50.5]), np.quantile(b, 0.9),
            np.median(b), np.nanmedian(a), np.median(a), np.percentile(a, 50),
            np.cov(X, rowvar=False), np.corrcoef(X, rowvar=False), np.cov(b, df.y.to_numpy()),
            np.corrcoef(a, b), np.cov(b, ddof=0))


def covariance(df):
    return df[["a", "b", "k"]].cov(), df[["a", "b", "k", "y"]].corr(), df[["a", "k"]].describe()


def with_missing(df):
    """The frame with NaN in every fifth ``a`` (statistics skip it pairwise, as pandas does)."""
    out = df.copy()
    out.loc[out.index[::5], "a"] = np.nan
    return out


def fitted_model(df):
    return Ridge(alpha=2.0).fit(df[["a", "b"]], df.y)


def expected(fn, df):
    """scikit-learn's own result (its warning about R^2 of one sample silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(df)


PROGRAMS = [linreg, ridge_frame, linreg_stacked, linreg_constant_column]
CLUSTERING = [kmeans_plusplus, kmeans_random_init, kmeans_empty_cluster]
#: agree with scikit-learn to the optimum both solvers reach (lbfgs, tol=1e-10), not to rounding
CLASSIFIERS = [logistic_binary, logistic_multinomial]
STATISTICS = [quantiles, covariance, numpy_statistics]
JITTED = {fn.__name__: hpjit.jit(fn)
          for fn in PROGRAMS + CLUSTERING + CLASSIFIERS + STATISTICS + [fitted_model]}


def assert_close(got, exp, rtol=1e-8):
    """Model outputs agree to rounding (arrays elementwise, tuples member by member)."""
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_close(g, e, rtol)
        return
    if isinstance(exp, pd.DataFrame):
        pd.testing.assert_frame_equal(got, exp, rtol=rtol)
        return
    if isinstance(exp, pd.Series):
        pd.testing.assert_series_equal(got, exp, rtol=rtol)
        return
    if np.ndim(exp) == 0 and np.isnan(exp):
        assert np.isnan(got)
        return
    np.testing.assert_allclose(got, exp, rtol=rtol, atol=1e-9)
