"""Order-dependent and text operations: hpjit against pandas (and Polars when installed).

    python benchmarks/windows.py [--rows 10000000] [--ranks 2] [--cases rolling_mean rank ...]

Cases, over a frame made in memory before timing (int64 keys ``k`` in 0..999, float64 ``f``
with 10% NaN, datetime64[us] ``t`` over a year, str ``s`` of short words); every engine gets
the same data and returns the whole result:

- ``rolling_mean``: ``df.f.rolling(100).mean()``;
- ``shift_diff``: ``df.f.shift(3) - df.f.diff()``;
- ``rank``: ``df.f.rank()``;
- ``group_rank``: ``df.groupby('k').f.rank()``;
- ``group_shift``: ``df.groupby('k').f.shift()``;
- ``strftime``: ``df.t.dt.strftime('%Y-%m-%d %H:%M')``;
- ``floor``: ``df.t.dt.floor('h')``;
- ``zfill``: ``df.s.str.zfill(8)``;
- ``melt``: ``df[['k', 'f', 'g']].melt(id_vars=['k'])``;
- ``resample_sum``: ``df.resample('h', on='t')[['f', 'g']].sum()`` (Polars: sorted by ``t``,
  then ``group_by_dynamic``, which pandas' sort by time matches);
- ``extract``: ``df.s.str.extract(r'x?(\d+)', expand=False)``.

Each engine runs in its own process: compile (first call minus warm), warm run time (median
of 3) and peak RSS. ``--ranks N`` adds hpjit under ``mpiexec -n N`` at one thread per rank,
each rank holding its block of rows (``distributed=``) and keeping its part of the result.
"""
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from process_times import cases_main, frame_worker, installed  # noqa: E402


def make_frame(rows, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    f = rng.normal(size=rows)
    f[rng.random(rows) < 0.1] = np.nan
    t = np.datetime64("2024-01-01", "us") + rng.integers(0, 365 * 86400, rows).astype(
        "timedelta64[s]")
    words = np.array(["7", "42", "-3", "abc", "x1", "2024"], dtype=object)
    return pd.DataFrame({"k": rng.integers(0, 1000, rows), "f": f, "g": rng.normal(size=rows),
                         "t": t, "s": pd.array(words[rng.integers(0, len(words), rows)],
                                               dtype="str")})


def rolling_mean(df):
    out = df.f.rolling(100).mean()
    return out


def shift_diff(df):
    out = df.f.shift(3) - df.f.diff()
    return out


def rank(df):
    out = df.f.rank()
    return out


def group_rank(df):
    out = df.groupby("k").f.rank()
    return out


def group_shift(df):
    out = df.groupby("k").f.shift()
    return out


def strftime(df):
    out = df.t.dt.strftime("%Y-%m-%d %H:%M")
    return out


def floor(df):
    out = df.t.dt.floor("h")
    return out


def zfill(df):
    out = df.s.str.zfill(8)
    return out


def melt(df):
    out = df[["k", "f", "g"]].melt(id_vars=["k"])
    return out


def resample_sum(df):
    out = df.resample("h", on="t")[["f", "g"]].sum()
    return out


def extract(df):
    out = df.s.str.extract(r"x?(\d+)", expand=False)
    return out


CASES = {fn.__name__: fn for fn in (rolling_mean, shift_diff, rank, group_rank, group_shift,
                                     strftime, floor, zfill, melt, resample_sum, extract)}


def _polars(case, pdf):
    import polars as pl
    f = pl.col("f")
    if case == "rolling_mean":
        return lambda: pdf.select(f.rolling_mean(100))
    if case == "shift_diff":
        return lambda: pdf.select(f.shift(3) - f.diff())
    if case == "rank":
        return lambda: pdf.select(f.rank())
    if case == "group_rank":
        return lambda: pdf.select(f.rank().over("k"))
    if case == "group_shift":
        return lambda: pdf.select(f.shift().over("k"))
    if case == "strftime":
        return lambda: pdf.select(pl.col("t").dt.strftime("%Y-%m-%d %H:%M"))
    if case == "floor":
        return lambda: pdf.select(pl.col("t").dt.truncate("1h"))
    if case == "zfill":
        return lambda: pdf.select(pl.col("s").str.zfill(8))
    if case == "resample_sum":
        return lambda: pdf.sort("t").group_by_dynamic("t", every="1h").agg(
            pl.col("f").sum(), pl.col("g").sum())
    if case == "extract":
        return lambda: pdf.select(pl.col("s").str.extract(r"x?(\d+)", 1))
    return lambda: pdf.select("k", "f", "g").unpivot(index="k")


worker = frame_worker(make_frame, CASES, _polars)


def main():
    engines = ["pandas", "hpjit"] + (["polars"] if installed("polars") else [])
    cases_main(__file__, CASES, engines, worker, 14)


if __name__ == "__main__":
    main()
