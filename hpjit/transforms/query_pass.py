"""Untyped pass: ``df.query('a > 1 and s == "x"')`` with a constant string becomes the filter it
means, ``df[(df['a'] > 1) & (df['s'] == 'x')]``, in the function's own code.

The expression is translated with Python's parser (pandas' query syntax is Python's with
``and``/``or``/``not`` acting element-wise, chained comparisons, ``in`` lists, backquoted
column names and ``@name`` for a variable) into the source of a small function, which numba
inlines where the call was (``inline='always'``): the filter is then typed, distributed and
optimised like one the user wrote.
"""
import ast
import io
import tokenize

import numba
from numba.core import ir
from numba.core.errors import NotDefinedError
from numba.core.compiler_machinery import register_pass
from numba.core.ir_utils import get_definition, guard, mk_unique_var

from hpjit.errors import HpjitError
from hpjit.transforms.constant_arguments import python_constant
from hpjit.transforms.dataframe_pass import _DroppingPass

_AT = "__hpjit_at_"
_QUOTED = "__hpjit_col_"


def _placeholders(text):
    """``text`` with backquoted names and ``@name`` replaced by Python names: (text, the
    variables named with ``@``, {placeholder: column name})."""
    quoted = {}
    while "`" in text:
        start = text.index("`")
        stop = text.index("`", start + 1)
        name = f"{_QUOTED}{len(quoted)}"
        quoted[name] = text[start + 1:stop]
        text = text[:start] + name + text[stop + 1:]
    variables, out = [], []
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.type == tokenize.OP and tok.string == "@" and k + 1 < len(tokens) and \
                tokens[k + 1].type == tokenize.NAME:
            variables.append(tokens[k + 1].string)
            out.append((tokenize.NAME, _AT + tokens[k + 1].string))
            k += 2
            continue
        out.append((tok.type, tok.string))
        k += 1
    return tokenize.untokenize(out), variables, quoted


class _ToPandas(ast.NodeTransformer):
    """Query names → columns of ``df``; ``and``/``or``/``not`` → ``&``/``|``/``~``; chained
    comparisons → ``&`` of pairs; ``x in [...]`` → ``x.isin([...])``."""

    def __init__(self, quoted):
        self.quoted = quoted

    def visit_Name(self, node):
        if node.id.startswith(_AT):
            return ast.Name(node.id, ast.Load())
        column = self.quoted.get(node.id, node.id)
        return ast.Subscript(ast.Name("df", ast.Load()), ast.Constant(column), ast.Load())

    def visit_BoolOp(self, node):
        op = ast.BitAnd() if isinstance(node.op, ast.And) else ast.BitOr()
        values = [self.visit(v) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = ast.BinOp(out, op, v)
        return out

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            return ast.UnaryOp(ast.Invert(), self.visit(node.operand))
        return self.generic_visit(node)

    def visit_Compare(self, node):
        left = self.visit(node.left)
        parts = []
        for op, right in zip(node.ops, node.comparators):
            right = self.visit(right)
            if isinstance(op, (ast.In, ast.NotIn)):
                call = ast.Call(ast.Attribute(left, "isin", ast.Load()), [right], [])
                parts.append(call if isinstance(op, ast.In) else ast.UnaryOp(ast.Invert(), call))
            else:
                parts.append(ast.Compare(left, [op], [right]))
            left = right
        out = parts[0]
        for p in parts[1:]:
            out = ast.BinOp(out, ast.BitAnd(), p)
        return out

    def visit_Attribute(self, node):  # a.str.len(): the column, then its accessor
        return ast.Attribute(self.visit(node.value), node.attr, node.ctx)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute):
            func = self.visit(func)
        return ast.Call(func, [self.visit(a) for a in node.args],
                        [ast.keyword(k.arg, self.visit(k.value)) for k in node.keywords])


def query_function(text, loc):
    """A jitted ``q(df, *variables)`` returning the rows of ``df`` that query ``text`` selects,
    and the names of the variables it reads (``@name``). Its code is placed at the call's file
    and line (``loc``), so an error in it names the user's line."""
    try:
        source, variables, quoted = _placeholders(text)
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, tokenize.TokenError, ValueError) as e:
        raise HpjitError(f"DataFrame.query: cannot parse {text!r}: {e} "
                         f"({loc.filename}:{loc.line})") from None
    mask = ast.unparse(_ToPandas(quoted).visit(tree.body))
    params = "".join(f", {_AT}{v}" for v in variables)
    ns = {}
    padding = "\n" * max(loc.line - 1, 0)
    exec(compile(f"{padding}def query(df{params}): return df[{mask}]\n", loc.filename, "exec"),
         ns)
    return numba.njit(inline="always")(ns["query"]), variables


@register_pass(mutates_CFG=False, analysis_only=False)
class QueryPass(_DroppingPass):
    """``out = df.query(text)`` (``text`` a constant) → ``out = query(df, *variables)``, a
    function numba inlines next (``InlineInlinables``); the unused ``df.query`` is removed."""

    _name = "hpjit_query"

    def rewrite(self, func_ir, block, stmt):
        v = stmt.value if isinstance(stmt, ir.Assign) else None
        if not (isinstance(v, ir.Expr) and v.op == "call" and len(v.args) == 1 and not v.kws):
            return None
        f = guard(get_definition, func_ir, v.func)
        if not (isinstance(f, ir.Expr) and f.op == "getattr" and f.attr == "query"):
            return None
        try:
            text = python_constant(func_ir, v.args[0])
        except KeyError:
            return None  # the overload-less call is reported as unsupported
        if not isinstance(text, str):
            return None
        where = f"{stmt.loc.filename}:{stmt.loc.line}"
        fn, variables = query_function(text, stmt.loc)
        args, new = [f.value], []
        module = func_ir.func_id.func.__globals__
        for name in variables:
            try:
                args.append(block.scope.get_exact(name))
            except NotDefinedError:
                if name not in module:
                    raise HpjitError(f"DataFrame.query: @{name} names no variable of the "
                                     f"function or its module ({where})") from None
                var = ir.Var(block.scope, mk_unique_var(f"$hpjit_query_{name}"), stmt.loc)
                new.append(ir.Assign(ir.Global(name, module[name], stmt.loc), var, stmt.loc))
                args.append(var)
        self.replaced.add(v.func.name)
        var = ir.Var(block.scope, mk_unique_var("$hpjit_query"), stmt.loc)
        return new + [ir.Assign(ir.Global("query", fn, stmt.loc), var, stmt.loc),
                      ir.Assign(ir.Expr.call(var, args, (), stmt.loc), stmt.target, stmt.loc)]
