"""The TPC-H queries of ``benchmarks/tpch/queries.py`` at scale factor 0.01, shared by the
one-process test (``test_tpch.py``) and the mpiexec job ``tpch`` (``test_mpi_tpch.py``).

Every query runs in ``benchmarks/tpch/run.py``; the suite compiles the ones below (a query's
first compile takes 2–80 s today, see the README), chosen to cover every operation the 22 use.
"""
import importlib
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "tpch")
#: compiled on one process
TESTED = (1, 3, 4, 6, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22)
#: compiled under mpiexec -n 2 and -n 3
DISTRIBUTED = (1, 4, 6, 12, 14, 22)


def load(root):
    """The queries module reading SF 0.01 tables generated under ``root`` (once)."""
    sys.path.insert(0, ROOT)
    import data
    os.environ["TPCH_DATA"] = data.generate(0.01, root)
    os.environ["TPCH_SF"] = "0.01"
    import queries
    return importlib.reload(queries)

