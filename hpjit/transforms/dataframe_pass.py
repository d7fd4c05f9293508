"""Untyped pass: ``df['c'] = v`` becomes ``df = setitem(df, 'c', v)``.

A numba variable has one type, but pandas code grows a frame column by column.
Rebinding the name to a new value lets numba's SSA reconstruction give each
version of ``df`` its own ``DataFrameType``. Only constant string keys are
rewritten; ``setitem`` is an ordinary in-place store for anything that is not a
DataFrame.
"""
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard, mk_unique_var

from hpjit.transforms.untyped_pass import StatementRewritePass
from hpjit.typing.frame_methods import setitem


def _const_str_key(func_ir, stmt):
    if isinstance(stmt, ir.StaticSetItem):
        return isinstance(stmt.index, str)
    if isinstance(stmt, ir.SetItem):
        d = guard(get_definition, func_ir, stmt.index)
        return isinstance(d, (ir.Const, ir.FreeVar, ir.Global)) and isinstance(d.value, str)
    return False


@register_pass(mutates_CFG=False, analysis_only=False)
class DataFrameSetItemPass(StatementRewritePass):
    """``df['c'] = v`` (a constant string key) → ``df = setitem(df, 'c', v)``."""

    _name = "hpjit_dataframe_setitem"

    def rewrite(self, func_ir, block, stmt):
        if not _const_str_key(func_ir, stmt):
            return None
        key = stmt.index_var if isinstance(stmt, ir.StaticSetItem) else stmt.index
        fn = ir.Var(block.scope, mk_unique_var("$hpjit_setitem"), stmt.loc)
        call = ir.Expr.call(fn, [stmt.target, key, stmt.value], (), stmt.loc)
        return [ir.Assign(ir.Global("setitem", setitem, stmt.loc), fn, stmt.loc),
                ir.Assign(call, stmt.target, stmt.loc)]
