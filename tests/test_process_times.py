"""The seed workload, verbatim, against pandas — both read forms."""
import os
import tempfile

import pandas as pd
import pyarrow.parquet as pq
import pytest

import hpjit
from conftest import assert_frame_like_pandas, event_frame

DATA = os.path.join(tempfile.mkdtemp(prefix="hpjit_pt_"), "data.parquet")
event_frame(10).to_parquet(DATA)


def process_times():
    df = pq.read_table(DATA).to_pandas()
    df['event_time'] = pd.DatetimeIndex(df['event_time'])
    df['hr'] = df.event_time.map(lambda x: x.hour)
    df['minute'] = df.event_time.map(lambda x: x.minute)
    df['second'] = df.event_time.map(lambda x: x.second)
    df['minute_day'] = df.apply(lambda row: row.hr*60 + row.minute, axis = 1)
    df['event_date'] = df.event_time.map(lambda x: x.date())
    df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
    return df


def process_times_read_parquet():
    df = pd.read_parquet(DATA, columns=['event_time', 'indicator'])
    df['event_time'] = pd.DatetimeIndex(df['event_time'])
    df['hr'] = df.event_time.map(lambda x: x.hour)
    df['minute'] = df.event_time.map(lambda x: x.minute)
    df['minute_day'] = df.apply(lambda row: row.hr*60 + row.minute, axis = 1)
    df['event_date'] = df.event_time.map(lambda x: x.date())
    df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
    return df.minute_day.sum(), df.indicator_cleaned.sum(), df


jit_process_times = hpjit.jit(process_times)
jit_read_parquet = hpjit.jit(process_times_read_parquet)


@pytest.mark.parametrize("row_group_size", [None, 3])
def test_workload_verbatim(size, row_group_size):
    event_frame(size, seed=size).to_parquet(DATA, row_group_size=row_group_size)
    assert_frame_like_pandas(jit_process_times(), process_times())


def test_workload_read_parquet_columns(size):
    event_frame(size, seed=size + 1).to_parquet(DATA)
    got_md, got_ind, got = jit_read_parquet()
    exp_md, exp_ind, exp = process_times_read_parquet()
    if size:  # with no rows pandas' map keeps the input dtype, so its sum of strings is ''
        assert got_md == exp_md and got_ind == exp_ind
    else:
        assert got_md == 0 and got_ind == 0
    assert list(got.columns) == list(exp.columns)
    assert_frame_like_pandas(got, exp)


PRUNED = os.path.join(os.path.dirname(DATA), "extra_column.parquet")
_extra = event_frame(20, seed=3)
_extra["tags"] = [["a", "b"]] * 20  # a list column hpjit cannot type: reading it would fail
_extra.to_parquet(PRUNED)


def sums_only():
    df = pd.read_parquet(PRUNED)
    df['event_time'] = pd.DatetimeIndex(df['event_time'])
    df['hr'] = df.event_time.map(lambda x: x.hour)
    df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
    return df.hr.sum(), df.indicator_cleaned.sum(), len(df), df.shape[0]


def whole_frame():
    return pd.read_parquet(PRUNED)


def test_unused_columns_are_not_read():
    assert hpjit.jit(sums_only)() == sums_only()
    with pytest.raises(hpjit.HpjitError, match="'tags'"):  # the frame escapes: every column
        hpjit.jit(whole_frame)()
