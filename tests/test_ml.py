"""scikit-learn estimators inside @hpjit.jit against scikit-learn itself (one process)."""
import numpy as np
import pytest

pytest.importorskip("sklearn")
from ml_cases import JITTED, PROGRAMS, assert_close, expected, features_frame  # noqa: E402


@pytest.mark.parametrize("n", [1, 2, 17, 1000])
@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda f: f.__name__)
def test_linear_models_match_sklearn(fn, n):
    df = features_frame(n, seed=n)
    assert_close(JITTED[fn.__name__](df), expected(fn, df))


def test_fitted_estimator_is_returned_as_sklearn_object():
    from ml_cases import fitted_model
    df = features_frame(50, seed=3)
    got, exp = JITTED["fitted_model"](df), fitted_model(df)
    assert type(got) is type(exp) and got.alpha == exp.alpha
    assert_close((got.coef_, got.intercept_), (exp.coef_, exp.intercept_))
    assert_close(got.predict(df[["a", "b"]].to_numpy()), exp.predict(df[["a", "b"]]))
