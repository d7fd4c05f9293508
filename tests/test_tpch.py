"""TPC-H queries as pandas users write them (``benchmarks/tpch/queries.py``), compiled and
compared with pandas running the same function: values, dtypes and index."""
import tempfile

import pandas as pd
import pytest

import hpjit
from tpch_cases import TESTED, load

QUERIES = load(tempfile.mkdtemp(prefix="hpjit_tpch_"))


@pytest.mark.parametrize("n", TESTED, ids=lambda n: f"q{n}")
def test_query_matches_pandas(n):
    fn = QUERIES.QUERIES[n]
    pd.testing.assert_frame_equal(hpjit.jit(fn)(), fn())
