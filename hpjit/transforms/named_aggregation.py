"""Untyped pass: ``gb.agg(total=('v', 'sum'))`` (or ``total=pd.NamedAgg('v', 'sum')``) becomes
``gb.agg(NamedAggregation(...))``.

numba overloads cannot take ``**kwargs``, so pandas' named aggregation is read
here, where the keywords are still visible: when every keyword of an ``agg`` /
``aggregate`` call is a constant ``(column, function)`` pair, the keywords are
folded into one constant argument whose type carries them.
"""
import pandas as pd
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard, mk_unique_var

from hpjit.transforms.constant_arguments import pandas_function
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
    if isinstance(d, ir.Expr) and d.op == "call" and not d.vararg and \
            pandas_function(func_ir, d.func) is pd.NamedAgg:
        kws = dict(d.kws)
        items = list(d.args) + [kws[k] for k in ("column", "aggfunc")[len(d.args):] if k in kws]
        vals = [_const(func_ir, v) for v in items]
        if len(vals) == 2 and all(isinstance(v, str) for v in vals):
            return tuple(vals)
    if isinstance(d, (ir.Const, ir.Global, ir.FreeVar)) and isinstance(d.value, pd.NamedAgg):
        pair = (d.value.column, d.value.aggfunc)
        return pair if all(isinstance(v, str) for v in pair) else None
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
