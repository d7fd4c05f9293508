"""prange loops compile and give Python's answer on one process (split rows: test_mpi.py)."""
import pytest

import hpjit
from loop_cases import FRAME_PROGRAMS, INT_PROGRAMS, assert_same, loop_frame


@pytest.mark.parametrize("fn", INT_PROGRAMS + FRAME_PROGRAMS, ids=lambda f: f.__name__)
def test_prange_loops(fn):
    jitted = hpjit.jit(fn)
    for n in (0, 1, 2, 17, 1000):
        arg = loop_frame(n, seed=n) if fn in FRAME_PROGRAMS else n
        assert_same(jitted(arg), fn(arg))
