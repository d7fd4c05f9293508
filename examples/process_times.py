"""The seed workload: parse event times, derive fields with lambdas, clean an indicator.

Run:  python examples/process_times.py            (one process)
      mpirun -n 4 python examples/process_times.py (four ranks, each reading a quarter)
Writes a seeded sample ``data.parquet`` next to this file when it is absent.
"""
import os
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

import hpjit

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data.parquet")


def make_sample(path, n=100_000, seed=0):
    """Event times as text (as they come from logs) and an indicator with 'na' markers."""
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 365 * 86400, n)
    times = (np.datetime64("2018-01-01T00:00:00") + seconds.astype("timedelta64[s]"))
    text = np.datetime_as_string(times, unit="s")
    text = np.char.replace(text.astype(str), "T", " ")
    indicator = np.where(rng.random(n) < 0.1, "na", rng.integers(-5, 100, n).astype(str))
    df = pd.DataFrame({"event_time": pd.array(text, dtype="str"),
                       "indicator": pd.array(indicator, dtype="str"),
                       "value": rng.random(n)})
    df.to_parquet(path, row_group_size=max(1, n // 8))


if hpjit.get_rank() == 0 and not os.path.exists(DATA):
    make_sample(DATA)
hpjit.barrier()


@hpjit.jit
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


if __name__ == "__main__":
    result = process_times()  # the whole frame, on every rank
    if hpjit.get_rank() == 0:
        print(result.head())
        print("rows:", len(result), " minute_day sum:", int(result.minute_day.sum()),
              " indicator_cleaned sum:", int(result.indicator_cleaned.sum()))
        sys.stdout.flush()
