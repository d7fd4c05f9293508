"""Untyped pass: numpy's statistics (``np.percentile``, ``np.cov``...) and ``np.linspace``
become hpjit's.

hpjit's versions (:mod:`hpjit.ml.numpy_statistics`) give numpy's results where
numba's differ (one row, no rows) and are what the distribution analysis knows
how to run over split rows; forms they don't compute fall back to numba's.
Both ``np.cov`` (a module attribute) and ``from numpy import cov`` are found.
"""
import numpy as np
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard

from hpjit.ml.numpy_statistics import NUMPY_FUNCTIONS
from hpjit.transforms.untyped_pass import StatementRewritePass
from hpjit.typing.numpy_creation import NUMPY_CREATION


def _numpy_function(func_ir, value):
    fn = None
    if isinstance(value, (ir.Global, ir.FreeVar)):
        fn = value.value if _hashable(value.value) else None
    elif isinstance(value, ir.Expr) and value.op == "getattr":
        mod = guard(get_definition, func_ir, value.value)
        if isinstance(mod, (ir.Global, ir.FreeVar)) and mod.value is np:
            fn = getattr(np, value.attr, None)
    if fn is None or not _hashable(fn):
        return None
    return NUMPY_FUNCTIONS.get(fn) or NUMPY_CREATION.get(fn)


def _hashable(v):
    try:
        hash(v)
    except TypeError:
        return False
    return True


@register_pass(mutates_CFG=False, analysis_only=False)
class NumpyStatisticsPass(StatementRewritePass):
    """A global naming numpy's statistic (or ``np.linspace``) → hpjit's function."""

    _name = "hpjit_numpy_statistics"

    def rewrite(self, func_ir, block, stmt):
        mine = _numpy_function(func_ir, stmt.value) if isinstance(stmt, ir.Assign) else None
        if mine is None:
            return None
        stmt.value = ir.Global(mine.__name__, mine, stmt.loc)
        return [stmt]
