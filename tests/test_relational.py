"""groupby/aggregate and sorting against pandas, on keys of every kind with missing values."""
import numpy as np
import pandas as pd
import pytest

import hpjit

from conftest import SIZES
from relational_cases import (DISTINCT, GROUPBY, JITTED, MERGES, RESETS, SORTS, assert_same, dim_frame,
                              expected, expected_joins, expected_joins_kept, expected_merge,
                              gb_nullable, keyed_frame, keyed_values_frame, nullable_frame,
                              sort_keyed)


@pytest.mark.parametrize("n", SIZES + [3000])
@pytest.mark.parametrize("fn", GROUPBY, ids=lambda f: f.__name__)
def test_groupby_matches_pandas(fn, n):
    df = keyed_frame(n, seed=n)
    assert_same(JITTED[fn.__name__](df), expected(fn, df))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fn", SORTS, ids=lambda f: f.__name__)
def test_sort_matches_pandas(fn, n):
    df = keyed_frame(n, seed=n)
    assert_same(JITTED[fn.__name__](df), expected(fn, df))


@pytest.mark.parametrize("index", ["range", "shifted", "labels"])
@pytest.mark.parametrize("negative_zero", [False, True])
@pytest.mark.parametrize("n", SIZES + [5000, 70_000])
def test_sort_rebuilds_numeric_keys(n, negative_zero, index):
    """One float64 or int64 key with nothing missing: the sorted column comes from the radix
    keys (not when a -0.0 is among them), the labels of a 0..n-1 range are the order itself;
    through numpy's sort (short), one or two LSD passes and MSD buckets."""
    df = keyed_values_frame(n, seed=n, negative_zero=negative_zero, index=index)
    got, exp = JITTED["sort_keyed"](df), expected(sort_keyed, df)
    assert_same(got, exp)
    for g, e in zip(got, exp):
        x = (g["x"], e["x"]) if isinstance(e, pd.DataFrame) and "x" in e else (g, e)
        np.testing.assert_array_equal(np.signbit(x[0].to_numpy()), np.signbit(x[1].to_numpy()))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fn", RESETS, ids=lambda f: f.__name__)
def test_reset_index_matches_pandas(fn, n):
    df = keyed_frame(n, seed=n)
    assert_same(JITTED[fn.__name__](df), expected(fn, df))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("fn", DISTINCT, ids=lambda f: f.__name__)
def test_distinct_and_top_n_match_pandas(fn, n):
    df = keyed_frame(n, seed=n)
    assert_same(JITTED[fn.__name__](df), expected(fn, df))


@pytest.mark.parametrize("n", SIZES)
def test_groupby_of_nullable_columns(n):
    df = nullable_frame(n, seed=n)
    assert_same(JITTED["gb_nullable"](df), expected(gb_nullable, df))


def test_skewed_keys():
    df = keyed_frame(2000, seed=5, skew=True)
    for fn in GROUPBY[:3]:
        assert_same(JITTED[fn.__name__](df), expected(fn, df))


@pytest.mark.parametrize("n, m", [(0, 5), (5, 0), (1, 1), (17, 9), (1000, 300)])
@pytest.mark.parametrize("fn", MERGES, ids=lambda f: f.__name__)
def test_merge_matches_pandas(fn, n, m):
    df, dim = keyed_frame(n, seed=n), dim_frame(m, seed=m)
    assert_same(JITTED[fn.__name__](df, dim), expected_merge(fn, df, dim))


@pytest.mark.parametrize("n, m", [(0, 5), (5, 0), (1, 1), (17, 9), (1000, 300)])
def test_join_matches_pandas(n, m):
    df, dim = keyed_frame(n, seed=n), dim_frame(m, seed=m)
    assert_same(JITTED["joins"](df, dim), expected_joins(df, dim))
    assert_same(JITTED["joins_kept"](df, dim), expected_joins_kept(df, dim))


def test_merge_keeps_pandas_row_order_with_many_to_many():
    df, dim = keyed_frame(300, seed=8), dim_frame(200, seed=9)
    got = JITTED["merge_inner"](df, dim)
    assert_same(got, expected_merge(merge_inner_fn(), df, dim))
    assert len(got) > len(df)  # keys repeat on both sides


def merge_inner_fn():
    from relational_cases import merge_inner
    return merge_inner


def test_series_with_int_labels():
    """A series whose index is int64 labels (not a range) goes in and comes back."""
    s = pd.Series([3.0, 1.0, 2.0, 1.0], index=pd.Index([10, -20, 30, 7]), name="v")
    pd.testing.assert_series_equal(hpjit.jit(lambda s: s.sort_values())(s),
                                   s.sort_values(kind="stable"))
