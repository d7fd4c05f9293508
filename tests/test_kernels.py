"""The parallel runtime kernels (``njit(parallel=True)``) against numpy, sizes on both sides
of their serial cut-offs: a parfor that lowers wrongly returns plausible zeros, not errors."""
import numpy as np
import pytest

from hpjit.typing.columns.gather import gather
from hpjit.runtime.groupby_kernels import dense_sorted_groups, group_sum_into
from hpjit.runtime.hashtable import dense_lookup, value_range
from hpjit.runtime.join_kernels import _lookup_pairs


@pytest.mark.parametrize("n", [0, 1, 5, 1000, 1_200_000])
def test_parallel_kernels_match_numpy(n):
    rng = np.random.default_rng(n)
    lgroup, rfirst = rng.integers(-1, 50, n), rng.permutation(50)
    for keep in (True, False):
        lrows, rrows = _lookup_pairs(lgroup, rfirst, keep)
        kept = np.flatnonzero((lgroup >= 0) | keep)
        np.testing.assert_array_equal(lrows, kept)
        np.testing.assert_array_equal(rrows, np.where(lgroup[kept] >= 0,
                                                      rfirst[np.maximum(lgroup[kept], 0)], -1))
    every = rng.integers(0, 50, n)
    lrows, rrows = _lookup_pairs(every, rfirst, False)
    np.testing.assert_array_equal(lrows, np.arange(n))
    np.testing.assert_array_equal(rrows, rfirst[every])

    keys, slot = rng.integers(-3, 40, n), rng.integers(-1, 9, 43)
    np.testing.assert_array_equal(dense_lookup(keys, slot, np.int64(-3), 43), slot[keys + 3])
    if n:
        lo, hi = value_range(keys)
        assert (lo, hi) == (keys.min(), keys.max())
        group, first = dense_sorted_groups(keys, lo, hi - lo + 1)
        values, inverse = np.unique(keys, return_inverse=True)
        np.testing.assert_array_equal(group, inverse)
        np.testing.assert_array_equal(first, [np.argmax(keys == v) for v in values])

    a = rng.normal(size=n)
    a[rng.random(n) < 0.1] = np.nan
    rows = rng.integers(0, max(n, 1), n)
    np.testing.assert_array_equal(gather(a, rows), a[rows])
    np.testing.assert_array_equal(gather(a, np.arange(n)), a)
    for ngroups in (1, 7, 1000):
        g = rng.integers(-1, ngroups, n)
        got = group_sum_into(a, g, np.zeros(ngroups))
        keep = (g >= 0) & ~np.isnan(a)
        np.testing.assert_allclose(got, np.bincount(g[keep], weights=a[keep], minlength=ngroups),
                                   rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("n", [0, 1, 5, 70_000, 600_000, 2_000_000])
def test_radix_argsort_is_numpys_stable_argsort(n):
    """Every way through: numpy's sort when short; one LSD pass, two, or an MSD pass (its
    crowded digits split further) and buckets sorted in cache (bits all keys of a span
    share skipped); keys already in order; one chunk below 2**17 rows, several above; ties
    kept in row order."""
    from hpjit.runtime.sort_kernels import radix_argsort
    rng = np.random.default_rng(n)
    u64 = np.uint64
    floats = rng.normal(size=n).view(u64)
    cases = {"random": rng.integers(0, 2 ** 64 - 1, n, dtype=u64, endpoint=True),
             "ties_high": rng.integers(0, 50, n).astype(u64) << u64(40),
             "one_pass": rng.integers(0, 2000, n).astype(u64),
             "two_passes": rng.integers(0, 2 ** 20, n).astype(u64),
             "floats": np.where(floats >> u64(63), ~floats, floats | u64(1 << 63)),
             "few_buckets": (rng.integers(0, 4, n).astype(u64) << u64(50))
             | rng.integers(0, 2 ** 30, n).astype(u64),
             "in_order": np.sort(rng.integers(0, 2 ** 40, n).astype(u64)),
             "skewed": np.where(rng.random(n) < 0.9,
                                (u64(5) << u64(40)) | rng.integers(0, 2 ** 40, n).astype(u64),
                                rng.integers(0, 2 ** 50, n).astype(u64)),
             "narrow_skew": np.where(rng.random(n) < 0.9,
                                     (u64(1) << u64(27)) | rng.integers(0, 2 ** 12, n).astype(u64),
                                     rng.integers(0, 2 ** 28, n).astype(u64)),
             "all_equal": np.full(n, 7, u64)}
    for name, keys in cases.items():
        rows = rng.permutation(n).astype(np.int64)
        np.testing.assert_array_equal(radix_argsort(keys, rows),
                                      rows[np.argsort(keys, kind="stable")], err_msg=name)


@pytest.mark.parametrize("n", [0, 3, 300_000])
def test_range_labels(n):
    from hpjit.typing.columns.gather import range_labels
    rows = np.random.default_rng(n).permutation(n)
    np.testing.assert_array_equal(range_labels(5, -2, rows), 5 - 2 * rows)


@pytest.mark.parametrize("n, span, lo", [(1, 1, 0), (50, 7, -3), (600_000, 1000, 10 ** 9)])
def test_dense_first_counts_is_value_counts_in_first_appearance_order(n, span, lo):
    """Counted by key value, several chunks of rows apart when the rows are many: pandas'
    ``value_counts(sort=False)`` (first appearance order)."""
    import pandas as pd

    from hpjit.runtime.groupby_kernels import dense_first_counts
    k = np.random.default_rng(n).integers(lo, lo + span, n)
    values, counts = dense_first_counts(k, lo, span)
    expected = pd.Series(k).value_counts(sort=False)
    np.testing.assert_array_equal(values, expected.index.to_numpy())
    np.testing.assert_array_equal(counts, expected.to_numpy())


@pytest.mark.parametrize("keep", [0, 1, 2])
@pytest.mark.parametrize("n, span, lo", [(0, 1, 0), (1, 1, 0), (50, 7, -3), (600_000, 1000, 10)])
def test_dense_keep_mask_is_pandas_duplicated(n, span, lo, keep):
    """drop_duplicates by key value: first rows, last rows, or rows of unique values."""
    import pandas as pd

    from hpjit.runtime.groupby_kernels import dense_keep_mask
    k = np.random.default_rng(n).integers(lo, lo + span, n)
    expected = ~pd.Series(k).duplicated(keep=("first", "last", False)[keep]).to_numpy()
    np.testing.assert_array_equal(dense_keep_mask(k, lo, span, keep), expected)


def test_keep_freed_memory(monkeypatch):
    """glibc keeps freed large blocks (hpjit asks at import); ``HPJIT_KEEP_MEMORY=0`` leaves
    malloc alone."""
    import platform
    from hpjit.core.memory import keep_freed_memory
    assert keep_freed_memory() == (platform.libc_ver()[0] == "glibc")
    monkeypatch.setenv("HPJIT_KEEP_MEMORY", "0")
    assert keep_freed_memory() is False


@pytest.mark.parametrize("ascending", [True, False])
@pytest.mark.parametrize("na_last", [True, False])
def test_key_destinations_agree_with_row_compare(ascending, na_last):
    """A range shuffle's destinations by one numeric key's radix keys are the ones found by
    comparing rows (missing values included, either direction)."""
    from numba import njit
    from hpjit.transforms.distributed.shuffle import _compared_destinations, _key_destinations
    from hpjit.runtime.sort_kernels import argsort_rows

    @njit
    def both(samples, a, asc, na_last):
        order = argsort_rows((samples,), (asc,), na_last)
        splitters = order[np.array([3, 10, 10, 25])]
        return (_key_destinations(samples, splitters, a, asc, na_last),
                _compared_destinations((samples,), splitters, (a,), (asc,), na_last))

    rng = np.random.default_rng(7)
    floats = rng.integers(-5, 5, 5000) / 2
    floats[rng.random(5000) < 0.1] = np.nan
    ints = rng.integers(-2 ** 62, 2 ** 62, 5000)
    for a in (floats, ints):
        fast, compared = both(a[rng.integers(0, len(a), 32)], a, ascending, na_last)
        np.testing.assert_array_equal(fast, compared)
