"""Untyped pass: ``est.fit(X, y)`` as a statement becomes ``est = est.fit(X, y)``.

scikit-learn fits in place; a compiled estimator's fitted attributes change its
type, so ``fit`` returns a new value and the name is rebound to it (numba's SSA
reconstruction then types each version). Only variables made by calling a
scikit-learn class are rewritten, and only where ``fit``'s result is unused.
"""
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard

from hpjit.transforms.untyped_pass import StatementRewritePass


def _is_estimator(func_ir, var):
    d = guard(get_definition, func_ir, var)
    if isinstance(d, ir.Expr) and d.op == "call":
        f = guard(get_definition, func_ir, d.func)
        cls = getattr(f, "value", None)
        return isinstance(cls, type) and getattr(cls, "__module__", "").startswith("sklearn.")
    return False


def _unused(func_ir, var):
    return not any(var.name in {v.name for v in stmt.list_vars()} and
                   not (isinstance(stmt, ir.Assign) and stmt.target.name == var.name)
                   for block in func_ir.blocks.values() for stmt in block.body)


@register_pass(mutates_CFG=False, analysis_only=False)
class EstimatorFitPass(StatementRewritePass):
    """``est.fit(X)`` whose result is unused → followed by ``est = <that result>``."""

    _name = "hpjit_estimator_fit"

    def rewrite(self, func_ir, block, stmt):
        if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Expr)
                and stmt.value.op == "call"):
            return None
        m = guard(get_definition, func_ir, stmt.value.func)
        if isinstance(m, ir.Expr) and m.op == "getattr" and m.attr == "fit" and \
                not m.value.name.startswith("$") and _is_estimator(func_ir, m.value) \
                and _unused(func_ir, stmt.target):
            return [stmt, ir.Assign(stmt.target, m.value, stmt.loc)]
        return None
