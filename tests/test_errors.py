"""Bad programs give one HpjitError naming the problem and the user's line."""
import inspect
import os
import tempfile

import pandas as pd
import pyarrow.parquet as pq
import pytest

import hpjit
from hpjit import HpjitError

try:
    from sklearn.linear_model import LinearRegression, LogisticRegression
except ImportError:  # the estimator tests skip themselves
    pass

DIR = tempfile.mkdtemp(prefix="hpjit_err_")
GOOD = os.path.join(DIR, "good.parquet")
MISSING = os.path.join(DIR, "missing.parquet")
pd.DataFrame({"a": [1, 2, 3], "s": ["x", "y", "z"]}).to_parquet(GOOD)
FRAME = pd.DataFrame({"a": [1, 2, 3], "s": ["x", "y", "z"]})


def _line_of(func, needle):
    lines, start = inspect.getsourcelines(func)
    for k, line in enumerate(lines):
        if needle in line:
            return start + k
    raise AssertionError(needle)


def _check(exc, func, needle, *fragments):
    msg = str(exc.value)
    for frag in fragments:
        assert frag in msg, msg
    assert f"{os.path.basename(inspect.getsourcefile(func))}:{_line_of(func, needle)}" in msg, msg
    assert "Failed in" not in msg and "No implementation" not in msg, msg


def non_constant_path(path):
    return pd.read_parquet(path)


def test_non_constant_parquet_path():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(non_constant_path)(GOOD)
    _check(e, non_constant_path, "read_parquet", "compile-time constant",
           "pass the DataFrame as an argument")


def missing_file():
    return pd.read_parquet(MISSING)


def test_missing_file():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(missing_file)()
    _check(e, missing_file, "read_parquet", "does not exist", "missing.parquet")


def missing_file_read_table():
    return pq.read_table(MISSING).to_pandas()


def test_missing_file_read_table():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(missing_file_read_table)()
    _check(e, missing_file_read_table, "pq.read_table", "does not exist")


def unknown_read_column():
    return pd.read_parquet(GOOD, columns=["a", "nope"])


def test_unknown_column_in_read():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(unknown_read_column)()
    _check(e, unknown_read_column, "read_parquet", "'nope'", "['a', 's']")


def unknown_column_getitem(df):
    x = df.a + 1
    return df["nope"]


def test_unknown_column_getitem():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(unknown_column_getitem)(FRAME)
    _check(e, unknown_column_getitem, 'df["nope"]', "column 'nope' does not exist", "['a', 's']")


def unknown_column_attr(df):
    return df.nope


def test_unknown_column_attribute():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(unknown_column_attr)(FRAME)
    _check(e, unknown_column_attr, "df.nope", "no column or attribute 'nope'", "['a', 's']")


def unsupported_pivot(df):
    return df.pivot(index="a", columns="s")


def test_unsupported_pandas_call():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(unsupported_pivot)(FRAME)
    _check(e, unsupported_pivot, "df.pivot", "DataFrame.pivot is not supported by hpjit")


def unsupported_series_call(df):
    return df.a.interpolate()


def test_unsupported_series_call():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(unsupported_series_call)(FRAME)
    _check(e, unsupported_series_call, "df.a.interpolate",
           "Series.interpolate is not supported by hpjit")


def unsupported_fill(df):
    return df.fillna(value=1.5)


def test_second_call_gives_the_same_message():
    """numba raises a failed compile's exception again without typing again (fuzz seed 40051):
    the second call must name the problem as the first did, not numba's pipeline step."""
    jitted = hpjit.jit(unsupported_fill)
    for _ in range(2):
        with pytest.raises(HpjitError) as e:
            jitted(FRAME)
        _check(e, unsupported_fill, "df.fillna", "Series.fillna is not supported by hpjit")


def count_times_column(df):
    return df.count() * df.a


def bool_where_int(df):
    return (df.a > 1).where(df.a > 2, 0)


def test_series_of_column_labels_times_a_column():
    """Labels of columns against labels of rows (fuzz seed 41282: numba's raw size assertion)."""
    with pytest.raises(HpjitError) as e:
        hpjit.jit(count_times_column)(FRAME)
    _check(e, count_times_column, "df.count()", "Series with different indexes")


def test_where_of_bools_with_a_number():
    """pandas makes an object column once a row is replaced (fuzz seed 40057)."""
    with pytest.raises(HpjitError) as e:
        hpjit.jit(bool_where_int)(FRAME)
    _check(e, bool_where_int, ".where(", "object column in pandas")


def incompatible_branches(df):
    return df.a.map(lambda x: "big" if x > 1 else 0)


def test_lambda_incompatible_branches():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(incompatible_branches)(FRAME)
    _check(e, incompatible_branches, "df.a.map", "incompatible types")


def apply_unknown_row_field(df):
    return df.apply(lambda r: r.zz + 1, axis=1)


def test_apply_unknown_row_field():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(apply_unknown_row_field)(FRAME)
    _check(e, apply_unknown_row_field, "df.apply", "row.zz", "['a', 's']")


def apply_axis0(df):
    return df.apply(lambda r: r.a, axis=0)


def test_apply_axis0_not_supported():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(apply_axis0)(FRAME)
    _check(e, apply_axis0, "df.apply", "axis=1")


def type_mismatch(df):
    return df.a + df.s


def test_type_mismatch():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(type_mismatch)(FRAME)
    _check(e, type_mismatch, "df.a + df.s", "not supported")


def bad_int_in_lambda(df):
    return df.s.map(lambda x: int(x))


def test_runtime_error_in_lambda_propagates():
    with pytest.raises(ValueError) as e:
        bad_int_in_lambda(FRAME)
    with pytest.raises(ValueError, match="invalid literal for int") as got:
        hpjit.jit(bad_int_in_lambda)(FRAME)
    assert str(got.value) == str(e.value)  # pandas' message, the value included


def gb_missing_key(df):
    return df.groupby("nope").sum()


def gb_string_mean(df):
    return df.groupby("a").mean()


def gb_unknown_agg(df):
    return df.groupby("a").agg("mode")


def gb_non_constant_key(df, key):
    return df.groupby(key).size()


def merge_type_mismatch(df, other):
    return df.merge(other, left_on="a", right_on="s")


def join_cross(df, other):
    return df.join(other.groupby("a").s.count(), on="a", how="cross")


def join_overlap(df, other):
    return df.join(other, how="inner")


def join_missing_key(df, other):
    return df.join(other.groupby("a")[["a"]].count(), on="nope")


def sort_missing_column(df):
    return df.sort_values("b")


@pytest.mark.parametrize("func, args, needle, fragments", [
    (gb_missing_key, (FRAME,), 'groupby("nope")', ["column 'nope' does not exist", "['a', 's']"]),
    (gb_string_mean, (FRAME,), 'groupby("a").mean()', ["cannot compute mean of column 's'"]),
    (gb_unknown_agg, (FRAME,), "agg(\"mode\")", ["aggregation 'mode' is not supported"]),
    (gb_non_constant_key, (FRAME, "a"), "groupby(key)", ["constant column names"]),
    (merge_type_mismatch, (FRAME, FRAME), "df.merge", ["different types"]),
    (sort_missing_column, (FRAME,), "sort_values", ["column 'b' does not exist"]),
    (join_cross, (FRAME, FRAME), "df.join", ["how='cross' is not supported"]),
    (join_overlap, (FRAME, FRAME), "df.join", ["columns overlap but no suffix specified"]),
    (join_missing_key, (FRAME, FRAME), "df.join", ["column 'nope' does not exist"]),
], ids=lambda v: v.__name__ if callable(v) else "")
def test_relational_errors(func, args, needle, fragments):
    with pytest.raises(HpjitError) as exc:
        hpjit.jit(func)(*args)
    _check(exc, func, needle, *fragments)


def lr_unsupported_param(df):
    return LinearRegression(positive=True).fit(df[["a"]], df.a).coef_


def lr_not_fitted(df):
    lr = LinearRegression()
    return lr.predict(df[["a"]])


def lr_nan(df):
    return LinearRegression().fit(df[["a", "b"]], df.a).coef_


def lr_one_d(df):
    return LinearRegression().fit(df.a.to_numpy(), df.a).coef_


def lr_string_column(df):
    return LinearRegression().fit(df[["a", "s"]], df.a).coef_


def test_estimator_errors():
    pytest.importorskip("sklearn")
    with pytest.raises(HpjitError) as e:
        hpjit.jit(lr_unsupported_param)(FRAME)
    _check(e, lr_unsupported_param, "positive=True", "LinearRegression(positive=...)",
           "not supported")
    with pytest.raises(HpjitError) as e:
        hpjit.jit(lr_not_fitted)(FRAME)
    _check(e, lr_not_fitted, "lr.predict", "not fitted yet")
    with pytest.raises(HpjitError) as e:
        hpjit.jit(lr_one_d)(FRAME)
    _check(e, lr_one_d, "fit(df.a", "Expected a 2D array")
    with pytest.raises(HpjitError) as e:
        hpjit.jit(lr_string_column)(FRAME)
    _check(e, lr_string_column, "fit(df", "column 's'", "not a numeric")
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.5, float("nan"), 1.0]})
    with pytest.raises(ValueError, match="Input X contains NaN"):
        hpjit.jit(lr_nan)(frame)


def logreg_solver(df):
    return LogisticRegression(solver="saga").fit(df[["a"]], df.a > 1).coef_


def test_unsupported_estimator_setting_is_named():
    pytest.importorskip("sklearn")
    with pytest.raises(HpjitError) as e:
        hpjit.jit(logreg_solver)(FRAME)
    _check(e, logreg_solver, "solver=", "LogisticRegression(solver='saga')", "only 'lbfgs'")


def quantile_non_constant_q(df, q):
    return df[["a"]].quantile(q)


def quantile_of_strings(df):
    return df.quantile([0.5])


def quantile_out_of_range(df):
    return df.a.quantile([0.5, 1.5])


@pytest.mark.parametrize("func, args, needle, fragments", [
    (quantile_non_constant_q, (FRAME, 0.5), "quantile(q)", ["needs a constant q"]),
    (quantile_of_strings, (FRAME,), "quantile([0.5])", ["column 's'", "numeric columns"]),
], ids=lambda v: v.__name__ if callable(v) else "")
def test_statistics_errors(func, args, needle, fragments):
    with pytest.raises(HpjitError) as exc:
        hpjit.jit(func)(*args)
    _check(exc, func, needle, *fragments)


def test_quantile_out_of_range_is_pandas_error():
    for f in (quantile_out_of_range, hpjit.jit(quantile_out_of_range)):
        with pytest.raises(ValueError, match=r"percentiles should all be in the interval \[0, 1\]"):
            f(FRAME)


def test_corrupt_parquet_names_the_file_and_line(tmp_path):
    """A truncated file at compile time, and a file damaged after compiling: one HpjitError
    naming the file and the user's line, not pyarrow's ArrowInvalid."""
    path = str(tmp_path / "damaged.parquet")
    pd.DataFrame({"a": [1, 2, 3]}).to_parquet(path)
    size = os.path.getsize(path)

    def damage():
        with open(path, "r+b") as f:
            f.truncate(size - 9)

    damage()
    with pytest.raises(HpjitError) as e:
        hpjit.jit(_read_damaged_const(path))()
    assert "damaged.parquet' is not a readable parquet file" in str(e.value)
    assert "test_errors.py:" in str(e.value), str(e.value)
    pd.DataFrame({"a": [1, 2, 3]}).to_parquet(path)
    compiled = hpjit.jit(_read_damaged_const(path))
    assert compiled() == 3
    damage()
    with pytest.raises(HpjitError) as e:
        compiled()
    assert "is not a readable parquet file" in str(e.value) and "test_errors.py:" in str(e.value)


def _read_damaged_const(path):
    def read():
        return len(pd.read_parquet(path))
    return read


def reads_unknown_column():
    df = pd.read_parquet(GOOD)
    return df["a"].sum() + df["nope"].sum()


def test_unknown_column_lists_the_files_columns():
    """The read is not pruned to the columns used when one of them is not in the file: the
    message lists the file's columns, not the pruned ones."""
    with pytest.raises(HpjitError) as e:
        hpjit.jit(reads_unknown_column)()
    columns = list(pd.read_parquet(GOOD).columns)
    _check(e, reads_unknown_column, 'df["nope"]', f"the columns are {columns}")


#: one program a refusal of the regular-expression engines, with what its message holds
REGEX_REFUSALS = [
    (lambda df: df.s.str.extract(r"(x)\1"), (r"'(x)\\1'", "does not support backreferences")),
    (lambda df: df.s.str.contains("(x|y)(?=z)"), ("'(x|y)(?=z)'", "does not support lookarounds")),
    (lambda df: df.s.str.replace("(é|x)", "-", regex=True),
     ("'(é|x)'", "hpjit matches ASCII patterns only")),
    (lambda df: df.s.str.extract("x|y"), ("'x|y'", "contains no capture groups")),
    (lambda df: df.s.str.count("(x|y)*"), ("'(x|y)*'", "can match the empty string")),
    (lambda df: df.s.str.replace("(x*)+y", "-", regex=True),
     ("'(x*)+y'", "a repeated group that can match the empty string")),
    (lambda df: df.s.str.count("^(x|y)"), ("'^(x|y)'", "matches again after each match")),
    (lambda df: df.s.str.replace("(x|y)", r"\n", regex=True),
     (r"repl '\\n'", r"\1..\1 and \g<name>")),
]


@pytest.mark.parametrize("func, fragments", REGEX_REFUSALS)
def test_regex_refusal_names_the_pattern(func, fragments):
    with pytest.raises(HpjitError) as e:
        hpjit.jit(func)(FRAME)
    _check(e, func, "df.s.str", *fragments)
