"""df.to_parquet / df.to_csv inside @jit: the file pandas would have written."""
import os
import tempfile

import pandas as pd
import pytest

import hpjit
from conftest import event_frame


def write_both(df, pq_path, csv_path):
    df["v2"] = df.value * 2
    df.to_parquet(pq_path)
    df[df.v2 > 0].to_csv(csv_path, index=False)
    return len(df)


jit_write = hpjit.jit(write_both)


@pytest.mark.parametrize("n", [0, 1, 50])
def test_writes_match_pandas(n):
    d = tempfile.mkdtemp(prefix="hpjit_write_")
    df = event_frame(n, seed=n, nulls=True)
    paths = [os.path.join(d, f) for f in ("hj.parquet", "hj.csv", "pd.parquet", "pd.csv")]
    assert jit_write(df.copy(), paths[0], paths[1]) == write_both(df.copy(), paths[2], paths[3])
    pd.testing.assert_frame_equal(pd.read_parquet(paths[0]), pd.read_parquet(paths[2]))
    with open(paths[1]) as a, open(paths[3]) as b:
        assert a.read() == b.read()


def write_parts(df, path):
    df["hi"] = df.value > 0.5
    df.to_parquet(path, partition_cols=["hi", "indicator"])


def test_partitioned_parquet_matches_pandas():
    """partition_cols=: a directory of parts, one subdirectory per key value, that pandas
    reads back as it reads its own."""
    d = tempfile.mkdtemp(prefix="hpjit_write_")
    df = event_frame(60, seed=4, nulls=True)
    df["indicator"] = df.indicator.str.len()  # a few distinct values: a few directories
    hpjit.jit(write_parts)(df.copy(), os.path.join(d, "hj"))
    write_parts(df.copy(), os.path.join(d, "pd"))
    got, exp = (pd.read_parquet(os.path.join(d, k)) for k in ("hj", "pd"))
    pd.testing.assert_frame_equal(got, exp)
    assert sorted(os.listdir(os.path.join(d, "hj"))) == sorted(os.listdir(os.path.join(d, "pd")))
    assert len(os.listdir(os.path.join(d, "hj"))) == 2


def write_labelled(df, path):
    df[df.value > 0].to_csv(path)  # pandas' default: index=True, the filtered labels kept


def test_csv_default_index_is_written():
    d = tempfile.mkdtemp(prefix="hpjit_write_")
    df = event_frame(40, seed=3, nulls=True)
    hpjit.jit(write_labelled)(df, os.path.join(d, "hj.csv"))
    write_labelled(df, os.path.join(d, "pd.csv"))
    with open(os.path.join(d, "hj.csv")) as a, open(os.path.join(d, "pd.csv")) as b:
        assert a.read() == b.read()


def write_into_missing_directory(df, path):
    df.to_csv(path, index=False)
    return len(df)


def test_write_to_missing_directory_names_it_and_the_line():
    from hpjit import HpjitError
    from test_errors import _check
    missing = os.path.join(tempfile.mkdtemp(prefix="hpjit_write_"), "no", "such")
    with pytest.raises(HpjitError) as e:
        hpjit.jit(write_into_missing_directory)(event_frame(3), os.path.join(missing, "x.csv"))
    _check(e, write_into_missing_directory, "to_csv", "DataFrame.to_csv: directory",
           "does not exist", missing)


def test_parquet_parts_merge_into_one_file():
    """What each rank of a distributed ``to_parquet`` does, in one process: two frames encoded
    apart, their row groups laid end to end under one merged footer, read back as one frame
    (the footer's compact encoding survives decoding and encoding unchanged)."""
    import pyarrow as pa
    from hpjit.runtime import thrift
    from hpjit.runtime.parquet_write import MAGIC, _encoded, merge_footers
    from relational_cases import keyed_frame
    whole = keyed_frame(120, seed=5)
    parts = [_encoded(pa.Table.from_pandas(whole.iloc[a:b], preserve_index=True))
             for a, b in ((0, 70), (70, 70), (70, 120))]
    for _, footer in parts:
        assert thrift.encode_struct(thrift.decode_struct(footer)[0]) == footer
    shifts = [0, len(parts[0][0]), len(parts[0][0]) + len(parts[1][0])]
    merged = merge_footers([(footer, by) for (_, footer), by in zip(parts, shifts)])
    path = os.path.join(tempfile.mkdtemp(prefix="hpjit_write_"), "merged.parquet")
    with open(path, "wb") as f:
        f.write(MAGIC + b"".join(bytes(g) for g, _ in parts) + merged
                + len(merged).to_bytes(4, "little") + MAGIC)
    pd.testing.assert_frame_equal(pd.read_parquet(path), whole)
