"""Untyped pass: ``df['c'] = v`` becomes ``df = setitem(df, 'c', v)``,
``df.columns = names`` becomes ``df = set_columns(df, names)``, and
``out = df.assign(a=v, b=f)`` becomes ``out = setitem(setitem(df, 'a', v), 'b', f(...))``, and
``df.loc[rows, cols] = v`` becomes ``df = loc_setitem(df, rows, cols, v)``, and
``pd.DataFrame({'a': v, 'b': w})`` becomes ``frame_of_columns(ColumnNames(('a', 'b')), v, w)``
(numba cannot type a dict of differently typed values).

A numba variable has one type, but pandas code grows a frame column by column.
Rebinding the name to a new value lets numba's SSA reconstruction give each
version of ``df`` its own ``DataFrameType``. Only constant string keys are
rewritten; ``setitem`` is an ordinary in-place store for anything that is not a
DataFrame.
"""
import pandas as pd
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.dispatcher import Dispatcher
from numba.core.ir_utils import build_definitions, get_definition, guard, mk_unique_var

from hpjit.transforms.constant_arguments import pandas_function
from hpjit.transforms.untyped_pass import StatementRewritePass
from hpjit.typing.frame_constructor import ColumnNames, frame_of_columns
from hpjit.typing.frame_columns import set_columns
from hpjit.typing.frame_methods import setitem
from hpjit.typing.indexers import loc_setitem


def _const_str_key(func_ir, stmt):
    if isinstance(stmt, ir.StaticSetItem):
        return isinstance(stmt.index, str)
    if isinstance(stmt, ir.SetItem):
        d = guard(get_definition, func_ir, stmt.index)
        return isinstance(d, (ir.Const, ir.FreeVar, ir.Global)) and isinstance(d.value, str)
    return False


class _DroppingPass(StatementRewritePass):
    """A rewrite that leaves variables unused (``self.replaced``): they are removed after it."""

    def run_pass(self, state):
        self.replaced = set()
        changed = super().run_pass(state)
        if self.replaced:
            _drop_unused(state.func_ir, self.replaced)
        return changed


@register_pass(mutates_CFG=False, analysis_only=False)
class DataFrameAssignPass(_DroppingPass):
    """``out = df.assign(a=v, b=f)`` → ``out = setitem(setitem(df, 'a', v), 'b', f(...))``,
    before numba inlines closures, so that a lambda's call is inlined (and its body analysed
    for distribution like the function's own code). The unused ``x.assign`` is removed: it is
    not typed."""

    _name = "hpjit_dataframe_assign"

    def rewrite(self, func_ir, block, stmt):
        built = _frame_dict(func_ir, stmt)
        if built is not None:
            names, values, dict_var = built
            self.replaced |= {dict_var.name, stmt.value.func.name}
            const = ir.Var(block.scope, mk_unique_var("$hpjit_column_names"), stmt.loc)
            return [ir.Assign(ir.Global("column_names", ColumnNames(names), stmt.loc), const,
                              stmt.loc)] + _rebind(block, stmt, frame_of_columns, [const, *values])
        assigned = _assign_call(func_ir, stmt)
        if assigned is None:
            return None
        self.replaced.add(stmt.value.func.name)
        return _assignments(block, stmt, *assigned)


@register_pass(mutates_CFG=False, analysis_only=False)
class DataFrameSetItemPass(_DroppingPass):
    """``df['c'] = v`` (a constant string key) → ``df = setitem(df, 'c', v)``;
    ``df.columns = names`` → ``df = set_columns(df, names)``; ``df.loc[rows, cols] = v`` →
    ``df = loc_setitem(df, rows, cols, v)`` (its key tuple removed: the distributed pass would
    gather a tuple's members)."""

    _name = "hpjit_dataframe_setitem"

    def rewrite(self, func_ir, block, stmt):
        loc = _loc_target(func_ir, stmt)
        if loc is not None:
            self.replaced.add(stmt.target.name)
            if isinstance(stmt, ir.SetItem):
                self.replaced.add(stmt.index.name)
            consts, args = _as_vars(block, stmt.loc, loc)
            return consts + _rebind(block, stmt, loc_setitem, [*args, stmt.value],
                                    target=args[0])
        if isinstance(stmt, ir.SetAttr) and stmt.attr == "columns":
            return _rebind(block, stmt, set_columns, [stmt.target, stmt.value])
        if not _const_str_key(func_ir, stmt):
            return None
        key = stmt.index_var if isinstance(stmt, ir.StaticSetItem) else stmt.index
        return _rebind(block, stmt, setitem, [stmt.target, key, stmt.value])


def _rebind(block, stmt, fn_value, args, target=None):
    """``target = fn_value(*args)`` in place of ``stmt`` (target: the statement's own)."""
    name = fn_value.__name__
    fn = ir.Var(block.scope, mk_unique_var(f"$hpjit_{name}"), stmt.loc)
    return [ir.Assign(ir.Global(name, fn_value, stmt.loc), fn, stmt.loc),
            ir.Assign(ir.Expr.call(fn, args, (), stmt.loc), target or stmt.target, stmt.loc)]


def _loc_target(func_ir, stmt):
    """(frame, rows, columns) of ``frame.loc[rows, columns] = v``, or None."""
    if not isinstance(stmt, (ir.SetItem, ir.StaticSetItem)):
        return None
    d = guard(get_definition, func_ir, stmt.target)
    if not (isinstance(d, ir.Expr) and d.op == "getattr" and d.attr == "loc"):
        return None
    if isinstance(stmt, ir.StaticSetItem):  # df.loc[:, 'c']: a constant key
        key = ir.Const(stmt.index, stmt.loc)
    else:
        key = guard(get_definition, func_ir, stmt.index)
    if isinstance(key, ir.Expr) and key.op == "build_tuple" and len(key.items) == 2:
        return d.value, key.items[0], key.items[1]
    if isinstance(key, (ir.Const, ir.Global, ir.FreeVar)) and isinstance(key.value, tuple) and \
            len(key.value) == 2:
        return d.value, key.value[0], key.value[1]
    return None


def _as_vars(block, loc, values):
    """``values`` as variables: (the assignments of the constants among them, the variables)."""
    consts, out = [], []
    for v in values:
        if not isinstance(v, ir.Var):
            var = ir.Var(block.scope, mk_unique_var("$hpjit_loc_key"), loc)
            consts.append(ir.Assign(ir.Const(v, loc), var, loc))
            v = var
        out.append(v)
    return consts, out


def _frame_dict(func_ir, stmt):
    """(names, value vars, dict var) of ``pd.DataFrame({'a': v, ...})`` with constant string
    keys and no other argument, or None."""
    v = stmt.value if isinstance(stmt, ir.Assign) else None
    if not (isinstance(v, ir.Expr) and v.op == "call" and len(v.args) == 1 and not v.kws
            and not v.vararg and pandas_function(func_ir, v.func) is pd.DataFrame):
        return None
    d = guard(get_definition, func_ir, v.args[0])
    if not (isinstance(d, ir.Expr) and d.op == "build_map" and d.items):
        return None
    keys = [guard(get_definition, func_ir, k) for k, _ in d.items]
    if not all(isinstance(k, ir.Const) and isinstance(k.value, str) for k in keys):
        return None
    return [k.value for k in keys], [val for _, val in d.items], v.args[0]


def _assign_call(func_ir, stmt):
    """(frame var, keywords) of ``x.assign(name=value, ...)`` (keywords only), or None."""
    v = stmt.value if isinstance(stmt, ir.Assign) else None
    if not (isinstance(v, ir.Expr) and v.op == "call" and v.kws and not v.args and not v.vararg):
        return None
    d = guard(get_definition, func_ir, v.func)
    if not (isinstance(d, ir.Expr) and d.op == "getattr" and d.attr == "assign"):
        return None
    return d.value, v.kws, {name for name, var in v.kws if _is_function(func_ir, var)}


def _is_function(func_ir, var):
    """A lambda or jitted function (callable on the frame, as ``assign`` does)."""
    d = guard(get_definition, func_ir, var)
    return (isinstance(d, ir.Expr) and d.op == "make_function") or \
        (isinstance(d, (ir.Global, ir.FreeVar)) and isinstance(d.value, Dispatcher))


def _assignments(block, stmt, frame, kws, functions):
    """``DataFrame.assign``, one column after another as pandas does (a function is called
    with the frame as assigned so far)."""
    out, loc, scope = [], stmt.loc, block.scope
    fn = ir.Var(scope, mk_unique_var("$hpjit_setitem"), loc)
    out.append(ir.Assign(ir.Global("setitem", setitem, loc), fn, loc))
    current = frame
    for k, (name, value) in enumerate(kws):
        key = ir.Var(scope, mk_unique_var("$hpjit_assign_key"), loc)
        out.append(ir.Assign(ir.Const(name, loc), key, loc))
        if name in functions:
            called = ir.Var(scope, mk_unique_var("$hpjit_assign_value"), loc)
            out.append(ir.Assign(ir.Expr.call(value, [current], (), loc), called, loc))
            value = called
        target = stmt.target if k == len(kws) - 1 else \
            ir.Var(scope, mk_unique_var("$hpjit_assigned"), loc)
        out.append(ir.Assign(ir.Expr.call(fn, [current, key, value], (), loc), target, loc))
        current = target
    return out


def _drop_unused(func_ir, names):
    """Remove the assignments of ``names`` that nothing uses any more."""
    used = {v.name for blk in func_ir.blocks.values() for st in blk.body
            if not (isinstance(st, ir.Assign) and st.target.name in names)
            for v in st.list_vars()}
    gone = names - used
    for blk in func_ir.blocks.values():
        blk.body = [st for st in blk.body
                    if not (isinstance(st, ir.Assign) and st.target.name in gone)
                    and not (isinstance(st, ir.Del) and st.value in gone)]
    func_ir._definitions = build_definitions(func_ir.blocks)
