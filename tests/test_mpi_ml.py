"""Estimators under mpiexec -n 2 and 3 (a long job: a file of its own, so that another pytest
worker runs other MPI jobs meanwhile)."""
import pytest

from mpi_jobs import assert_failed, assert_ok, run_mpi


@pytest.mark.parametrize("n", [2, 3])
def test_estimators_fit_on_split_rows(n):
    pytest.importorskip("sklearn")
    res = run_mpi(n, "ml", timeout=800)
    assert_ok(res, n, "ml")
    assert "X: OneD (split by rows" in res.stdout
    assert "fit: each rank's partial results combined" in res.stdout


def test_estimator_input_error_is_raised_on_every_rank():
    pytest.importorskip("sklearn")
    res = run_mpi(3, "ml_fault", timeout=200)
    # rank 0 holds no NaN: it raises scikit-learn's error because another rank found one
    assert_failed(res, "hpjit: error on rank 0 of 3: ValueError: Input X contains NaN.")
