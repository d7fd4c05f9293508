"""The everyday frame API (``.loc``, ``copy``, ``drop``, ``rename``, ``assign``, ``df.columns =``,
number methods, ``dropna``/``fillna``, frame and Series reductions, ``map(dict)``/``replace``, ``ffill``/``bfill``, ``iloc``/``iat``, ``duplicated``, ``set_index``, ``query``, ``shift``/``diff``/``cumsum``..., ``pd.DataFrame({...})``, ``isin`` of a column) and date and time constants: programs and data shared by
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
CODES = {0: 10, 1: 11, 2: 12, 3: 13, 4: 14, 5: 15}


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
    df.loc[df.i == 3, "t"] = pd.Timestamp("2020-02-29 12:30:00")
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
    sized = df[["i", "f"]]
    sized["size"] = np.where(df.i > 2, "big", "smäll")
    return (sized, np.where(df.b, "", "x"), df.i.abs(), df.f.round(1), df.n.round(), df.i.round(-1), df.f.clip(-0.5, 0.5),
            df.i.clip(lower=1), df.f.clip(upper=2), df.f.between(-1, 1),
            df.n.between(0, 5, inclusive="neither"), df.f.where(df.b), df.i.where(df.b, -1),
            df.f.mask(df.i > 2, 0), df.s.where(df.b, "-"), df.s.mask(df.i > 2),
            df.s.fillna("?"), df.i.astype("float64"), df.i.astype("Int64"),
            df.n.astype("float64"), df.f.astype("Float64"), df.b.astype(int),
            df[["i", "f", "n"]].astype("float32"), df.astype({"i": "int8", "b": "float64"}),
            df[["i", "f", "n", "s"]].round(2), df[["i", "f", "n"]].abs(), df.f.abs().sum(),
            np.where(df.i > 2, df.f, 0.5), np.where(df.b, 1, df.i), np.where(df.f > 0, df.t, df.t))


def missing(df):
    return (df.f.dropna(), df.s.dropna(), df.n.dropna(), df.t.dropna(), df.dropna(),
            df.dropna(subset=["f"]), df.dropna(how="all", subset=["f", "n"]),
            df[["i", "f", "n"]].fillna(0), df.fillna({"f": -1.5, "s": "?"}),
            df.dropna(subset=["f", "s"]).i.sum(),
            (df.n > 1) | (df.n < -3), (df.n > 0) & df.b, df.b ^ (df.n == 2), ~(df.n > 1),
            (df.n > 0) | True, False & (df.n < 0), df[(df.n > 1) | df.b],
            df.dropna(subset=["f", "s"], ignore_index=True), df.s.dropna(ignore_index=True))


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


def regexes(df):
    """The Pike machine (``columns/regex.py``): elementwise, so every result stays split."""
    return (df.s.str.extract("(Z|b)(e)?"), df.s.str.extract("(?P<w>[a-z]+)", expand=False),
            df.s.str.contains("(b|Z)e?"), df.s.str.match("(Ze|b)", na=True),
            df.s.str.fullmatch("Z(eb)+ra|b"), df.s.str.replace("(e)(b)?", r"\2\1", regex=True),
            df.s.fillna("").str.count("b|r"), df[df.s.str.contains("(Z|b)")].i)


def ends(df):
    return (df.tail(3), df.tail(0), df.f.tail(2), df.tail(-2), df.s.tail(100), df.head(-1),
            df.i.head(-2), df.tail())


def reductions(df):
    kept = df[df.i > 0]
    return (df[["i", "f"]].sum(), df[["i", "f", "n"]].mean(), df[["f", "n"]].max(),
            df[["i", "f"]].min(), df.count(), df[["i", "s", "b", "t", "d"]].nunique(),
            df[["f", "b"]].any(), df[["i", "n"]].all(), df[["f"]].std(),
            df[["i", "f"]].var(ddof=0), df.sum(numeric_only=True), df[["b", "f"]].prod() > 0,
            df.i.any(), df.f.all(), df.n.any(), df.b.all(), df.f.var(ddof=0), df.f.std(ddof=2),
            df.d.nunique(), df.d2.nunique(dropna=False), df.i.prod() >= 0,
            df.i.idxmax() if len(df) else -1, df.f.fillna(0).idxmin() if len(df) else -1,
            kept.f.fillna(9).idxmin() if len(kept) else -1,
            kept.n.fillna(-1).idxmax() if len(kept) else -1,
            df[["s", "i", "n"]].any(), df[["s", "b"]].all())


def described(df):
    kept = df[df.i > 0]
    return (df[["i", "f", "b", "s", "n", "d"]].describe(), df.f.describe(), df.n.describe(),
            kept.i.describe(), kept[["n"]].describe())


def converted(df):
    """``pd.to_numeric`` of text that is partly numbers (float64 in pandas too) and of numbers."""
    text = df.s.replace({"b": "1.5", "Zebra": " -2.5 "})
    return (pd.to_numeric(text, errors="coerce"), pd.to_numeric(df.i), pd.to_numeric(df.f),
            pd.to_numeric(df.n), pd.to_numeric(df.b),
            pd.to_numeric(df.s.replace({"ä": "1e3", "b": "-Infinity", "Zebra": ""})))


def parsed_times(df):
    """``pd.to_datetime`` by a format and by the ISO format of the first present value (of all
    ranks under MPI), raising or coercing. Only the word "ä" fails to parse (the 1- and 2-row
    frames have none): pandas' unit where nothing parses is seconds, hpjit's microseconds, as
    the README says."""
    text = df.s.fillna("b")
    dmy = text.replace({"ä": "05/03/2021", "b": "31/12/1999", "Zebra": "1/2/2000"})
    mdy = text.replace({"ä": "31/12/1999", "b": "05/03/2021", "Zebra": "1/2/2000"})
    iso = text.replace({"ä": "2021-03-05 10:00", "b": "1999-12-31 23:59",
                        "Zebra": "2000-01-01 00:00"})
    mixed = text.replace({"ä": "2021-03-05", "b": "1999-12-31 23:59",
                          "Zebra": "1999-02-28 12:00:00"})
    named = text.replace({"ä": "dec 31 99 12am", "b": "Mar 5 2021  3PM",
                          "Zebra": "Feb 29 2024 12PM"})
    short = text.replace({"ä": "Mar 5 2021  3PM", "b": "dec 31 99 12am", "Zebra": "feb 28 24 1AM"})
    return (pd.to_datetime(dmy, format="%d/%m/%Y"), pd.to_datetime(mdy, format="%m/%d/%Y",
                                                                   errors="coerce"),
            pd.to_datetime(iso, errors="coerce"), pd.to_datetime(mixed, errors="coerce"),
            pd.to_datetime(mixed, format="ISO8601", errors="coerce"),
            pd.to_datetime(named, format="%b %d %Y %I%p", errors="coerce"),
            pd.to_datetime(short, format="%b %d %y %I%p", errors="coerce"))


def value_maps(df):
    return (df.i.replace(2, 20), df.i.replace([1, 2], 0), df.f.replace(np.nan, 0.0),
            df.f.replace([0.0, 1.5], [7.0, 8.0]), df.s.replace({"ä": "a", "Zebra": "Z"}),
            df.s.replace("b", "B"), df.n.replace(1, 5), df.b.replace(True, False),
            df[["i", "f", "s"]].replace(1, 9), df.replace({"i": {0: -1}, "s": {"b": "bee"}}),
            df.i.replace("x", "y"))


def mapped(df):
    return (df.s.map({"ä": 1.5, "b": 2}), df.s.map({"ä": "A", "b": "", "Zebra": "zébra"}),
            df.i.map(CODES), df.b.map({True: "yes", False: "no"}), df.f.map({np.nan: 1.0}),
            df.i.map({1: 0.5, 9: 2.0}), df.i.map(df.groupby("i").f.mean()),
            df.s.map(df.groupby("s").f.sum()), df.i.map(df.groupby("i").s.first()),
            df.i.map(df.i.value_counts()), df.b.map(df.groupby("b").n.max()))


def filling(df):
    return (df.f.ffill(), df.f.bfill(), df.s.ffill(), df.t.bfill(), df.n.ffill(), df.d.ffill(),
            df.i.bfill(), df.ffill(), df[["f", "s", "n"]].bfill(), df[df.i > 1].f.ffill())


def positions(df):
    ends = [0, -1][:min(len(df), 2)]
    return (df.iloc[1:3], df.iloc[-2:], df.iloc[:, 1], df.iloc[:, [0, 3]], df.iloc[1:40, [1, 2]],
            df.i.iloc[1:], df.f.iloc[:-1], df.s.iloc[2:5], df.iloc[ends], df.s.iloc[ends],
            df.i.iloc[0] if len(df) else -1, df.f.iloc[-1] if len(df) else 0.0,
            df.iat[len(df) - 1, 0] if len(df) else -1, df.i.iat[0] if len(df) else -1,
            df.iloc[len(df) // 2, 1] if len(df) else 0.0, df.iloc[2:2], df.iloc[:, :],
            df[df.i > 1].iloc[:2], df.n.iloc[ends], df.t.iloc[-3:])


def duplicates(df):
    return (df.duplicated(), df.duplicated(subset=["i", "b"]), df.duplicated(["s"], keep="last"),
            df.i.duplicated(), df.s.duplicated(keep=False), df.f.duplicated(keep="last"),
            df[df.duplicated(subset=["i", "n"])].f, df.n.duplicated())


def indexed(df):
    by_i = df.set_index("i")
    two = df.set_index(["i", "b"])
    return (by_i, df.set_index("s", drop=False).f, two, by_i[by_i.f > 0], by_i.reset_index(),
            two.reset_index(), df.set_index("t").f, by_i.sort_values("f", kind="stable"),
            by_i.iloc[1:3], by_i.f.sum(), by_i.loc[by_i.b, ["f", "s"]])


def labelled(df):
    """``.at`` by label: a RangeIndex, an int index of labels (unique), a Series'."""
    last = len(df) - 1
    keyed = df.reset_index().set_index("index")
    return (df.at[last, "f"], df.at[0, "i"], df.f.at[last // 2], df.at[last, "b"],
            keyed.at[last, "i"], keyed.f.at[0])


def queried(df):
    low = 2
    return (df.query("i > 1 and s == 'b'"), df.query("f < 0 or not b"), df.query("1 <= i < 4"),
            df.query("s in ['ä', 'Zebra']"), df.query("i not in [0, 5]"), df.query("i > @low"),
            df.query("`n` >= 0"), df.query("f > i * 0.1 and t > @SINCE"))


def along_rows(df):
    return (df.i.shift(), df.f.shift(-2), df.s.shift(1), df.t.shift(3), df.n.shift(-1),
            df.i.shift(2, fill_value=0), df.f.shift(1, fill_value=-1.5),
            df[["i", "f", "s"]].shift(1),
            df.i.diff(), df.f.diff(2), df.n.diff(), df.i.pct_change(), df.f.pct_change(-1),
            df.i.cumsum(), df.f.cumsum(), df.n.cumsum(), df.b.cumsum(), df.f.cumprod(),
            df.i.cummin(), df.f.cummax(), df.n.cummax(), df.b.cummax(),
            df[["i", "f", "n"]].cumsum(), df[["i", "f", "n"]].diff(), df[["f", "i"]].diff(-2),
            df[["i", "f"]].pct_change(),
            df.i.shift(0), df.f.rolling(3).sum(), df.f.rolling(3, min_periods=1).mean(),
            df.i.rolling(4).max(), df.f.rolling(2).min(), df.f.rolling(5, min_periods=2).std(),
            df.i.rolling(3).var(), df.f.rolling(3).count(), df.i.rolling(10, min_periods=0).sum(),
            df.b.rolling(2).sum(), df.f.expanding().sum(), df.i.expanding(3).mean(),
            df.f.expanding().min(), df.i.expanding().max(), df.f.expanding(2).std(),
            df.i.expanding().var(), df.f.expanding().count(), df.f.expanding(0).sum(),
            df.b.expanding().sum(), df.f.ewm(alpha=0.3).mean(),
            df.f.ewm(span=3, adjust=False, min_periods=2).mean(), df.i.ewm(com=1.5).mean(),
            df.f.ewm(halflife=2.0, ignore_na=True).mean(),
            df.f.ewm(alpha=0.5, adjust=False, ignore_na=True).mean())


def ranked(df):
    by_i, by_s = df.groupby("i"), df.groupby("s")
    return (df.f.rank(), df.s.rank(method="dense", ascending=False), df.n.rank(pct=True),
            df.t.rank(method="first", na_option="top"), df.b.rank(),
            df.i.rank(method="max", na_option="bottom", pct=True),
            df.f.rank(method="min", ascending=False, na_option="top"), df.n.rank(method="dense"),
            by_i.f.rank(), by_i.s.rank(method="min"), by_i.n.rank(method="dense", pct=True),
            by_s.i.rank(method="first", ascending=False, na_option="bottom"),
            by_i.f.shift(), by_s.i.shift(-2), by_i.s.shift(1), by_i.t.shift(), by_i.n.shift(),
            by_i[["f", "n"]].shift(), df.groupby("b").i.shift(0),
            by_i.f.diff(), by_s.i.diff(2), by_i.n.diff(-1),
            df[["i", "f", "s", "t", "n", "b"]].rank(method="min"),
            df.rank(numeric_only=True, pct=True, na_option="top"))


def text_reductions(df):
    """Reductions and running extremes of a str column, missing values skipped; min/max of no
    present string (NaN in pandas, an error in hpjit: test_frame_api.py) are left out."""
    kept = df[df.i > 1].s
    full, some = df.s.fillna("zz"), df.s.count() > 0
    tails = df.s.str.slice(1)
    return (full.min() if len(df) else "", full.max() if len(df) else "",
            df.s.min() if some else "", df.s.max() if some else "",
            kept.min() if kept.count() else "", df.s.sum(), kept.sum(), tails.sum(),
            df.s.any(), df.s.all(), tails.any(), tails.all(), kept.any(), kept.all(),
            df.s.idxmin() if some else -1, df.s.idxmax() if some else -1,
            kept.idxmin() if kept.count() else -1, kept.idxmax() if kept.count() else -1,
            df.s.cummin(), df.s.cummax(), kept.cummin(), tails.cummax(),
            df[["s", "i"]].cummax(), df[["i", "f", "s"]].cummin(), df.groupby("i").s.sum(),
            df.groupby("b", as_index=False).agg(t=("s", "sum"), n=("i", "sum")))


def text_and_times(df):
    return (df.s.str.center(6, "-"), df.s.str.zfill(3), df.s.str.replace("e", "EE"),
            df.s.str.get(0), df.s.str.isupper(), df.s.str.pad(4, side="right"),
            df.s.fillna("").str.count("e"), df.s.str.cat(df.s, sep="+"),
            df.t.dt.floor("h"), df.t.dt.ceil("15min"), df.t.dt.round("D"), df.t.dt.normalize(),
            df.t.dt.day_name(), df.t.dt.month_name(), df.t.dt.strftime("%Y-%m-%d %H:%M"),
            df.s + "_x", "é-" + df.s, df.s + "/" + df.s.str.upper(), df.s * 2, 0 * df.s)


def rolled_groups(df):
    return (df.groupby("i").f.rolling(3).sum(), df.groupby("b").i.rolling(2, min_periods=1).mean(),
            df.groupby(["i", "b"])[["f"]].rolling(2).max(),
            df.groupby("i")["f"].rolling(4, min_periods=2).std(),
            df.groupby("b").i.rolling(3).count(), df.groupby("i").f.rolling(2).min(),
            df.f.rolling(3).median(), df.i.rolling(4, min_periods=1).median(),
            df.groupby("i").f.rolling(3, min_periods=1).median(),
            df.n.rolling(3, min_periods=1).sum(), df.n.rolling(2).max(), df.n.expanding().mean(),
            df.groupby("i").n.rolling(2, min_periods=1).mean(),
            df.set_index("s").groupby("i").f.rolling(2).sum())


def melted(df):
    return (df.melt(id_vars=["i"], value_vars=["f", "i"]),
            pd.melt(df, id_vars="s", value_vars=["i", "f"], var_name="k", value_name="v"),
            df[["i", "f"]].melt(), df.melt(id_vars=["t", "s"], value_vars="f"),
            df[df.i > 2].melt(id_vars=["s"], value_vars=["n"]))


def columnwise(df):
    nums = df[["i", "f"]]
    return (df.isna(), df.notnull(), nums.clip(0, 3), nums.clip(lower=-1), df[["i", "b"]].isin([1, 2]),
            nums > 1, df[["i", "f", "n"]] * 2, 10 - nums, df[["f"]].where(df[["f"]] > 0),
            nums.mask(nums > 2, -1), df[["s"]] == "b", nums[df.i > 2] / 2, -1 <= nums,
            nums.median(), df[["i", "s", "t", "f"]].median(numeric_only=True), nums + nums * 2,
            nums[df.b] - nums[df.b].abs(), df[["i", "n"]] >= df[["i", "n"]],
            df.n.isin([1, 2, -3]), df.s.isin([1, 2]), df.t.isin([0]), df.i.isin(["1", "b"]),
            df[["n", "i"]].isin([2, 4]), df.t.isin([pd.Timestamp("1990-01-01 00:00:00")]),
            df[["i", "s", "f", "b"]].isin({"i": [1, 2], "s": ["b", "Zebra"], "f": [np.nan]}),
            df[["n", "i"]].clip(-2, 3), df.n.clip(upper=0))


def resampled(df):
    by_month = df.resample("MS", on="t")
    return (by_month.f.sum(), by_month[["i", "f"]].mean(), df.resample("W", on="t").f.max(),
            df.groupby(pd.Grouper(key="t", freq="QE")).agg(total=("f", "sum"), rows=("i", "size"),
                                                           last=("f", "last")),
            df.set_index("t").f.resample("YS").first(),
            df.set_index("t")[["i", "n"]].resample("90D").sum(), df.resample("10D", on="t").i.count(),
            df[df.t.notna()].resample("ME", on="t").f.std(), df.set_index("t").resample("YE").size(),
            df.resample("h", on="t").i.sum().sum(), df.resample("QS", on="t")[["s", "n"]].last(),
            df.set_index("t").s.resample("YE").min(), df.resample("MS", on="t")[["f", "n"]].ohlc(),
            df.groupby("i").f.ohlc(), df.groupby(["i", pd.Grouper(key="t", freq="MS")]).f.sum(),
            df.groupby([pd.Grouper(key="t", freq="W"), "b"]).n.mean())


PROGRAMS = [loc_rows, loc_assign, frame_columns, date_constants, numbers, missing, constructed,
            patterns, regexes, ends, reductions, described, converted, parsed_times, value_maps,
            mapped, filling, positions, duplicates, indexed, labelled, queried, along_rows, ranked, text_reductions,
            text_and_times, melted, rolled_groups, columnwise, resampled]
#: programs also run on chunks passed in (``distributed=``) under mpiexec; the others only on
#: parquet reads (0, 1, 2 and 57 rows split over the ranks), which keeps the job's compile time
#: within the suite's budget
CHUNKED = {"loc_rows", "frame_columns", "date_constants", "numbers", "missing", "constructed",
           "patterns", "regexes", "ends", "reductions", "described", "parsed_times"}
#: programs whose results are whole on every rank by design (the first or last rows)
GATHERED = {"ends": ("result whole on every rank", "head() is gathered"),
            "positions": ("rows by a list of positions are gathered",)}
#: rows of the frames passed as arguments (an empty object column has no type to infer)
SIZES = [1, 2, 57]
#: rows of the frames read from parquet (typed by the file's schema: 0 rows too)
READ_SIZES = [0, 1, 2, 57]
#: programs not run on no rows: pandas keeps the input's dtype for a map (or an int shift)
#: over no rows, where hpjit gives the mapped values' (float64) (README, "Not supported yet");
#: ``to_numeric`` of no text is int64 in pandas, float64 in hpjit, datetimes parsed from no
#: text datetime64[s] in pandas, [us] in hpjit (README);
#: ``.at`` of no rows raises KeyError (tested in test_frame_api.py); pandas' groupby rolling of
#: no rows (or of keys all missing) raises ValueError ("need at least one array to concatenate")
NOT_EMPTY = {"converted", "parsed_times", "mapped", "along_rows", "labelled", "ranked", "rolled_groups"}


def read_sizes(fn):
    """The numbers of rows ``fn`` is run on when its frame is read from parquet."""
    return [n for n in READ_SIZES if n or fn.__name__ not in NOT_EMPTY]
_SCHEMA = pa.Schema.from_pandas(api_frame(5, missing_dates=False), preserve_index=False)


def write_api_parquet(n, path, seed=0):
    """``api_frame(n)`` as a parquet file with dates as ``date32`` (as TPC-H's generator writes
    them); pandas reads those back as ``datetime.date`` objects with None for missing, which
    hpjit gives as NaT, so the file's dates are all present."""
    pq.write_table(pa.Table.from_pandas(api_frame(n, seed, missing_dates=False), schema=_SCHEMA,
                                        preserve_index=False), path, row_group_size=16)


def reading_source(fn, path):
    """The source of ``fn`` with its argument ``df`` read by ``pd.read_parquet(path)`` in its
    first line (the path a constant, so hpjit types the frame from the file's schema)."""
    lines = inspect.getsource(fn).splitlines()
    head = lines[0].replace("(df):", "():")
    return "\n".join([head, f"    df = pd.read_parquet({path!r})"] + lines[1:]) + "\n"


def reading(fn, path, filename="<string>"):
    """The function of :func:`reading_source`; ``filename``, where that source is saved, lets
    numba's disk cache key it (it caches only functions whose source is a file)."""
    ns = dict(vars(sys.modules[__name__]))
    exec(compile(reading_source(fn, path), filename, "exec"), ns)
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
    elif isinstance(exp, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == exp.dtype, (got, exp)
        np.testing.assert_array_equal(got, exp)
    elif isinstance(exp, float):
        assert np.isclose(got, exp, equal_nan=True), (got, exp)
    else:
        assert got == exp, (got, exp)
