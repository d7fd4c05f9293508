"""Compiled collectives under mpiexec, called from numba functions directly (not through
``hpjit.jit``): each against what it must give. Imported only by a job of more than one rank.
The functions are cached (keyed by the MPI handles): a job at another world size loads them."""
import math

import numpy as np
import pandas as pd

import hpjit
from hpjit.core.kernel import cached_njit
from hpjit.runtime import collectives as C
from hpjit.transforms.distributed.frame_collectives import (alltoallv_column, bcast_column,
                                                            scatterv_column)


@cached_njit(world=True)
def scalars_and_arrays(x, S):
    a = np.arange(x, dtype=np.float64) + 100 * x
    b = C.bcast(a, 0)
    s = C.bcast(7 * x, 1)
    g = C.gatherv_array(a, 0)
    sc = C.scatterv_array(np.arange(10) if x == 1 else np.empty(0, np.int64), 0)
    counts = np.full(S, 1, np.int64)
    send = np.arange(S) + 10 * x
    recv, rc = C.alltoallv_array(send, counts)
    p = C.allreduce(x, C.OP_PROD)
    m = C.allreduce(x > 1, C.OP_AND)
    o = C.allreduce(x > 1, C.OP_OR)
    e = C.exscan_int64(x)
    return b, s, g, sc, recv, rc, p, m, o, e


def check_collectives():
    """Each compiled collective against what it must give."""
    R, S = hpjit.get_rank(), hpjit.get_size()
    x = R + 1
    b, s, g, sc, recv, rc, p, m, o, e = scalars_and_arrays(x, S)
    assert (b == np.arange(1) + 100).all(), b
    assert s == 14
    if R == 0:
        exp = np.concatenate([np.arange(k, dtype=float) + 100 * k for k in range(1, S + 1)])
        assert (g == exp).all(), g
    else:
        assert len(g) == 0
    blocks = np.array_split(np.arange(10), S)
    assert (sc == blocks[R]).all(), (sc, blocks[R])
    assert (recv == np.array([R + 10 * (k + 1) for k in range(S)])).all(), recv
    assert (rc == 1).all()
    assert p == math.factorial(S) and not m and o
    assert e == sum(range(1, R + 1))
    column_collectives(R, S)
    print(f"rank {R}: collectives OK", flush=True)


def _rank_columns(rank, n=7):
    rng = np.random.default_rng(rank)
    words = [None if rng.random() < 0.3 else "é" * int(rng.integers(0, 3)) + f"w{rank}{k}"
             for k in range(n)]
    ints = [None if rng.random() < 0.3 else int(v) for v in rng.integers(0, 99, n)]
    return (pd.Series(pd.array(words, dtype="str")), pd.Series(pd.array(ints, dtype="Int64")),
            pd.Series(rng.normal(size=n)))


def column_collectives(R, S):
    """alltoallv, scatterv and bcast of string, nullable and numeric columns against regenerated
    data."""
    counts = np.array([2, 3, 2][:S], np.int64)
    counts[-1] += 7 - counts.sum()
    starts = np.concatenate([[0], np.cumsum(counts)])
    for k in range(3):
        got, got_counts = move(_rank_columns(R)[k], counts)
        parts = [_rank_columns(r)[k].iloc[starts[R]:starts[R + 1]] for r in range(S)]
        exp = pd.concat(parts, ignore_index=True).array
        assert list(got_counts) == [counts[R]] * S, got_counts
        pd.testing.assert_extension_array_equal(pd.array(got), exp) if k < 2 else \
            np.testing.assert_array_equal(got, np.asarray(exp))
        root_col = _rank_columns(S - 1)[k]
        got_b = broadcast(root_col if R == S - 1 else _rank_columns(R)[k].iloc[:1], S - 1)
        if k < 2:
            pd.testing.assert_extension_array_equal(pd.array(got_b), root_col.array)
        else:
            np.testing.assert_array_equal(got_b, root_col.to_numpy())
        block = scatter(_rank_columns(0)[k] if R == 0 else _rank_columns(0)[k].iloc[:0])
        whole = _rank_columns(0)[k]
        lo, hi = [(b[0], b[-1] + 1) if len(b) else (0, 0)
                  for b in np.array_split(np.arange(len(whole)), S)][R]
        exp_block = whole.iloc[lo:hi].array
        if k < 2:
            pd.testing.assert_extension_array_equal(pd.array(block), exp_block)
        else:
            np.testing.assert_array_equal(block, np.asarray(exp_block))


@cached_njit(world=True)
def move(s, counts):
    return alltoallv_column(s._data, counts)


@cached_njit(world=True)
def scatter(s):
    return scatterv_column(s._data, 0)


@cached_njit(world=True)
def broadcast(s, root):
    return bcast_column(s._data, root)
