"""Small dense linear algebra for the p×p systems of model fitting, as plain loops.

The systems are tiny (p is the number of features) next to the pass over the
data, and numba compiles these loops in a fraction of the time its LAPACK
bindings take — compile time is what a user waits for here.
"""
import numpy as np

from hpjit.ml.kernel import kernel

EPS = np.finfo(np.float64).eps


@kernel
def symmetric_eigen(A):
    """Eigenvalues ``w`` and orthonormal eigenvectors ``V`` (columns) of symmetric ``A``, by
    cyclic Jacobi rotations (accurate to rounding of ``A``'s norm)."""
    p = A.shape[0]
    a = A.copy()
    V = np.eye(p)
    norm = 0.0
    for i in range(p):
        for j in range(p):
            norm += a[i, j] * a[i, j]
    for sweep in range(64):
        off = 0.0
        for i in range(p):
            for j in range(i + 1, p):
                off += a[i, j] * a[i, j]
        if off <= (EPS * EPS) * norm * 1e-4 or off == 0.0:
            break
        for i in range(p - 1):
            for j in range(i + 1, p):
                aij = a[i, j]
                if aij == 0.0:
                    continue
                theta = (a[j, j] - a[i, i]) / (2.0 * aij)
                t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
                if theta < 0.0:
                    t = -t
                c = 1.0 / np.sqrt(t * t + 1.0)
                s = t * c
                for k in range(p):
                    aki = a[k, i]
                    akj = a[k, j]
                    a[k, i] = c * aki - s * akj
                    a[k, j] = s * aki + c * akj
                for k in range(p):
                    aik = a[i, k]
                    ajk = a[j, k]
                    a[i, k] = c * aik - s * ajk
                    a[j, k] = s * aik + c * ajk
                for k in range(p):
                    vki = V[k, i]
                    vkj = V[k, j]
                    V[k, i] = c * vki - s * vkj
                    V[k, j] = s * vki + c * vkj
    w = np.empty(p)
    for i in range(p):
        w[i] = a[i, i]
    return w, V


@kernel
def min_norm_solve(A, b):
    """The minimum-norm solution of symmetric positive semi-definite ``A w = b``, eigenvalues
    at rounding level of the largest dropped (what ``lstsq`` gives for a rank-deficient X)."""
    p = len(b)
    w, V = symmetric_eigen(A)
    top = 0.0
    for k in range(p):
        top = max(top, abs(w[k]))
    cutoff = top * p * EPS * 16
    z = np.zeros(p)
    for k in range(p):
        if w[k] > cutoff:
            t = 0.0
            for j in range(p):
                t += V[j, k] * b[j]
            z[k] = t / w[k]
    out = np.zeros(p)
    for j in range(p):
        for k in range(p):
            out[j] += V[j, k] * z[k]
    return out


@kernel
def cholesky_solve(A, b):
    """``A w = b`` for symmetric positive definite ``A`` by Cholesky; falls back to
    :func:`min_norm_solve` when ``A`` is not numerically positive definite (as
    scikit-learn's Ridge falls back to lstsq)."""
    p = len(b)
    L = np.zeros((p, p))
    for j in range(p):
        s = A[j, j]
        for k in range(j):
            s -= L[j, k] * L[j, k]
        if s <= 0.0:
            return min_norm_solve(A, b)
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, p):
            t = A[i, j]
            for k in range(j):
                t -= L[i, k] * L[j, k]
            L[i, j] = t / L[j, j]
    z = np.empty(p)
    for i in range(p):
        t = b[i]
        for k in range(i):
            t -= L[i, k] * z[k]
        z[i] = t / L[i, i]
    out = np.empty(p)
    for i in range(p - 1, -1, -1):
        t = z[i]
        for k in range(i + 1, p):
            t -= L[k, i] * out[k]
        out[i] = t / L[i, i]
    return out
