"""``.loc``, column renames and date constants under mpiexec -n 2 and 3 (``frame_api_cases``)."""
import pytest

from mpi_jobs import assert_ok, run_mpi


@pytest.mark.parametrize("n", [2, 3])
def test_frame_api_on_split_rows(n):
    assert_ok(run_mpi(n, "frame_api", timeout=900), n, "frame_api")
