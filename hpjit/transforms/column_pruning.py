"""Untyped pass: a parquet read whose frame only ever has columns taken from it reads only those.

``df = pd.read_parquet(path)`` (or ``pq.read_table(path).to_pandas()``) followed by
column accesses (``df.a``, ``df['a']``), column assignments and ``len(df)`` gets
``columns=[the columns used, in file order]``. Any other use of the frame — it is
returned, filtered, passed to a function, ``df.apply`` — needs every column, and the
read is left as written.
"""

import pandas as pd
import pyarrow.parquet as pq
from numba.core import ir
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.ir_utils import build_definitions, get_definition, guard

from hpjit.runtime.parquet_read import dataset_files
from hpjit.transforms.untyped_pass import constant_list
from hpjit.typing.frame_methods import setitem


def _value(func_ir, var):
    d = guard(get_definition, func_ir, var)
    if isinstance(d, (ir.Global, ir.FreeVar, ir.Const)):
        return d.value
    if isinstance(d, ir.Expr) and d.op == "getattr":
        base = _value(func_ir, d.value)
        return getattr(base, d.attr, None) if base is not None else None
    return None


def _read_call(func_ir, expr):
    """(call expr that takes columns=, path var) if ``expr`` reads a whole parquet file."""
    if not (isinstance(expr, ir.Expr) and expr.op == "call"):
        return None
    if len(expr.args) != 1 or expr.kws or expr.vararg:
        return None
    if _value(func_ir, expr.func) is pd.read_parquet:
        return expr, expr.args[0]
    return None


def _to_pandas_read(func_ir, expr):
    """(read_table call, path var) for ``pq.read_table(path).to_pandas()``."""
    if not (isinstance(expr, ir.Expr) and expr.op == "call") or expr.args or expr.kws:
        return None
    fdef = guard(get_definition, func_ir, expr.func)
    if not (isinstance(fdef, ir.Expr) and fdef.op == "getattr" and fdef.attr == "to_pandas"):
        return None
    tdef = guard(get_definition, func_ir, fdef.value)
    if isinstance(tdef, ir.Expr) and tdef.op == "call" and len(tdef.args) == 1 \
            and not tdef.kws and _value(func_ir, tdef.func) is pq.read_table:
        return tdef, tdef.args[0]
    return None


def _assigned_columns(func_ir, name):
    """Constant column names ``name`` gets by ``df['c'] = v``."""
    out = set()
    for block in func_ir.blocks.values():
        for stmt in block.body:
            v = stmt.value if isinstance(stmt, ir.Assign) else None
            if isinstance(v, ir.Expr) and v.op == "call" and _value(func_ir, v.func) is setitem \
                    and v.args and v.args[0].name == name:
                key = _value(func_ir, v.args[1])
                if isinstance(key, str):
                    out.add(key)
    return out


def _columns_used(func_ir, name, file_columns):
    """The file columns frame variable ``name`` is read for, or None if it escapes."""
    used = set()
    columns = set(file_columns) | _assigned_columns(func_ir, name)
    for block in func_ir.blocks.values():
        for stmt in block.body:
            if isinstance(stmt, ir.Assign) and stmt.target.name == name:
                v = stmt.value
                if isinstance(v, ir.Expr) and v.op == "call" and \
                        _value(func_ir, v.func) is setitem and v.args[0].name == name:
                    if any(a.name == name for a in v.args[1:]):
                        return None
                    continue
                if _read_call(func_ir, v) or _to_pandas_read(func_ir, v):
                    continue
                return None
            if not any(v.name == name for v in stmt.list_vars()):
                continue
            v = stmt.value if isinstance(stmt, ir.Assign) else None
            if not isinstance(v, ir.Expr):
                return None
            if v.op == "getattr" and v.value.name == name:
                if v.attr in columns:
                    used.add(v.attr)
                    continue
                if v.attr == "shape":
                    continue
                return None
            key = v.index if v.op == "static_getitem" else \
                _value(func_ir, v.index) if v.op == "getitem" else None
            if v.op in ("static_getitem", "getitem") and v.value.name == name and \
                    isinstance(key, str):
                if key not in columns:
                    return None  # an unknown column: its error lists all the file's columns
                used.add(key)
                continue
            if v.op == "call" and _value(func_ir, v.func) is len and len(v.args) == 1:
                continue
            if v.op == "call" and _value(func_ir, v.func) is setitem and \
                    v.args[0].name == name and stmt.target.name == name:
                continue
            return None
    return used


@register_pass(mutates_CFG=False, analysis_only=False)
class ColumnPruningPass(FunctionPass):
    _name = "hpjit_column_pruning"

    def __init__(self):
        FunctionPass.__init__(self)

    def run_pass(self, state):
        func_ir = state.func_ir
        changed = False
        for block in func_ir.blocks.values():
            for stmt in list(block.body):
                if not isinstance(stmt, ir.Assign):
                    continue
                found = _read_call(func_ir, stmt.value) or _to_pandas_read(func_ir, stmt.value)
                if found is None:
                    continue
                call, path_var = found
                path = _value(func_ir, path_var)
                if not isinstance(path, str):
                    continue  # the read's own overload reports it
                try:
                    file_columns = pq.read_schema(dataset_files(path)[0]).names
                except Exception:
                    continue
                used = _columns_used(func_ir, stmt.target.name, file_columns)
                if used is None or used.issuperset(file_columns):
                    continue
                keep = [c for c in file_columns if c in used] or file_columns[:1]  # rows need one
                changed |= add_columns(block, call, keep, stmt.loc)
        if changed:
            func_ir._definitions = build_definitions(func_ir.blocks)
        return changed


def add_columns(block, call, keep, loc):
    """Give the read ``call`` (in ``block``) the keyword ``columns=keep``, replacing any."""
    new, lst = constant_list(block.scope, keep, loc)
    for blk_stmt_index, st in enumerate(block.body):
        if isinstance(st, ir.Assign) and st.value is call:
            block.body[blk_stmt_index:blk_stmt_index] = new
            call.kws = [(n, a) for n, a in call.kws if n != "columns"] + [("columns", lst)]
            return True
    return False
