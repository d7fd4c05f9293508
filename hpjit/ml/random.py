"""numpy's legacy ``RandomState`` (MT19937) as compiled functions over a state array.

scikit-learn draws its initial centers from ``RandomState(random_state)``;
drawing the same numbers in the same order makes a seeded fit choose the same
candidates as scikit-learn's. The state is an int64 array (624 words and the
position), owned by the kernel, so the user's own ``np.random`` is untouched.
"""
import numpy as np

from hpjit.ml.kernel import kernel

N = 624
_M = 397


@kernel
def seeded(seed):
    """The state of ``np.random.RandomState(seed)``."""
    st = np.empty(N + 1, np.int64)
    s = seed & 0xffffffff
    for i in range(N):
        st[i] = s
        s = (1812433253 * (s ^ (s >> 30)) + i + 1) & 0xffffffff
    st[N] = N
    return st


@kernel
def _twist(st):
    for i in range(N):
        y = (st[i] & 0x80000000) | (st[(i + 1) % N] & 0x7fffffff)
        v = st[(i + _M) % N] ^ (y >> 1)
        if y & 1:
            v ^= 0x9908b0df
        st[i] = v
    st[N] = 0


@kernel
def next_uint32(st):
    if st[N] >= N:
        _twist(st)
    y = st[st[N]]
    st[N] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >> 18
    return y


@kernel
def random_sample(st):
    """A double in [0, 1) from two 32-bit draws, as ``RandomState.random_sample``."""
    a = next_uint32(st) >> 5
    b = next_uint32(st) >> 6
    return (a * 67108864.0 + b) / 9007199254740992.0


@kernel
def first_above(cdf, x):
    """The first index whose value exceeds ``x`` in ascending ``cdf`` (``searchsorted``, side
    'right', without numpy's generic comparison machinery to compile)."""
    lo, hi = 0, len(cdf)
    while lo < hi:
        mid = (lo + hi) >> 1
        if cdf[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def _normalized_cumsum(p):
    cdf = np.empty(len(p))
    t = 0.0
    for i in range(len(p)):
        t += p[i]
        cdf[i] = t
    for i in range(len(p)):
        cdf[i] /= t
    return cdf


@kernel
def uniform_cdf(n):
    """``cumsum(p) / cumsum(p)[-1]`` for ``p = ones(n) / n``: numpy's ``choice`` with uniform
    weights searches this table (its rounding decides the index at the edges)."""
    return _normalized_cumsum(np.full(n, 1.0 / n))


@kernel
def choice_uniform(st, n):
    """``RandomState.choice(n, p=ones(n) / n)``."""
    return first_above(uniform_cdf(n), random_sample(st))


@kernel
def choice_without_replacement(st, n, size):
    """``RandomState.choice(n, size, replace=False, p=ones(n) / n)`` (numpy's legacy loop:
    draw, drop repeats keeping first appearance, zero the chosen weights, draw again)."""
    p = np.full(n, 1.0 / n)
    found = np.empty(size, np.int64)
    n_uniq = 0
    while n_uniq < size:
        m = size - n_uniq
        x = np.empty(m)
        for t in range(m):
            x[t] = random_sample(st)
        for t in range(n_uniq):
            p[found[t]] = 0.0
        cdf = _normalized_cumsum(p)
        new = np.empty(m, np.int64)
        for t in range(m):
            new[t] = first_above(cdf, x[t])
        for t in range(m):
            seen = False
            for u in range(t):
                seen |= new[u] == new[t]
            if not seen:
                found[n_uniq] = new[t]
                n_uniq += 1
    return found
