import warnings

import numpy as np
import pandas as pd
import pytest

warnings.filterwarnings("ignore", module="numba")

#: files run first, in this order: the MPI jobs take the longest (a rank compiles every program
#: distributed). With ``-n auto --dist loadfile --no-loadscope-reorder`` xdist hands these out
#: in turn to whichever worker has the fewest tests left, then the remaining files.
FIRST = ("test_mpi_distinct.py", "test_mpi.py", "test_mpi_merge.py", "test_mpi_ml.py",
         "test_mpi_frame_api.py", "test_mpi_tpch.py",
         "test_mpi_join.py", "test_mpi_groupby.py", "test_mpi_sort.py", "test_relational.py")


def pytest_collection_modifyitems(items):
    rank = {name: k for k, name in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(FIRST)))  # stable: order kept


def event_frame(n, seed=0, nulls=False):
    """The seed workload's columns: event times as text, an indicator with 'na', a value."""
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 3 * 365 * 86400, n)
    times = np.datetime64("2017-06-01T00:00:00") + seconds.astype("timedelta64[s]")
    text = np.array([t.replace("T", " ") for t in np.datetime_as_string(times, unit="s")], dtype=object)
    indicator = np.where(rng.random(n) < 0.2, "na", rng.integers(-50, 1000, n).astype(str))
    value = rng.normal(size=n)
    if nulls and n:
        value[rng.random(n) < 0.2] = np.nan
        text[rng.random(n) < 0.2] = None
    return pd.DataFrame({"event_time": pd.array(text, dtype="str"),
                         "indicator": pd.array(indicator.astype(object), dtype="str"),
                         "value": value})


SIZES = [0, 1, 2, 17, 1000]


@pytest.fixture(params=SIZES, ids=lambda n: f"n{n}")
def size(request):
    return request.param


def text_dates_as_hpjit(expected):
    """pandas types datetimes parsed from empty or all-missing text as ``[s]``; hpjit always
    gives ``[us]`` (what pandas gives for any non-empty second-resolution text). This is the
    one documented difference; apply it to the expected frame where it arises."""
    out = expected.copy()
    for name in out.columns:
        col = out[name]
        if str(col.dtype) == "datetime64[s]" and col.isna().all():
            out[name] = col.astype("datetime64[us]")
    return out


def assert_frame_like_pandas(got, expected):
    """``assert_frame_equal`` against pandas, with the one documented exception for no rows:
    pandas cannot see what a function passed to ``map``/``apply`` returns when it is never
    called and keeps the input dtype (or float64); hpjit types the function, so an empty
    result has the dtypes a non-empty one has. Empty frames are compared without dtypes."""
    if len(expected) == 0:
        assert len(got) == 0 and list(got.columns) == list(expected.columns)
        pd.testing.assert_index_equal(got.index, expected.index, exact=False)
    else:
        pd.testing.assert_frame_equal(got, text_dates_as_hpjit(expected))
