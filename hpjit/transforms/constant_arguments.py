"""Untyped pass: float constants that decide a result's type become typed constants.

numba types ``0.5`` as plain ``float64``, but pandas names ``df.quantile(0.5)`` by
its q, so the value must be known when the result is typed. For the method
arguments listed in ``FLOAT_ARGUMENTS``, a float constant (literal, module
constant, or variable bound once to one) is replaced by a ``FloatConstant``
global, whose type carries the value.
"""
from numba.core import ir
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.ir_utils import build_definitions, get_definition, guard, mk_unique_var

from hpjit.typing.constants import FloatConstant

#: method name → (parameter name, position)
FLOAT_ARGUMENTS = {"quantile": ("q", 0)}


def _float_const(func_ir, var):
    d = guard(get_definition, func_ir, var)
    if isinstance(d, (ir.Const, ir.Global, ir.FreeVar)) and isinstance(d.value, float):
        return d.value
    return None


def _method_name(func_ir, var):
    d = guard(get_definition, func_ir, var)
    return d.attr if isinstance(d, ir.Expr) and d.op == "getattr" else None


@register_pass(mutates_CFG=False, analysis_only=False)
class ConstantArgumentsPass(FunctionPass):
    _name = "hpjit_constant_arguments"

    def __init__(self):
        FunctionPass.__init__(self)

    def run_pass(self, state):
        func_ir = state.func_ir
        changed = False
        for block in func_ir.blocks.values():
            body = []
            for stmt in block.body:
                v = stmt.value if isinstance(stmt, ir.Assign) else None
                spec = FLOAT_ARGUMENTS.get(_method_name(func_ir, v.func)) \
                    if isinstance(v, ir.Expr) and v.op == "call" else None
                if spec is not None:
                    name, pos = spec
                    kws = dict(v.kws)
                    var = v.args[pos] if len(v.args) > pos else kws.get(name)
                    value = _float_const(func_ir, var) if var is not None else None
                    if value is not None:
                        const = ir.Var(block.scope, mk_unique_var("$hpjit_float_const"), stmt.loc)
                        body.append(ir.Assign(ir.Global("float_const", FloatConstant(value),
                                                        stmt.loc), const, stmt.loc))
                        if len(v.args) > pos:
                            v.args[pos] = const
                        else:
                            v.kws = [(k, const if k == name else a) for k, a in v.kws]
                        changed = True
                body.append(stmt)
            block.body = body
        if changed:
            func_ir._definitions = build_definitions(func_ir.blocks)
        return changed
