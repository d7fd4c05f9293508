"""``hpjit.core.chunks``: a row loop run a chunk per thread without a parfor."""
import numba
import numpy as np
import pytest

from hpjit.core.chunks import chunk_body, parallel_chunks, row


@chunk_body
def _double(a, out, start, stop):
    bad = 0
    for i in range(start, stop):
        i = row(i)
        out[i] = a[i] * 2
        bad += a[i] < 0
    return bad


@chunk_body
def _raises_at_seven(a, start, stop):
    for i in range(start, stop):
        if a[row(i)] == 7:
            raise ValueError("seven")
    return 0


@chunk_body
def _threads_seen(seen, start, stop):
    seen[numba.get_thread_id()] += stop - start
    return 0


@numba.njit
def double(a):
    out = np.empty_like(a)
    return out, parallel_chunks(_double, len(a), (a, out))


@numba.njit
def failed_rows(a):
    return parallel_chunks(_raises_at_seven, len(a), (a,))


@numba.njit
def rows_per_thread(n):
    seen = np.zeros(numba.config.NUMBA_NUM_THREADS, np.int64)
    parallel_chunks(_threads_seen, n, (seen,))
    return seen


@pytest.mark.parametrize("n", [0, 1, 2, 3, 1001])
def test_every_row_once_and_results_summed(n):
    a = np.arange(n, dtype=np.float64) - 5
    out, negative = double(a)
    np.testing.assert_array_equal(out, a * 2)
    assert negative == (a < 0).sum()


def test_a_chunk_that_raises_counts_its_rows():
    """The caller replays on its own thread to raise the user's error: it needs to know."""
    assert failed_rows(np.arange(5)) == 0
    assert 0 < failed_rows(np.arange(100)) <= 100


def test_rows_are_shared_among_the_threads():
    """One chunk per thread; OpenMP's static schedule gives each thread its own (TBB may
    steal, so only the total is checked there)."""
    seen = rows_per_thread(1000)
    assert seen.sum() == 1000
    if numba.threading_layer() == "omp":
        assert (seen > 0).sum() == numba.get_num_threads()
