"""Estimator methods (``fit``, ``predict``, ``score``, ``fit_predict``) and how they dispatch.

Each method is a function ``ml_<name>(est, comm, X[, y])`` whose overload asks the
estimator's class for its implementation (registered with :func:`implements`);
``est.fit(X, y)`` is that function with ``comm=LOCAL``. The distributed pass
calls the same function with ``comm=WORLD`` when X is split across ranks.
"""
from numba.extending import overload

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.ml.comm import LOCAL
from hpjit.ml.estimator import EstimatorType
from hpjit.typing.operations import ESTIMATOR, collective, method

#: method name → its parameters after ``self`` (with scikit-learn's defaults)
SIGNATURES = {"fit": ("X", "y=None"), "predict": ("X",), "score": ("X", "y"),
              "fit_predict": ("X", "y=None"), "predict_proba": ("X",)}
_IMPLS = {}
#: what each method exchanges between ranks when X is split
_COLLECTIVES = {"fit": "fit: each rank's partial results combined by allgatherv/allreduce "
                       "(model replicated)",
                "predict": "predict: each rank its own rows (no communication)",
                "predict_proba": "predict_proba: each rank its own rows (no communication)",
                "score": "score: allreduce of partial sums",
                "fit_predict": "fit_predict: partial results combined by allgatherv/allreduce, "
                               "labels split like X"}
#: method name → the function the distributed pass calls with ``WORLD``
FUNCTIONS = {}


def implements(cls, name):
    """Register ``maker(est_type, X_type[, y_type])`` → ``impl(est, comm, X[, y])``."""
    def register(maker):
        _IMPLS[(cls, name)] = maker
        return maker
    return register


def _make(name):
    params = SIGNATURES[name]
    bare = [p.split("=")[0] for p in params]

    def stub(*args):
        raise NotImplementedError("only callable inside @hpjit.jit")
    stub.__name__ = f"ml_{name}"
    collective(_COLLECTIVES[name])(stub)
    FUNCTIONS[name] = stub

    def typer(est, comm, *args):
        if not isinstance(est, EstimatorType):
            return None
        maker = _IMPLS.get((est.cls, name))
        if maker is None:
            raise user_error(f"{est.cls.__name__}.{name}() is not supported by hpjit")
        if name in ("predict", "score", "predict_proba") and not est.fitted:
            raise user_error(f"This {est.cls.__name__} instance is not fitted yet: call 'fit' "
                             f"before '{name}'")
        return maker(est, *args)

    sig = ", ".join(["est", "comm"] + list(params))
    overload(stub)(gen_impl(f"def impl({sig}):\n    return typer(est, comm, {', '.join(bare)})\n",
                            typer=typer))
    self_sig = ", ".join(["self"] + list(params))
    method(EstimatorType, name, ESTIMATOR, form=stub, params=params)(gen_impl(
        f"def impl({self_sig}):\n"
        f"    return lambda {self_sig}: fn(self, LOCAL, {', '.join(bare)})\n",
        fn=stub, LOCAL=LOCAL))


for _name in SIGNATURES:
    _make(_name)

