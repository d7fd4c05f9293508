"""Groupby aggregations under mpiexec -n 2 and 3 (one of five relational jobs)."""
import pytest

from mpi_jobs import relational_job


@pytest.mark.parametrize("n", [2, 3])
def test_groupby_on_split_rows(n):
    res = relational_job(n, "relational_groupby")
    assert "alltoallv: groups range-partitioned by key" in res.stdout
    assert "df: OneD (split by rows" in res.stdout
