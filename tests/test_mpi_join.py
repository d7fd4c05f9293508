"""DataFrame.join under mpiexec -n 2 and 3 (one of five relational jobs)."""
import pytest

from mpi_jobs import relational_job


@pytest.mark.parametrize("n", [2, 3])
def test_join_on_split_rows(n):
    relational_job(n, "relational_join", {"HPJIT_BROADCAST_ROWS": "0"} if n == 3 else None)
