"""L2-penalized logistic regression (binary and multinomial), as scikit-learn's lbfgs solves it.

The objective is scikit-learn's ``LinearModelLoss``: the mean over rows of the half
binomial (or multinomial) loss plus ``1 / (2 C n) ‖W‖²``, the intercept unpenalized.
It is minimized by L-BFGS (10 corrections, backtracking Armijo line search) from
zero, stopping as scipy's L-BFGS-B does in scikit-learn: largest gradient entry
within ``tol``, or no relative decrease beyond 64 ε, or ``max_iter``. Starting
from zero keeps the multinomial coefficients and intercepts summing to zero over
classes, the solution scikit-learn reports. Each evaluation is one pass over
this rank's rows and one ``comm_sum`` of the loss and gradient.
"""
import numpy as np
from numba import prange

from hpjit.ml.comm import comm_allgatherv, comm_sum
from hpjit.ml.kernel import kernel

BLOCK = 4096
MEMORY = 10
FTOL = 64 * np.finfo(np.float64).eps


@kernel
def encode_labels(comm, y):
    """(sorted distinct labels over all ranks, each row's label index)."""
    local = np.unique(y)
    classes = np.unique(comm_allgatherv(comm, local))
    codes = np.empty(len(y), np.int64)
    for i in range(len(y)):
        lo, hi = 0, len(classes)
        while lo < hi:
            mid = (lo + hi) >> 1
            if classes[mid] < y[i]:
                lo = mid + 1
            else:
                hi = mid
        codes[i] = lo
    return classes, codes


@kernel
def _scores(X, i, w, k, p, K, fit_intercept):
    """Decision value of row ``i`` for class ``k`` (coefficients row-major, intercepts after)."""
    z = w[K * p + k] if fit_intercept else 0.0
    for j in range(p):
        z += X[i, j] * w[k * p + j]
    return z


@kernel(parallel=True)
def _loss_grad_sums(X, codes, w, K, fit_intercept):
    """Sum over rows of the loss and its gradient (one vector: loss, then gradient)."""
    n, p = X.shape
    d = len(w)
    nb = (n + BLOCK - 1) // BLOCK
    parts = np.zeros((nb, d + 1))
    for b in prange(nb):
        z = np.empty(K)
        g = np.empty(K)
        for i in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
            if K == 1:
                t = _scores(X, i, w, 0, p, K, fit_intercept)
                y = 1.0 if codes[i] == 1 else 0.0
                if t > 0:
                    parts[b, 0] += t + np.log1p(np.exp(-t)) - y * t
                    g[0] = 1.0 / (1.0 + np.exp(-t)) - y
                else:
                    e = np.exp(t)
                    parts[b, 0] += np.log1p(e) - y * t
                    g[0] = e / (1.0 + e) - y
            else:
                top = -np.inf
                for k in range(K):
                    z[k] = _scores(X, i, w, k, p, K, fit_intercept)
                    top = max(top, z[k])
                s = 0.0
                for k in range(K):
                    g[k] = np.exp(z[k] - top)
                    s += g[k]
                parts[b, 0] += top + np.log(s) - z[codes[i]]
                for k in range(K):
                    g[k] /= s
                g[codes[i]] -= 1.0
            for k in range(K):
                for j in range(p):
                    parts[b, 1 + k * p + j] += g[k] * X[i, j]
                if fit_intercept:
                    parts[b, 1 + K * p + k] += g[k]
    out = np.zeros(d + 1)
    for b in range(nb):
        for t in range(d + 1):
            out[t] += parts[b, t]
    return out


@kernel
def _objective(comm, X, codes, w, K, p, fit_intercept, l2, n, grad):
    """Mean loss plus the L2 term at ``w``; the gradient is written into ``grad``."""
    acc = comm_sum(comm, _loss_grad_sums(X, codes, w, K, fit_intercept))
    f = acc[0] / n
    for t in range(len(w)):
        grad[t] = acc[1 + t] / n
    for t in range(K * p):
        f += 0.5 * l2 * w[t] * w[t]
        grad[t] += l2 * w[t]
    return f


@kernel
def _dot(a, b):
    t = 0.0
    for i in range(len(a)):
        t += a[i] * b[i]
    return t


@kernel
def _max_abs(a):
    t = 0.0
    for i in range(len(a)):
        t = max(t, abs(a[i]))
    return t


@kernel
def lbfgs(comm, X, codes, K, fit_intercept, l2, n, tol, max_iter):
    """(coefficients, iterations) minimizing the penalized loss (see the module docstring)."""
    p = X.shape[1]
    d = K * p + (K if fit_intercept else 0)
    w = np.zeros(d)
    g = np.empty(d)
    f = _objective(comm, X, codes, w, K, p, fit_intercept, l2, n, g)
    S = np.zeros((MEMORY, d))
    Y = np.zeros((MEMORY, d))
    rho = np.zeros(MEMORY)
    alpha = np.zeros(MEMORY)
    stored, newest = 0, -1
    w_new = np.empty(d)
    g_new = np.empty(d)
    direction = np.empty(d)
    it = 0
    while it < max_iter and _max_abs(g) > tol:
        # two-loop recursion: direction = -H g
        for t in range(d):
            direction[t] = -g[t]
        for m in range(stored):
            j = (newest - m) % MEMORY
            alpha[j] = rho[j] * _dot(S[j], direction)
            for t in range(d):
                direction[t] -= alpha[j] * Y[j, t]
        if stored:
            scale = _dot(S[newest], Y[newest]) / _dot(Y[newest], Y[newest])
            for t in range(d):
                direction[t] *= scale
        for m in range(stored - 1, -1, -1):
            j = (newest - m) % MEMORY
            beta = rho[j] * _dot(Y[j], direction)
            for t in range(d):
                direction[t] += (alpha[j] - beta) * S[j, t]
        slope = _dot(g, direction)
        if slope >= 0:  # not a descent direction: restart from the gradient
            stored = 0
            for t in range(d):
                direction[t] = -g[t]
            slope = _dot(g, direction)
        step = 1.0 if stored else min(1.0, 1.0 / np.sqrt(-slope))
        f_new = np.inf
        for _ in range(50):
            for t in range(d):
                w_new[t] = w[t] + step * direction[t]
            f_new = _objective(comm, X, codes, w_new, K, p, fit_intercept, l2, n, g_new)
            if f_new <= f + 1e-4 * step * slope:
                break
            step *= 0.5
        if not f_new <= f + 1e-4 * step * slope:
            break
        it += 1
        newest = (newest + 1) % MEMORY
        for t in range(d):
            S[newest, t] = w_new[t] - w[t]
            Y[newest, t] = g_new[t] - g[t]
        sy = _dot(S[newest], Y[newest])
        if sy > 1e-12 * _dot(Y[newest], Y[newest]):
            rho[newest] = 1.0 / sy
            stored = min(stored + 1, MEMORY)
        else:
            newest = (newest - 1) % MEMORY
        decrease = (f - f_new) / max(abs(f), abs(f_new), 1.0)
        for t in range(d):
            w[t] = w_new[t]
            g[t] = g_new[t]
        f = f_new
        if decrease <= FTOL:
            break
    return w, it


@kernel(parallel=True)
def decision(X, coef, intercept):
    """Decision values, one column per row of ``coef``."""
    n, p = X.shape
    K = coef.shape[0]
    out = np.empty((n, K))
    for i in prange(n):
        for k in range(K):
            z = intercept[k]
            for j in range(p):
                z += X[i, j] * coef[k, j]
            out[i, k] = z
    return out


@kernel
def probabilities(X, coef, intercept):
    """scikit-learn's ``predict_proba``: [1 - σ(z), σ(z)] for two classes, else softmax."""
    z = decision(X, coef, intercept)
    n, K = z.shape
    out = np.empty((n, 2 if K == 1 else K))
    for i in range(n):
        if K == 1:
            e = 1.0 / (1.0 + np.exp(-z[i, 0]))
            out[i, 0] = 1.0 - e
            out[i, 1] = e
        else:
            top = -np.inf
            for k in range(K):
                top = max(top, z[i, k])
            s = 0.0
            for k in range(K):
                out[i, k] = np.exp(z[i, k] - top)
                s += out[i, k]
            for k in range(K):
                out[i, k] /= s
    return out


@kernel
def predicted_codes(X, coef, intercept):
    """Index into ``classes_`` of each row's predicted class (first on ties)."""
    z = decision(X, coef, intercept)
    n, K = z.shape
    out = np.empty(n, np.int64)
    for i in range(n):
        if K == 1:
            out[i] = 1 if z[i, 0] > 0 else 0
        else:
            best = 0
            for k in range(1, K):
                if z[i, k] > z[i, best]:
                    best = k
            out[i] = best
    return out
