"""Estimators inside @hpjit.jit against scikit-learn (and scikit-learn-intelex when installed).

    python benchmarks/ml.py [--scale 1.0] [--ranks 2]

Cases (data made in memory before timing, float64, C order):

- ``linreg``: ``LinearRegression().fit(X, y)``, X 10M x 10;
- ``kmeans``: ``KMeans(n_clusters=10, init=X[:10], max_iter=10, tol=0).fit(X)``, X 1M x 10 —
  Lloyd from the same initial centers in every engine;
- ``logistic``: ``LogisticRegression().fit(X, y > 0)`` (lbfgs, default tol), X 1M x 10;
- ``floor``: one pass over X (``X.sum()``, numpy's vectorized flat sum) — what no fit can beat.

Each engine runs in its own process: compile (or first-call) time, warm fit time (median
of 3) and peak RSS. ``--ranks N`` adds hpjit under ``mpiexec -n N`` at one thread per rank,
each rank holding its block of rows (``distributed=``); the time is the slowest rank's.
``--scale`` multiplies the row counts (0.1 for a quick look).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from process_times import _time_calls, installed, peak_rss_mb  # noqa: E402

ROWS = {"linreg": 10_000_000, "kmeans": 1_000_000, "logistic": 1_000_000, "floor": 10_000_000}
FEATURES = 10


def make_data(rows, rank=0, size=1, seed=0):
    """This rank's block of X (rows x 10) and y = X w + noise (the same blocks at any size)."""
    import numpy as np
    lo, hi = rows * rank // size, rows * (rank + 1) // size
    rng = np.random.default_rng([seed, lo])
    X = rng.normal(size=(hi - lo, FEATURES))
    y = X @ np.arange(1.0, FEATURES + 1) + rng.normal(size=hi - lo)
    return X, y


def linreg_fit(X, y):
    from sklearn.linear_model import LinearRegression
    lr = LinearRegression().fit(X, y)
    return lr.coef_, lr.intercept_


def kmeans_fit(X, init):
    from sklearn.cluster import KMeans
    km = KMeans(n_clusters=10, init=init, n_init=1, max_iter=10, tol=0.0).fit(X)
    return km.cluster_centers_, km.inertia_


def logistic_fit(X, y):
    from sklearn.linear_model import LogisticRegression
    m = LogisticRegression().fit(X, y)
    return m.coef_, m.intercept_


def _jitted_sources():
    """The same two functions with scikit-learn imported at module level (what @jit resolves)."""
    from sklearn.cluster import KMeans
    from sklearn.linear_model import LinearRegression, LogisticRegression

    def linreg(X, y):
        lr = LinearRegression().fit(X, y)
        return lr.coef_, lr.intercept_

    def kmeans(X, init):
        km = KMeans(n_clusters=10, init=init, n_init=1, max_iter=10, tol=0.0).fit(X)
        return km.cluster_centers_, km.inertia_
    def logistic(X, y):
        m = LogisticRegression().fit(X, y)
        return m.coef_, m.intercept_
    return {"linreg": linreg, "kmeans": kmeans, "logistic": logistic}


def worker(engine, case, rows):
    out = {"engine": engine, "case": case}
    rank, size = 0, 1
    if engine == "hpjit":
        import hpjit
        rank, size = hpjit.get_rank(), hpjit.get_size()
    X, y = make_data(rows, rank, size)
    init = make_data(10, seed=1)[0]
    args = {"linreg": (X, y), "logistic": (X, y > 0)}.get(case, (X, init))
    if case == "floor":
        first, warm = _time_calls(lambda: X.sum())
    elif engine in ("sklearn", "sklearnex"):
        if engine == "sklearnex":
            from sklearnex import patch_sklearn
            patch_sklearn(verbose=False)
        fn = {"linreg": linreg_fit, "logistic": logistic_fit}.get(case, kmeans_fit)
        first, warm = _time_calls(lambda: fn(*args))
    else:
        import hpjit
        fn = hpjit.jit(_jitted_sources()[case], distributed=["X", "y"])

        def run():
            hpjit.barrier()
            return fn(*args)
        first, warm = _time_calls(run)
    out.update(compile_s=max(first - warm, 0.0) if engine == "hpjit" else 0.0, run_s=warm,
               peak_rss_mb=peak_rss_mb())
    if size > 1:
        from mpi4py import MPI
        for k in ("run_s", "compile_s", "peak_rss_mb"):
            out[k] = MPI.COMM_WORLD.allreduce(out[k], op=MPI.MAX)
        out["ranks"] = size
        if rank != 0:
            return
    print(json.dumps(out))


def run_worker(engine, case, rows, ranks=None):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", engine, "--case", case,
           "--rows", str(rows)]
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, ".."))
    if ranks:
        cmd = [os.path.join(os.path.dirname(sys.executable), "mpiexec"), "-n", str(ranks)] + cmd
        env["NUMBA_NUM_THREADS"] = "1"
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        return {"engine": engine, "case": case,
                "error": (res.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--ranks", type=int, default=0, help="also run hpjit under mpiexec -n RANKS")
    ap.add_argument("--cases", nargs="+", default=list(ROWS))
    ap.add_argument("--worker")
    ap.add_argument("--case")
    ap.add_argument("--rows", type=int)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.case, args.rows)
        return
    if not installed("sklearn"):
        sys.exit("benchmarks/ml.py needs scikit-learn: pip install 'hpjit[ml]'")
    engines = ["sklearn", "hpjit"] + (["sklearnex"] if installed("sklearnex") else [])
    print(f"{'case':<8}{'engine':<14}{'rows':>10}{'compile s':>10}{'run s':>9}{'vs sklearn':>11}"
          f"{'peak RSS MB':>13}")
    for case in args.cases:
        rows = int(ROWS[case] * args.scale)
        results = [run_worker(e, case, rows) for e in (["numpy"] if case == "floor" else engines)]
        if args.ranks > 1 and case != "floor":
            r = run_worker("hpjit", case, rows, ranks=args.ranks)
            r["engine"] = f"hpjit x{args.ranks}"
            results.append(r)
        base = next((r["run_s"] for r in results if r["engine"] == "sklearn" and "run_s" in r),
                    None)
        for r in results:
            if "error" in r:
                print(f"{case:<8}{r['engine']:<14} failed: {r['error']}")
                continue
            ratio = f"{base / r['run_s']:.1f}x" if base else "-"
            print(f"{case:<8}{r['engine']:<14}{rows:>10}{r['compile_s']:>10.2f}{r['run_s']:>9.3f}"
                  f"{ratio:>11}{r['peak_rss_mb']:>13.0f}")


if __name__ == "__main__":
    main()
