"""Relational operators and estimators under mpiexec -n 2 and 3 (the longest jobs: a file of
their own, so that a second pytest worker runs the other MPI jobs meanwhile)."""
import pytest

from mpi_jobs import assert_failed, assert_ok, run_mpi


@pytest.mark.parametrize("n", [2, 3])
def test_relational_operators(n):
    # joins gather a small right side at 2 ranks; at 3 both sides are always shuffled
    res = run_mpi(n, "relational", timeout=1200,
                  env={"HPJIT_BROADCAST_ROWS": "0"} if n == 3 else None)
    assert_ok(res, n, "relational")
    assert "alltoallv: groups range-partitioned by key" in res.stdout
    assert "df: OneD (split by rows" in res.stdout


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
