"""TPC-H: the 22 queries in plain pandas, hpjit (compile and warm time apart), DuckDB (the SQL
on the same parquet files, materialised as a pandas frame) and Polars (its own lazy API).

    python benchmarks/tpch/run.py --sf 1 [--ranks 2] [--queries 1 3 6] [--engines hpjit duckdb]

Every (engine, query) runs in a fresh process, so its peak RSS is its own (for hpjit under
``--ranks R``: the sum over the ranks). hpjit's answer is checked against pandas' (same
function, undecorated) with ``assert_frame_equal``; pandas' answer is saved by its own run, so
list pandas first (the default order does). Times are the best of ``--repeat`` warm runs; hpjit's
compile is its first call minus a warm one. Writes ``tpch_sf<SF>.md`` (and a chart of the ratios
when matplotlib is installed) next to this file.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINES = ("pandas", "hpjit", "duckdb", "polars")


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def worker(engine, n, sf, repeat, answers):
    """Run query ``n`` on ``engine``; print one JSON line of its figures."""
    data = os.environ["TPCH_DATA"]
    rec = {"engine": engine, "query": n}
    if engine == "pandas":
        import queries
        rec["time"], res = _timed(queries.QUERIES[n], 1)
        res.to_pickle(os.path.join(answers, f"q{n}.pkl"))
    elif engine == "hpjit":
        import pandas as pd

        import hpjit
        import queries
        fn = hpjit.jit(queries.QUERIES[n])
        t = time.perf_counter()
        res = fn()
        first = time.perf_counter() - t
        rec["time"], res = _timed(fn, repeat)
        rec["compile"] = max(first - rec["time"], 0.0)
        expected = os.path.join(answers, f"q{n}.pkl")
        if hpjit.get_rank() != 0:
            rec = None
        elif os.path.exists(expected):
            try:
                pd.testing.assert_frame_equal(res, pd.read_pickle(expected))
                rec["same"] = True
            except AssertionError as e:
                rec["same"] = False
                rec["error"] = str(e).splitlines()[0][:200]
        peak = _peak_mb()
        if hpjit.get_size() > 1:
            from mpi4py import MPI
            peak = MPI.COMM_WORLD.allreduce(peak)
        if rec is not None:
            rec["rss_mb"] = peak
    elif engine == "duckdb":
        import sql_queries
        con = sql_queries.duckdb_connection(data)
        rec["time"], _ = _timed(lambda: sql_queries.run_duckdb(con, n, sf), repeat)
    elif engine == "polars":
        import polars_queries
        rec["time"], _ = _timed(lambda: polars_queries.QUERIES[n](data, sf), repeat)
    if rec is not None:
        rec.setdefault("rss_mb", _peak_mb())
        print("RESULT " + json.dumps(rec), flush=True)


def _launch(engine, n, args, answers):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", engine, "--query", str(n),
           "--sf", str(args.sf), "--repeat", str(args.repeat), "--answers", answers]
    if engine == "hpjit" and args.ranks > 1:
        mpiexec = os.path.join(os.path.dirname(sys.executable), "mpiexec")
        cmd = [mpiexec, "-n", str(args.ranks)] + cmd
    env = dict(os.environ, TPCH_DATA=args.data, TPCH_SF=str(args.sf))
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    for line in res.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (res.stderr.strip().splitlines() or ["no output"])[-1]
    return {"engine": engine, "query": n, "failed": tail[:200]}


def _fmt(rec, key="time"):
    if rec is None:
        return "–"
    if "failed" in rec:
        return "fails"
    return f"{rec[key]:.3f}"


def table(results, queries, engines, ranks):
    head = ["query"] + [e if e != "hpjit" else f"hpjit ({ranks} rank{'s' * (ranks > 1)})"
                        for e in engines]
    if "hpjit" in engines:
        head += ["hpjit compile", "hpjit = pandas", "hpjit / DuckDB"]
    head += [f"peak MB {e}" for e in engines]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    totals = {e: 0.0 for e in engines}
    for n in queries:
        row = [f"q{n}"] + [_fmt(results.get((e, n))) for e in engines]
        h, d = results.get(("hpjit", n)), results.get(("duckdb", n))
        if "hpjit" in engines:
            ok = h is not None and "failed" not in h
            row += [_fmt(h, "compile") if ok else "–",
                    ("yes" if h.get("same") else "NO") if ok and "same" in h else "–",
                    f"{h['time'] / d['time']:.2f}" if ok and d and "failed" not in d else "–"]
        row += [f"{results[(e, n)]['rss_mb']:.0f}" if "rss_mb" in results.get((e, n), {}) else "–"
                for e in engines]
        for e in engines:
            r = results.get((e, n))
            totals[e] += r["time"] if r and "failed" not in r else float("nan")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("| total | " + " | ".join(f"{totals[e]:.3f}" for e in engines) + " |")
    return "\n".join(lines)


def chart(results, queries, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    xs, ys = [], []
    for n in queries:
        h, d = results.get(("hpjit", n)), results.get(("duckdb", n))
        if h and d and "failed" not in h and "failed" not in d:
            xs.append(f"q{n}")
            ys.append(h["time"] / d["time"])
    fig, ax = plt.subplots(figsize=(10, 3.5))
    ax.bar(xs, ys)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_ylabel("hpjit time / DuckDB time")
    fig.tight_layout()
    fig.savefig(path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sf", type=float, default=1)
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--queries", type=int, nargs="*", default=list(range(1, 23)))
    p.add_argument("--engines", nargs="*", default=list(ENGINES), choices=ENGINES)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--timeout", type=int, default=1800, help="seconds per (engine, query)")
    p.add_argument("--data", default=None, help="the tables' directory (default: generated)")
    p.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    p.add_argument("--query", type=int, help=argparse.SUPPRESS)
    p.add_argument("--answers", help=argparse.SUPPRESS)
    args = p.parse_args()
    sys.path.insert(0, HERE)
    if args.worker:
        worker(args.worker, args.query, args.sf, args.repeat, args.answers)
        return
    import data
    args.data = args.data or data.generate(args.sf)
    results = {}
    with tempfile.TemporaryDirectory() as answers:
        for n in args.queries:
            for e in args.engines:
                results[(e, n)] = rec = _launch(e, n, args, answers)
                print(json.dumps(rec), flush=True)
    text = (f"TPC-H SF {args.sf:g}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores; "
            f"seconds (best of {args.repeat} warm runs; pandas one run)\n\n"
            + table(results, args.queries, args.engines, args.ranks))
    out = os.path.join(HERE, f"tpch_sf{args.sf:g}_ranks{args.ranks}")
    with open(out + ".md", "w") as f:
        f.write(text + "\n")
    chart(results, args.queries, out + ".png")
    print(text)


if __name__ == "__main__":
    main()
