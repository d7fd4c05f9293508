"""DataFrame.join under mpiexec -n 2 and 3: each rank checks pandas' whole result.

One of five relational jobs, each a file of its own so that pytest's workers share them; the
-n 3 job loads what the -n 2 job compiled."""
import pytest

from mpi_jobs import assert_ok, run_mpi


@pytest.mark.parametrize("n", [2, 3])
def test_join_on_split_rows(n):
    # at 2 ranks a small right side is gathered; at 3 both sides are always shuffled
    res = run_mpi(n, "relational_join", timeout=900,
                  env={"HPJIT_BROADCAST_ROWS": "0"} if n == 3 else None)
    assert_ok(res, n, "relational")
