"""Sort_values, sort_index and reset_index under mpiexec -n 2 and 3: each rank checks pandas' whole result.

One of five relational jobs, each a file of its own so that pytest's workers share them; the
-n 3 job loads what the -n 2 job compiled."""
import pytest

from mpi_jobs import assert_ok, run_mpi


@pytest.mark.parametrize("n", [2, 3])
def test_sort_on_split_rows(n):
    assert_ok(run_mpi(n, "relational_sort", timeout=900), n, "relational")
