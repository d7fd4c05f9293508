"""Distribution analysis: which frames, series and columns are split across ranks.

A fixed point over the typed IR on the lattice ``REP < OneD_Var < OneD``:

- ``OneD``: equal blocks of rows on the ranks (what a parquet read gives);
- ``OneD_Var``: blocks of any size (after a filter, or chunks the user passes in);
- ``REP``: the whole value on every rank.

Every distributable variable starts at ``OneD`` and is lowered by the rule of each
statement that defines or uses it (``distribution_rules``): element-wise operations
tie their operands and result together, a filter caps its result at ``OneD_Var``,
reductions accept any input, and anything the analysis does not know makes its
operands and result ``REP`` — which flows back to the read, so the program is
still right, only not split. Runs only when the world has more than one rank.
"""
from numba import types
from numba.core import ir

from hpjit.transforms import distribution_rules as rules
from hpjit.transforms.distributed_loops import find_loops

REP, ONE_D_VAR, ONE_D = 0, 1, 2
NAMES = {REP: "REP", ONE_D_VAR: "OneD_Var", ONE_D: "OneD"}


class Distribution:
    """The analysis result: a distribution, a reason and a source line per variable."""

    def __init__(self):
        self.dist = {}
        self.reason = {}
        self.loc = {}
        self.bound_self = {}
        #: temporaries made by ``build_tuple`` → their items
        self.tuple_items = {}
        #: tuples consumed row by row (``np.column_stack``): their items are not gathered
        self.row_tuples = set()
        #: the function's ``prange`` loops (``distributed_loops.PrangeLoop``)
        self.loops = []

    def is_distributed(self, var):
        return self.dist.get(var.name, REP) != REP

    def lower(self, name, value, reason, loc):
        if name in self.dist and value < self.dist[name]:
            self.dist[name] = value
            self.reason[name] = reason
            self.loc[name] = loc
            return True
        return False

    def report(self):
        """Lines 'variable: distribution (why, line)' for the user's variables."""
        out = []
        for name in sorted(self.dist, key=lambda n: (self.loc[n].line if self.loc.get(n) else 0, n)):
            if name.startswith("$"):
                continue
            loc = self.loc.get(name)
            where = f"line {loc.line}" if loc else ""
            out.append(f"{name}: {NAMES[self.dist[name]]} ({self.reason.get(name, '')}; {where})")
        return out


def analyze(func_ir, typemap, calltypes, distributed_args=()):
    """Run the fixed point; returns a :class:`Distribution`."""
    d = Distribution()
    for block in func_ir.blocks.values():
        for stmt in block.body:
            if isinstance(stmt, ir.Assign):
                name = stmt.target.name
                if rules.is_distributable(typemap.get(name)):
                    d.dist[name] = ONE_D
                    d.reason[name] = "split by rows"
                    d.loc[name] = stmt.loc
                v = stmt.value
                if isinstance(v, ir.Expr) and v.op == "getattr" and \
                        isinstance(typemap.get(name), types.BoundFunction):
                    d.bound_self[name] = v.value
                if isinstance(v, ir.Expr) and v.op == "build_tuple" and name.startswith("$"):
                    d.tuple_items[name] = list(v.items)
    d.loops = find_loops(func_ir, typemap)
    row_accesses = set().union(*(pl.accesses for pl in d.loops if pl.problem is None))
    changed = True
    while changed:
        changed = False
        for pl in d.loops:
            changed |= rules.prange_loop(pl, d)
        for block in func_ir.blocks.values():
            for stmt in block.body:
                if id(stmt) not in row_accesses:
                    changed |= rules.apply(stmt, d, typemap, calltypes, distributed_args)
    return d
