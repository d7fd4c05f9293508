"""Untyped pass: jitted functions passed as call arguments become ``UdfRef`` constants.

See :mod:`hpjit.typing.udf_constants`: the constant has no run-time value, so a
function passing lambdas to ``map``/``apply`` can be cached on disk.
"""
from numba.core import ir
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.dispatcher import Dispatcher
from numba.core.ir_utils import build_definitions

from hpjit.typing.udf_constants import UdfRef


@register_pass(mutates_CFG=False, analysis_only=False)
class UdfConstantPass(FunctionPass):
    """Untyped pass: a jitted function passed as a call argument becomes a ``UdfRef`` constant."""

    _name = "hpjit_udf_constants"

    def __init__(self):
        FunctionPass.__init__(self)

    def run_pass(self, state):
        func_ir = state.func_ir
        args = {a.name for blk in func_ir.blocks.values() for st in blk.body
                if isinstance(st, ir.Assign) and isinstance(st.value, ir.Expr)
                and st.value.op == "call" for a in st.value.args}
        changed = False
        for blk in func_ir.blocks.values():
            for st in blk.body:
                if isinstance(st, ir.Assign) and isinstance(st.value, ir.Global) \
                        and isinstance(st.value.value, Dispatcher) and st.target.name in args:
                    st.value = ir.Global(st.value.name, UdfRef(st.value.value), st.value.loc)
                    changed = True
        if changed:
            func_ir._definitions = build_definitions(func_ir.blocks)
        return changed
