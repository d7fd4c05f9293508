"""Merge under mpiexec -n 2 and 3 (one of five relational jobs)."""
import pytest

from mpi_jobs import relational_job


@pytest.mark.parametrize("n", [2, 3])
def test_merge_on_split_rows(n):
    # at 2 ranks a small right side is gathered; at 3 both sides are always shuffled
    relational_job(n, "relational_merge", {"HPJIT_BROADCAST_ROWS": "0"} if n == 3 else None)
