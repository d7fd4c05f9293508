"""IPython face: ``%load_ext hpjit``, the ``%%hpjit`` cell magic and ``%hpjit_explain``.

``%%hpjit -n N`` runs the cell on a pool of N MPI ranks (``hpjit.notebook_pool``).

``%%hpjit`` on a cell that only defines functions compiles each of them with
``hpjit.jit``. A cell of plain statements is compiled as one function: names it
reads that hold data (frames, series, arrays, numbers, strings) become its
arguments, other free names (modules, functions) are its globals, and the names
it assigns flow back to the notebook; a final expression is the cell's value.
``-t`` prints compile and run time on one line.
"""
import ast
import numbers
import time

import numpy as np
import pandas as pd

from hpjit.compiler import JitFunction, jit

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
    from hpjit.api import local_block
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


def explain(func):
    """The distribution report of a compiled function, as text lines."""
    lines = []
    for sig, cres in func.dispatcher.overloads.items():
        report = (cres.metadata or {}).get("hpjit_distribution")
        lines.append(f"{func.py_func.__qualname__}{tuple(sig)}:")
        lines += ["  one process: nothing is distributed"] if report is None else \
            ["  " + r for r in report]
    return lines or [f"{func.py_func.__qualname__}: not compiled yet (call it first)"]


def load_ipython_extension(ipython):
    from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
    from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

    @magics_class
    class HpjitMagics(Magics):
        @magic_arguments()
        @argument("-t", "--time", action="store_true", help="print compile and run time")
        @argument("-n", "--ranks", type=int, default=0,
                  help="run on a pool of N MPI ranks, kept alive between cells")
        @cell_magic
        def hpjit(self, line, cell):
            """Compile and run the cell with hpjit."""
            args = parse_argstring(self.hpjit, line)
            if args.ranks:
                from hpjit.notebook_pool import run_on_pool
                return run_on_pool(args.ranks, cell, self.shell.user_ns, timing=args.time)
            return compile_cell(cell, self.shell.user_ns, timing=args.time)

        @line_magic
        def hpjit_workers(self, line):
            """``%hpjit_workers stop`` ends the MPI worker pool."""
            if line.strip() != "stop":
                raise ValueError("usage: %hpjit_workers stop")
            from hpjit.notebook_pool import stop_pool
            stop_pool()

        @line_magic
        def hpjit_explain(self, line):
            """Each variable's distribution in a compiled function (``%hpjit_explain f``)."""
            func = self.shell.user_ns[line.strip()]
            lines = explain(func)
            try:
                from IPython.display import HTML, display
                if getattr(self.shell, "kernel", None) is not None:
                    rows = "".join(f"<tr><td><pre>{r}</pre></td></tr>" for r in lines)
                    display(HTML(f"<table>{rows}</table>"))
                    return None
            except ImportError:
                pass
            print("\n".join(lines))

    ipython.register_magics(HpjitMagics)
