"""pd.read_parquet of a directory or glob of files: pandas' rows in pandas' order, and clear errors
for a glob matching nothing or files whose schemas disagree."""
import glob
import os
import tempfile

import numpy as np
import pandas as pd
import pytest

import hpjit
from hpjit import HpjitError
from conftest import event_frame
from test_errors import _check

DIR = tempfile.mkdtemp(prefix="hpjit_ds_")
PARTS = os.path.join(DIR, "parts")
os.makedirs(PARTS)
# very different sizes, an empty file, several row groups, nulls in one file only
event_frame(300, seed=1).to_parquet(os.path.join(PARTS, "part-0.parquet"), row_group_size=64)
event_frame(0).to_parquet(os.path.join(PARTS, "part-1.parquet"))
event_frame(3, seed=2, nulls=True).to_parquet(os.path.join(PARTS, "part-2.parquet"))
event_frame(1, seed=3).to_parquet(os.path.join(PARTS, "part-3.parquet"))
open(os.path.join(PARTS, "_SUCCESS"), "w").close()  # skipped, as pyarrow skips it
GLOB = os.path.join(PARTS, "part-[023].parquet")

MIXED = os.path.join(DIR, "mixed")
os.makedirs(MIXED)
pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}).to_parquet(os.path.join(MIXED, "0.parquet"))
pd.DataFrame({"a": [0.5], "b": [2.5]}).to_parquet(os.path.join(MIXED, "1.parquet"))
FEWER = os.path.join(DIR, "fewer")
os.makedirs(FEWER)
pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}).to_parquet(os.path.join(FEWER, "0.parquet"))
pd.DataFrame({"a": [3]}).to_parquet(os.path.join(FEWER, "1.parquet"))


def filtered_dataset():
    """filters= on a dataset: an AND, an OR of ANDs, a column filtered on but not read, no
    matching row."""
    a = pd.read_parquet(PARTS, filters=[("value", ">", 0.5), ("indicator", "!=", "na")])
    b = pd.read_parquet(PARTS, columns=["event_time"],
                        filters=[[("value", "<", -1.0)], [("indicator", "in", ["7", "na"])]])
    c = pd.read_parquet(PARTS, filters=[("value", ">", 100.0)])
    return a, b, c, a.value.sum()


def test_filters_match_pandas():
    got, exp = hpjit.jit(filtered_dataset)(), filtered_dataset()
    for g, e in zip(got[:3], exp[:3]):
        pd.testing.assert_frame_equal(g, e)
    assert got[3] == pytest.approx(exp[3]) and len(exp[0]) > 10 and len(exp[2]) == 0


def bad_filter():
    return pd.read_parquet(PARTS, filters=[("nope", ">", 1)])


def test_filter_on_a_missing_column_names_it():
    with pytest.raises(HpjitError) as e:
        hpjit.jit(bad_filter)()
    _check(e, bad_filter, "read_parquet", "filters= names column 'nope'")


def whole_dataset():
    df = pd.read_parquet(PARTS)
    df["ind"] = df.indicator.map(lambda x: -1 if x == "na" else int(x))
    return df


def dataset_columns():
    df = pd.read_parquet(GLOB, columns=["value", "indicator"])
    return df.value.sum(), df.indicator.nunique(), len(df), df[df.value > 0]


def test_directory_is_pandas_rows_in_order():
    pd.testing.assert_frame_equal(hpjit.jit(whole_dataset)(), whole_dataset())


def test_glob_reads_matching_files_in_name_order():
    files = sorted(glob.glob(GLOB))
    whole = pd.concat([pd.read_parquet(f, columns=["value", "indicator"]) for f in files],
                      ignore_index=True)
    total, distinct, n, positive = hpjit.jit(dataset_columns)()
    assert np.isclose(total, whole.value.sum()) and n == len(whole) == 304
    assert distinct == whole.indicator.nunique()
    pd.testing.assert_frame_equal(positive, whole[whole.value > 0])


NOTHING = os.path.join(DIR, "nothing-*.parquet")


def glob_without_match():
    return pd.read_parquet(NOTHING)


def schema_mismatch():
    return pd.read_parquet(MIXED)


def missing_column_in_one_file():
    return pd.read_parquet(FEWER)


@pytest.mark.parametrize("func, fragments", [
    (glob_without_match, ["matches no file", "nothing-*.parquet"]),
    (schema_mismatch, ["1.parquet", "column 'a'", "double", "int64"]),
    (missing_column_in_one_file, ["1.parquet", "no column 'b'"]),
])
def test_dataset_errors(func, fragments):
    with pytest.raises(HpjitError) as e:
        hpjit.jit(func)()
    _check(e, func, "read_parquet", *fragments)


NULLABLE = pd.DataFrame({
    "i": pd.array([1, None, 3], dtype="Int64"), "u": pd.array([1, 2, 3], dtype="UInt8"),
    "b": pd.array([True, None, False], dtype="boolean"),
    "f": pd.array([1.5, None, 2.0], dtype="Float64"), "n": [1, 2, 3], "t": [True, False, True],
    "s": pd.array(["x", None, "z"], dtype="str")})


def _read_each(path):
    @hpjit.jit
    def read():
        return pd.read_parquet(path)
    return read()


@pytest.mark.parametrize("rows", [slice(None), slice(0, 1), slice(0, 0)], ids=["3", "1", "0"])
def test_columns_are_typed_as_pandas_wrote_them(rows):
    """Nullable columns come back nullable (pandas' metadata in the file, with or without a
    missing value), numpy ones as written; a file of no rows keeps its columns' types; a
    dataset whose part is empty reads as pandas reads it."""
    path = os.path.join(DIR, f"nullable_{rows.stop}.parquet")
    NULLABLE[rows].reset_index(drop=True).to_parquet(path)
    pd.testing.assert_frame_equal(_read_each(path), pd.read_parquet(path))
    parts = os.path.join(DIR, f"nullable_parts_{rows.stop}")
    os.makedirs(parts)
    NULLABLE[rows].reset_index(drop=True).to_parquet(os.path.join(parts, "0.parquet"))
    NULLABLE.iloc[:0].to_parquet(os.path.join(parts, "1.parquet"))
    pd.testing.assert_frame_equal(_read_each(parts), pd.read_parquet(parts))


def test_file_of_no_rows_from_another_writer():
    """An empty file with no pandas metadata (an empty daily partition): int and bool columns
    as pandas gives them, not as if they held nulls."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = os.path.join(DIR, "empty_arrow.parquet")
    pq.write_table(pa.table({"i": pa.array([], pa.int64()), "b": pa.array([], pa.bool_()),
                             "s": pa.array([], pa.string())}), path)
    pd.testing.assert_frame_equal(_read_each(path), pd.read_parquet(path))
