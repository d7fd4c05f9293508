"""``LinearRegression`` and ``Ridge`` inside compiled code (see :mod:`least_squares`)."""
from numba import types
from numba.extending import register_jitable
from sklearn.linear_model import LinearRegression, Ridge

from hpjit.ml.estimator import BOOL, FLOAT, estimator_class, fitted_estimator
from hpjit.ml.inputs import as_matrix, as_vector, check_finite, check_samples
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
