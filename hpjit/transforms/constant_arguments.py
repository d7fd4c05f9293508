"""Untyped pass: constants that decide a result's type become typed constants.

numba types ``0.5`` as plain ``float64``, but pandas names ``df.quantile(0.5)`` by
its q, so the value must be known when the result is typed. For the method
arguments listed in ``FLOAT_ARGUMENTS``, a float constant (literal, module
constant, or variable bound once to one) is replaced by a ``FloatConstant``
global, whose type carries the value. ``pd.read_parquet(..., filters=[...])``
(tuples of a column name, an operator and a value, which numba cannot type as one
list) becomes a ``ParquetFilters`` global the same way, and so does a constant dict argument of
the methods in ``DICT_ARGUMENTS`` (a ``DictConstant``), as does any module-level dict. A
module-level ``pd.Timestamp``,
``datetime.datetime`` or ``pd.Timedelta`` becomes the numpy scalar numba can lower, and a
string built from constants (``DATA + "/x.parquet"``, ``f"{DATA}/x.parquet"``) becomes one
constant, so a file path assembled that way is still known when the read is typed.
"""
import operator

import pandas as pd
from numba.core import ir
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard, mk_unique_var

from hpjit.transforms.untyped_pass import StatementRewritePass
from hpjit.typing.constants import DictConstant, FloatConstant, ValueConstant
from hpjit.typing.datetime_constants import as_numpy_constant
from hpjit.typing.io_parquet import ParquetFilters

#: method name → (parameter name, position)
FLOAT_ARGUMENTS = {"quantile": ("q", 0)}
#: methods whose constant dict arguments are read at compile time (keys name columns)
DICT_ARGUMENTS = {"fillna", "astype", "rename", "replace", "map", "isin"}
#: method name → its (parameter, position)s whose constant value, of any type, the overload reads
VALUE_ARGUMENTS = {"replace": (("to_replace", 0), ("value", 1))}


def _float_const(func_ir, var):
    d = guard(get_definition, func_ir, var)
    if isinstance(d, (ir.Const, ir.Global, ir.FreeVar)) and isinstance(d.value, float):
        return d.value
    return None


def python_constant(func_ir, var, depth=0):
    """The Python value of ``var`` if it is built from constants only (literals, module
    constants, lists and tuples of them), else raise ``KeyError``."""
    d = guard(get_definition, func_ir, var)
    if isinstance(d, (ir.Const, ir.Global, ir.FreeVar)):
        return d.value
    if isinstance(d, ir.Expr) and d.op == "getattr":  # np.nan, math.inf
        mod = guard(get_definition, func_ir, d.value)
        value = getattr(getattr(mod, "value", None), d.attr, None)
        if isinstance(mod, (ir.Global, ir.FreeVar)) and isinstance(value, (int, float)):
            return value
        raise KeyError(var.name)
    if depth < 8 and isinstance(d, ir.Expr) and d.op in ("build_list", "build_tuple"):
        items = [python_constant(func_ir, v, depth + 1) for v in d.items]
        return items if d.op == "build_list" else tuple(items)
    if depth < 8 and isinstance(d, ir.Expr) and d.op == "build_map":
        return {python_constant(func_ir, k, depth + 1): python_constant(func_ir, v, depth + 1)
                for k, v in d.items}
    if depth < 8 and isinstance(d, ir.Expr):
        text = _string_constant(func_ir, d, depth)
        if text is not None:
            return text
    raise KeyError(var.name)


def _string_constant(func_ir, expr, depth):
    """The value of ``a + b`` of constant strings, or of an f-string's ``str(constant)`` part
    (``f"{DATA}/lineitem.parquet"`` is both), else None."""
    if expr.op == "binop" and expr.fn is operator.add:
        lhs, rhs = (python_constant(func_ir, v, depth + 1) for v in (expr.lhs, expr.rhs))
        return lhs + rhs if isinstance(lhs, str) and isinstance(rhs, str) else None
    if expr.op == "call" and len(expr.args) == 1 and not expr.kws and \
            guard(get_definition, func_ir, expr.func) is not None and \
            getattr(guard(get_definition, func_ir, expr.func), "value", None) is str:
        value = python_constant(func_ir, expr.args[0], depth + 1)
        return value if isinstance(value, str) else None
    return None


def pandas_function(func_ir, var):
    """The object a call's function variable names: a global, or ``pd.<attr>``."""
    d = guard(get_definition, func_ir, var)
    if isinstance(d, (ir.Global, ir.FreeVar)):
        return d.value
    if isinstance(d, ir.Expr) and d.op == "getattr":
        mod = guard(get_definition, func_ir, d.value)
        if isinstance(mod, (ir.Global, ir.FreeVar)) and mod.value is pd:
            return getattr(pd, d.attr, None)
    return None


def _filters_global(func_ir, v, block, stmt, body):
    """Replace a constant ``filters=`` of a ``pd.read_parquet`` call; True if done."""
    kws = dict(v.kws)
    if "filters" not in kws or pandas_function(func_ir, v.func) is not pd.read_parquet:
        return False
    try:
        value = python_constant(func_ir, kws["filters"])
    except KeyError:
        return False  # the overload names the problem
    const = ir.Var(block.scope, mk_unique_var("$hpjit_filters"), stmt.loc)
    body.append(ir.Assign(ir.Global("filters", ParquetFilters(value), stmt.loc), const, stmt.loc))
    v.kws = [(k, const if k == "filters" else a) for k, a in v.kws]
    return True


def _dict_constants(func_ir, v, block, stmt, before):
    """Replace the call's constant dict arguments by ``DictConstant``s; True if any."""
    def constant(var):
        d = guard(get_definition, func_ir, var)
        if not (isinstance(d, ir.Expr) and d.op == "build_map"):
            return var
        try:
            value = python_constant(func_ir, var)
        except (KeyError, TypeError):
            return var
        const = ir.Var(block.scope, mk_unique_var("$hpjit_dict_const"), stmt.loc)
        before.append(ir.Assign(ir.Global("dict_const", DictConstant(value), stmt.loc), const,
                                stmt.loc))
        return const
    args, kws = [constant(a) for a in v.args], [(k, constant(a)) for k, a in v.kws]
    changed = any(a is not b for a, b in zip(args, v.args)) or \
        any(a is not b for (_, a), (_, b) in zip(kws, v.kws))
    v.args, v.kws = args, kws
    return changed


def _value_constant(func_ir, v, name, pos, block, stmt, before):
    """Replace argument ``name`` (at ``pos``) of the call by a ``ValueConstant`` if it is a
    constant (not a dict: those are ``DictConstant``s); True if done."""
    kws = dict(v.kws)
    var = v.args[pos] if len(v.args) > pos else kws.get(name)
    if var is None:
        return False
    try:
        value = python_constant(func_ir, var)
    except (KeyError, TypeError):
        return False
    if isinstance(value, dict) or not isinstance(value, (int, float, str, list, tuple)):
        return False
    const = ir.Var(block.scope, mk_unique_var("$hpjit_value_const"), stmt.loc)
    before.append(ir.Assign(ir.Global("value_const", ValueConstant(value), stmt.loc), const,
                            stmt.loc))
    if len(v.args) > pos:
        v.args[pos] = const
    else:
        v.kws = [(k, const if k == name else a) for k, a in v.kws]
    return True


def _method_name(func_ir, var):
    d = guard(get_definition, func_ir, var)
    return d.attr if isinstance(d, ir.Expr) and d.op == "getattr" else None


@register_pass(mutates_CFG=False, analysis_only=False)
class ConstantArgumentsPass(StatementRewritePass):
    """Constant ``filters=`` of a parquet read and float arguments that name a result
    (``df.quantile(0.5)``) → constants whose type holds their value; module-level timestamps
    → numpy's."""

    _name = "hpjit_constant_arguments"

    def rewrite(self, func_ir, block, stmt):
        v = stmt.value if isinstance(stmt, ir.Assign) else None
        if isinstance(v, (ir.Global, ir.FreeVar)) and isinstance(v.value, dict):
            stmt.value = ir.Global(v.name, DictConstant(v.value), stmt.loc)  # numba types no dict
            return [stmt]
        if isinstance(v, (ir.Global, ir.FreeVar)):
            value = as_numpy_constant(v.value)
            if value is not None:
                stmt.value = ir.Const(value, stmt.loc)
                return [stmt]
            return None
        if isinstance(v, ir.Expr) and v.op == "binop":
            try:
                text = _string_constant(func_ir, v, 0) if v.fn is operator.add else None
            except KeyError:
                return None
            if isinstance(text, str):
                stmt.value = ir.Const(text, stmt.loc)
                return [stmt]
            return None
        if not (isinstance(v, ir.Expr) and v.op == "call"):
            return None
        before = []
        changed = _filters_global(func_ir, v, block, stmt, before)
        if _method_name(func_ir, v.func) in DICT_ARGUMENTS:
            changed |= _dict_constants(func_ir, v, block, stmt, before)
        for name, pos in VALUE_ARGUMENTS.get(_method_name(func_ir, v.func), ()):
            changed |= _value_constant(func_ir, v, name, pos, block, stmt, before)
        spec = FLOAT_ARGUMENTS.get(_method_name(func_ir, v.func))
        if spec is not None:
            name, pos = spec
            kws = dict(v.kws)
            var = v.args[pos] if len(v.args) > pos else kws.get(name)
            value = _float_const(func_ir, var) if var is not None else None
            if value is not None:
                const = ir.Var(block.scope, mk_unique_var("$hpjit_float_const"), stmt.loc)
                before.append(ir.Assign(ir.Global("float_const", FloatConstant(value), stmt.loc),
                                        const, stmt.loc))
                if len(v.args) > pos:
                    v.args[pos] = const
                else:
                    v.kws = [(k, const if k == name else a) for k, a in v.kws]
                changed = True
        return before + [stmt] if changed else None
