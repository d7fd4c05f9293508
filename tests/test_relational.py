"""groupby/aggregate and sorting against pandas, on keys of every kind with missing values."""
import pytest

from conftest import SIZES
from relational_cases import GROUPBY, JITTED, SORTS, assert_same, expected, keyed_frame


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


def test_skewed_keys():
    df = keyed_frame(2000, seed=5, skew=True)
    for fn in GROUPBY[:3]:
        assert_same(JITTED[fn.__name__](df), expected(fn, df))
