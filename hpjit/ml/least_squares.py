"""Least squares from one pass over the data: the Gram matrix of ``[X | y]``, centered.

Rows are taken in blocks that fit in cache; each block is centered on its own
mean and multiplied out by BLAS (``blk.T @ blk``), and blocks — then ranks —
are merged with Chan's pairwise update (count, mean, centered co-moments), so
X is read from memory once and no large sums of squares cancel. Every rank
ends with the same global moments (one ``allgatherv`` of a few hundred
numbers) and solves the small system itself: the model is replicated.
"""
import numpy as np
from numba import prange

from hpjit.ml.comm import comm_allgatherv, comm_sum
from hpjit.ml.dense import cholesky_solve, min_norm_solve
from hpjit.ml.kernel import kernel

BLOCK = 2048


@kernel(parallel=True)
def _block_moments(X, y):
    """Per block of rows: (row count, mean of [X | y], centered Gram of [X | y])."""
    n, p = X.shape
    q = p + 1
    nb = (n + BLOCK - 1) // BLOCK
    counts = np.zeros(nb)
    means = np.zeros((nb, q))
    grams = np.zeros((nb, q, q))
    for b in prange(nb):
        lo = b * BLOCK
        hi = min(n, lo + BLOCK)
        m = hi - lo
        blk = np.empty((m, q))
        mu = np.zeros(q)
        for i in range(m):
            for j in range(p):
                v = X[lo + i, j]
                blk[i, j] = v
                mu[j] += v
            blk[i, p] = y[lo + i]
            mu[p] += y[lo + i]
        mu /= m
        for i in range(m):
            for j in range(q):
                blk[i, j] -= mu[j]
        g = np.dot(blk.T, blk)
        for j in range(q):
            means[b, j] = mu[j]
            for k in range(q):
                grams[b, j, k] = g[j, k]
        counts[b] = m
    return counts, means, grams


@kernel
def _merge(n_a, mean_a, gram_a, n_b, mean_b, gram_b):
    """Chan's update: the moments of two disjoint row sets as one (a's arrays are updated).

    Written as loops: numba compiles whole-array expressions far more slowly."""
    if n_b == 0:
        return n_a
    n = n_a + n_b
    q = len(mean_a)
    w = n_a * n_b / n
    d = np.empty(q)
    for j in range(q):
        d[j] = mean_b[j] - mean_a[j]
    for j in range(q):
        for k in range(q):
            gram_a[j, k] += gram_b[j, k] + d[j] * d[k] * w
        mean_a[j] += d[j] * (n_b / n)
    return n


@kernel
def _merge_all(counts, means, grams):
    q = means.shape[1]
    mean = np.zeros(q)
    gram = np.zeros((q, q))
    n = 0.0
    for b in range(len(counts)):
        n = _merge(n, mean, gram, counts[b], means[b], grams[b])
    return n, mean, gram


@kernel
def moments(comm, X, y):
    """Global (row count, mean of [X | y], centered Gram of [X | y]) on every rank."""
    counts, means, grams = _block_moments(X, y)
    n, mean, gram = _merge_all(counts, means, grams)
    q = len(mean)
    width = 1 + q + q * q
    packed = np.empty(width)
    packed[0] = n
    for j in range(q):
        packed[1 + j] = mean[j]
        for k in range(q):
            packed[1 + q + j * q + k] = gram[j, k]
    every = comm_allgatherv(comm, packed)
    ranks = len(every) // width
    counts = np.empty(ranks)
    means = np.empty((ranks, q))
    grams = np.empty((ranks, q, q))
    for r in range(ranks):
        base = r * width
        counts[r] = every[base]
        for j in range(q):
            means[r, j] = every[base + 1 + j]
            for k in range(q):
                grams[r, j, k] = every[base + 1 + q + j * q + k]
    return _merge_all(counts, means, grams)


@kernel
def all_finite(a):
    for v in a.ravel():
        if not np.isfinite(v):
            return False
    return True


@kernel
def linear_solve(n, mean, gram, fit_intercept, alpha, ridge):
    """(coef, intercept) of least squares from the moments of [X | y] (``ridge``: plus
    ``alpha``‖w‖², solved by Cholesky as scikit-learn's Ridge does); the intercept is fitted
    on centered data when asked."""
    p = len(mean) - 1
    A = np.empty((p, p))
    b = np.empty(p)
    for j in range(p):
        for k in range(p):
            A[j, k] = gram[j, k] + (0.0 if fit_intercept else mean[j] * mean[k] * n)
        b[j] = gram[j, p] + (0.0 if fit_intercept else mean[j] * mean[p] * n)
        if ridge:
            A[j, j] += alpha
    coef = cholesky_solve(A, b) if ridge else min_norm_solve(A, b)
    intercept = 0.0
    if fit_intercept:
        intercept = mean[p]
        for j in range(p):
            intercept -= mean[j] * coef[j]
    return coef, intercept


@kernel(parallel=True)
def linear_predict(X, coef, intercept):
    n, p = X.shape
    out = np.empty(n)
    for i in prange(n):
        t = intercept
        for j in range(p):
            t += X[i, j] * coef[j]
        out[i] = t
    return out


@kernel(parallel=True)
def _residual_sums(y, y_pred, y_mean):
    res = 0.0
    tot = 0.0
    for i in prange(len(y)):
        r = y[i] - y_pred[i]
        t = y[i] - y_mean
        res += r * r
        tot += t * t
    return res, tot


@kernel
def r2_score(comm, y, y_pred):
    """scikit-learn's ``r2_score`` (1 - SS_res / SS_tot; 1.0 or 0.0 for constant y; NaN
    for fewer than two samples)."""
    n = comm_sum(comm, float(len(y)))
    if n < 2:
        return np.nan
    y_mean = comm_sum(comm, y.sum()) / n
    res, tot = _residual_sums(y, y_pred, y_mean)
    res = comm_sum(comm, res)
    tot = comm_sum(comm, tot)
    if tot == 0.0:
        return 1.0 if res == 0.0 else 0.0
    return 1.0 - res / tot
