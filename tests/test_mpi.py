"""The same programs under mpiexec -n 1, 2 and 3: each rank checks itself against pandas."""
import os
import tempfile

import pytest

from mpi_jobs import assert_failed, assert_ok, run_mpi


@pytest.mark.parametrize("n", [1, 2, 3])
def test_programs_match_pandas(n):
    res = run_mpi(n, "all", timeout=900)
    assert_ok(res, n)
    assert res.stdout.count("hpjit-print 45 10") == 1, res.stdout  # printed once, global values
    if n > 1:  # the diagnostics name each variable's distribution and every collective
        assert "df: OneD (split by rows" in res.stdout
        assert "allreduce of local partials (df.hr.sum())" in res.stdout
        assert "parquet read of this rank's block of rows" in res.stdout
        assert "allreduce: global length (df)" in res.stdout


@pytest.mark.parametrize("n", [2, 3])
def test_error_on_one_rank_ends_the_job(n):
    res = run_mpi(n, "fault", timeout=120)
    assert_failed(res, f"hpjit: error on rank {n - 1} of {n}: ValueError: invalid literal for int()")


def test_csv_field_error_is_raised_on_every_rank():
    res = run_mpi(3, "csv_fault", timeout=120)
    # rank 0's bytes hold no bad field: it raises the last rank's error, global row included
    assert_failed(res, "hpjit: error on rank 0 of 3: HpjitError: CSV column 'a'",
                  "row 10040: 'oops' is not an integer", "mpi_programs.py:")


@pytest.mark.parametrize("n", [2, 3])
def test_corrupt_parquet_is_named_on_every_rank(n):
    res = run_mpi(n, "parquet_fault", timeout=120)
    assert_failed(res, "corrupt.parquet' is not a readable parquet file", "mpi_programs.py:")


@pytest.mark.parametrize("n", [2, 3, 5])
def test_csv_byte_ranges_make_pandas_frame(n):
    assert_ok(run_mpi(n, "csv_ranges", timeout=120), n, "csv_ranges")


def test_two_hosts_from_a_host_file():
    """The README's multi-node launch — a host file, one slot per host, data on one shared
    path — with two names for this machine as the two hosts."""
    hostfile = os.path.join(tempfile.mkdtemp(prefix="hpjit_hosts_"), "hosts")
    with open(hostfile, "w") as f:
        f.write("localhost:1\n127.0.0.1:1\n")
    res = run_mpi(2, "hosts", timeout=300, launcher=("-f", hostfile))
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-5000:]
    for rank in range(2):
        assert f"rank {rank} on " in res.stdout and res.stdout.count("hosts OK") == 2


def test_write_error_is_raised_on_every_rank():
    res = run_mpi(3, "write_fault", timeout=120)
    assert_failed(res, "HpjitError: DataFrame.to_csv: directory",
                  "mpi_programs.py:")  # the user's line of the write


@pytest.mark.parametrize("n", [2, 3])
def test_compiled_collectives(n):
    res = run_mpi(n, "collectives", timeout=180)
    assert_ok(res, n, "collectives")


@pytest.mark.parametrize("n", [2, 3])
def test_prange_loops_on_split_rows(n):
    res = run_mpi(n, "loops", timeout=300)
    assert_ok(res, n, "loops")
    assert "a: OneD (split by rows" in res.stdout
    assert "prange over this rank's rows; allreduce of m (min), p (prod), s (sum)" in res.stdout
    assert "lut: REP (used whole inside the prange loop" in res.stdout
