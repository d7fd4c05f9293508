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
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from process_times import _time_calls, installed, print_result, run_case  # noqa: E402

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


# the estimator classes, bound in worker() after scikit-learn-intelex patched scikit-learn
LinearRegression = KMeans = LogisticRegression = None


def linreg(X, y):
    lr = LinearRegression().fit(X, y)
    return lr.coef_, lr.intercept_


def kmeans(X, init):
    km = KMeans(n_clusters=10, init=init, n_init=1, max_iter=10, tol=0.0).fit(X)
    return km.cluster_centers_, km.inertia_


def logistic(X, y):
    m = LogisticRegression().fit(X, y)
    return m.coef_, m.intercept_


def worker(engine, case, rows):
    out = {"engine": engine, "case": case}
    rank, size = 0, 1
    if engine == "hpjit":
        import hpjit
        rank, size = hpjit.get_rank(), hpjit.get_size()
    X, y = make_data(rows, rank, size)
    init = make_data(10, seed=1)[0]
    args = {"linreg": (X, y), "logistic": (X, y > 0)}.get(case, (X, init))
    if engine == "sklearnex":
        from sklearnex import patch_sklearn
        patch_sklearn(verbose=False)
    import sklearn.cluster
    import sklearn.linear_model
    globals().update(KMeans=sklearn.cluster.KMeans,
                     LinearRegression=sklearn.linear_model.LinearRegression,
                     LogisticRegression=sklearn.linear_model.LogisticRegression)
    fn = {"linreg": linreg, "kmeans": kmeans, "logistic": logistic}.get(case)
    if case == "floor":
        first, warm = _time_calls(lambda: X.sum())
    elif engine in ("sklearn", "sklearnex"):
        first, warm = _time_calls(lambda: fn(*args))
    else:
        import hpjit
        fn = hpjit.jit(fn, distributed=["X", "y"])

        def run():
            hpjit.barrier()
            return fn(*args)
        first, warm = _time_calls(run)
    print_result(out, engine, first, warm)


def run_worker(engine, case, rows, ranks=None):
    return run_case(__file__, engine, case, rows, ranks)


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
    print(f"{'case':<10}{'engine':<14}{'rows':>10}{'compile s':>10}{'run s':>9}{'vs sklearn':>11}"
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
                print(f"{case:<10}{r['engine']:<14} failed: {r['error']}")
                continue
            ratio = f"{base / r['run_s']:.1f}x" if base else "-"
            print(f"{case:<10}{r['engine']:<14}{rows:>10}{r['compile_s']:>10.2f}{r['run_s']:>9.3f}"
                  f"{ratio:>11}{r['peak_rss_mb']:>13.0f}")


if __name__ == "__main__":
    main()
