"""Selection and cleaning at memory speed: hpjit against pandas (and Polars when installed).

    python benchmarks/frame_ops.py [--rows 10000000] [--ranks 2] [--cases loc astype ...]

Cases, over a frame made in memory before timing (int64 ``i``, float64 ``f`` with 10% NaN,
bool ``b``, nullable ``Int64`` ``n`` with 10% missing); every engine gets the same data and
returns the whole result:

- ``loc``: ``df.loc[df.f > 0, ['i', 'n']]``;
- ``astype``: ``df.astype({'i': 'float64', 'n': 'float64'})``;
- ``fillna``: ``df.fillna({'f': 0.0, 'n': 0})``;
- ``where``: ``df.f.where(df.b, -1.0)``;
- ``dropna``: ``df.dropna()``;
- ``round_clip``: ``df.f.round(2).clip(-1, 1)``;
- ``replace``: ``df.replace({'i': {1: -1, 2: -2}})``;
- ``map_dict``: ``df.i.map(CODES)`` (a module-level dict of 1,000 int keys to floats);
- ``ffill``: ``df.f.ffill()``;
- ``duplicated``: ``df.duplicated(['i', 'b'], keep=False)``;
- ``sums``: ``df[['i', 'f']].sum()``.

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
    n = pd.array(rng.integers(-100, 100, rows), dtype="Int64")
    n[rng.random(rows) < 0.1] = pd.NA
    return pd.DataFrame({"i": rng.integers(0, 1000, rows), "f": f, "b": rng.random(rows) < 0.5,
                         "n": n})


def loc(df):
    out = df.loc[df.f > 0, ["i", "n"]]
    return out


def astype(df):
    out = df.astype({"i": "float64", "n": "float64"})
    return out


def fillna(df):
    out = df.fillna({"f": 0.0, "n": 0})
    return out


def where(df):
    out = df.f.where(df.b, -1.0)
    return out


def dropna(df):
    out = df.dropna()
    return out


def round_clip(df):
    out = df.f.round(2).clip(-1, 1)
    return out


CODES = {k: k * 0.5 for k in range(1000)}


def replace(df):
    out = df.replace({"i": {1: -1, 2: -2}})
    return out


def map_dict(df):
    out = df.i.map(CODES)
    return out


def ffill(df):
    out = df.f.ffill()
    return out


def duplicated(df):
    out = df.duplicated(["i", "b"], keep=False)
    return out


def sums(df):
    out = df[["i", "f"]].sum()
    return out


CASES = {fn.__name__: fn for fn in (loc, astype, fillna, where, dropna, round_clip, replace,
                                     map_dict, ffill, duplicated, sums)}


def _polars(case, pdf):
    import polars as pl
    if case == "loc":
        return lambda: pdf.filter(pl.col("f") > 0).select("i", "n")
    if case == "astype":
        return lambda: pdf.with_columns(pl.col("i").cast(pl.Float64), pl.col("n").cast(pl.Float64))
    if case == "fillna":
        return lambda: pdf.with_columns(pl.col("f").fill_nan(0.0), pl.col("n").fill_null(0))
    if case == "where":
        return lambda: pdf.select(pl.when(pl.col("b")).then(pl.col("f")).otherwise(-1.0))
    if case == "dropna":
        return lambda: pdf.filter(pl.col("f").is_not_nan() & pl.col("n").is_not_null())
    if case == "replace":
        return lambda: pdf.with_columns(pl.col("i").replace({1: -1, 2: -2}))
    if case == "map_dict":
        return lambda: pdf.select(pl.col("i").replace_strict(CODES, return_dtype=pl.Float64))
    if case == "ffill":
        return lambda: pdf.select(pl.col("f").fill_nan(None).forward_fill())
    if case == "duplicated":
        return lambda: pdf.select(pl.struct("i", "b").is_duplicated())
    if case == "sums":
        return lambda: pdf.select(pl.col("i", "f").fill_nan(None).sum())
    return lambda: pdf.select(pl.col("f").round(2).clip(-1, 1))


worker = frame_worker(make_frame, CASES, _polars)


def main():
    engines = ["pandas", "hpjit"] + (["polars"] if installed("polars") else [])
    cases_main(__file__, CASES, engines, worker, 12)


if __name__ == "__main__":
    main()
