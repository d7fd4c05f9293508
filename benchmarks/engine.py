"""pandas' execution-engine protocol: plain pandas vs engine="numba" (raw rows) vs engine=hpjit.jit.

    python benchmarks/engine.py [--rows 1000000 10000000] [--pandas-rows 200000]

The seed's two lambdas: ``df.apply(lambda row: row.hr*60 + row.minute, axis=1)`` and
``s.map(lambda x: -1 if x == 'na' else int(x))``. Each form runs in its own process:
first call (compile included) and warm call (median of 3) separately, peak RSS.
Plain pandas' row-wise apply takes ~20 s per million rows, so it is timed on
``--pandas-rows`` and scaled linearly (marked "scaled"). Bodo pins its own numba:
give the interpreter of its separate venv with ``--bodo-python`` to add its engine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def make_frame(n):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(0)
    ind = np.where(rng.random(n) < 0.1, "na", rng.integers(0, 100, n).astype(str))
    return pd.DataFrame({"hr": rng.integers(0, 24, n), "minute": rng.integers(0, 60, n),
                         "indicator": pd.array(ind, dtype="str")})


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def worker(form, op, n):
    df = make_frame(n)
    if op == "apply":
        if form == "numba":
            call = lambda: df[["hr", "minute"]].apply(lambda r: r[0] * 60 + r[1], axis=1, raw=True,  # noqa: E731
                                                      engine="numba")
        elif form == "bodo":
            import bodo
            call = lambda: df.apply(lambda row: row.hr * 60 + row.minute, axis=1, engine=bodo.jit)  # noqa: E731
        elif form == "hpjit":
            import hpjit
            call = lambda: df.apply(lambda row: row.hr * 60 + row.minute, axis=1, engine=hpjit.jit)  # noqa: E731
        else:
            call = lambda: df.apply(lambda row: row.hr * 60 + row.minute, axis=1)  # noqa: E731
    else:
        s = df.indicator
        if form == "hpjit":
            import hpjit
            call = lambda: s.map(lambda x: -1 if x == "na" else int(x), engine=hpjit.jit)  # noqa: E731
        else:
            call = lambda: s.map(lambda x: -1 if x == "na" else int(x))  # noqa: E731
    t0 = time.perf_counter()
    res = call()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(1 if form == "pandas" else 3):
        t0 = time.perf_counter()
        call()
        runs.append(time.perf_counter() - t0)
    print(json.dumps({"first": first, "warm": statistics.median(runs), "rss": peak_rss_mb(),
                      "dtype": str(res.dtype)}))


def run(form, op, n, python=None):
    cmd = [python or sys.executable, os.path.abspath(__file__), "--worker", form, op, str(n)]
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, ".."))
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode:
        return {"error": (res.stderr.strip().splitlines() or ["failed"])[-1][:80]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--pandas-rows", type=int, default=200_000)
    ap.add_argument("--bodo-python", default=os.environ.get("HPJIT_BODO_PYTHON"))
    ap.add_argument("--worker", nargs=3)
    args = ap.parse_args()
    if args.worker:
        form, op, n = args.worker
        return worker(form, op, int(n))
    print(f"{'rows':>11} {'op':>6} {'form':>7} {'first s':>9} {'warm s':>9} {'vs pandas':>10} "
          f"{'dtype':>8} {'RSS MB':>8}")
    for n in args.rows:
        for op in ("apply", "map"):
            pn = min(n, args.pandas_rows) if op == "apply" else n
            base = run("pandas", op, pn)
            scale = n / pn
            forms = [("pandas", base)] + [(f, run(f, op, n)) for f in
                                          (("numba", "hpjit") if op == "apply" else ("hpjit",))]
            if args.bodo_python and op == "apply":
                forms.append(("bodo", run("bodo", op, n, python=args.bodo_python)))
            for form, r in forms:
                if "error" in r:
                    print(f"{n:>11,} {op:>6} {form:>7} error: {r['error']}")
                    continue
                warm = r["warm"] * (scale if form == "pandas" else 1)
                note = " (scaled)" if form == "pandas" and scale != 1 else ""
                print(f"{n:>11,} {op:>6} {form:>7} {r['first']:>9.3f} {warm:>9.3f} "
                      f"{base['warm'] * scale / warm:>9.0f}x {r['dtype']:>8} {r['rss']:>8.0f}{note}")


if __name__ == "__main__":
    main()
