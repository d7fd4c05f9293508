"""``KMeans`` inside compiled code (algorithm='lloyd'; see :mod:`kmeans_kernels`)."""
import numpy as np
from numba import types
from numba.extending import register_jitable
from sklearn.cluster import KMeans

from hpjit.errors import user_error
from hpjit.ml import kmeans_kernels as kk
from hpjit.ml.comm import comm_rank, comm_sum
from hpjit.ml.estimator import (FLOAT, INT, INT_OR_AUTO, INT_OR_NONE, MATRIX, MATRIX_OR_SETTING,
                                SETTING, estimator_class, fitted_estimator)
from hpjit.ml.inputs import as_matrix, check_finite
from hpjit.ml.methods import FUNCTIONS, implements
from hpjit.ml.random import seeded

LABELS = types.Array(types.int32, 1, "C")
FITTED_FIELDS = (("cluster_centers_", MATRIX), ("labels_", LABELS), ("inertia_", types.float64),
                 ("n_iter_", types.int64), ("n_features_in_", types.int64))
_INITS = {"k-means++": kk.init_kmeanspp, "random": kk.init_random}


def _check(settings):
    init = settings.get("init")
    if isinstance(init, str) and init not in _INITS:
        raise user_error(f"KMeans(init={init!r}) is not supported by hpjit "
                         f"('k-means++', 'random' or an array of centers)")
    if settings.get("algorithm", "lloyd") != "lloyd":
        raise user_error(f"KMeans(algorithm={settings['algorithm']!r}) is not supported by hpjit "
                         f"(only 'lloyd')")
    if "n_init" in settings and settings["n_init"] != "auto":
        raise user_error(f"KMeans(n_init={settings['n_init']!r}) is not supported by hpjit")


estimator_class(KMeans, {"n_clusters": INT, "init": MATRIX_OR_SETTING, "n_init": INT_OR_AUTO,
                         "max_iter": INT, "tol": FLOAT, "random_state": INT_OR_NONE,
                         "algorithm": SETTING}, check=_check)


@register_jitable
def _no_centers(est):
    return np.empty((0, 0))


@register_jitable
def _given_centers(est):
    return est.init


@register_jitable
def _seed_of(est):
    return est.random_state


@register_jitable
def _unseeded(est):
    return -1


def _runs(est):
    """How many initialisations: scikit-learn's ``n_init='auto'`` is 1 for k-means++ and given
    centers, 10 for 'random'; given centers always run once."""
    given = est.field_type("init") is not None
    if given:
        return lambda est: 1
    if est.field_type("n_init") is not None:
        return lambda est: est.n_init
    auto = 10 if dict(est.static).get("init", "k-means++") == "random" else 1
    return lambda est: auto


@register_jitable
def _fresh_seed(comm):
    """A seed for ``random_state=None`` (rank 0's draw, the same on every rank)."""
    s = np.random.randint(0, 2 ** 31 - 1)
    return comm_sum(comm, s if comm_rank(comm) == 0 else 0)


@implements(KMeans, "fit")
def _fit(est, X, y):
    fitted = est.with_fitted(FITTED_FIELDS, row_fields=("labels_",))
    given = est.field_type("init") is not None
    init = kk.init_given if given else _INITS[dict(est.static).get("init", "k-means++")]
    centers_of = _given_centers if given else _no_centers
    runs = register_jitable(_runs(est))
    seeded_by_user = est.field_type("random_state") is not None
    seed_of = _seed_of if seeded_by_user else _unseeded

    def impl(est, comm, X, y=None):
        A = as_matrix(X)
        k = est.n_clusters
        n_local, p = A.shape
        if comm_sum(comm, n_local) < k:
            raise ValueError("n_samples should be >= n_clusters (KMeans needs at least as many "
                             "samples as clusters)")
        spread = kk.mean_variance(comm, A)
        if not np.isfinite(spread):
            check_finite(comm, A, "X")
        given_centers = centers_of(est)
        if given_centers.shape[0] > 0 and (given_centers.shape[0] != k or
                                           given_centers.shape[1] != p):
            raise ValueError("The shape of the initial centers does not match the number of "
                             "clusters and features")
        seed = seed_of(est)
        state = seeded(seed if seed >= 0 else _fresh_seed(comm))
        tol = spread * est.tol
        best_inertia = np.inf
        best_centers, best_labels, best_iter = given_centers, np.empty(0, np.int32), 0
        for run in range(runs(est)):
            start = init(comm, A, k, state, given_centers)
            centers, labels, inertia, n_iter = kk.lloyd(comm, A, start, est.max_iter, tol)
            if run == 0 or (inertia < best_inertia and
                            not kk.same_clustering(comm, labels, best_labels, k)):
                best_centers, best_labels = centers, labels
                best_inertia, best_iter = inertia, n_iter
        return fitted_estimator(est, fitted, (best_centers, best_labels, best_inertia,
                                              best_iter, p))
    return impl


@implements(KMeans, "predict")
def _predict(est, X):
    def impl(est, comm, X):
        A = as_matrix(X)
        labels, total = kk.predict_labels(A, est.cluster_centers_)
        if not np.isfinite(total):
            check_finite(comm, A, "X")
        return labels
    return impl


@implements(KMeans, "fit_predict")
def _fit_predict(est, X, y):
    fit = FUNCTIONS["fit"]

    def impl(est, comm, X, y=None):
        return fit(est, comm, X, y).labels_
    return impl
