"""``.loc``, ``copy``/``drop``/``rename``/``df.columns =`` and date and time constants against
pandas on one process (the same programs run under mpiexec in ``test_mpi_frame_api.py``), and
the errors of what they do not support."""
import os
import tempfile

import numpy as np
import pandas as pd
import pytest

import hpjit
from frame_api_cases import (PROGRAMS, SIZES, api_frame, assert_same, read_sizes, reading,
                             write_api_parquet)
from hpjit import HpjitError

JITTED = {fn.__name__: hpjit.jit(fn) for fn in PROGRAMS}
PATH = os.path.join(tempfile.mkdtemp(prefix="hpjit_frame_api_"), "api.parquet")
write_api_parquet(5, PATH)
READERS = {fn.__name__: (reading(fn, PATH), hpjit.jit(reading(fn, PATH))) for fn in PROGRAMS}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda fn: fn.__name__)
def test_matches_pandas(fn, n):
    df = api_frame(n, seed=n)
    assert_same(JITTED[fn.__name__](df), fn(df.copy()))


@pytest.mark.parametrize("fn, n", [(fn, n) for fn in PROGRAMS for n in read_sizes(fn)],
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_read_from_parquet_matches_pandas(fn, n):
    write_api_parquet(n, PATH, seed=n)
    plain, jitted = READERS[fn.__name__]
    assert_same(jitted(), plain())


def _to_datetime_zone(df):
    return pd.to_datetime(df.s, format="%Y-%m-%d %z")


def _to_numeric_downcast(df):
    return pd.to_numeric(df.s, downcast="float")


def _describe_text(df):
    return df.s.describe()


def _describe_times(df):
    return df[["f", "t"]].describe()


def _loc_label(df):
    return df.loc[3]


def _loc_label_slice(df):
    return df.loc[1:2, ["i"]]


def _drop_rows(df):
    return df.drop(index=[0])


def _rename_not_constant(df):
    return df.rename(columns={"i": str(len(df))})


def _columns_wrong_length(df):
    df.columns = ["a"]
    return df


def _drop_missing(df):
    return df.drop(columns=["nope"])


def _date_vs_datetime(df):
    return df[df.t < pd.Timestamp("2000-01-01").date()]


def _bad_timestamp(df):
    return df[df.t < pd.Timestamp("not a date")]


def _int_where(df):
    return df.i.where(df.b)


def _int_clip_by_float(df):
    return df.i.clip(upper=2.5)


def _str_astype(df):
    return df.s.astype("float64")


def _loc_new_column(df):
    df.loc[df.b, "new"] = 1.0
    return df


def _loc_upcast(df):
    df.loc[df.b, "i"] = 0.5
    return df


def _dropna_in_place(df):
    df.dropna(inplace=True)
    return df


def _frame_of_scalars(df):
    return pd.DataFrame({"total": df.f.sum()})


def _frame_of_strings_list(df):
    return pd.DataFrame({"s": ["a", "b"]})


def _slice_step(df):
    return df.s.str.slice(0, 4, 2)


def _flags_given(df):
    return df.s.str.contains("a", flags=2)


def _sum_of_strings(df):
    return df[["i", "s"]].sum()


def _max_of_bool_and_int(df):
    return df[["i", "b"]].max()


def _idxmax_of_dates(df):
    return df.d.idxmax()


def _nullable_int_or_bool(df):
    return df.n | df.b


def _where_text_series(df):
    return np.where(df.b, df.s, "x")


def _where_text_number(df):
    return df.s.where(df.b, 1)


def _replace_upcasts(df):
    return df.i.replace(1, 2.5)


def _map_mixed_values(df):
    return df.i.map({1: "a", 2: 3})


def _replace_not_constant(df):
    return df.i.replace(len(df), 0)


def _ffill_limit(df):
    return df.f.ffill(limit=1)


def _iloc_row_of_frame(df):
    return df.iloc[0]


def _iloc_columns_not_constant(df):
    return df.iloc[:, len(df)]


def _query_unknown_column(df):
    return df.query("nope > 1")


def _query_syntax(df):
    return df.query("i >")


def _cumsum_of_strings(df):
    return df.s.cumsum()


def _shift_bool(df):
    return df.b.shift(1)


def _rolling_centered(df):
    return df.f.rolling(3, center=True).sum()


def _ewm_two_decays(df):
    return df.f.ewm(span=3, alpha=0.5).mean()


def _at_unknown_column(df):
    return df.at[0, "nope"]


def _expanding_strings(df):
    return df.s.expanding().max()


def _rank_of_dates(df):
    return df.d.rank()


def _rank_method_unknown(df):
    return df.groupby("i").f.rank(method="mean")


def _group_shift_not_constant(df):
    return df.groupby("i").f.shift(len(df))


def _replace_regex(df):
    return df.s.str.replace("a*", "x", regex=True)


def _pad_two_chars(df):
    return df.s.str.pad(5, fillchar="ab")


def _floor_by_month(df):
    return df.t.dt.floor("MS")


def _strftime_unknown(df):
    return df.t.dt.strftime("%Y week %U")


def _melt_bool_and_int(df):
    return df.melt(id_vars=["s"], value_vars=["i", "b"])


def _group_rolling_unsorted(df):
    return df.groupby("i", sort=False).f.rolling(2).sum()


def _group_rolling_strings(df):
    return df.groupby("i").s.rolling(2).max()


def _resample_two_months(df):
    return df.resample("2MS", on="t").f.sum()


def _resample_closed_right(df):
    return df.resample("D", on="t", closed="right").f.sum()


def _resample_text_mean(df):
    return df.resample("D", on="t").s.mean()


def _resample_dates_max(df):
    return df.resample("D", on="t").d.max()


def _resample_by_int(df):
    return df.resample("D", on="i").f.sum()


def _resample_transform(df):
    return df.resample("D", on="t").f.transform("sum")


def _resample_range_index(df):
    return df.f.resample("D").sum()


def _grouper_seven_hours_among_keys(df):
    return df.groupby(["i", pd.Grouper(key="t", freq="7h")]).f.sum()


def _grouper_without_freq(df):
    return df.groupby(pd.Grouper(key="i")).f.sum()


@pytest.mark.parametrize("fn, fragment", [
    (_resample_two_months, "DataFrame.resample: hpjit resamples by a fixed step"),
    (_resample_closed_right, "DataFrame.resample: hpjit supports closed='left' (pandas' default"),
    (_resample_text_mean, "resample(...).mean(): hpjit cannot compute mean of column 's'"),
    (_resample_dates_max, "hpjit cannot compute max over time bins of column 'd' of datetime.date"),
    (_resample_by_int, "DataFrame.resample: time bins need a datetime64 column; 'i' is"),
    (_resample_transform, "groupby(...).transform: hpjit supports aggregations of resample"),
    (_resample_range_index, "Series.resample: resampling needs datetime labels"),
    (_grouper_seven_hours_among_keys, "among other keys hpjit bins by fixed steps that divide a day"),
    (_grouper_without_freq, "pd.Grouper: hpjit supports pd.Grouper(key=column, freq=rule)"),
    (_group_rolling_unsorted, "groupby(...).rolling: hpjit orders the groups by key"),
    (_group_rolling_strings, "groupby(...).rolling: hpjit rolls int, float and bool columns"),
    (_melt_bool_and_int, "DataFrame.melt: the value columns have different types"),
    (_floor_by_month, "Series.dt.floor: 'MS' is a non-fixed frequency"),
    (_strftime_unknown, "Series.dt.strftime: the directive %U of '%Y week %U' is not supported"),
    (_replace_regex, "Series.str.replace: the regular expression 'a*' can match the empty"),
    (_pad_two_chars, "Series.str.pad: fillchar must be one character, not 'ab'"),
    (_rank_of_dates, "Series.rank: hpjit ranks number, bool, string and datetime columns"),
    (_rank_method_unknown, "groupby(...).rank: method must be one of average, min, max"),
    (_group_shift_not_constant, "groupby(...).shift: hpjit needs periods= as a constant"),
    (_rolling_centered, "Series.rolling: center=True is not supported by hpjit yet"),
    (_expanding_strings, "Series.expanding is supported by hpjit for int, float and bool"),
    (_at_unknown_column, "DataFrame.at[...]: column 'nope' does not exist"),
    (_ewm_two_decays, "Series.ewm: give exactly one of com=, span=, halflife= or alpha="),
    (_cumsum_of_strings, "Series.cumsum is supported by hpjit for number and bool columns"),
    (_shift_bool, "shift of a bool column is object in pandas"),
    (_query_unknown_column, "column 'nope' does not exist"),
    (_query_syntax, "DataFrame.query: cannot parse 'i >'"),
    (_iloc_row_of_frame, "DataFrame.iloc[...]: a row of a frame as a Series is not supported"),
    (_iloc_columns_not_constant, "DataFrame.iloc[...]: hpjit selects columns by position with"),
    (_ffill_limit, "Series.ffill: limit= and limit_area= are not supported"),
    (_replace_upcasts, "Series.replace: replacing with 2.5 would change the array(int64"),
    (_map_mixed_values, "Series.map: values of mixed types"),
    (_replace_not_constant, "Series.replace: hpjit needs to_replace= and value= written as"),
    (_sum_of_strings, "DataFrame.sum: column 's' (StringArray"),
    (_max_of_bool_and_int, "DataFrame.max of bool and number columns"),
    (_idxmax_of_dates, "Series.idxmax is not supported by hpjit for DateArray"),
    (_nullable_int_or_bool, "a nullable column's logic: bools with bools"),
    (_where_text_series, "np.where(cond, x, y) of strings: hpjit takes two string constants"),
    (_where_text_number, "Series.where: a str column with other="),
    (_frame_of_scalars, "pd.DataFrame: with only scalar values"),
    (_frame_of_strings_list, "pd.DataFrame: column 's' is"),
    (_slice_step, "Series.str.slice: hpjit supports step 1 only"),
    (_flags_given, "Series.str.contains: flags= is not supported"),
    (_int_where, "Series.where: without other= pandas' dtype for this int64 column depends"),
    (_int_clip_by_float, "Series.clip: an int column clipped by a float bound"),
    (_str_astype, "Series.astype: hpjit converts number and bool columns"),
    (_loc_new_column, "df.loc[...] = value: column 'new' does not exist"),
    (_loc_upcast, "a float64 value in a int64 column"),
    (_dropna_in_place, "DataFrame.dropna: inplace=True is not supported"),
    (_loc_label, "DataFrame.loc[...]: hpjit selects rows by a boolean Series or ':'"),
    (_drop_rows, "DataFrame.drop: hpjit drops columns"),
    (_rename_not_constant, "DataFrame.rename: hpjit needs columns= a constant dict"),
    (_columns_wrong_length, "df.columns = ...: Length mismatch"),
    (_drop_missing, "DataFrame.drop: column 'nope' does not exist"),
    (_bad_timestamp, "pd.Timestamp(...): "),
    (_describe_text, "Series.describe() of a StringArray column: pandas gives counts, unique"),
    (_to_datetime_zone, "pd.to_datetime: format '%Y-%m-%d %z': the directive %z is not supported"),
    (_to_numeric_downcast, "pd.to_numeric: downcast= is not supported"),
    (_describe_times, "DataFrame.describe(): column 't' holds datetimes"),
])
def test_unsupported_is_one_clear_error(fn, fragment):
    with pytest.raises(HpjitError) as e:
        hpjit.jit(fn)(api_frame(3))
    assert fragment in str(e.value) and "test_frame_api.py:" in str(e.value), str(e.value)


def _nan_to_int(df):
    return df.f.astype("int64")


def test_data_pandas_refuses_is_refused_on_every_rank_too():
    """Converting NaN to int fails in pandas (IntCastingNaNError) and in hpjit, at run time."""
    with pytest.raises(HpjitError, match="Cannot convert non-finite values"):
        hpjit.jit(_nan_to_int)(api_frame(20))
    with pytest.raises(ValueError, match="Cannot convert non-finite values"):
        _nan_to_int(api_frame(20))


def _map_unmatched(df):
    return df.s.map({"b": 1})


def test_map_to_ints_of_an_unmatched_row_is_refused_at_run_time():
    """pandas gives float64 with NaN there, which an int64 result cannot hold: hpjit says so
    rather than guessing the dtype."""
    with pytest.raises(HpjitError, match="a row's value is missing or not in the dict"):
        hpjit.jit(_map_unmatched)(api_frame(20))
    assert _map_unmatched(api_frame(20)).dtype == "float64"


def _map_by_counts(df):
    return df.s.map(df.s.value_counts())


def _map_by_repeated_labels(df):
    return df.i.map(df.set_index("i").f)


def test_map_by_a_series_refuses_what_pandas_types_by_the_data():
    """A missing string has no count (pandas gives float64 with NaN: refused as for a dict);
    labels that repeat are pandas' InvalidIndexError, one HpjitError here."""
    df = api_frame(40)
    with pytest.raises(HpjitError, match="a row's value is not among the labels"):
        hpjit.jit(_map_by_counts)(df)
    assert _map_by_counts(df).dtype == "float64"
    with pytest.raises(HpjitError, match="the Series' labels are not unique"):
        hpjit.jit(_map_by_repeated_labels)(df)
    with pytest.raises(pd.errors.InvalidIndexError):
        _map_by_repeated_labels(df)


def _at_label(df, label):
    return df.set_index("i").at[label, "f"]


def test_at_of_a_missing_or_repeated_label():
    """A label the index does not hold is pandas' KeyError; one it holds twice would be a
    Series in pandas (a type the data decides), so hpjit refuses it."""
    df = pd.DataFrame({"i": [4, 7, 7], "f": [0.5, 1.5, 2.5]})
    at = hpjit.jit(_at_label)
    assert at(df, 4) == _at_label(df, 4)
    with pytest.raises(KeyError):
        _at_label(df, 5)
    with pytest.raises(KeyError, match="the index does not hold"):
        at(df, 5)
    with pytest.raises(HpjitError, match="the index holds more than once"):
        at(df, 7)


def test_label_slice_is_refused_at_run_time():
    with pytest.raises(HpjitError, match="label slices are not supported"):
        hpjit.jit(_loc_label_slice)(api_frame(3))


def _max_of_bools(df):
    return df[["b"]].max()


def test_extreme_of_an_empty_bool_column_is_refused_at_run_time():
    """pandas' max of no bools is NaN (a float64 Series), of some bools a bool Series: hpjit
    types it bool and refuses the empty case (found by the long fuzzer)."""
    assert_same(hpjit.jit(_max_of_bools)(api_frame(3)), _max_of_bools(api_frame(3)))
    with pytest.raises(HpjitError, match="DataFrame.max of an empty bool column is NaN"):
        hpjit.jit(_max_of_bools)(pd.DataFrame({"b": pd.Series([], dtype=bool)}))


def _text_extremes(s):
    return s.min(), s.max(), s.sum(), s.any(), s.all(), s.cummin(), s.cummax()


def _text_idxmin(s):
    return s.idxmin()


def _text_without_values(s):
    return s.sum(), s.any(), s.all(), s.cummax()


_TEXT_EXTREMES = hpjit.jit(_text_extremes)


@pytest.mark.parametrize("values", [["b", None, "a", "c"], ["", "a", None], ["ä", "Zebra", "zz"]])
def test_string_reductions_of_a_few_values(values):
    s = pd.Series(values, dtype="str")
    assert_same(_TEXT_EXTREMES(s), _text_extremes(s))


def test_extreme_of_no_strings_is_refused_at_run_time():
    """pandas' min/max of no present string is NaN (a float), which a string result cannot
    hold; its idxmin raises. What needs no value still matches pandas."""
    s = pd.Series([None, None], dtype="str")
    assert pd.isna(s.min())
    with pytest.raises(HpjitError, match="min/max of an empty string Series is NaN in pandas"):
        _TEXT_EXTREMES(s)
    with pytest.raises(HpjitError, match="idxmin of a Series with no values"):
        hpjit.jit(_text_idxmin)(s)
    assert_same(hpjit.jit(_text_without_values)(s), _text_without_values(s))


def _windows(s, w, mp):
    r, e = s.rolling(w, min_periods=mp), s.expanding(mp)
    return (r.sum(), r.mean(), r.var(), r.std(), r.min(), r.max(), r.count(), r.median(),
            e.sum(), e.mean(), e.var(), e.std(), e.min(), e.max(), e.count())


_WINDOWS = hpjit.jit(_windows)
_NAN, _INF = float("nan"), float("inf")


@pytest.mark.parametrize("values, w, mp", [
    ([2.0, 1.0, 1.0, 4.0, 1.0, 1.0, 1.0], 3, 3),  # one repeated value: exact 0 and exact mean
    ([0.1, 0.1, 0.1, _NAN, 0.1, 0.2, 0.2, 0.2], 3, 1),
    ([1e6 + 0.1 * k for k in (3, -1, 4, 1, -5, 9, 2, -6)], 2, 2),  # compensated sums
    ([5e6, 1.0, 2.0, 3.0, -5e6, 0.5, 0.25], 3, 2),  # cancellation: pandas starts over
    ([1.0, _INF, 2.0, -_INF, 3.0, _NAN, 4.0], 2, 1),  # inf is missing, count counts it
    ([-0.0, -1.0, 0.0, 1.0, -2.0], 1, 0),  # a window of one row starts over at each row
    ([-1e-300, -2e-300, 3.0, -3.0], 2, 1),  # a mean of negative values stays negative
])
def test_windows_match_pandas_bit_for_bit(values, w, mp):
    """pandas' own window arithmetic (compensated sums, Welford with restarts, inf as
    missing): the results are equal, not just close."""
    s = pd.Series(values)
    for got, want in zip(_WINDOWS(s, w, mp), _windows(s, w, mp)):
        pd.testing.assert_series_equal(got, want, check_exact=True)


def _times_in(s):
    return (s.isin([pd.Timestamp("2021-01-01 00:00:01"), pd.Timestamp("2022-02-02")]),
            s.isin([pd.Timestamp("2021-01-01 00:00:01.5")]))


def test_isin_of_datetimes_matches_equal_instants():
    """Values in another unit match the same instant; one finer than the column's unit
    matches nothing."""
    s = pd.Series(pd.to_datetime(["2021-01-01 00:00:01", None, "2022-02-02 00:00:00"])
                  ).astype("datetime64[us]")
    assert_same(hpjit.jit(_times_in)(s), _times_in(s))
