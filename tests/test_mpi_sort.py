"""Sort_values, sort_index and reset_index under mpiexec -n 2 and 3 (one of five relational jobs)."""
import pytest

from mpi_jobs import relational_job


@pytest.mark.parametrize("n", [2, 3])
def test_sort_on_split_rows(n):
    relational_job(n, "relational_sort")
