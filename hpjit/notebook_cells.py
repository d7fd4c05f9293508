"""A notebook cell compiled as a function: the names it reads become its arguments."""
import ast
import numbers
import time

import numpy as np
import pandas as pd

from hpjit.api import jit, local_block
from hpjit.compiler import JitFunction

_DATA = (pd.DataFrame, pd.Series, np.ndarray, numbers.Number, str, np.generic)


def _names(tree):
    """(names the cell reads from the notebook, names it assigns or changes).

    ``df['c'] = v`` changes ``df``: hpjit makes a new frame, which flows back under
    the same name, as the in-place update would in pandas.
    """
    assigned, free, changed = [], [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                if node.id not in assigned:
                    assigned.append(node.id)
            elif node.id not in free:
                free.append(node.id)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) \
                and isinstance(node.value, ast.Name) and node.value.id not in changed:
            changed.append(node.value.id)
    lambda_args = {a.arg for node in ast.walk(tree) if isinstance(node, ast.Lambda)
                   for a in node.args.args}
    reads = [n for n in free if n not in assigned and n not in lambda_args]
    return reads, assigned + [n for n in changed if n not in assigned]


_SPLIT = (pd.DataFrame, pd.Series, np.ndarray)


def compile_cell(cell, user_ns, timing=False, name="hpjit_cell", split_inputs=False):
    """Run ``cell`` as hpjit-compiled code in ``user_ns``; returns the cell's value (or None).

    ``split_inputs`` (on an MPI pool): frames, series and arrays the cell reads are passed as
    this rank's block of rows; the compiler gathers them where it needs them whole.
    """
    tree = ast.parse(cell)
    body = tree.body
    imports = [s for s in body if isinstance(s, (ast.Import, ast.ImportFrom))]
    if imports:
        exec(compile(ast.Module(imports, []), "<hpjit cell>", "exec"), user_ns)
    body = [s for s in body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    if body and all(isinstance(s, ast.FunctionDef) for s in body):
        exec(compile(ast.Module(body, []), "<hpjit cell>", "exec"), user_ns)
        for s in body:
            user_ns[s.name] = jit(user_ns[s.name])
        return None
    last = body[-1] if body and isinstance(body[-1], ast.Expr) else None
    if last is not None:
        body = body[:-1] + [ast.Assign([ast.Name("__hpjit_value__", ast.Store())], last.value)]
    module = ast.Module(body, [])
    free, assigned = _names(module)
    args = [n for n in free if isinstance(user_ns.get(n), _DATA)]
    missing = [n for n in free if n not in user_ns and n not in dir(__builtins__)
               and not hasattr(__import__("builtins"), n)]
    if missing:
        raise NameError(f"name {missing[0]!r} is not defined")
    split = [a for a in args if split_inputs and isinstance(user_ns[a], _SPLIT)]
    params = [f"__hpjit_in_{a}" if a in split else a for a in args]
    rebind = [ast.Assign([ast.Name(a, ast.Store())], ast.Name(f"__hpjit_in_{a}", ast.Load()))
              for a in split]
    ret = ast.Return(ast.Tuple([ast.Name(n, ast.Load()) for n in assigned], ast.Load()))
    func = ast.FunctionDef(name=name, args=ast.arguments(
        posonlyargs=[], args=[ast.arg(p) for p in params], kwonlyargs=[], kw_defaults=[],
        defaults=[]), body=rebind + body + [ret], decorator_list=[], type_params=[])
    mod = ast.fix_missing_locations(ast.Module([func], []))
    exec(compile(mod, "<hpjit cell>", "exec"), user_ns)
    compiled = JitFunction(user_ns.pop(name), distributed=[f"__hpjit_in_{a}" for a in split])
    values = [local_block(user_ns[a]) if a in split else user_ns[a] for a in args]
    t0 = time.perf_counter()
    out = compiled(*values)
    t1 = time.perf_counter()
    if timing:
        out = compiled(*values)
        t2 = time.perf_counter()
        print(f"hpjit: compile {max(t1 - t0 - (t2 - t1), 0):.2f} s, run {t2 - t1:.4f} s")
    for n, v in zip(assigned, out):
        if n != "__hpjit_value__":
            user_ns[n] = v
    return dict(zip(assigned, out)).get("__hpjit_value__") if last is not None else None
