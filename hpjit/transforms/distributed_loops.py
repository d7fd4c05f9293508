"""The user's ``prange`` loops over split arrays: found, checked, and run on this rank's rows.

A loop ``for i in prange(n)`` is distributable when

- ``n`` is the length of what it indexes: ``len(A)``, ``A.shape[0]`` or the length an
  indexed array was allocated with (``np.empty(n)``);
- the split arrays in its body are only read or written at row ``i`` (``A[i]``,
  ``A[i, j]``, ``A[i] = v``): anything else a body does with an array (``A[i + 1]``,
  ``len(A)``, a whole-array call) keeps that array whole, so no collective ever runs
  inside the loop;
- every value it carries from one iteration to the next is a reduction
  (``s += x``, ``s *= x``, ``s = min(s, x)``, ``max``), as ``prange`` requires.

Such a loop ties its arrays' distributions together. When they are split, the
distributed pass makes it iterate over the local rows (``prange(loop_length(...))``),
gives uses of ``i`` as a number the global row (``i + loop_start``), starts sums and
products from their identity and combines each reduction once after the loop
(``loop_reduce``: one allreduce). Runs on typed IR in SSA form, before numba turns the
loop into a parfor — which then parallelizes the local loop over threads as usual.
"""
import operator

import numba
from numba import types
from numba.core import ir
from numba.core.analysis import compute_cfg_from_blocks
from numba.core.ir_utils import get_definition, guard, mk_unique_var, replace_vars_stmt

from hpjit.transforms.distribution_rules import alloc_length, is_distributable

REDUCTION_OPS = {operator.add: "sum", operator.iadd: "sum", operator.mul: "prod",
                 operator.imul: "prod", min: "min", max: "max"}


class PrangeLoop:
    """One ``prange`` loop: where it is, what it indexes, what it reduces."""

    def __init__(self, header, body, preheader, exit_label, range_stmt, index):
        self.header, self.body = header, body
        self.preheader, self.exit = preheader, exit_label
        self.range_stmt = range_stmt
        self.index = index  # the iteration value (pair_first of the header)
        self.aliases = {index.name}
        self.accesses = set()  # ids of the statements reading/writing A[i]
        self.arrays = []  # names of the arrays indexed by row
        self.length_of = []  # names of distributable values whose length is the range
        self.whole = []  # distributable values the body uses otherwise: kept whole
        self.value_uses = []  # statements using i as a number
        self.reductions = []  # (phi assignment, outside incoming position, op name)
        self.problem = None  # why the loop can't run split

    @property
    def line(self):
        return self.range_stmt.loc.line


def find_loops(func_ir, typemap):
    """The ``prange`` loops of ``func_ir`` (typed, SSA), each checked (see the module doc)."""
    cfg = compute_cfg_from_blocks(func_ir.blocks)
    found = []
    for loop in cfg.loops().values():
        if len(loop.entries) != 1 or len(loop.exits) != 1:
            continue
        found_loop = guard(_prange_loop, func_ir, typemap, loop)
        if found_loop is not None:
            found.append(found_loop)
    return found


def _prange_loop(func_ir, typemap, loop):
    header = func_ir.blocks[loop.header]
    it = index = None
    for stmt in header.body:
        if isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Expr):
            if stmt.value.op == "iternext":
                it = stmt.value.value
            elif stmt.value.op == "pair_first":
                index = stmt.target
    if it is None or index is None:
        return None
    getiter = get_definition(func_ir, it)
    if not (isinstance(getiter, ir.Expr) and getiter.op == "getiter"):
        return None
    range_var = getiter.value
    preheader = next(iter(loop.entries))
    range_stmt = next((s for s in func_ir.blocks[preheader].body if isinstance(s, ir.Assign)
                       and s.target.name == range_var.name), None)
    if range_stmt is None or not isinstance(range_stmt.value, ir.Expr) or \
            range_stmt.value.op != "call":
        return None
    fnty = typemap[range_stmt.value.func.name]
    if not (isinstance(fnty, types.Function) and fnty.typing_key is numba.prange):
        return None
    pl = PrangeLoop(loop.header, set(loop.body), preheader, next(iter(loop.exits)), range_stmt,
                    index)
    _check(pl, func_ir, typemap)
    return pl


def _distributable(typemap, name):
    return is_distributable(typemap.get(name))


def _check(pl, func_ir, typemap):
    call = pl.range_stmt.value
    if len(call.args) != 1 or call.kws or typemap[call.args[0].name] != types.int64:
        pl.problem = "prange() with one int64 length is split; this one is kept whole"
        return
    body = [lab for lab in sorted(pl.body) if lab != pl.header]
    stmts = [s for lab in body for s in func_ir.blocks[lab].body]
    changed = True
    while changed:  # copies of the index (i = $phi...), in the header and the body
        changed = False
        for s in func_ir.blocks[pl.header].body + stmts:
            if isinstance(s, ir.Assign) and isinstance(s.value, ir.Var) and \
                    s.value.name in pl.aliases and s.target.name not in pl.aliases:
                pl.aliases.add(s.target.name)
                changed = True
    row_tuples = {s.target.name for s in stmts if isinstance(s, ir.Assign)
                  and isinstance(s.value, ir.Expr) and s.value.op == "build_tuple"
                  and s.value.items and s.value.items[0].name in pl.aliases
                  and not any(v.name in pl.aliases for v in s.value.items[1:])}
    for s in stmts:
        _classify(pl, s, typemap, row_tuples)
    _length(pl, func_ir, typemap, call.args[0])
    for s in func_ir.blocks[pl.header].body:
        if isinstance(s, ir.Assign) and isinstance(s.value, ir.Expr) and s.value.op == "phi":
            _reduction(pl, func_ir, typemap, s)


def _classify(pl, s, typemap, row_tuples):
    """Sort one body statement: a row access, an index copy, or anything else."""
    rows = pl.aliases | row_tuples
    if isinstance(s, ir.Assign) and isinstance(s.value, ir.Var) and s.target.name in pl.aliases:
        return
    if isinstance(s, ir.Assign) and s.target.name in row_tuples:
        return
    if isinstance(s, ir.Assign) and isinstance(s.value, ir.Expr) and s.value.op == "getitem" \
            and s.value.index.name in rows and isinstance(typemap[s.value.value.name], types.Array) \
            and not _distributable(typemap, s.target.name):
        _access(pl, s, s.value.value.name)
        return
    if isinstance(s, ir.SetItem) and s.index.name in rows and \
            isinstance(typemap[s.target.name], types.Array) and \
            not _distributable(typemap, s.value.name):
        _access(pl, s, s.target.name)
        if s.value.name in pl.aliases:
            pl.value_uses.append(s)
        return
    used = [v.name for v in s.list_vars()]
    pl.whole += [n for n in used if _distributable(typemap, n)]
    if any(n in pl.aliases for n in used):
        pl.value_uses.append(s)


def _access(pl, s, array):
    pl.accesses.add(id(s))
    if array not in pl.arrays:
        pl.arrays.append(array)


def _length(pl, func_ir, typemap, n):
    """Which distributable values ``n`` is the length of (else the loop can't be split)."""
    d = guard(get_definition, func_ir, n)
    if isinstance(d, ir.Expr) and d.op == "call" and len(d.args) == 1:
        fnty = typemap[d.func.name]
        if isinstance(fnty, types.Function) and fnty.typing_key is len:
            pl.length_of.append(d.args[0].name)
    if isinstance(d, ir.Expr) and d.op == "static_getitem" and d.index == 0:
        shape = guard(get_definition, func_ir, d.value)
        if isinstance(shape, ir.Expr) and shape.op == "getattr" and shape.attr == "shape":
            pl.length_of.append(shape.value.name)
    if isinstance(d, ir.Expr) and d.op == "getattr" and d.attr == "size" and \
            getattr(typemap.get(d.value.name), "ndim", 0) == 1:
        pl.length_of.append(d.value.name)
    for name in pl.arrays:
        a = guard(get_definition, func_ir, name)
        if isinstance(a, ir.Expr) and a.op == "call" and \
                getattr(alloc_length(a, typemap), "name", None) == n.name:
            pl.length_of.append(name)
    pl.length_of = [v for v in pl.length_of if _distributable(typemap, v)]
    if pl.arrays and not pl.length_of and pl.problem is None:
        pl.problem = (f"the range of the prange loop of line {pl.line} is not the length of "
                      "the arrays it indexes (len(A), A.shape[0] or the length A was allocated "
                      "with)")


def _reduction(pl, func_ir, typemap, phi_stmt):
    """A value carried around the loop: a reduction with a known operator, or a problem."""
    phi = phi_stmt.value
    name = phi_stmt.target.name
    outside = [k for k, b in enumerate(phi.incoming_blocks) if b not in pl.body]
    inside = [k for k, b in enumerate(phi.incoming_blocks) if b in pl.body]
    if _distributable(typemap, name) or len(outside) != 1 or not inside:
        pl.problem = pl.problem or f"{name.split('.')[0]} changes across iterations"
        return
    ops = set()
    if not all(_reduced_by(func_ir, typemap, phi.incoming_values[k], name, ops, 0)
               for k in inside) or len(ops) != 1 or \
            not isinstance(typemap[name], (types.Integer, types.Float)):
        pl.problem = pl.problem or (f"{name.split('.')[0]} is carried across iterations but "
                                    "is not a sum, product, min or max")
        return
    pl.reductions.append((phi_stmt, outside[0], ops.pop()))


def _reduced_by(func_ir, typemap, var, acc, ops, depth):
    """Whether ``var`` is ``acc`` combined with something by reduction operators (through
    copies and the phis of branches in the body); the operators met go in ``ops``."""
    if var.name == acc:
        return True
    d = guard(get_definition, func_ir, var)
    if depth > 20 or d is None:
        return False
    if isinstance(d, ir.Var):
        return _reduced_by(func_ir, typemap, d, acc, ops, depth + 1)
    if not isinstance(d, ir.Expr):
        return False
    if d.op == "phi":
        return all(_reduced_by(func_ir, typemap, v, acc, ops, depth + 1)
                   for v in d.incoming_values)
    op, operands = None, ()
    if d.op in ("binop", "inplace_binop") and d.fn in REDUCTION_OPS:
        op, operands = REDUCTION_OPS[d.fn], (d.lhs, d.rhs)
    elif d.op == "call" and len(d.args) == 2 and not d.kws:
        fnty = typemap[d.func.name]
        if isinstance(fnty, types.Function) and fnty.typing_key in (min, max):
            op, operands = REDUCTION_OPS[fnty.typing_key], tuple(d.args)
    if op is None:
        return False
    found = set()
    carries = [_reduced_by(func_ir, typemap, v, acc, found, depth + 1) for v in operands]
    if carries.count(True) != 1 or any(_mentions(func_ir, v, acc, 0)
                                        for v, c in zip(operands, carries) if not c):
        return False
    ops |= found | {op}
    return True


def _mentions(func_ir, var, acc, depth):
    if var.name == acc:
        return True
    d = guard(get_definition, func_ir, var)
    if depth > 20 or not isinstance(d, ir.Expr):
        return False
    return any(_mentions(func_ir, v, acc, depth + 1) for v in d.list_vars())


# --- the rewrite -------------------------------------------------------------------


def rewrite(rw, pl):
    """Run loop ``pl`` (its arrays split) over this rank's rows; ``rw`` is the distributed
    pass's rewriter (typed call building and the report)."""
    from hpjit.transforms.distributed import loops as dist_loops  # loads MPI
    st = rw.state
    blocks = st.func_ir.blocks
    pre = blocks[pl.preheader]
    scope, loc = pre.scope, pl.range_stmt.loc
    before = []
    arrays = [ir.Var(scope, name, loc) for name in pl.arrays]
    tup = ir.Var(scope, mk_unique_var("$hpjit_loop_arrays"), loc)
    st.typemap[tup.name] = types.BaseTuple.from_types([st.typemap[a.name] for a in arrays])
    before.append(ir.Assign(ir.Expr.build_tuple(arrays, loc), tup, loc))
    local_n = _new(st, scope, "$hpjit_local_rows", types.int64, loc)
    rw._call(pre, dist_loops.loop_length, [tup], local_n, loc, before)
    pl.range_stmt.value.args = [local_n]
    if pl.value_uses:
        start = _new(st, scope, "$hpjit_first_row", types.int64, loc)
        rw._call(pre, dist_loops.loop_start, [local_n], start, loc, before)
        _globalize_index(rw, pl, start)
    after = []
    for phi_stmt, k, op in pl.reductions:
        after += _split_reduction(rw, pl, phi_stmt, k, op, before)
    at = next(k for k, s in enumerate(pre.body) if s is pl.range_stmt)
    pre.body[at:at] = before
    exit_block = blocks[pl.exit]
    exit_block.body[0:0] = after
    what = ", ".join(f"{p.target.name.split('.')[0]} ({op})" for p, _, op in pl.reductions)
    rw.collectives.append(f"line {pl.line}: prange over this rank's rows" +
                          (f"; allreduce of {what} after the loop" if what else
                           " (no communication)"))


def _new(st, scope, prefix, typ, loc):
    var = ir.Var(scope, mk_unique_var(prefix), loc)
    st.typemap[var.name] = typ
    return var


def _globalize_index(rw, pl, start):
    """Uses of ``i`` as a number see the global row ``i + start``."""
    st = rw.state
    first = st.func_ir.blocks[min(lab for lab in pl.body if lab != pl.header)]
    scope, loc = first.scope, pl.index.loc
    add = ir.Expr.binop(operator.add, pl.index, start, loc)
    st.calltypes[add] = st.typingctx.resolve_function_type(
        operator.add, (st.typemap[pl.index.name], types.int64), {})
    glob = _new(st, scope, "$hpjit_global_row", st.calltypes[add].return_type, loc)
    first.body.insert(0, ir.Assign(add, glob, loc))
    mapping = {a: glob for a in pl.aliases}
    for s in pl.value_uses:
        if isinstance(s, ir.SetItem):
            s.value = glob
        else:
            replace_vars_stmt(s, mapping)


def _split_reduction(rw, pl, phi_stmt, k, op, before):
    """Sums and products start from their identity on each rank; after the loop, every use
    of the accumulator sees ``loop_reduce(local, init, op)``."""
    from hpjit.transforms.distributed import loops as dist_loops  # loads MPI
    st = rw.state
    phi, acc = phi_stmt.value, phi_stmt.target
    scope, loc = acc.scope, phi_stmt.loc
    init = phi.incoming_values[k]
    if op in ("sum", "prod"):
        identity = _new(st, scope, "$hpjit_identity", st.typemap[acc.name], loc)
        before.append(ir.Assign(ir.Const(0 if op == "sum" else 1, loc), identity, loc))
        phi.incoming_values[k] = identity
    after = []
    opvar = rw._literal(st.func_ir.blocks[pl.exit], op, loc, after)
    sig = st.typingctx.resolve_function_type(
        st.typingctx.resolve_value_type(dist_loops.loop_reduce),
        tuple(st.typemap[v.name] for v in (acc, init, opvar)), {})
    combined = _new(st, scope, f"$hpjit_{acc.name.split('.')[0]}_all", sig.return_type, loc)
    rw._call(st.func_ir.blocks[pl.exit], dist_loops.loop_reduce, [acc, init, opvar], combined,
             loc, after)
    final = _new(st, scope, f"$hpjit_{acc.name.split('.')[0]}", st.typemap[acc.name], loc)
    after.append(ir.Assign(combined, final, loc))  # lowering casts to the accumulator's type
    for label, block in st.func_ir.blocks.items():
        if label in pl.body:
            continue
        for s in block.body:
            replace_vars_stmt(s, {acc.name: final})
    return after


def is_split(pl, dist):
    """Whether loop ``pl`` runs on this rank's rows (the analysis split its arrays)."""
    return pl.problem is None and bool(pl.arrays) and dist.dist.get(pl.arrays[0], 0) != 0
