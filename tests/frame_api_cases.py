"""The everyday frame API (``.loc``, ``copy``, ``drop``, ``rename``, ``assign``, ``df.columns =``,
number methods, ``dropna``/``fillna``, ``pd.DataFrame({...})``, ``isin`` of a column) and date and time constants: programs and data shared by
the one-process tests (``test_frame_api.py``) and the mpiexec job ``frame_api``
(``test_mpi_frame_api.py``)."""
import datetime
import inspect
import sys
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

CUT = date(1998, 9, 2)
SINCE = pd.Timestamp("1995-03-15")
NOON = datetime.datetime(1995, 3, 15, 12)
QUARTER = pd.Timedelta(days=90)


def api_frame(n, seed=0, missing_dates=True):
    """Every column type with missing values: int, float (NaN), bool, str, datetime (NaT),
    ``datetime.date`` objects (NaT unless not ``missing_dates``), nullable Int64."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 12 * 365, n)
    d = (np.datetime64("1990-01-01", "D") + days.astype("timedelta64[D]")).astype(object)
    if missing_dates:
        d[rng.random(n) < 0.1] = pd.NaT
    d2 = d.copy()
    d2[::3] = date(1995, 5, 5)
    t = np.datetime64("1990-01-01", "us") + (days * 86400 + rng.integers(0, 86400, n)).astype(
        "timedelta64[s]")
    t[rng.random(n) < 0.1] = np.datetime64("NaT")
    f = rng.normal(size=n).round(3)
    f[rng.random(n) < 0.2] = np.nan
    words = np.array(["ä", "b", "Zebra", None], dtype=object)
    nullable = rng.integers(-9, 9, n).astype(object)
    nullable[rng.random(n) < 0.3] = None
    return pd.DataFrame({"i": rng.integers(0, 6, n), "f": f, "b": rng.random(n) < 0.5,
                         "s": pd.array(words[rng.integers(0, 4, n)], dtype="str"), "t": t,
                         "d": d, "d2": d2, "n": pd.array(nullable.tolist(), dtype="Int64")})


def loc_rows(df):
    return (df.loc[df.i > 2], df.loc[df.f > 0, ["s", "i", "n"]], df.loc[:, ["t", "d"]],
            df.loc[df.b, "f"], df.loc[~df.b, :], df.f[df.i != 3], df.s.loc[df.b],
            df.loc[df.i > 1, "f"].sum(), len(df.loc[df.b]), df[df.n > 0],
            df.loc[df.n < 2, ["i", "n"]], df.f[df.n != 3])


def loc_assign(df):
    df.loc[df.i > 2, "f"] = 0.5
    df.loc[df.f.isna(), ["i", "n"]] = -1
    df.loc[df.b, "s"] = "yes"
    df.loc[:, "b"] = False
    df.loc[df.i == 1, "f"] = df.f * 2
    df.loc[df.n < 0, "f"] = 1.0
    return df, df.loc[:, "f"]


def frame_columns(df):
    renamed = df.rename(columns={"i": "ii", "s": "name"}).drop(columns=["f", "d2"])
    renamed.columns = ["a", "b", "c", "e", "g", "h"]
    kept = df.drop("t", axis=1).copy()
    kept["i2"] = kept.i * 2
    return (renamed, kept, df.drop(columns="n"), df.copy(deep=True).rename(columns={"zz": "y"}),
            df[["i", "s"]].rename(columns=lambda c: c.upper() + "_x"),
            df.assign(i3=df.i * 3, g=lambda x: x.i3 + 1, h=0.5))


def date_constants(df):
    return (df[df.d <= CUT], df[df.d > date(1995, 1, 1)], df[df.t < pd.Timestamp("2000-01-01 12:00")],
            df.loc[df.t >= SINCE, ["i", "t"]], df[(df.t < NOON) & df.b],
            df.t > pd.Timestamp("1996-01-01") - QUARTER, df[df.d != df.d2].d2,
            df[(df.d >= date(1994, 1, 1)) & (df.d < date(1995, 1, 1))].f.sum(),
            pd.to_datetime(df.d), pd.to_datetime(df.d2))


def numbers(df):
    return (df.i.abs(), df.f.round(1), df.n.round(), df.i.round(-1), df.f.clip(-0.5, 0.5),
            df.i.clip(lower=1), df.f.clip(upper=2), df.f.between(-1, 1),
            df.n.between(0, 5, inclusive="neither"), df.f.where(df.b), df.i.where(df.b, -1),
            df.f.mask(df.i > 2, 0), df.i.astype("float64"), df.i.astype("Int64"),
            df.n.astype("float64"), df.f.astype("Float64"), df.b.astype(int),
            df[["i", "f", "n"]].astype("float32"), df.astype({"i": "int8", "b": "float64"}),
            df[["i", "f", "n", "s"]].round(2), df[["i", "f", "n"]].abs(), df.f.abs().sum())


def missing(df):
    return (df.f.dropna(), df.s.dropna(), df.n.dropna(), df.t.dropna(), df.dropna(),
            df.dropna(subset=["f"]), df.dropna(how="all", subset=["f", "n"]),
            df[["i", "f", "n"]].fillna(0), df.fillna({"f": -1.5, "s": "?"}),
            df.dropna(subset=["f", "s"]).i.sum())


def constructed(df):
    kept = df[df.i > 1]
    return (pd.DataFrame({"total": [df.f.sum()], "rows": [len(df)], "flag": [True]}),
            pd.DataFrame({"twice": df.i * 2, "f": df.f, "one": 1.0, "n": df.n}),
            pd.DataFrame({"n": kept.n, "i": kept.i}),
            pd.DataFrame({"v": df.f.to_numpy(), "w": 2}),
            df[df.i.isin(kept.i[kept.b])], df.f.isin(df.f[df.i == 2]))


def patterns(df):
    return (df.s.str.contains("e.r"), df.s.str.contains("B", case=False),
            df.s.str.match("[A-Z]"), df.s.str.fullmatch(r"\w"), df.s.str.contains("^Z.*a$"),
            df.s.str.contains("Z", regex=False, na=True), df.s.str.slice(1, 3), df.s.str[:1],
            df.s.str.slice(-2), df[df.s.str.slice(0, 1).isin(["Z", "b"])].i)


def ends(df):
    return (df.tail(3), df.tail(0), df.f.tail(2), df.tail(-2), df.s.tail(100), df.head(-1),
            df.i.head(-2), df.tail())


PROGRAMS = [loc_rows, loc_assign, frame_columns, date_constants, numbers, missing, constructed,
            patterns, ends]
#: programs whose results are whole on every rank by design (the first or last rows)
GATHERED = {"ends": ("result whole on every rank", "head() is gathered")}
#: rows of the frames passed as arguments (an empty object column has no type to infer)
SIZES = [1, 2, 57]
#: rows of the frames read from parquet (typed by the file's schema: 0 rows too)
READ_SIZES = [0, 1, 2, 57]
_SCHEMA = pa.Schema.from_pandas(api_frame(5, missing_dates=False), preserve_index=False)


def write_api_parquet(n, path, seed=0):
    """``api_frame(n)`` as a parquet file with dates as ``date32`` (as TPC-H's generator writes
    them); pandas reads those back as ``datetime.date`` objects with None for missing, which
    hpjit gives as NaT, so the file's dates are all present."""
    pq.write_table(pa.Table.from_pandas(api_frame(n, seed, missing_dates=False), schema=_SCHEMA,
                                        preserve_index=False), path, row_group_size=16)


def reading(fn, path):
    """``fn`` with its argument ``df`` read by ``pd.read_parquet(path)`` in its first line (the
    path a constant, so hpjit types the frame from the file's schema)."""
    lines = inspect.getsource(fn).splitlines()
    head = lines[0].replace("(df):", "():")
    ns = dict(vars(sys.modules[__name__]))
    exec("\n".join([head, f"    df = pd.read_parquet({path!r})"] + lines[1:]) + "\n", ns)
    return ns[fn.__name__]


def assert_same(got, exp):
    """pandas' answer exactly (dtypes and index), item by item for tuples."""
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_same(g, e)
    elif isinstance(exp, pd.DataFrame):
        pd.testing.assert_frame_equal(got, exp)
    elif isinstance(exp, pd.Series):
        pd.testing.assert_series_equal(got, exp)
    elif isinstance(exp, float):
        assert np.isclose(got, exp, equal_nan=True), (got, exp)
    else:
        assert got == exp, (got, exp)
