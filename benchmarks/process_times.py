"""process_times: hpjit against pandas (and DuckDB / Polars / Bodo when installed).

    python benchmarks/process_times.py [--rows 1000000 10000000] [--pandas-rows 200000]

Data is generated once under ``--data-dir`` (outside the repo). Each engine runs
in its own process, so its peak RSS is its own. For each: compile (or first-call)
time, warm run time (median of 3, parquet read included) and peak RSS.

pandas runs the row-wise lambdas in Python (about 25 s per million rows), so it is
timed on ``--pandas-rows`` rows and its time scaled linearly to the full size; the
ratio column says so. hpjit is timed on the verbatim function (returns the frame,
which boxes a column of ``datetime.date`` objects as pandas does) and on a variant
returning the two sums of the design's example.

Bodo pins its own numba: give its interpreter with ``--bodo-python`` (a separate venv).

``--scaling`` adds a strong-scaling table: hpjit under ``mpiexec -n 1`` and ``-n 2``
at one thread per rank, the largest size, time of the slowest rank and the largest
per-rank peak RSS; drawn to ``process_times_scaling.png`` when matplotlib is installed.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))

WORKLOAD = """
def process_times():
    df = pq.read_table(DATA).to_pandas()
    df['event_time'] = pd.DatetimeIndex(df['event_time'])
    df['hr'] = df.event_time.map(lambda x: x.hour)
    df['minute'] = df.event_time.map(lambda x: x.minute)
    df['second'] = df.event_time.map(lambda x: x.second)
    df['minute_day'] = df.apply(lambda row: row.hr*60 + row.minute, axis = 1)
    df['event_date'] = df.event_time.map(lambda x: x.date())
    df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
    return {ret}
"""
RETURNS = {"frame": "df", "sums": "df.minute_day.sum(), df.indicator_cleaned.sum()"}


def peak_rss_mb():
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time_calls(fn, repeat=3):
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs)


def worker(engine, path, variant):
    """Run one engine in this process; print a JSON line of its figures."""
    import pandas as pd
    import pyarrow.parquet as pq
    out = {"engine": engine, "variant": variant}
    if engine in ("pandas", "hpjit", "bodo"):
        ns = {"pd": pd, "pq": pq, "DATA": path}
        exec(WORKLOAD.format(ret=RETURNS[variant]), ns)
        fn = ns["process_times"]
        if engine == "hpjit":
            import hpjit
            fn = hpjit.jit(fn)
        elif engine == "bodo":
            import bodo
            fn = bodo.jit(fn)
        if engine == "hpjit":
            import hpjit

            def run():
                hpjit.barrier()
                return fn()
            first, warm = _time_calls(run)
        else:
            first, warm = _time_calls(fn, repeat=1 if engine == "pandas" else 3)
        out.update(compile_s=max(first - warm, 0.0) if engine != "pandas" else 0.0, run_s=warm)
    elif engine == "duckdb":
        import duckdb
        q = (f"SELECT sum(hour(t) * 60 + minute(t)), "
             f"sum(CASE WHEN indicator = 'na' THEN -1 ELSE CAST(indicator AS BIGINT) END) "
             f"FROM (SELECT CAST(event_time AS TIMESTAMP) AS t, indicator FROM read_parquet('{path}'))")
        first, warm = _time_calls(lambda: duckdb.sql(q).fetchall())
        out.update(compile_s=0.0, run_s=warm)
    elif engine == "polars":
        import polars as pl

        def run():
            t = pl.col("event_time").str.to_datetime("%Y-%m-%d %H:%M:%S")
            ind = pl.when(pl.col("indicator") == "na").then(-1).otherwise(
                pl.col("indicator").cast(pl.Int64, strict=False))
            return pl.scan_parquet(path).select(
                (t.dt.hour().cast(pl.Int64) * 60 + t.dt.minute()).sum(), ind.sum()).collect()
        first, warm = _time_calls(run)
        out.update(compile_s=0.0, run_s=warm)
    out["peak_rss_mb"] = peak_rss_mb()
    if engine == "hpjit":
        import hpjit
        if hpjit.get_size() > 1:  # the slowest rank and the largest rank
            from mpi4py import MPI
            comm = MPI.COMM_WORLD
            for k in ("run_s", "compile_s", "peak_rss_mb"):
                out[k] = comm.allreduce(out[k], op=MPI.MAX)
        out["ranks"] = hpjit.get_size()
        if hpjit.get_rank() != 0:
            return
    print(json.dumps(out))


def run_script(python, script, argv, ranks=None):
    """Run a benchmark worker (under ``mpiexec -n ranks`` at one thread per rank when asked);
    its last printed line is a JSON result, or ``{'error': last stderr line}``."""
    cmd = [python, os.path.abspath(script)] + list(argv)
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, ".."))
    if ranks:
        cmd = [os.path.join(os.path.dirname(python), "mpiexec"), "-n", str(ranks)] + cmd
        env["NUMBA_NUM_THREADS"] = "1"
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def print_slowest_rank(out):
    """Print a worker's result once: under MPI, the largest time and memory over the ranks."""
    import hpjit
    if hpjit.get_size() > 1:
        from mpi4py import MPI
        for k in ("run_s", "compile_s", "peak_rss_mb"):
            out[k] = MPI.COMM_WORLD.allreduce(out[k], op=MPI.MAX)
        out["ranks"] = hpjit.get_size()
        if hpjit.get_rank() != 0:
            return
    print(json.dumps(out))


def print_result(out, engine, first, warm):
    """Print a worker's result: warm run time, compile time (first call minus warm, hpjit
    only), peak RSS; under MPI once, the slowest rank's."""
    out.update(compile_s=max(first - warm, 0.0) if engine == "hpjit" else 0.0, run_s=warm,
               peak_rss_mb=peak_rss_mb())
    if engine == "hpjit":
        print_slowest_rank(out)
    else:
        print(json.dumps(out))


def frame_worker(make_frame, cases, polars_of):
    """``worker(engine, case, rows)`` timing ``cases[case](df)`` on ``make_frame(rows)``: pandas,
    hpjit (under MPI each rank its block of rows, ``distributed=``, keeping its part of the
    result) or Polars (``polars_of(case, polars frame)`` the call, NaN kept as NaN)."""
    def worker(engine, case, rows):
        out = {"engine": engine, "case": case}
        df = make_frame(rows)
        fn = cases[case]
        if engine == "pandas":
            first, warm = _time_calls(lambda: fn(df))
        elif engine == "hpjit":
            import hpjit
            size = hpjit.get_size()
            jitted = hpjit.jit(fn, distributed=["df", "out"] if size > 1 else ())
            if size > 1:
                from hpjit.core.mpi import block_range
                lo, hi = block_range(len(df), hpjit.get_rank(), size)
                df = df.iloc[lo:hi]

            def run():
                hpjit.barrier()
                return jitted(df)
            first, warm = _time_calls(run)
        else:
            import polars as pl
            first, warm = _time_calls(polars_of(case, pl.from_pandas(df, nan_to_null=False)))
        print_result(out, engine, first, warm)
    return worker


def table_header(case_width, engine_width):
    print(f"{'case':<{case_width}}{'engine':<{engine_width}}{'compile s':>10}{'run s':>9}"
          f"{'vs pandas':>11}{'peak RSS MB':>13}")


def print_case(case, results, case_width, engine_width, ratio_digits=1):
    """A table row per engine's result for ``case``, its speed as a ratio to pandas'."""
    base = next((r["run_s"] for r in results if r["engine"] == "pandas" and "run_s" in r), None)
    for r in results:
        if "error" in r:
            print(f"{case:<{case_width}}{r['engine']:<{engine_width}} failed: {r['error']}")
            continue
        ratio = f"{base / r['run_s']:.{ratio_digits}f}x" if base else "-"
        print(f"{case:<{case_width}}{r['engine']:<{engine_width}}{r['compile_s']:>10.2f}"
              f"{r['run_s']:>9.3f}{ratio:>11}{r['peak_rss_mb']:>13.0f}")


def cases_main(script, cases, engines, worker, width):
    """The command line of a benchmark of ``cases``: ``--rows``, ``--ranks N`` (hpjit under
    mpiexec too), ``--cases``; each engine runs in its own process (``--worker``)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--ranks", type=int, default=0, help="also run hpjit under mpiexec -n RANKS")
    ap.add_argument("--cases", nargs="+", default=list(cases))
    ap.add_argument("--worker")
    ap.add_argument("--case")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.case, args.rows)
        return
    table_header(width, width)
    for case in args.cases:
        results = [run_case(script, e, case, args.rows) for e in engines]
        if args.ranks > 1:
            r = run_case(script, "hpjit", case, args.rows, ranks=args.ranks)
            results.append(dict(r, engine=f"hpjit x{args.ranks}"))
        print_case(case, results, width, width)


def run_case(script, engine, case, rows, ranks=None):
    """Run ``script --worker engine --case case --rows rows`` (see :func:`run_script`)."""
    res = run_script(sys.executable, script, ["--worker", engine, "--case", case, "--rows",
                                              str(rows)], ranks)
    return dict(res, engine=engine, case=case)


def run_worker(python, engine, path, variant, ranks=None):
    return dict(run_script(python, __file__, ["--worker", engine, "--path", path, "--variant",
                                              variant], ranks), engine=engine)


def duckdb_table(rel):
    """A DuckDB relation's whole result as a pyarrow Table. Since DuckDB 1.4 ``.arrow()``
    returns a lazy RecordBatchReader, which would time the query plan, not the query."""
    out = rel.arrow()
    return out.read_all() if hasattr(out, "read_all") else out


def installed(mod):
    import importlib.util
    return importlib.util.find_spec(mod) is not None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--pandas-rows", type=int, default=200_000)
    ap.add_argument("--data-dir", default=os.path.expanduser("~/.cache/hpjit-bench"))
    ap.add_argument("--bodo-python", default=os.environ.get("HPJIT_BODO_PYTHON"))
    ap.add_argument("--scaling", action="store_true")
    ap.add_argument("--scaling-only", action="store_true")
    ap.add_argument("--worker")
    ap.add_argument("--path")
    ap.add_argument("--variant", default="frame")
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker, args.path, args.variant)

    from process_times import make_sample
    os.makedirs(args.data_dir, exist_ok=True)

    def data(n):
        path = os.path.join(args.data_dir, f"process_times_{n}.parquet")
        if not os.path.exists(path):
            make_sample(path, n=n)
        return path

    py = sys.executable
    if args.scaling_only:
        return scaling(py, data(max(args.rows)), max(args.rows))
    pandas_n = args.pandas_rows
    pandas = {v: run_worker(py, "pandas", data(pandas_n), v) for v in RETURNS}
    print(f"pandas measured on {pandas_n:,} rows, scaled linearly to each size")
    print(f"{'rows':>11} {'engine':>8} {'variant':>7} {'compile s':>10} {'run s':>8} "
          f"{'pandas s (scaled)':>18} {'speedup':>8} {'peak RSS MB':>12}")
    for n in args.rows:
        path = data(n)
        rows = [run_worker(py, "hpjit", path, v) for v in RETURNS]
        for eng in ("duckdb", "polars"):
            if installed(eng):
                rows.append(run_worker(py, eng, path, "sums"))
        if args.bodo_python:
            rows += [run_worker(args.bodo_python, "bodo", path, v) for v in RETURNS]
        for r in rows:
            if "error" in r:
                print(f"{n:>11,} {r['engine']:>8} error: {r['error']}")
                continue
            scaled = pandas[r["variant"]]["run_s"] * n / pandas_n
            print(f"{n:>11,} {r['engine']:>8} {r['variant']:>7} {r['compile_s']:>10.2f} "
                  f"{r['run_s']:>8.3f} {scaled:>18.1f} {scaled / r['run_s']:>7.0f}x "
                  f"{r['peak_rss_mb']:>12.0f}")
    p = pandas["frame"]
    print(f"(pandas at {pandas_n:,} rows: {p['run_s']:.2f} s, peak RSS {p['peak_rss_mb']:.0f} MB)")
    if args.scaling:
        scaling(py, data(max(args.rows)), max(args.rows))


def scaling(py, path, n):
    print(f"\nstrong scaling, {n:,} rows, one thread per rank (mpiexec)")
    print(f"{'variant':>8} {'ranks':>6} {'compile s':>10} {'run s':>8} {'speedup':>8} "
          f"{'peak RSS/rank MB':>17}")
    table = {}
    for variant in RETURNS:
        for ranks in (1, 2):
            r = run_worker(py, "hpjit", path, variant, ranks=ranks)
            if "error" in r:
                print(f"{variant:>8} {ranks:>6} error: {r['error']}")
                continue
            table[(variant, ranks)] = r
            base = table.get((variant, 1), r)["run_s"]
            print(f"{variant:>8} {ranks:>6} {r['compile_s']:>10.2f} {r['run_s']:>8.3f} "
                  f"{base / r['run_s']:>7.2f}x {r['peak_rss_mb']:>17.0f}")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    for variant in RETURNS:
        pts = [(k, table[(variant, k)]) for k in (1, 2) if (variant, k) in table]
        ax1.plot([k for k, _ in pts], [r["run_s"] for _, r in pts], "o-", label=variant)
        ax2.plot([k for k, _ in pts], [r["peak_rss_mb"] for _, r in pts], "o-", label=variant)
    ax1.set(xlabel="ranks", ylabel="warm run (s)", title=f"process_times, {n:,} rows")
    ax2.set(xlabel="ranks", ylabel="peak RSS per rank (MB)")
    for ax in (ax1, ax2):
        ax.set_xticks([1, 2])
        ax.legend()
    fig.tight_layout()
    out = os.path.join(HERE, "process_times_scaling.png")
    fig.savefig(out, dpi=100)
    print(f"plot: {out}")


if __name__ == "__main__":
    main()
