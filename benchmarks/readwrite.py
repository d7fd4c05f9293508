"""I/O: read_csv and to_parquet of the process_times data, hpjit against pandas (and DuckDB /
Polars when installed).

    python benchmarks/readwrite.py [--rows 10000000] [--ranks 2]

Cases (the data is generated once under ``--data-dir``, outside the repo):

- ``read_csv``: ``pd.read_csv(path)`` of the process_times CSV to a frame equal to pandas'
  (pandas' C and pyarrow engines; DuckDB and Polars read to their own tables);
- ``to_parquet``: ``df.to_parquet(path)`` of the same 10M rows held in memory.

Each engine runs in its own process: compile (or first-call) time, warm run time (median of
3) and peak RSS. ``--ranks N`` adds hpjit under ``mpiexec -n N`` at one thread per rank: each
rank reads its byte range of the CSV and keeps its rows (``distributed=``), so the time is
the slowest rank's and the memory the largest rank's.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from process_times import (_time_calls, duckdb_table, installed, print_case,  # noqa: E402
                           print_result, run_script, table_header)

CASES = ("read_csv", "to_parquet")


def data_paths(data_dir, rows):
    """(parquet, csv) of ``rows`` process_times rows, made when missing."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "example_process_times", os.path.join(HERE, "..", "examples", "process_times.py"))
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    make_sample = example.make_sample
    os.makedirs(data_dir, exist_ok=True)
    pq_path = os.path.join(data_dir, f"process_times_{rows}.parquet")
    csv_path = os.path.join(data_dir, f"process_times_{rows}.csv")
    if not os.path.exists(pq_path):
        make_sample(pq_path, n=rows)
    if not os.path.exists(csv_path):
        import pandas as pd
        pd.read_parquet(pq_path).to_csv(csv_path, index=False)
    return pq_path, csv_path


def worker(engine, case, pq_path, csv_path, out_dir):
    import pandas as pd
    out = {"engine": engine, "case": case}
    target = os.path.join(out_dir, f"out_{engine}.parquet")
    if case == "to_parquet":
        df = pd.read_parquet(pq_path)
    if engine.startswith("pandas"):
        if case == "read_csv":
            kw = {"engine": "pyarrow"} if engine == "pandas-pyarrow" else {}
            first, warm = _time_calls(lambda: pd.read_csv(csv_path, **kw))
        else:
            first, warm = _time_calls(lambda: df.to_parquet(target))
    elif engine == "hpjit":
        import hpjit
        ns = {"pd": pd, "CSV": csv_path, "TARGET": target}
        if case == "read_csv":
            exec("def read():\n    df = pd.read_csv(CSV)\n    return df", ns)
            fn = hpjit.jit(ns["read"], distributed=["df"])
            args = ()
        else:
            exec("def write(df):\n    df.to_parquet(TARGET)", ns)
            fn = hpjit.jit(ns["write"], distributed=["df"])
            args = (hpjit.scatterv(df) if hpjit.get_size() > 1 else df,)

        def run():
            hpjit.barrier()
            return fn(*args)
        first, warm = _time_calls(run)
    elif engine == "duckdb":
        import duckdb
        if case == "read_csv":
            first, warm = _time_calls(lambda: duckdb_table(duckdb.read_csv(csv_path)))
        else:
            con = duckdb.connect()
            con.register("df", df)
            first, warm = _time_calls(lambda: con.sql(
                f"COPY df TO '{target}' (FORMAT parquet)"))
    elif engine == "polars":
        import polars as pl
        if case == "read_csv":
            first, warm = _time_calls(lambda: pl.read_csv(csv_path))
        else:
            pdf = pl.from_pandas(df)
            first, warm = _time_calls(lambda: pdf.write_parquet(target))
    print_result(out, engine, first, warm)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--ranks", type=int, default=0, help="also run hpjit under mpiexec -n RANKS")
    ap.add_argument("--cases", nargs="+", default=list(CASES))
    ap.add_argument("--data-dir", default=os.path.expanduser("~/.cache/hpjit-bench"))
    ap.add_argument("--worker")
    ap.add_argument("--case")
    args = ap.parse_args()
    pq_path, csv_path = data_paths(args.data_dir, args.rows)
    if args.worker:
        worker(args.worker, args.case, pq_path, csv_path, args.data_dir)
        return
    size_mb = os.path.getsize(csv_path) / 2**20
    print(f"{args.rows:,} rows; CSV {size_mb:.0f} MB")
    table_header(12, 16)
    for case in args.cases:
        engines = ["pandas"] + (["pandas-pyarrow"] if case == "read_csv" else []) + \
            ["hpjit"] + [e for e in ("duckdb", "polars") if installed(e)]
        runs = [(e, None) for e in engines] + ([("hpjit", args.ranks)] if args.ranks > 1 else [])
        results = []
        for engine, ranks in runs:
            r = run_script(sys.executable, __file__, ["--worker", engine, "--case", case,
                                                      "--rows", str(args.rows), "--data-dir",
                                                      args.data_dir], ranks)
            results.append(dict(r, engine=engine + (f" x{ranks}" if ranks else "")))
        print_case(case, results, 12, 16, ratio_digits=2)


if __name__ == "__main__":
    main()
