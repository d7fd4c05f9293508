"""Untyped pass: jitted functions passed as call arguments become ``UdfRef`` constants.

See :mod:`hpjit.typing.udf_constants`: the constant has no run-time value, so a
function passing lambdas to ``map``/``apply`` can be cached on disk.
"""
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.dispatcher import Dispatcher

from hpjit.transforms.untyped_pass import StatementRewritePass
from hpjit.typing.udf_constants import UdfRef


@register_pass(mutates_CFG=False, analysis_only=False)
class UdfConstantPass(StatementRewritePass):
    """Untyped pass: a jitted function passed as a call argument becomes a ``UdfRef`` constant."""

    _name = "hpjit_udf_constants"

    def prepare(self, func_ir):
        self.arguments = {a.name for blk in func_ir.blocks.values() for st in blk.body
                          if isinstance(st, ir.Assign) and isinstance(st.value, ir.Expr)
                          and st.value.op == "call" for a in st.value.args}

    def rewrite(self, func_ir, block, stmt):
        if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Global)
                and isinstance(stmt.value.value, Dispatcher) and stmt.target.name in self.arguments):
            return None
        udf = stmt.value.value
        if func_ir.func_id.func.__globals__.get(stmt.value.name) is not udf:
            # a lambda numba made a jit function of: only compiled code calls it, so no
            # Python entry and no machine code of its own (linked into its callers, see
            # hpjit.core.codegen). A user's own jit function keeps its entry: Python may
            # call it with the same types.
            udf.targetoptions.update(no_cpython_wrapper=True, no_cfunc_wrapper=True)
        stmt.value = ir.Global(stmt.value.name, UdfRef(udf), stmt.value.loc)
        return [stmt]
