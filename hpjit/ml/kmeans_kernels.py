"""k-means (Lloyd) with scikit-learn's rules, over the rows of this rank, combined by ``comm``.

- Seeding: k-means++ as scikit-learn draws it (same ``RandomState`` stream: the
  first center, ``2 + log k`` candidates per center sampled by cumulative
  squared distance, the candidate lowering the potential most), or ``'random'``
  (numpy's ``choice`` without replacement), or given centers. Sampling over
  split rows uses each rank's share of the cumulative sum, so every rank
  draws the same global candidates; their rows travel by one ``comm_sum``.
- Lloyd: one pass per iteration labels each row with its nearest center
  (first on ties) and sums the rows per label; one collective combines sums,
  counts and the number of changed labels. It stops as scikit-learn does: no
  label changed (strict convergence), or the squared center shift is within
  ``tol`` times the mean feature variance; then labels are refreshed for the
  final centers unless strictly converged. Empty clusters take the rows
  farthest from their centers, as ``_relocate_empty_clusters`` does.
"""
import numpy as np
from numba import prange

from hpjit.ml.comm import comm_allgather, comm_allgatherv, comm_rank, comm_sum
from hpjit.ml.kernel import kernel
from hpjit.ml.random import choice_uniform, choice_without_replacement, random_sample

BLOCK = 256


@kernel
def _sq_dist(X, i, c, j):
    d = 0.0
    for f in range(X.shape[1]):
        t = X[i, f] - c[j, f]
        d += t * t
    return d


@kernel
def _norms(centers):
    k, p = centers.shape
    out = np.empty(k)
    for j in range(k):
        s = 0.0
        for f in range(p):
            s += centers[j, f] * centers[j, f]
        out[j] = s
    return out


@kernel
def _block_distances(xt, m, centers, norms, j, d):
    """``d[i] = ‖c_j‖² − 2 x_i·c_j`` for the ``m`` rows of the transposed block ``xt``,
    four features a sweep (a sweep per feature spent its time loading and storing ``d``)."""
    p = xt.shape[0]
    for i in range(m):
        d[i] = norms[j]
    f = 0
    while f + 4 <= p:
        c0, c1 = -2.0 * centers[j, f], -2.0 * centers[j, f + 1]
        c2, c3 = -2.0 * centers[j, f + 2], -2.0 * centers[j, f + 3]
        for i in range(m):
            d[i] += xt[f, i] * c0 + xt[f + 1, i] * c1 + xt[f + 2, i] * c2 + xt[f + 3, i] * c3
        f += 4
    while f < p:
        c = -2.0 * centers[j, f]
        for i in range(m):
            d[i] += xt[f, i] * c
        f += 1


@kernel(parallel=True)
def _assign(X, centers, labels, exact):
    """Label rows with their nearest center. Returns one vector: per-center sums of the rows
    (k·p), per-center counts (k), labels changed (1), and — when ``exact`` — the sum of
    squared distances to the nearest center (1; else 0: Lloyd's iterations do not need it).

    Rows go in blocks of ``BLOCK``, copied transposed so the distance loops run along
    contiguous rows (vectorized); centers are ranked by ``‖c‖² − 2 x·c`` as scikit-learn's
    Lloyd ranks them, and the squared distance to the chosen one is summed exactly."""
    n, p = X.shape
    k = centers.shape[0]
    width = k * p + k + 2
    norms = _norms(centers)
    nb = (n + BLOCK - 1) // BLOCK
    parts = np.zeros((nb, width))
    for b in prange(nb):
        lo = b * BLOCK
        m = min(n, lo + BLOCK) - lo
        xt = np.empty((p, BLOCK))
        for i in range(m):
            for f in range(p):
                xt[f, i] = X[lo + i, f]
        best_d = np.full(BLOCK, np.inf)
        best = np.zeros(BLOCK, np.int64)
        d = np.empty(BLOCK)
        for j in range(k):
            _block_distances(xt, m, centers, norms, j, d)
            for i in range(m):
                if d[i] < best_d[i]:
                    best_d[i] = d[i]
                    best[i] = j
        part = parts[b]
        for i in range(m):
            j = best[i]
            if labels[lo + i] != j:
                part[width - 2] += 1.0
                labels[lo + i] = j
            part[k * p + j] += 1.0
            for f in range(p):
                part[j * p + f] += xt[f, i]
            if exact:
                dist = 0.0
                for f in range(p):
                    t = xt[f, i] - centers[j, f]
                    dist += t * t
                part[width - 1] += dist
    out = np.zeros(width)
    for b in range(nb):
        for w in range(width):
            out[w] += parts[b, w]
    return out


@kernel
def _label_distances(X, centers, labels):
    """Squared distance of each row to the center of its label."""
    n = X.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = _sq_dist(X, i, centers, labels[i])
    return out


@kernel
def _row_offset(comm, n_local):
    """Global index of this rank's first row, and the global row count."""
    counts = comm_allgather(comm, n_local)
    rank = comm_rank(comm)
    off = 0
    for r in range(rank):
        off += counts[r]
    return off, counts.sum()


@kernel
def _global_rows(comm, X, offset, idx):
    """Rows ``idx`` (global indices) of the split matrix X, on every rank."""
    n, p = X.shape
    out = np.zeros((len(idx), p))
    for t in range(len(idx)):
        i = idx[t] - offset
        if 0 <= i < n:
            for f in range(p):
                out[t, f] = X[i, f]
    return comm_sum(comm, out)


@kernel
def _relocate(comm, X, centers_old, labels, sums, counts):
    """Give each empty cluster one of the rows farthest from their centers (taken out of
    their own cluster's sum), scikit-learn's ``_relocate_empty_clusters_dense``."""
    k, p = sums.shape
    empty = np.nonzero(counts == 0)[0]
    m = len(empty)
    dist = _label_distances(X, centers_old, labels)
    offset, _ = _row_offset(comm, X.shape[0])
    cand = np.full(2 * m, -1.0)
    for t in range(m):
        top = -1
        for i in range(len(dist)):
            if dist[i] >= 0.0 and (top == -1 or dist[i] > dist[top]):
                top = i
        if top >= 0:
            cand[t] = dist[top]
            cand[m + t] = offset + top
            dist[top] = -1.0
    every = comm_allgatherv(comm, cand)
    ranks = len(every) // (2 * m)
    far = np.empty(m, np.int64)
    for t in range(m):
        best, best_r = -1.0, 0
        for r in range(ranks):
            for u in range(m):
                d = every[r * 2 * m + u]
                if d > best:
                    best, best_r = d, r * 2 * m + u
        if t == 0 and best <= 0.0:
            return
        far[t] = int(every[best_r + m])
        every[best_r] = -2.0
    rows = _global_rows(comm, X, offset, far)
    old = np.zeros(m)
    for t in range(m):
        i = far[t] - offset
        if 0 <= i < X.shape[0]:
            old[t] = labels[i]
    old = comm_sum(comm, old)
    for t in range(m):
        new_c, old_c = empty[t], int(old[t])
        for f in range(p):
            sums[old_c, f] -= rows[t, f]
            sums[new_c, f] = rows[t, f]
        counts[new_c] = 1.0
        counts[old_c] -= 1.0


@kernel
def _average(sums, counts):
    """Centers from sums; an empty one copies the largest cluster (in place, in order, as
    scikit-learn's ``_average_centers``)."""
    k, p = sums.shape
    top = np.argmax(counts)
    for j in range(k):
        if counts[j] > 0:
            for f in range(p):
                sums[j, f] /= counts[j]
        else:
            for f in range(p):
                sums[j, f] = sums[top, f]


@kernel
def _unpack(acc, k, p):
    """Per-center sums (k×p) and counts (k) out of an ``_assign`` vector."""
    sums = np.empty((k, p))
    counts = np.empty(k)
    empty = False
    for j in range(k):
        for f in range(p):
            sums[j, f] = acc[j * p + f]
        counts[j] = acc[k * p + j]
        empty |= counts[j] == 0
    return sums, counts, empty


@kernel
def lloyd(comm, X, centers_init, max_iter, tol):
    """(centers, labels, inertia, iterations) of Lloyd's algorithm from ``centers_init``.

    Kernels here are written as loops: numba compiles whole-array expressions and slice
    assignments many times more slowly, and compile time is what the user waits for."""
    k, p = centers_init.shape
    centers = centers_init.copy()
    labels = np.full(X.shape[0], -1, np.int32)
    strict = False
    it = 0
    for it in range(max_iter):
        acc = comm_sum(comm, _assign(X, centers, labels, False))
        sums, counts, empty = _unpack(acc, k, p)
        if empty:
            _relocate(comm, X, centers, labels, sums, counts)
        _average(sums, counts)
        shift = 0.0
        for j in range(k):
            for f in range(p):
                t = sums[j, f] - centers[j, f]
                shift += t * t
        centers = sums
        if acc[k * p + k] == 0:
            strict = True
            break
        if shift <= tol:
            break
    if strict:
        dist = _label_distances(X, centers, labels)
        local = 0.0
        for i in range(len(dist)):
            local += dist[i]
        inertia = comm_sum(comm, local)
    else:
        inertia = comm_sum(comm, _assign(X, centers, labels, True)[k * p + k + 1])
    return centers, labels, inertia, it + 1


@kernel
def _closer(closest, X, row):
    """min(closest[i], |X[i] - row|²) for each row, and their sum."""
    n, p = X.shape
    out = np.empty(n)
    total = 0.0
    for i in range(n):
        d = 0.0
        for f in range(p):
            t = X[i, f] - row[f]
            d += t * t
        out[i] = min(closest[i], d)
        total += out[i]
    return out, total


@kernel
def first_reaching(cum, target):
    """The first index whose value reaches ``target`` in ascending ``cum`` (``searchsorted``,
    side 'left'); ``len(cum)`` when none does."""
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) >> 1
        if cum[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def _sampled_rows(comm, closest, targets, offset, n):
    """Global indices of the first rows whose cumulative ``closest`` reaches each target
    (``searchsorted`` over the split rows: the rank whose share covers a target answers)."""
    n_local = len(closest)
    cum = np.empty(n_local)
    t = 0.0
    for i in range(n_local):
        t += closest[i]
        cum[i] = t
    totals = comm_allgather(comm, t)
    rank = comm_rank(comm)
    below = 0.0
    for r in range(rank):
        below += totals[r]
    cand = np.zeros(len(targets), np.int64)
    for c in range(len(targets)):
        acc = 0.0
        owner = -1
        for r in range(len(totals)):
            if totals[r] > 0 and acc + totals[r] >= targets[c]:
                owner = r
                break
            acc += totals[r]
        if owner == -1:
            cand[c] = n - 1 if rank == 0 else 0
        elif owner == rank:
            cand[c] = offset + min(first_reaching(cum, targets[c] - below), n_local - 1)
    return comm_sum(comm, cand)


@kernel
def init_kmeanspp(comm, X, k, state, given):
    """scikit-learn's greedy k-means++ seeding over the split rows of X."""
    n_local, p = X.shape
    offset, n = _row_offset(comm, n_local)
    trials = 2 + int(np.log(k))
    centers = np.empty((k, p))
    first = np.empty(1, np.int64)
    first[0] = choice_uniform(state, n)
    row = _global_rows(comm, X, offset, first)
    for f in range(p):
        centers[0, f] = row[0, f]
    closest, pot = _closer(np.full(n_local, np.inf), X, centers[0])
    pot = comm_sum(comm, pot)
    for c in range(1, k):
        targets = np.empty(trials)
        for t in range(trials):
            targets[t] = random_sample(state) * pot
        rows = _global_rows(comm, X, offset, _sampled_rows(comm, closest, targets, offset, n))
        best_pot = np.inf
        best = 0
        best_dist = closest
        for t in range(trials):
            dist, local = _closer(closest, X, rows[t])
            pot_t = comm_sum(comm, local)
            if pot_t < best_pot:
                best_pot, best, best_dist = pot_t, t, dist
        pot = best_pot
        closest = best_dist
        for f in range(p):
            centers[c, f] = rows[best, f]
    return centers


@kernel
def init_random(comm, X, k, state, given):
    """k distinct rows chosen uniformly, as ``RandomState.choice(n, k, replace=False, p=...)``."""
    offset, n = _row_offset(comm, X.shape[0])
    return _global_rows(comm, X, offset, choice_without_replacement(state, n, k))


@kernel
def init_given(comm, X, k, state, given):
    return given.copy()


@kernel(parallel=True)
def _block_spread(X):
    """Per block of rows: (count, per-feature mean, per-feature sum of squared deviations)."""
    n, p = X.shape
    nb = (n + BLOCK - 1) // BLOCK
    packed = np.zeros((nb, 1 + 2 * p))
    for b in prange(nb):
        lo = b * BLOCK
        m = min(n, lo + BLOCK) - lo
        row = packed[b]
        row[0] = m
        for i in range(m):
            for f in range(p):
                row[1 + f] += X[lo + i, f]
        for f in range(p):
            row[1 + f] /= m
        for i in range(m):
            for f in range(p):
                t = X[lo + i, f] - row[1 + f]
                row[1 + p + f] += t * t
    return packed


@kernel
def _merge_spread(parts):
    """Chan's update over rows of (count, means, squared deviations), in order."""
    p = (parts.shape[1] - 1) // 2
    out = np.zeros(1 + 2 * p)
    for b in range(parts.shape[0]):
        n_b = parts[b, 0]
        if n_b == 0:
            continue
        n = out[0] + n_b
        w = out[0] * n_b / n
        for f in range(p):
            d = parts[b, 1 + f] - out[1 + f]
            out[1 + p + f] += parts[b, 1 + p + f] + d * d * w
            out[1 + f] += d * (n_b / n)
        out[0] = n
    return out


@kernel
def mean_variance(comm, X):
    """The mean over features of each feature's variance (scikit-learn scales ``tol`` by it),
    from one pass over X: per-block moments merged across blocks, then ranks."""
    p = X.shape[1]
    local = _merge_spread(_block_spread(X))
    every = _merge_spread(comm_allgatherv(comm, local).reshape((-1, 1 + 2 * p)))
    total = 0.0
    for f in range(p):
        total += every[1 + p + f] / every[0]
    return total / p


@kernel
def same_clustering(comm, a, b, k):
    """scikit-learn's ``_is_same_clustering``: labels ``a`` map to ``b`` by one function (every
    rank's part of the mapping must agree)."""
    packed = np.full(k + 1, -1.0)
    packed[k] = 1.0
    for i in range(len(a)):
        if packed[a[i]] == -1.0:
            packed[a[i]] = b[i]
        elif packed[a[i]] != b[i]:
            packed[k] = 0.0
    every = comm_allgatherv(comm, packed).reshape((-1, k + 1))
    for r in range(every.shape[0]):
        if every[r, k] == 0.0:
            return False
    for j in range(k):
        first = -1.0
        for r in range(every.shape[0]):
            v = every[r, j]
            if v >= 0.0:
                if first == -1.0:
                    first = v
                elif v != first:
                    return False
    return True


@kernel
def predict_labels(X, centers):
    """Nearest-center labels, and the sum of squared distances (non-finite when X is)."""
    labels = np.full(X.shape[0], -1, np.int32)
    acc = _assign(X, centers, labels, True)
    return labels, acc[len(acc) - 1]
