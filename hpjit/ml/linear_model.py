"""``LinearRegression``, ``Ridge`` (see :mod:`least_squares`) and ``LogisticRegression`` (see
:mod:`logistic_kernels`) inside compiled code."""
import numpy as np
from numba import types
from numba.extending import register_jitable
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

from hpjit.errors import user_error
from hpjit.ml import logistic_kernels as lk
from hpjit.ml.comm import comm_sum
from hpjit.ml.estimator import (BOOL, FLOAT, INT, MATRIX, SETTING, estimator_class,
                                fitted_estimator)
from hpjit.ml.inputs import (as_labels, as_matrix, as_vector, check_finite, check_samples,
                             label_dtype)
from hpjit.ml.least_squares import all_finite, linear_predict, linear_solve, moments, r2_score
from hpjit.ml.methods import implements

COEF_FIELDS = (("coef_", types.Array(types.float64, 1, "C")), ("intercept_", types.float64),
               ("n_features_in_", types.int64))

estimator_class(LinearRegression, {"fit_intercept": BOOL})
estimator_class(Ridge, {"alpha": FLOAT, "fit_intercept": BOOL})


@register_jitable
def _alpha(est):
    return est.alpha


@register_jitable
def _no_alpha(est):
    return 0.0


def _fit_maker(ridge):
    alpha_of = _alpha if ridge else _no_alpha

    def maker(est, X, y):
        fitted = est.with_fitted(COEF_FIELDS)
        name = est.cls.__name__

        def impl(est, comm, X, y=None):
            A = as_matrix(X)
            b = as_vector(y)
            check_samples(comm, A.shape[0], len(b), name)
            n, mean, gram = moments(comm, A, b)
            if not all_finite(mean):
                check_finite(comm, A, "X")
                check_finite(comm, b, "y")
            coef, intercept = linear_solve(n, mean, gram, est.fit_intercept, alpha_of(est),
                                           ridge)
            return fitted_estimator(est, fitted, (coef, intercept, A.shape[1]))
        return impl
    return maker


def _predict(est, X):
    def impl(est, comm, X):
        A = as_matrix(X)
        out = linear_predict(A, est.coef_, est.intercept_)
        if not all_finite(out):
            check_finite(comm, A, "X")
        return out
    return impl


def _score(est, X, y):
    def impl(est, comm, X, y):
        A = as_matrix(X)
        b = as_vector(y)
        return r2_score(comm, b, linear_predict(A, est.coef_, est.intercept_))
    return impl


for _cls, _ridge in ((LinearRegression, False), (Ridge, True)):
    implements(_cls, "fit")(_fit_maker(_ridge))
    implements(_cls, "predict")(_predict)
    implements(_cls, "score")(_score)



def _check_logistic(settings):
    if settings.get("solver", "lbfgs") != "lbfgs":
        raise user_error(f"LogisticRegression(solver={settings['solver']!r}) is not supported by "
                         f"hpjit (only 'lbfgs')")
    if settings.get("penalty", "deprecated") not in ("deprecated", "l2"):
        raise user_error(f"LogisticRegression(penalty={settings['penalty']!r}) is not supported "
                         f"by hpjit (only the L2 penalty)")


estimator_class(LogisticRegression, {"C": FLOAT, "tol": FLOAT, "fit_intercept": BOOL,
                                     "max_iter": INT, "solver": SETTING, "penalty": SETTING},
                check=_check_logistic)


@implements(LogisticRegression, "fit")
def _fit_logistic(est, X, y):
    dtype = label_dtype(y, "LogisticRegression.fit")
    fitted = est.with_fitted((("classes_", types.Array(dtype, 1, "C")), ("coef_", MATRIX),
                              ("intercept_", types.Array(types.float64, 1, "C")),
                              ("n_iter_", types.Array(types.int32, 1, "C")),
                              ("n_features_in_", types.int64)))

    def impl(est, comm, X, y=None):
        A = as_matrix(X)
        labels = as_labels(y)
        check_samples(comm, A.shape[0], len(labels), "LogisticRegression")
        classes, codes = lk.encode_labels(comm, labels)
        if len(classes) < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, but "
                             "the data contains only one class")
        K = 1 if len(classes) == 2 else len(classes)
        p = A.shape[1]
        n = comm_sum(comm, float(A.shape[0]))
        w, it = lk.lbfgs(comm, A, codes, K, est.fit_intercept, 1.0 / (est.C * n), n, est.tol,
                         est.max_iter)
        coef = np.empty((K, p))
        intercept = np.zeros(K)
        for k in range(K):
            for j in range(p):
                coef[k, j] = w[k * p + j]
            if est.fit_intercept:
                intercept[k] = w[K * p + k]
        if not all_finite(coef):
            check_finite(comm, A, "X")
        iters = np.full(1, it, np.int32)
        return fitted_estimator(est, fitted, (classes, coef, intercept, iters, p))
    return impl


@implements(LogisticRegression, "predict_proba")
def _predict_proba(est, X):
    def impl(est, comm, X):
        return lk.probabilities(as_matrix(X), est.coef_, est.intercept_)
    return impl


@implements(LogisticRegression, "predict")
def _predict_classes(est, X):
    def impl(est, comm, X):
        codes = lk.predicted_codes(as_matrix(X), est.coef_, est.intercept_)
        out = np.empty(len(codes), est.classes_.dtype)
        for i in range(len(codes)):
            out[i] = est.classes_[codes[i]]
        return out
    return impl


@implements(LogisticRegression, "score")
def _accuracy(est, X, y):
    def impl(est, comm, X, y):
        codes = lk.predicted_codes(as_matrix(X), est.coef_, est.intercept_)
        labels = as_labels(y)
        hits = 0.0
        for i in range(len(codes)):
            hits += est.classes_[codes[i]] == labels[i]
        return comm_sum(comm, hits) / comm_sum(comm, float(len(codes)))
    return impl
