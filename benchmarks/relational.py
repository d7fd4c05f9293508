"""groupby-aggregate and sort: hpjit against pandas (and DuckDB / Polars when installed).

    python benchmarks/relational.py [--rows 10000000] [--ranks 2]

Cases (the frame is made in memory before timing; every engine gets the same data):

- ``groupby_1k`` / ``groupby_1m``: ``df.groupby('k')[['v', 'w']].sum()`` over int64 keys with
  1 000 / 1 000 000 distinct values, result sorted by key as pandas gives it;
- ``sort``: ``df.sort_values('v')`` of float64 values, the whole sorted frame as the result;
- ``merge``: ``pd.merge(df, dim, on='k')``, ``df`` with ``--rows`` rows of keys drawn from
  ``dim``'s ``--rows / 10`` distinct keys (10M x 1M by default), pandas' row order;
- ``dedup``: ``df.drop_duplicates('k')`` over 1 000 000 distinct keys (first copies, in
  row order);
- ``value_counts``: ``df.k.value_counts()`` over 1 000 000 distinct keys (stable order of
  counts).

Each engine runs in its own process: compile (or first-call) time, warm run time
(median of 3) and peak RSS. ``--ranks N`` adds hpjit under ``mpiexec -n N`` at one
thread per rank; each rank holds its block of rows (``distributed=``) and keeps
its part of the result, and the time is the slowest rank's. DuckDB and Polars use
all cores of the machine, as they do by default.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from process_times import (_time_calls, cases_main, duckdb_table, installed,  # noqa: E402
                           print_result)

CASES = {"groupby_1k": 1_000, "groupby_1m": 1_000_000, "sort": None, "merge": None,
         "dedup": 1_000_000, "value_counts": 1_000_000}


def make_frame(rows, keys, seed=0):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"k": rng.integers(0, keys or rows, rows), "v": rng.normal(size=rows),
                         "w": rng.integers(0, 100, rows)})


import pandas as pd  # noqa: E402


def groupby_sum(df):
    out = df.groupby("k")[["v", "w"]].sum()
    return out


def sort_v(df):
    out = df.sort_values("v")
    return out


def merge_k(df, dim):
    out = pd.merge(df, dim, on="k")
    return out


def dedup_k(df):
    out = df.drop_duplicates("k")
    return out


def counts_k(df):
    out = df.k.value_counts()
    return out


def make_dim(rows, seed=1):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"k": rng.permutation(rows), "x": rng.normal(size=rows)})


def _pandas_fn(case):
    return {"sort": sort_v, "merge": merge_k, "dedup": dedup_k,
            "value_counts": counts_k}.get(case, groupby_sum)


def worker(engine, case, rows):
    out = {"engine": engine, "case": case}
    df = make_frame(rows, rows // 10 if case == "merge" else CASES[case])
    args = (df, make_dim(rows // 10)) if case == "merge" else (df,)
    if engine == "pandas":
        fn = _pandas_fn(case)
        first, warm = _time_calls(lambda: fn(*args))
    elif engine == "hpjit":
        import hpjit
        size = hpjit.get_size()
        fn = hpjit.jit(_pandas_fn(case), distributed=["df", "dim", "out"] if size > 1 else ())
        if size > 1:
            from hpjit.core.mpi import block_range

            def block(x):
                lo, hi = block_range(len(x), hpjit.get_rank(), size)
                part = x.iloc[lo:hi].reset_index(drop=True)
                part.index = part.index + lo
                return part
            args = tuple(block(x) for x in args)

        def run():
            hpjit.barrier()
            return fn(*args)
        first, warm = _time_calls(run)
    elif engine == "duckdb":
        import duckdb
        con = duckdb.connect()
        con.register("df", df)
        if case == "merge":
            con.register("dim", args[1])
        q = {"sort": "SELECT * FROM df ORDER BY v",
             "merge": "SELECT df.*, dim.x FROM df JOIN dim ON df.k = dim.k",
             "dedup": "SELECT * FROM df QUALIFY row_number() OVER (PARTITION BY k) = 1",
             "value_counts": "SELECT k, count(*) AS count FROM df GROUP BY k "
                             "ORDER BY count DESC"}.get(
            case, "SELECT k, sum(v) AS v, sum(w) AS w FROM df GROUP BY k ORDER BY k")
        first, warm = _time_calls(lambda: duckdb_table(con.sql(q)))
    elif engine == "polars":
        import polars as pl
        pdf = pl.from_pandas(df)
        if case == "sort":
            first, warm = _time_calls(lambda: pdf.sort("v", maintain_order=True))
        elif case == "merge":
            pdim = pl.from_pandas(args[1])
            first, warm = _time_calls(lambda: pdf.join(pdim, on="k", maintain_order="left"))
        elif case == "dedup":
            first, warm = _time_calls(lambda: pdf.unique(subset="k", keep="first",
                                                         maintain_order=True))
        elif case == "value_counts":
            first, warm = _time_calls(lambda: pdf["k"].value_counts(sort=True))
        else:
            first, warm = _time_calls(lambda: pdf.group_by("k").agg(
                pl.col("v").sum(), pl.col("w").sum()).sort("k"))
    print_result(out, engine, first, warm)


def main():
    engines = ["pandas", "hpjit"] + [e for e in ("duckdb", "polars") if installed(e)]
    cases_main(__file__, CASES, engines, worker, 14)


if __name__ == "__main__":
    main()
