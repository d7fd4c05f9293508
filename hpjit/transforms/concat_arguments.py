"""Untyped pass: ``pd.concat([a, b])`` → ``pd.concat((a, b))``.

numba types a list only when its items share one type; frames rarely do (another index,
other column types), and a tuple also gives the overload the objects' count at compile
time. A list written in the call and used nowhere else becomes a tuple.
"""
import pandas as pd
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard

from hpjit.transforms.constant_arguments import pandas_function
from hpjit.transforms.untyped_pass import StatementRewritePass


def _uses(func_ir):
    counts = {}
    for block in func_ir.blocks.values():
        for stmt in block.body:
            for v in stmt.list_vars():
                counts[v.name] = counts.get(v.name, 0) + 1
    return counts


@register_pass(mutates_CFG=False, analysis_only=False)
class ConcatArgumentsPass(StatementRewritePass):
    """``pd.concat([a, b])`` → ``pd.concat((a, b))`` where the list is used nowhere else."""

    _name = "hpjit_concat_arguments"

    def prepare(self, func_ir):
        self.uses = None

    def rewrite(self, func_ir, block, stmt):
        expr = stmt.value if isinstance(stmt, ir.Assign) else None
        if not (isinstance(expr, ir.Expr) and expr.op == "call" and expr.args
                and pandas_function(func_ir, expr.func) is pd.concat):
            return None
        objs = guard(get_definition, func_ir, expr.args[0])
        if not (isinstance(objs, ir.Expr) and objs.op == "build_list"):
            return None
        self.uses = self.uses or _uses(func_ir)
        if self.uses.get(expr.args[0].name) != 2:  # defined, then passed here
            return None
        objs.op = "build_tuple"
        return [stmt]
