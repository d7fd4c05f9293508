"""TPC-H queries under mpiexec -n 2 and 3 (``tpch_cases.DISTRIBUTED``)."""
import pytest

from mpi_jobs import assert_ok, run_mpi


@pytest.mark.parametrize("n", [2, 3])
def test_tpch_on_split_rows(n):
    assert_ok(run_mpi(n, "tpch", timeout=1200), n, "tpch")
