"""Start-up: what a job pays before its first result, with and without hpjit's compile cache.

    python benchmarks/startup.py [--rows 20000] [--ranks 2]

The process_times workload (verbatim, returning the frame) on ``--rows`` rows, each
measurement in a fresh process:

- ``import hpjit``: the import alone;
- ``pandas``: the same function as plain pandas (first call);
- ``hpjit compile``: ``cache=True`` with an empty cache — the first process compiles;
- ``hpjit cached``: the next process's first call loads the compiled code.
- with ``--ranks N``, the same two under ``mpiexec -n N`` (each rank its own cache entry).
Times are medians of 3 processes (the compile: one).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))

JOB = textwrap.dedent('''
    import sys, time
    t0 = time.perf_counter()
    import pandas as pd
    import pyarrow.parquet as pq
    import hpjit
    t_import = time.perf_counter() - t0
    DATA = {data!r}

    def process_times():
        df = pq.read_table(DATA).to_pandas()
        df['event_time'] = pd.DatetimeIndex(df['event_time'])
        df['hr'] = df.event_time.map(lambda x: x.hour)
        df['minute'] = df.event_time.map(lambda x: x.minute)
        df['second'] = df.event_time.map(lambda x: x.second)
        df['minute_day'] = df.apply(lambda row: row.hr*60 + row.minute, axis = 1)
        df['event_date'] = df.event_time.map(lambda x: x.date())
        df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
        return df

    fn = process_times if sys.argv[1] == "pandas" else hpjit.jit(cache=True)(process_times)
    t0 = time.perf_counter()
    fn()
    t_call = time.perf_counter() - t0
    if hpjit.get_rank() == 0:
        print(f"{{t_import:.4f}} {{t_call:.4f}}", flush=True)
''')


def run(job, engine, ranks=None):
    cmd = [sys.executable, job, engine]
    if ranks:
        cmd = [os.path.join(os.path.dirname(sys.executable), "mpiexec"), "-n", str(ranks)] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    t_import, t_call = map(float, out.stdout.split()[-2:])
    return t_import, t_call


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--ranks", type=int, default=0)
    args = ap.parse_args()
    from process_times import make_sample
    d = tempfile.mkdtemp(prefix="hpjit_startup_")
    data = os.path.join(d, "data.parquet")
    make_sample(data, n=args.rows)
    job = os.path.join(d, "job.py")
    with open(job, "w") as f:
        f.write(JOB.format(data=data))
    rows = []
    med = lambda xs: statistics.median(xs)  # noqa: E731
    pandas = [run(job, "pandas") for _ in range(3)]
    rows.append(("import hpjit", med([p[0] for p in pandas])))
    rows.append(("pandas, first call", med([p[1] for p in pandas])))
    for ranks in [None] + ([args.ranks] if args.ranks else []):
        shutil.rmtree(os.path.join(d, "__pycache__"), ignore_errors=True)
        tag = f", mpiexec -n {ranks}" if ranks else ""
        rows.append((f"hpjit compile (first process){tag}", run(job, "hpjit", ranks)[1]))
        rows.append((f"hpjit cached (next process){tag}",
                     med([run(job, "hpjit", ranks)[1] for _ in range(3)])))
    print(f"process_times, {args.rows} rows: first call in a fresh process")
    for name, t in rows:
        print(f"  {name:<44} {t:8.3f} s")
    shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
