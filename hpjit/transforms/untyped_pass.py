"""The skeleton of hpjit's untyped passes: find statements of one shape, rewrite them.

A pass subclasses ``StatementRewritePass`` and writes ``rewrite(func_ir, block, stmt)``, which
returns None to keep the statement as it is, or the statements that replace it (the statement
itself among them when it was changed in place, or new ones around it). ``prepare`` gathers
what the rewrite needs to know of the whole function first. The IR's definitions are rebuilt
once, when anything changed.
"""
from numba.core import ir
from numba.core.compiler_machinery import FunctionPass
from numba.core.ir_utils import build_definitions, mk_unique_var


def constant_list(scope, names, loc):
    """(the statements building the list ``names`` of constants, as user code ``['a', 'b']``
    does, and its variable): numba types it with its values, as overloads reading column
    names expect."""
    new, items = [], []
    for c in names:
        var = ir.Var(scope, mk_unique_var("$hpjit_col"), loc)
        new.append(ir.Assign(ir.Const(c, loc), var, loc))
        items.append(var)
    lst = ir.Var(scope, mk_unique_var("$hpjit_columns"), loc)
    new.append(ir.Assign(ir.Expr.build_list(items, loc), lst, loc))
    return new, lst


class StatementRewritePass(FunctionPass):
    """Base of an untyped pass that rewrites statement by statement (see the module)."""

    def __init__(self):
        FunctionPass.__init__(self)

    def prepare(self, func_ir):
        """Facts of the whole function the rewrites read (nothing by default)."""

    def rewrite(self, func_ir, block, stmt):
        raise NotImplementedError

    def run_pass(self, state):
        func_ir = state.func_ir
        self.prepare(func_ir)
        changed = False
        for block in func_ir.blocks.values():
            body = []
            for stmt in block.body:
                new = self.rewrite(func_ir, block, stmt)
                if new is None:
                    body.append(stmt)
                else:
                    body.extend(new)
                    changed = True
            block.body = body
        if changed:
            func_ir._definitions = build_definitions(func_ir.blocks)
        return changed
