"""The distributed pass: rewrite the typed IR so each rank works on its rows.

Uses the :mod:`distributed_analysis` result. Only calls whose meaning changes
when data is split are rewritten; element-wise work (map, apply, arithmetic,
filters) runs unchanged on the local chunk:

- a parquet read of a distributed frame reads this rank's block of rows;
- reductions, ``len`` and ``shape`` of distributed values become global
  (local partials + allreduce), ``head`` gathers;
- a distributed value returned (or put in a returned tuple) is gathered so
  every rank gets pandas' whole result, unless the user named it in
  ``distributed=``.
"""
import inspect

import numpy as np
import pandas as pd
from numba import types
from numba.core import ir
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.ir_utils import build_definitions, get_definition, guard, mk_unique_var

from hpjit.core.mpi import is_distributed
from hpjit.ml.comm import WORLD
from hpjit.transforms import distribution_rules as rules
from hpjit.transforms.distributed_analysis import analyze
from hpjit.transforms.distributed_loops import is_split
from hpjit.transforms.distributed_loops import rewrite as rewrite_loop
from hpjit.typing.io_csv import csv_reader, csv_source
from hpjit.typing.io_parquet import _reader, parquet_source_of_call
from hpjit.typing.numpy_creation import linspace
from hpjit.typing.operations import CONSTRUCT, TWINS, collective_of
from hpjit.typing.positional import PositionIndexerType

#: distributed= names per Python function (set by hpjit.compiler.JitFunction)
DISTRIBUTED_NAMES = {}


class _Rewriter:
    def __init__(self, state, dist, keep_distributed):
        self.ops, self.relational = _forms()["frame_collectives"], _forms()["relational"]
        self.state = state
        state.typingctx.refresh()  # dist_ops' overloads register on first import
        self.dist = dist
        self.keep = keep_distributed
        self.collectives = []

    def _call(self, block, fn, args, target, loc, new, note="", kws=()):
        """Append ``target = fn(*args, **kws)`` (typed) to ``new``; ``note`` goes in the report."""
        st = self.state
        fvar = ir.Var(block.scope, mk_unique_var("$hpjit_dist_fn"), loc)
        fnty = st.typingctx.resolve_value_type(fn)
        st.typemap[fvar.name] = fnty
        sig = st.typingctx.resolve_function_type(fnty, tuple(st.typemap[a.name] for a in args),
                                                 {k: st.typemap[v.name] for k, v in kws})
        if sig is None:
            raise RuntimeError(f"hpjit internal error: cannot type distributed {fn} for {args}")
        call = ir.Expr.call(fvar, list(args), list(kws), loc)
        st.calltypes[call] = sig
        what = collective_of(fn)
        if what:
            named = [self._describe(a) for a in args if not a.name.startswith("$hpjit")]
            subject = ", ".join(n for n in named if not n.startswith("$"))
            subject += note
            self.collectives.append(f"line {loc.line}: {what}" + (f" ({subject})" if subject else ""))
        new.append(ir.Assign(ir.Global(getattr(fn, "__name__", "fn"), fn, loc), fvar, loc))
        new.append(ir.Assign(call, target, loc))
        return sig

    def _describe(self, var, depth=0):
        """A readable name for ``var``: ``df.hr`` for a temporary holding a column."""
        d = guard(get_definition, self.state.func_ir, var) if var.name.startswith("$") else None
        if depth < 4 and isinstance(d, ir.Expr) and d.op == "getattr":
            return f"{self._describe(d.value, depth + 1)}.{d.attr}"
        if depth < 4 and isinstance(d, ir.Expr) and d.op == "call":
            f = guard(get_definition, self.state.func_ir, d.func)
            if isinstance(f, ir.Expr) and f.op == "getattr":
                return f"{self._describe(f.value, depth + 1)}.{f.attr}(...)"
        if depth < 4 and isinstance(d, ir.Expr) and d.op == "static_getitem":
            return f"{self._describe(d.value, depth + 1)}[{d.index!r}]"
        return _user_name(var.name)

    def _literal(self, block, value, loc, new):
        var = ir.Var(block.scope, mk_unique_var("$hpjit_lit"), loc)
        self.state.typemap[var.name] = types.none if value is None else types.literal(value)
        new.append(ir.Assign(ir.Const(value, loc), var, loc))
        return var

    def _local_alloc(self, block, expr, target, loc, new):
        """``np.ones(n)`` → this rank's block of it: ``np.ones(local_n)``, ``np.arange(start, stop)``."""
        st = self.state
        fnty = st.typemap[expr.func.name]
        n = expr.args[0]
        if fnty.typing_key is np.arange:
            self._call(block, self.ops.dist_arange, [n], target, loc, new)
            return
        if fnty.typing_key is linspace:
            self._call(block, self.ops.dist_linspace, list(expr.args), target, loc, new)
            return
        local = ir.Var(block.scope, mk_unique_var("$hpjit_local_n"), loc)
        st.typemap[local.name] = types.int64
        self._call(block, self.ops.local_count, [n], local, loc, new)
        call = ir.Expr.call(expr.func, [local] + list(expr.args[1:]), expr.kws, loc)
        argtys = tuple(st.typemap[a.name] for a in call.args)
        kws = {k: st.typemap[v.name] for k, v in call.kws}
        st.calltypes[call] = st.typingctx.resolve_function_type(fnty, argtys, kws)
        new.append(ir.Assign(call, target, loc))

    def _shuffle(self, block, expr, this, target, loc, new):
        """``df.sort_values(...)`` / ``gb.sum()``... → the distributed kernel with the same spec."""
        st = self.state
        fnty = st.typemap[expr.func.name]
        name = rules.method_key(fnty)[1]
        op = rules.operation(expr, st.typemap)
        spec = op.spec(st.typemap[this.name], name, call_arguments(op, st.calltypes[expr], True))
        fn = form_of(op)
        spec_var = ir.Var(block.scope, mk_unique_var("$hpjit_spec"), loc)
        st.typemap[spec_var.name] = st.typingctx.resolve_value_type(spec)
        new.append(ir.Assign(ir.Global("spec", spec, loc), spec_var, loc))
        self._call(block, fn, [this, spec_var], target, loc, new, note=f".{name}()")

    def _join(self, block, expr, left, right, target, loc, new):
        """``pd.merge(l, r, ...)`` / ``l.merge(r, ...)`` / ``l.join(r, ...)`` → the distributed
        join, same spec."""
        st = self.state
        fnty = st.typemap[expr.func.name]
        op = rules.operation(expr, st.typemap)
        args = call_arguments(op, st.calltypes[expr], isinstance(fnty, types.BoundFunction))
        spec = op.spec(st.typemap[left.name], args)
        spec_var = ir.Var(block.scope, mk_unique_var("$hpjit_spec"), loc)
        st.typemap[spec_var.name] = st.typingctx.resolve_value_type(spec)
        new.append(ir.Assign(ir.Global("spec", spec, loc), spec_var, loc))
        flags = [self._literal(block, self.dist.is_distributed(v), loc, new) for v in (left, right)]
        name = rules.method_key(fnty)[1] if isinstance(fnty, types.BoundFunction) else "merge"
        self._call(block, form_of(op), [left, right, spec_var] + flags, target, loc, new,
                   note=f".{name}()")

    def _estimator(self, block, expr, est, args, target, loc, new):
        """``est.fit(X, y)`` on split rows → the same method combining partials over the world."""
        op = rules.operation(expr, self.state.typemap)
        world = self._world(block, loc, new)
        params = [p.split("=")[0] for p in op.params]
        self._call(block, op.form, [est, world] + [args[p] for p in params if p in args],
                   target, loc, new)

    def _statistic(self, block, expr, this, target, loc, new):
        """``s.quantile(q)``, ``np.cov(X, rowvar=False)``... on split rows → the same statistic
        over the world, ``fn(this, WORLD, **arguments)``."""
        fn, params, args, _ = rules.statistic_call(expr, self.state.typemap)
        self._call(block, fn, [this, self._world(block, loc, new)], target, loc, new,
                   kws=[(p, args[p]) for p in params if p in args])

    def _world(self, block, loc, new):
        world = ir.Var(block.scope, mk_unique_var("$hpjit_world"), loc)
        self.state.typemap[world.name] = self.state.typingctx.resolve_value_type(WORLD)
        new.append(ir.Assign(ir.Global("WORLD", WORLD, loc), world, loc))
        return world

    def _gathered(self, block, var, loc, new):
        """``var`` whole: gathered if it is split, unless the user keeps it split
        (``distributed=``)."""
        if not self.dist.is_distributed(var) or _user_name(var.name) in self.keep:
            return var
        return self._gather(block, var, loc, new)

    def _gather(self, block, var, loc, new):
        out = ir.Var(block.scope, mk_unique_var(f"$hpjit_gather_{_user_name(var.name)}"), loc)
        self.state.typemap[out.name] = self.state.typemap[var.name]
        self._call(block, self.ops.gather, [var], out, loc, new)
        return out

    def rewrite_block(self, block):
        new = []
        for stmt in block.body:
            if isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Expr):
                if self._rewrite(block, stmt, new):
                    continue
            if isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Arg) \
                    and stmt.value.name in self.keep and stmt.target.name in self.dist.dist \
                    and not self.dist.is_distributed(stmt.target):
                self._gather_argument(block, stmt, new)
                continue
            if isinstance(stmt, ir.Print) and not stmt.vararg:
                self._print_once(block, stmt, new)
                continue
            new.append(stmt)
        block.body = new

    def _gather_argument(self, block, stmt, new):
        """A chunk passed in (``distributed=``) that the function needs whole: gather it first."""
        chunk = ir.Var(block.scope, mk_unique_var(f"$hpjit_chunk_{stmt.value.name}"), stmt.loc)
        self.state.typemap[chunk.name] = self.state.typemap[stmt.target.name]
        new.append(ir.Assign(stmt.value, chunk, stmt.loc))
        self._call(block, self.ops.gather, [chunk], stmt.target, stmt.loc, new)

    def _on_gathered_object(self, block, expr, this, loc, new):
        """Call method ``expr`` on a gathered copy of its split object ``this`` (a copy even of
        a frame kept split by ``distributed=``: the frame itself stays split)."""
        whole = self._gather(block, this, loc, new)
        method = ir.Var(block.scope, mk_unique_var("$hpjit_whole_method"), loc)
        self.state.typemap[method.name] = self.state.typemap[expr.func.name]
        new.append(ir.Assign(ir.Expr.getattr(whole, rules.method_key(
            self.state.typemap[expr.func.name])[1], loc), method, loc))
        expr.func = method

    def _print_once(self, block, stmt, new):
        """``print(...)`` of whole values, by rank 0 only (every rank holds the same)."""
        args = [self._gathered(block, v, stmt.loc, new) for v in stmt.args]
        out = ir.Var(block.scope, mk_unique_var("$hpjit_print"), stmt.loc)
        self.state.typemap[out.name] = types.none
        self._call(block, self.ops.print_once, args, out, stmt.loc, new)

    def _rewrite(self, block, stmt, new):
        expr, target, loc = stmt.value, stmt.target, stmt.loc
        tm = self.state.typemap
        if expr.op == "call":
            kind, this = rules.classify_call(expr, self.dist, tm)
            if kind == "source" and self.dist.is_distributed(target):
                sig, fnty = self.state.calltypes[expr], tm[expr.func.name]
                if rules.function_key(fnty) is pd.read_csv:
                    reader = csv_reader(csv_source(sig.args), distributed=True)
                else:
                    reader = _reader(parquet_source_of_call(fnty, sig.args), distributed=True)
                self._call(block, reader, [], target, loc, new)
                return True
            if this is not None and self.dist.is_distributed(this) and \
                    rules.needs_whole_object(target, tm):
                self._on_gathered_object(block, expr, this, loc, new)
                return False
            if kind == "alloc" and self.dist.is_distributed(target):
                self._local_alloc(block, expr, target, loc, new)
                return True
            if kind == "array_reduce" and self.dist.is_distributed(this):
                name = rules.reduction_name(expr, self.dist, tm)[0]
                lit = self._literal(block, name, loc, new)
                self._call(block, self.ops.dist_array_reduce, [this, lit], target, loc, new,
                           note=f".{name}()")
                return True
            if kind == "reduce" and self.dist.is_distributed(this):
                name = rules.method_key(tm[expr.func.name])[1]
                lit = self._literal(block, name, loc, new)
                args = rules.named_arguments(expr, rules.operation(expr, tm).params)
                self._call(block, self.ops.dist_reduce, [this, lit], target, loc, new,
                           kws=list(args.items()), note=f".{name}()")
                return True
            if kind == "write" and self.dist.is_distributed(this):
                name = rules.method_key(tm[expr.func.name])[1]
                sig = self.state.calltypes[expr]
                path = expr.args[0] if expr.args else dict(expr.kws)["path"]
                index = self._literal(block, _index_value(sig.args[1:]), loc, new)
                kind_var = self._literal(block, name, loc, new)
                parts = [kv for kv in expr.kws if kv[0] == "partition_cols"]
                if len(expr.args) > 2:
                    parts = [("partition_cols", expr.args[2])]
                self._call(block, self.ops.dist_write, [this, path, index, kind_var], target, loc,
                           new, kws=parts)
                return True
            if kind == "join":
                left, right = rules.join_sides(expr, this)
                if self.dist.is_distributed(left) or self.dist.is_distributed(right):
                    self._join(block, expr, left, right, target, loc, new)
                    return True
            if kind == "concat":
                items = self.dist.tuple_items[this.name]
                if any(self.dist.is_distributed(v) for v in items):
                    flags = "".join("d" if self.dist.is_distributed(v) else "r" for v in items)
                    lit = self._literal(block, flags, loc, new)
                    self._call(block, self.relational.dist_concat, [this, lit], target, loc, new,
                               kws=list(expr.kws))
                    return True
            if kind == "estimator":
                args = rules.estimator_arguments(expr, tm[expr.func.name])
                if any(self.dist.is_distributed(a) for a in args.values()):
                    self._estimator(block, expr, this, args, target, loc, new)
                    return True
            if kind == "stat" and self.dist.is_distributed(this):
                self._statistic(block, expr, this, target, loc, new)
                return True
            if kind == "shuffle" and self.dist.is_distributed(this):
                self._shuffle(block, expr, this, target, loc, new)
                return True
            if kind == CONSTRUCT and self.dist.is_distributed(target):
                self._call(block, form_of(rules.operation(expr, tm)), list(expr.args), target,
                           loc, new)
                return True
            if kind in TWINS and self.dist.is_distributed(this):
                twin = form_of(rules.operation(expr, tm))
                method = rules.method_key(tm[expr.func.name]) is not None
                self._call(block, twin, ([this] if method else []) + list(expr.args), target,
                           loc, new, kws=list(expr.kws))
                return True
            if kind == "reindex" and self.dist.is_distributed(this):
                self._call(block, self.ops.dist_reset_index, [this] + list(expr.args), target,
                           loc, new, kws=list(expr.kws))
                return True
            if kind == "isin":
                expr.args = [self._gathered(block, a, loc, new) for a in expr.args]
                expr.kws = [(k, self._gathered(block, a, loc, new)) for k, a in expr.kws]
                return False
            if kind == "head" and self.dist.is_distributed(this):
                self._call(block, self.ops.dist_head, [this] + list(expr.args), target, loc, new,
                           kws=list(expr.kws))
                return True
            if kind == "len" and expr.args and self.dist.is_distributed(expr.args[0]):
                self._call(block, self.ops.dist_len, [expr.args[0]], target, loc, new)
                return True
            return False
        if expr.op in ("getitem", "static_getitem") and self.dist.is_distributed(expr.value) \
                and isinstance(tm.get(expr.value.name), PositionIndexerType):
            key = expr.index if expr.op == "getitem" else expr.index_var
            self._call(block, self.ops.dist_iloc, [expr.value, key], target, loc, new)
            return True
        if expr.op == "getattr" and expr.attr == "shape" and self.dist.is_distributed(expr.value):
            self._call(block, self.ops.dist_shape, [expr.value], target, loc, new)
            return True
        if expr.op == "cast":
            expr.value = self._gathered(block, expr.value, loc, new)
            return False
        if expr.op in ("build_tuple", "build_list") and target.name not in self.dist.row_tuples:
            expr.items = [self._gathered(block, v, loc, new) for v in expr.items]
            return False
        return False


def call_arguments(op, sig, method):
    """``{parameter name: argument type or default}`` of a typed call of a declared operation
    (its typing function's parameters, after ``self`` for a method)."""
    params = list(inspect.signature(op.typer).parameters.values())[1 if method else 0:]
    return {p.name: sig.args[k] if k < len(sig.args) else p.default for k, p in enumerate(params)}


def _forms():
    """The modules a declaration's ``form="module.function"`` names. They load MPI (the
    collectives take its handles when imported), so they are imported when a program is
    distributed, not with hpjit."""
    from hpjit.transforms.distributed import distinct, frame_collectives, loops, relational
    return {"distinct": distinct, "relational": relational,
            "frame_collectives": frame_collectives, "loops": loops}


def form_of(op):
    """The distributed form a declaration names: a callable, or ``"module.function"`` of
    ``hpjit.transforms.distributed``."""
    if not isinstance(op.form, str):
        return op.form
    module, name = op.form.split(".")
    return getattr(_forms()[module], name)


def _index_value(rest):
    """The constant ``index=`` of a typed write call (its signature's arguments after the path)."""
    if rest and isinstance(rest[0], types.BooleanLiteral):
        return rest[0].literal_value
    if rest and isinstance(rest[0], types.Omitted):
        return rest[0].value
    return None


def _user_name(name):
    return name.split(".")[0]


@register_pass(mutates_CFG=False, analysis_only=False)
class DistributedPass(FunctionPass):
    """Distribution analysis, then the rewrite of calls and of prange loops; a no-op in a
    one-process world."""

    _name = "hpjit_distributed"

    def __init__(self):
        FunctionPass.__init__(self)

    def run_pass(self, state):
        if not is_distributed():
            state.metadata["hpjit_distribution"] = None
            return False
        names = DISTRIBUTED_NAMES.get(state.func_id.func, ())
        # 1. analysis: every frame, column and parfor gets REP | OneD_Var | OneD
        dist = analyze(state.func_ir, state.typemap, state.calltypes, names)
        # 2. calls: reads of this rank's rows, global reductions, shuffles, gathered returns
        rewriter = _Rewriter(state, dist, names)
        for block in state.func_ir.blocks.values():
            rewriter.rewrite_block(block)
        # 3. loops: a prange over split rows runs over this rank's rows
        for loop in dist.loops:
            if is_split(loop, dist):
                rewrite_loop(rewriter, loop)
        state.func_ir._definitions = build_definitions(state.func_ir.blocks)
        state.metadata["hpjit_distribution"] = dist.report() + (
            ["collectives:"] + ["  " + c for c in rewriter.collectives] if rewriter.collectives
            else ["collectives: none"])
        return True
