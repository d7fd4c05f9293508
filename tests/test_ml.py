"""scikit-learn estimators inside @hpjit.jit against scikit-learn itself (one process)."""
import pytest

pytest.importorskip("sklearn")
from ml_cases import (CLASSIFIERS, CLUSTERING, JITTED, STATISTICS, with_missing, PROGRAMS, assert_close, blobs_frame,  # noqa: E402
                      expected, features_frame)


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


@pytest.mark.parametrize("n", [3, 17, 1000])
@pytest.mark.parametrize("fn", CLUSTERING, ids=lambda f: f.__name__)
def test_kmeans_matches_sklearn(fn, n):
    """Seeded k-means++ and 'random' draw scikit-learn's own random stream: same centers, labels,
    inertia and iteration count; a far initial center is relocated as scikit-learn does."""
    df = blobs_frame(n, seed=n)
    assert_close(JITTED[fn.__name__](df), expected(fn, df))


def test_kmeans_needs_as_many_samples_as_clusters():
    from ml_cases import kmeans_empty_cluster
    with pytest.raises(ValueError, match="n_samples should be >= n_clusters"):
        JITTED["kmeans_empty_cluster"](blobs_frame(2))
    with pytest.raises(ValueError, match="should be >= n_clusters"):  # scikit-learn's own
        kmeans_empty_cluster(blobs_frame(2))


@pytest.mark.parametrize("n", [17, 1000])
@pytest.mark.parametrize("fn", CLASSIFIERS, ids=lambda f: f.__name__)
def test_logistic_regression_reaches_sklearns_optimum(fn, n):
    df = features_frame(n, seed=n)
    assert_close(JITTED[fn.__name__](df), expected(fn, df), rtol=1e-5)


def test_logistic_regression_needs_two_classes():
    from ml_cases import logistic_binary
    df = features_frame(30, seed=1)
    df["flag"] = True
    with pytest.raises(ValueError, match="needs samples of at least 2 classes"):
        JITTED["logistic_binary"](df)
    with pytest.raises(ValueError, match="needs samples of at least 2 classes"):
        logistic_binary(df)


@pytest.mark.parametrize("n", [0, 1, 2, 17, 6000])
@pytest.mark.parametrize("fn", STATISTICS, ids=lambda f: f.__name__)
def test_statistics_match_pandas(fn, n):
    """Quantiles exactly (numpy's linear interpolation; 6000 rows take the selection rounds),
    covariance and correlation pairwise-complete with missing values."""
    df = with_missing(features_frame(n, seed=n))
    if n == 0 and fn.__name__ == "numpy_statistics":  # numpy's percentile of no values
        for f in (JITTED[fn.__name__], fn):
            with pytest.raises(IndexError, match="out of bounds"):
                f(df)
        return
    assert_close(JITTED[fn.__name__](df), expected(fn, df), rtol=1e-12)
