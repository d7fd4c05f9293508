"""Relational programs (groupby, sort) and their data, shared by the one-process tests and the
mpiexec programs so each function compiles once per process."""
import numpy as np
import pandas as pd

import hpjit


def keyed_frame(n, seed=0, skew=False):
    """Keys of every kind with missing values (non-ASCII strings, NaT, NaN) and two value columns.

    ``skew`` puts 90% of the rows on one integer key."""
    rng = np.random.default_rng(seed)
    k_int = rng.integers(0, 7, n)
    if skew:
        k_int[rng.random(n) < 0.9] = 3
    words = np.array(["ä", "b", "üx", "b2", "Zebra", "日本"], dtype=object)
    k_str = words[rng.integers(0, len(words), n)]
    k_str[rng.random(n) < 0.15] = None
    k_f = rng.integers(0, 4, n) / 2.0
    k_f[rng.random(n) < 0.1] = np.nan
    days = rng.integers(0, 5, n).astype("timedelta64[D]")
    k_dt = (np.datetime64("2024-01-01", "us") + days).astype("datetime64[us]")
    k_dt[rng.random(n) < 0.1] = np.datetime64("NaT")
    v_f = rng.normal(size=n).round(3)
    v_f[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame({"k_int": k_int, "k_str": pd.array(k_str, dtype="str"), "k_f": k_f,
                         "k_dt": k_dt, "k_bool": rng.random(n) < 0.5, "v_f": v_f,
                         "v_i": rng.integers(-100, 100, n)})


def _expected_sorted(fn):
    """pandas' sort orders ties by its default quicksort; hpjit's sort is always stable."""
    return fn


# --- programs: each (hpjit function, pandas function) ------------------------------


def gb_sum(df):
    """Sums with a bool column (by group numbers), and sums, counts and sizes of numeric
    columns only (summed by key value: the integer keys span a compact range)."""
    return (df[["k_int", "v_f", "v_i", "k_bool"]].groupby("k_int").sum(),
            df.groupby("k_int").agg(total=("v_f", "sum"), n=("v_f", "count"), rows=("v_i", "size")),
            df.groupby("k_int", as_index=False)[["v_i"]].sum())


def gb_str_mean(df):
    return df.groupby("k_str")["v_f"].mean()


def gb_multi_agg(df):
    return df.groupby(["k_str", "k_int"]).agg({"v_f": ["sum", "min", "max"], "v_i": "count"})


COUNTED = pd.NamedAgg(column="v_f", aggfunc="count")


def gb_named(df):
    """Named aggregation by tuples, ``pd.NamedAgg`` and a module-level ``pd.NamedAgg``."""
    return df.groupby("k_dt", as_index=False).agg(total=("v_i", "sum"), n=COUNTED,
                                                 spread=pd.NamedAgg("v_f", aggfunc="std"))


def gb_float_key_stats(df):
    return df.groupby("k_f")[["v_f", "v_i"]].agg(["mean", "var", "median", "first", "last"])


def gb_size_nunique(df):
    return df.groupby("k_bool").agg(n=("k_str", "nunique"), m=("v_i", "max"), p=("k_str", "last"))


def gb_size(df):
    return df.groupby(["k_int", "k_bool"]).size()


def gb_unsorted_keep_na(df):
    return df.groupby("k_str", sort=False, dropna=False)["v_i"].sum()


def gb_coded_keys(df):
    """Keys numbered by their combined codes (``hpjit.runtime.key_codes``): a wide integer
    key's codes renumbered before they combine with another key's, short strings with a bool;
    strings over seven bytes and microsecond datetimes hashed instead."""
    wide = df.assign(k_wide=df.k_int * 10000 - 5,
                     k_long=df.k_int.map({0: "ein langer Name", 1: "b", 3: "drei lange"}))
    return (wide.groupby(["k_wide", "v_i"]).v_f.sum(),
            wide.groupby(["k_bool", "k_str"], sort=False, dropna=False).v_i.max(),
            wide.groupby(["k_long", "k_bool"], dropna=False).v_i.min(),
            wide.groupby(["k_dt", "k_str"]).v_f.count())


def sort_multi(df):
    return df.sort_values(["k_str", "v_f"], ascending=[True, False], na_position="first")


def sort_one(df):
    return df.sort_values("v_f", kind="stable")


def sort_missing_first(df):
    return df.sort_values("v_f", ascending=False, na_position="first", kind="stable")


def sort_dates_reset(df):
    return df.sort_values("k_dt", ascending=False, ignore_index=True)


def sort_index_desc(df):
    return df.sort_values("v_i", kind="stable").sort_index(ascending=False)


def series_sort(df):
    return df.k_str.sort_values(na_position="first", kind="stable")


def agg_then_sort(df):
    g = df.groupby("k_int", as_index=False)["v_f"].sum()
    return g.sort_values("v_f", ascending=False)


def filter_reset(df):
    return df[df.v_i > 0].reset_index(drop=True)


def labels_reset(df):
    return df[df.v_i > 0].reset_index()


def gb_reset(df):
    return df.groupby(["k_int", "k_bool"])[["v_i"]].sum().reset_index()


def series_reset(df):
    s = df.sort_values("v_i", kind="stable").v_f
    return s.reset_index(drop=True), df.groupby("k_int").v_i.sum().reset_index(), \
        df[df.v_i > 0].k_str.reset_index()


def distinct_values(df):
    return (df.k_str.value_counts(), df.k_f.value_counts(dropna=False),
            df.k_int.value_counts(normalize=True, ascending=True), df.k_bool.value_counts(sort=False),
            df.k_dt.value_counts(), df.k_int.unique(), df.k_str.unique(), df.k_f.unique())


def dedup(df):
    return (df.drop_duplicates(["k_str", "k_int"]), df.drop_duplicates("k_f", keep="last"),
            df[["k_bool", "k_int"]].drop_duplicates(keep=False, ignore_index=True),
            df.k_str.drop_duplicates(keep="last"), df.drop_duplicates(),
            df.drop_duplicates("k_int"), df.drop_duplicates("k_int", keep="last"),
            df.k_int.drop_duplicates(keep=False))


def top_n(df):
    return (df.v_f.nlargest(4), df.v_i.nsmallest(3), df.nlargest(5, ["k_int", "v_i"]),
            df.nsmallest(3, "v_f"), df.k_dt.nlargest(2))


def concat_frames(df):
    pos = df[df.v_i > 0]
    moved = df[["v_i", "k_str", "v_f", "k_int", "k_dt", "k_bool", "k_f"]]
    sums = df.groupby("k_int")["v_f"].sum()
    return (pd.concat([pos, moved]), pd.concat([moved, pos, df], ignore_index=True),
            pd.concat((df.v_f, df.v_i)), pd.concat([sums, sums]), pd.concat([df.k_str, pos.k_str]))


def concat_same_types(df):
    """Objects of one type (numba makes their tuple a UniTuple): a frame with itself, its head,
    two filters of it."""
    return (pd.concat([df, df]), pd.concat([df.head(3), df]),
            pd.concat([df[df.v_i > 0], df[df.v_i <= 0]]),
            pd.concat([df[["k_int", "v_f"]], df[["k_int", "v_f"]]], ignore_index=True))


def gb_transforms(df):
    by_str = df.groupby("k_str")
    return (df.groupby("k_int")[["v_i", "v_f"]].cumsum(), by_str.v_i.cumsum(), by_str.cumcount(),
            df.groupby("k_int").cumcount(), df.groupby(["k_int", "k_bool"]).v_f.transform("mean"),
            df.groupby("k_int").v_i.transform("sum"), by_str[["v_f"]].cummax(),
            df.groupby("k_dt").v_i.cummin(), df.groupby("k_f").v_f.transform("count"))


#: results of gb_transforms whose int columns hpjit types float64: their keys can be missing
FLOAT_TRANSFORMS = (1, 2, 7, 8)


def expected_transforms(df):
    """pandas' gb_transforms, int columns as float64 where the keys can be missing (rows of no
    group get NaN; pandas keeps int64 when no key happens to be missing)."""
    exp = list(gb_transforms(df))
    for k in FLOAT_TRANSFORMS:
        exp[k] = exp[k].astype("float64")
    return tuple(exp)


def dim_frame(n, seed=0):
    """A right side for joins: some keys of ``keyed_frame``, some not, repeated keys, a missing one."""
    rng = np.random.default_rng(seed + 100)
    words = np.array(["ä", "b", "Zebra", "zz", None], dtype=object)
    names = pd.array(words[rng.integers(0, len(words), n)], dtype="str")
    return pd.DataFrame({"k_int": rng.integers(0, 10, n), "k_str": names, "name": names,
                         "w": rng.integers(0, 1000, n), "v_f": rng.normal(size=n).round(2)})


def merge_inner(df, dim):
    return pd.merge(df, dim, on="k_int")


def merge_left_two_keys(df, dim):
    return df.merge(dim, how="left", on=["k_int", "k_str"], suffixes=("", "_dim"))


def merge_right(df, dim):
    return pd.merge(df[["k_int", "v_i"]], dim, how="right", on="k_int")


def merge_outer_names(df, dim):
    return pd.merge(df[["k_str", "v_i"]], dim, how="outer", left_on="k_str", right_on="name")


def merge_outer_dates(df, dim):
    """An outer merge on a datetime key with NaT: pandas orders NaT first there (missing
    strings and numbers last)."""
    return pd.merge(df[["k_dt", "v_i"]], df[df.v_i > 50][["k_dt", "k_int"]], how="outer",
                    on="k_dt")


def merge_distinct_keys(df, dim):
    """Distinct integer keys on the right (a dimension table): joined by key value; all of
    the left keys there (with enough rows), and a right side holding every key of a range
    narrower than the left keys'."""
    d = dim.drop_duplicates("k_int")
    return pd.merge(df, d, on="k_int"), pd.merge(df, d[d.k_int < 4], on="k_int")


def merge_left_distinct(df, dim):
    """As ``merge_distinct_keys``, keeping every left row, the right keys spread out below and
    above the left ones."""
    d = dim.drop_duplicates("k_int")
    d["k_int"] = d["k_int"] * 5 - 20
    return df.merge(d, how="left", on="k_int", suffixes=("", "_dim"))


MERGES = [merge_inner, merge_left_two_keys, merge_right, merge_outer_names, merge_outer_dates,
          merge_distinct_keys, merge_left_distinct]


def expected_merge(fn, df, dim):
    """pandas' merge, with int columns of a side that can miss as float64: hpjit types columns at
    compile time, pandas keeps int64 when every row happened to find a match."""
    exp = fn(df, dim)
    how = {"merge_left_two_keys": "left", "merge_left_distinct": "left", "merge_right": "right",
           "merge_outer_names": "outer", "merge_outer_dates": "outer"}.get(fn.__name__, "inner")
    if how == "inner":
        return exp
    miss = {"left": ["w", "v_f_dim"], "right": ["v_i"], "outer": ["v_i", "w", "k_int"]}[how]
    for c in miss:
        if c in exp.columns and exp[c].dtype.kind in "iu":
            exp[c] = exp[c].astype("float64")
    return exp


def joins(df, dim):
    """``DataFrame.join`` on key columns with a groupby result (one key, two keys) and on the
    labels, left and inner."""
    by_key = dim.groupby("k_int")[["w", "v_f"]].sum()
    by_two = dim.groupby(["k_int", "k_str"]).w.max()
    return (df.join(by_key, on="k_int", suffixes=("", "_g")),
            df.join(by_two, on=["k_int", "k_str"], how="inner"),
            df[["k_int", "v_i"]].join(dim[["w", "name"]], how="inner"),
            df[["k_str", "v_f"]].join(dim[["v_f", "w"]], suffixes=("_l", "_r")))


def expected_joins(df, dim):
    """pandas' joins, int columns of the other side of a left join as float64 (see
    ``expected_merge``)."""
    out = list(joins(df, dim))
    for k in (0, 3):
        out[k] = out[k].astype({"w": "float64"})
    return tuple(out)


def joins_kept(df, dim):
    """``DataFrame.join`` keeping the other side's rows (right, outer): on a key column (their
    labels are NaN) and on the labels."""
    by_key = dim.groupby("k_int")[["w", "v_f"]].sum()
    return (df[["k_int", "k_str", "v_i"]].join(by_key, on="k_int", how="right"),
            df[["k_int", "v_f"]].join(by_key, on="k_int", how="outer", suffixes=("", "_g")),
            df[["k_int", "v_i"]].join(dim[["w", "name"]], how="outer"),
            df[["k_str", "v_f"]].join(dim[["v_f", "w"]], how="right", suffixes=("_l", "_r")))


def expected_joins_kept(df, dim):
    """pandas' joins, with the types hpjit decides at compile time: the labels of a join on a
    key column that keeps the other side's rows are float64, and so are int columns of a side
    that can miss (pandas keeps int64 where, in this data, every row found a match). hpjit
    labels the other side's rows NaN even when ``df`` has no rows."""
    out = list(joins_kept(df, dim))
    for k, ints in ((0, {"v_i"}), (1, {"w"}), (2, {"k_int", "v_i", "w"}), (3, set())):
        out[k] = out[k].astype({c: "float64" for c in ints})
        if k < 2:  # with no rows in df pandas labels the rows by the other's index instead
            out[k].index = (out[k].index.astype("float64") if len(df) else
                            pd.Index(np.full(len(out[k]), np.nan)))
    return tuple(out)


def nullable_frame(n, seed=0):
    """``keyed_frame``'s keys with nullable value columns (``Int64``, ``Float64``), missing
    values among them."""
    rng = np.random.default_rng(seed + 200)
    df = keyed_frame(n, seed)[["k_int", "k_str"]]
    ints = rng.integers(-9, 9, n).astype(object)
    ints[rng.random(n) < 0.3] = None
    floats = rng.normal(size=n).round(2).astype(object)
    floats[rng.random(n) < 0.3] = None
    df["n_i"] = pd.array(ints, dtype="Int64")
    df["n_f"] = pd.array(floats, dtype="Float64")
    return df


def gb_nullable(df):
    """Aggregates of nullable columns: pandas' ``Float64``/``Int64`` results, missing where a
    group has no values; ones that combine per rank (mean, sum, prod), and ones that don't.
    The size of a selected nullable column is ``Int64`` too (fuzz seed 40216), its frame
    column named 'size'."""
    return (df.groupby("k_int")[["n_i", "n_f"]].agg(["mean", "sum", "prod", "count"]),
            df.groupby("k_str").agg(s=("n_i", "std"), v=("n_f", "var"), m=("n_i", "median")),
            df.groupby(["k_int", "k_str"])["n_i"].size(),
            df.groupby("k_str", as_index=False)["n_f"].size(),
            df.groupby("k_int").agg(rows=("n_i", "size"), all_rows=("k_str", "size")))


def keyed_values_frame(n, seed=0, negative_zero=False, index="range"):
    """float64 and int64 sort keys with no missing values (``sort_column`` rebuilds them from
    their sorted radix keys): rounded floats (ties), -0.0 among zeros if ``negative_zero``,
    wide and narrow integers; a ``range``, ``shifted`` range or int64 ``labels`` index."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n).round(2)
    if negative_zero:
        x[rng.random(n) < 0.05] = -0.0
    df = pd.DataFrame({"x": x, "i": rng.integers(-2 ** 40, 2 ** 40, n),
                       "c": rng.integers(0, 3000, n), "s": pd.array(rng.integers(0, 9, n).astype(str),
                                                                  dtype="str")})
    if index == "shifted":
        df.index = pd.RangeIndex(5, 5 + 3 * n, 3)
    elif index == "labels":
        df.index = pd.Index(rng.permutation(n) * 7 - 3)
    return df


def sort_keyed(df):
    return (df.sort_values("x"), df.sort_values("x", ascending=False), df.sort_values("i"),
            df.sort_values("i", ascending=False, ignore_index=True), df.sort_values("c"),
            df.x.sort_values(ascending=False))


GROUPBY = [gb_sum, gb_str_mean, gb_multi_agg, gb_named, gb_float_key_stats, gb_size_nunique,
           gb_size, gb_unsorted_keep_na, gb_coded_keys]
SORTS = [sort_multi, sort_one, sort_missing_first, sort_dates_reset, sort_index_desc, series_sort,
         agg_then_sort]
RESETS = [filter_reset, labels_reset, gb_reset, series_reset]
#: each returns a tuple of results: one compile covers several methods
DISTINCT = [distinct_values, dedup, top_n, concat_frames, concat_same_types, gb_transforms]
PROGRAMS = GROUPBY + SORTS + RESETS + DISTINCT
JITTED = {f.__name__: hpjit.jit(f) for f in PROGRAMS + MERGES + [joins, joins_kept, gb_nullable,
                                                                  sort_keyed]}


def expected(fn, df):
    """pandas' result, with ties sorted stably (hpjit's sort is stable; pandas' default
    quicksort leaves the order of ties unspecified)."""
    if fn is gb_transforms:
        return expected_transforms(df)
    with _stable_sorts():
        return fn(df)


class _stable_sorts:
    def __enter__(self):
        self.frame, self.series = pd.DataFrame.sort_values, pd.Series.sort_values

        def frame(df, *a, **k):
            k["kind"] = "stable"
            return self.frame(df, *a, **k)

        def series(s, *a, **k):
            k["kind"] = "stable"
            return self.series(s, *a, **k)
        pd.DataFrame.sort_values, pd.Series.sort_values = frame, series

    def __exit__(self, *exc):
        pd.DataFrame.sort_values, pd.Series.sort_values = self.frame, self.series


def assert_same(got, exp):
    """assert_frame/series_equal (item by item for a tuple, arrays too); with no rows, dtypes
    pandas cannot know are not compared."""
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_same(g, e)
        return
    if isinstance(exp, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == exp.dtype, (got, exp)
        np.testing.assert_array_equal(got, exp)
        return
    if isinstance(exp, pd.api.extensions.ExtensionArray):
        pd.testing.assert_extension_array_equal(got, exp)
        return
    if isinstance(exp, pd.Series):
        if len(exp) == 0:
            assert len(got) == 0 and got.name == exp.name
            return
        pd.testing.assert_series_equal(got, exp)
    else:
        if len(exp) == 0:
            assert len(got) == 0 and list(got.columns) == list(exp.columns)
            return
        pd.testing.assert_frame_equal(got, exp)

