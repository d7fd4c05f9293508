"""Running ``tests/mpi_programs.py`` under mpiexec from pytest: a timeout per job, and checks of how
it ended."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from fuzz.worker import run_job

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
        return run_job(cmd, timeout, env=env)
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


def relational_job(n, case, env=None):
    """One of the relational MPI jobs (a file each, so pytest's workers share them; the -n 3 run
    loads what the -n 2 run compiled): every rank checked pandas' whole result."""
    res = run_mpi(n, case, timeout=1500, env=env)
    assert_ok(res, n, "relational")
    return res
