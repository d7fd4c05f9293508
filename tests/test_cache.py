"""cache=True: a second process loads the workload's compiled code instead of compiling, and
never loads code compiled for another source, schema or library version, or for one process
when it runs distributed; one entry serves every rank and world size."""
import os
import subprocess
import sys
import tempfile
import textwrap

MPIEXEC = os.path.join(os.path.dirname(sys.executable), "mpiexec")

SCRIPT = textwrap.dedent('''
    import os, sys
    import pandas as pd
    import pyarrow.parquet as pq
    sys.path.insert(0, {tests!r})
    import hpjit
    from conftest import event_frame

    DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.parquet")
    if not os.path.exists(DATA):
        event_frame(50, seed=1).to_parquet(DATA)

    @hpjit.jit(cache=True)
    def process_times():
        df = pq.read_table(DATA).to_pandas()
        df['event_time'] = pd.DatetimeIndex(df['event_time'])
        df['hr'] = df.event_time.map(lambda x: x.hour)
        df['minute_day'] = df.apply(lambda row: row.hr*60 + row.event_time.minute, axis=1)
        df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
        return df.minute_day.sum(), df.indicator_cleaned.sum()

    print(process_times(), sum(process_times.dispatcher.stats.cache_hits.values()))
    # numba's BLAS probe must not import scipy.linalg (most of a cached first call's time)
    assert "scipy.linalg" not in sys.modules
''')


def test_second_process_loads_from_cache():
    d = tempfile.mkdtemp(prefix="hpjit_cache_")
    path = os.path.join(d, "job.py")
    with open(path, "w") as f:
        f.write(SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__))))
    runs = [subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=300)
            for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr[-3000:]
    first, second = (r.stdout.strip().splitlines()[-1] for r in runs)
    assert first.rsplit(" ", 1)[0] == second.rsplit(" ", 1)[0]  # same answer
    assert first.endswith(" 0") and not second.endswith(" 0"), (first, second)
    assert "Cannot cache" not in runs[0].stderr


SMALL = textwrap.dedent('''
    import os, sys
    import numpy as np, pandas as pd
    import hpjit
    DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.parquet")
    SCALE = SCALE_VALUE
    if len(sys.argv) > 1:  # (re)write the data: an int or a float column
        a = np.arange(7) if sys.argv[1] == "int" else np.arange(7) + 0.5
        if hpjit.get_rank() == 0:
            pd.DataFrame({"a": a, "b": np.ones(7)}).to_parquet(DATA)
        hpjit.barrier()

    @hpjit.jit(cache=True)
    def total():
        df = pd.read_parquet(DATA)
        return df.a.sum() + df.b.sum() * SCALE

    line = f"{hpjit.get_rank()} {total()} {sum(total.dispatcher.stats.cache_hits.values())}"
    if hpjit.get_size() > 1:  # one writer: mpiexec may interleave two ranks' partial lines
        from mpi4py import MPI
        lines = MPI.COMM_WORLD.gather(line)
        line = "\\n".join(lines) if lines else None
    if line:
        print(line, flush=True)
''')


def _run(cmd, path):
    r = subprocess.run(cmd + [sys.executable] + path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return sorted(tuple(line.split()) for line in r.stdout.strip().splitlines())


def test_cache_misses_on_changed_schema_source_or_distribution():
    """A changed column type or source recompiles (and answers right); under MPI rank 0
    compiles while the others wait and load its code, which a later job of another size
    loads too; one process keeps its own entry."""
    d = tempfile.mkdtemp(prefix="hpjit_cache_")
    path = os.path.join(d, "job.py")

    def write(scale):
        with open(path, "w") as f:
            f.write(SMALL.replace("SCALE_VALUE", str(scale)))
    write(1)
    assert _run([], [path, "int"]) == [("0", "28.0", "0")]
    assert _run([], [path]) == [("0", "28.0", "1")]
    assert _run([], [path, "float"]) == [("0", "31.5", "0")]  # a float column: recompiled
    write(2)
    os.utime(path, (0, os.stat(path).st_mtime + 5))
    assert _run([], [path]) == [("0", "38.5", "0")]  # the source changed
    assert _run([MPIEXEC, "-n", "2"], [path]) == [("0", "38.5", "0"), ("1", "38.5", "1")]
    assert _run([MPIEXEC, "-n", "3"], [path]) == [(str(r), "38.5", "1") for r in range(3)]
    assert _run([], [path]) == [("0", "38.5", "1")]  # one process: its own entry


def test_library_versions_and_sources_are_in_the_key(monkeypatch):
    import pandas as pd

    from hpjit.core import kernel
    before = kernel.stamp()
    monkeypatch.setattr(kernel, "_STAMP", [])
    monkeypatch.setattr(pd, "__version__", pd.__version__ + ".post1")
    assert kernel.stamp() != before


READ_ONLY = textwrap.dedent('''
    import numba.core.caching as caching

    def read_only(self):
        raise OSError("read-only file system")
    caching.InTreeCacheLocator.ensure_cache_path = read_only  # the install and the home
    caching.UserWideCacheLocator.ensure_cache_path = read_only

    import pandas as pd
    import hpjit

    @hpjit.jit(cache=True)
    def totals(df):
        return df.groupby("k")["v"].sum()

    df = pd.DataFrame({"k": [1, 2, 1], "v": [1.0, 2.0, 3.0]})
    pd.testing.assert_series_equal(totals(df), df.groupby("k")["v"].sum())
    print("ran")
''')


def test_runs_with_no_writable_install_or_home(tmp_path):
    """A read-only install and no writable home (batch jobs, containers): the kernels and the
    user's cache go to a private directory under the temporary one, and where that is not
    writable either the program still runs, compiled in the process."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    writable = tmp_path / "tmp"
    writable.mkdir()
    res = subprocess.run([sys.executable, "-c", READ_ONLY], capture_output=True, text=True,
                         env=dict(env, TMPDIR=str(writable), HOME="/nonexistent"), timeout=600)
    assert res.returncode == 0 and "ran" in res.stdout, res.stderr[-3000:]
    private = writable / f"hpjit-cache-{os.getuid()}"
    assert private.is_dir() and (private.stat().st_mode & 0o077) == 0
    assert any(name.endswith(".nbi") for _, _, files in os.walk(private) for name in files)
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o500)
    res = subprocess.run([sys.executable, "-c", READ_ONLY], capture_output=True, text=True,
                         env=dict(env, TMPDIR=str(closed), HOME="/nonexistent"), timeout=600)
    assert res.returncode == 0 and "ran" in res.stdout, res.stderr[-3000:]
