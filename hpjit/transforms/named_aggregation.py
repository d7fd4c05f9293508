"""Untyped pass: ``gb.agg(total=('v', 'sum'))`` becomes ``gb.agg(NamedAggregation(...))``.

numba overloads cannot take ``**kwargs``, so pandas' named aggregation is read
here, where the keywords are still visible: when every keyword of an ``agg`` /
``aggregate`` call is a constant ``(column, function)`` pair, the keywords are
folded into one constant argument whose type carries them.
"""
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard, mk_unique_var

from hpjit.transforms.untyped_pass import StatementRewritePass
from hpjit.typing.groupby import NamedAggregation


def _const(func_ir, var):
    d = guard(get_definition, func_ir, var)
    if isinstance(d, (ir.Const, ir.Global, ir.FreeVar)):
        return d.value
    return None


def _pair(func_ir, var):
    d = guard(get_definition, func_ir, var)
    if isinstance(d, ir.Expr) and d.op == "build_tuple" and len(d.items) == 2:
        vals = [_const(func_ir, v) for v in d.items]
        if all(isinstance(v, str) for v in vals):
            return tuple(vals)
    if isinstance(d, (ir.Const, ir.Global, ir.FreeVar)) and isinstance(d.value, tuple):
        return d.value
    return None


def _is_agg_method(func_ir, var):
    d = guard(get_definition, func_ir, var)
    return isinstance(d, ir.Expr) and d.op == "getattr" and d.attr in ("agg", "aggregate")


@register_pass(mutates_CFG=False, analysis_only=False)
class NamedAggregationPass(StatementRewritePass):
    """``agg(out=(col, func), ...)`` → ``agg(<NamedAggregation constant>)``."""

    _name = "hpjit_named_aggregation"

    def rewrite(self, func_ir, block, stmt):
        v = stmt.value if isinstance(stmt, ir.Assign) else None
        if not (isinstance(v, ir.Expr) and v.op == "call" and v.kws and not v.args
                and _is_agg_method(func_ir, v.func)):
            return None
        pairs = [(k, _pair(func_ir, var)) for k, var in v.kws]
        if any(p is None for _, p in pairs):
            return None
        spec = NamedAggregation(tuple((k,) + p for k, p in pairs))
        const = ir.Var(block.scope, mk_unique_var("$hpjit_named_agg"), stmt.loc)
        v.args, v.kws = [const], []
        return [ir.Assign(ir.Global("named_agg", spec, stmt.loc), const, stmt.loc), stmt]
