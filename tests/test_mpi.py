"""The same programs under mpiexec -n 1, 2 and 3: each rank checks itself against pandas."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
MPIEXEC = os.path.join(os.path.dirname(sys.executable), "mpiexec")
#: one compile cache and one data directory per program for the session: a program compiled
#: by its -n 2 job is loaded by its -n 3 job (compiled code does not depend on the world size)
SESSION = tempfile.mkdtemp(prefix="hpjit_mpi_")


def run_mpi(n, case, timeout, env=None, launcher=()):
    data = os.path.join(SESSION, case)  # the same path at every rank count, fresh contents
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    cmd = [MPIEXEC, *launcher, "-n", str(n), sys.executable, os.path.join(HERE, "mpi_programs.py"),
           data, case]
    env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(SESSION, "cache"), **(env or {}))
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"mpiexec -n {n} {case} hung for {timeout}s:\n{e.stdout}\n{e.stderr}")


def assert_ok(res, n, label=""):
    """The job ended well and every rank said ``rank r: [label ]OK``."""
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-5000:]
    said = f"{label} OK" if label else "OK"
    for rank in range(n):
        assert f"rank {rank}: {said}" in res.stdout


def assert_failed(res, *fragments):
    """The job ended with an error, before the line after the failing call, naming each of
    ``fragments``."""
    assert res.returncode != 0
    assert "unreachable" not in res.stdout
    for fragment in fragments:
        assert fragment in res.stderr, res.stderr[-5000:]


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


@pytest.mark.parametrize("n", [2, 3])
def test_prange_loops_on_split_rows(n):
    res = run_mpi(n, "loops", timeout=300)
    assert_ok(res, n, "loops")
    assert "a: OneD (split by rows" in res.stdout
    assert "prange over this rank's rows; allreduce of m (min), p (prod), s (sum)" in res.stdout
    assert "lut: REP (used whole inside the prange loop" in res.stdout


def test_estimator_input_error_is_raised_on_every_rank():
    pytest.importorskip("sklearn")
    res = run_mpi(3, "ml_fault", timeout=200)
    # rank 0 holds no NaN: it raises scikit-learn's error because another rank found one
    assert_failed(res, "hpjit: error on rank 0 of 3: ValueError: Input X contains NaN.")
