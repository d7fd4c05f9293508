"""How each statement constrains distributions (see ``distributed_analysis``).

A call's rule is its declaration's (``hpjit.typing.operations``), found by what numba typed
the call as: a method's ``(type, name)`` typing key, or the called Python function; numpy's
allocations and reductions (numba's own overloads) are listed here. Anything else is unknown
and makes every distributable value it touches ``REP``.
"""

import numpy as np
import pandas as pd
from numba import types
from numba.core import ir

from hpjit.ml.estimator import EstimatorType
from hpjit.ml.numpy_statistics import STAT_FUNCTIONS
from hpjit.typing import operations
from hpjit.typing.accessors import DtAccessorType, StrAccessorType
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.group_rolling import GroupRollingType
from hpjit.typing.groupby import GroupByType
from hpjit.typing.indexers import LocIndexerType, is_mask
from hpjit.typing.io_parquet import ParquetFiltersType
from hpjit.typing.numpy_creation import linspace
from hpjit.typing.positional import PositionIndexerType
from hpjit.typing.ewm import EwmType
from hpjit.typing.expanding import ExpandingType
from hpjit.typing.rolling import RollingType
from hpjit.typing.series import SeriesType

REP, ONE_D_VAR, ONE_D = 0, 1, 2

#: numpy allocations whose first argument is the length: born split across ranks
ALLOC_FUNCTIONS = {np.ones, np.zeros, np.empty, np.arange, np.random.ranf, np.random.random_sample,
                   np.random.random, np.random.rand, np.random.randn, np.random.standard_normal}
#: numpy reductions of a 1-d array (np.f(a) or a.f())
ARRAY_REDUCTIONS = {np.sum: "sum", np.mean: "mean", np.min: "min", np.max: "max",
                    np.amin: "min", np.amax: "max", np.bincount: "bincount"}
ARRAY_REDUCTION_METHODS = {(types.Array, m): m for m in ("sum", "mean", "min", "max")}


def is_distributable(t):
    """Values that can be split by rows: frames, series, columns, 2-d arrays (by rows), and
    fitted estimators holding per-row results (KMeans' ``labels_``)."""
    return isinstance(t, (DataFrameType, SeriesType, StringArrayType, DateArrayType,
                          MaskedArrayType, DtAccessorType, StrAccessorType, GroupByType,
                          LocIndexerType, PositionIndexerType, RollingType, ExpandingType,
                          EwmType, GroupRollingType)) \
        or (isinstance(t, types.Array) and t.ndim in (1, 2)) \
        or (isinstance(t, EstimatorType) and bool(t.row_fields))


def method_key(fnty):
    """``(type class, name)`` of a bound method's typing key, or None."""
    if isinstance(fnty, types.BoundFunction):
        key = fnty.typing_key
        if isinstance(key, tuple) and len(key) == 2:
            return key
    return None


def function_key(fnty):
    if isinstance(fnty, types.Function):
        return fnty.typing_key
    return None


def reduction_name(expr, d, typemap):
    """(name, array var) when ``expr`` reduces a 1-d numpy array, else None."""
    fnty = typemap[expr.func.name]
    key = getattr(fnty, "typing_key", None)
    if isinstance(fnty, types.Function) and key in ARRAY_REDUCTIONS and len(expr.args) == 1 \
            and not expr.kws:
        return ARRAY_REDUCTIONS[key], expr.args[0]
    if isinstance(fnty, types.BoundFunction) and key in ARRAY_REDUCTION_METHODS and \
            not expr.args and not expr.kws:
        return ARRAY_REDUCTION_METHODS[key], d.bound_self.get(expr.func.name)
    return None


def classify_call(expr, d, typemap):
    """(rule, self var) of a call: the rule its declaration gives (``hpjit.typing.operations``),
    or one of numpy's and Python's calls hpjit knows ('alloc', 'array_reduce', 'len',
    'concat', 'column_stack', 'stat'); 'unknown' otherwise."""
    fnty = typemap[expr.func.name]
    red = reduction_name(expr, d, typemap)
    if red is not None:
        return "array_reduce", red[1]
    mkey = method_key(fnty)
    this = d.bound_self.get(expr.func.name)
    if mkey is not None:
        op = operations.lookup(mkey)
        return (op.rule if op is not None else "unknown"), this
    fkey = function_key(fnty)
    op = operations.lookup(fkey) if fkey is not None else None
    if fkey is np.where and len(expr.args) + len(expr.kws) < 3:
        op = None  # np.where(cond): positions of the True values, not one result per row
    if op is not None:  # a function's twin takes its object as the first argument
        twin = op.rule in operations.TWINS
        if twin and not expr.args:
            return "unknown", None
        return op.rule, (expr.args[0] if twin else None)
    if alloc_length(expr, typemap) is not None:
        return "alloc", None
    if fkey is pd.concat and expr.args and expr.args[0].name in d.tuple_items:
        return "concat", expr.args[0]
    if fkey is len:
        return "len", None
    if fkey is np.column_stack and len(expr.args) == 1 and not expr.kws and \
            expr.args[0].name in d.tuple_items:
        return "column_stack", expr.args[0]
    if fkey in STAT_FUNCTIONS and expr.args and not expr.vararg:
        _, params, _, form = STAT_FUNCTIONS[fkey]
        if form({p: typemap[v.name] for p, v in named_arguments(expr, params).items()}):
            return "stat", expr.args[0]
    return "unknown", this


def operation(expr, typemap):
    """The declared Operation of a call of a method or function hpjit overloads."""
    fnty = typemap[expr.func.name]
    return operations.lookup(method_key(fnty) or function_key(fnty))


def alloc_length(expr, typemap):
    """The length variable of a numpy allocation born split (``np.ones(n)``, ``np.arange(n)``,
    ``np.linspace(a, b, n)``, which an untyped pass made hpjit's ``linspace``), or None if
    ``expr`` is no such call."""
    fkey = function_key(typemap[expr.func.name])
    if expr.vararg:
        return None
    if fkey is linspace and len(expr.args) == 3 and not expr.kws:
        n = expr.args[2]
    elif fkey in ALLOC_FUNCTIONS and expr.args and (fkey is not np.arange or len(expr.args) == 1):
        n = expr.args[0]
    else:
        return None
    return n if isinstance(typemap[n.name], types.Integer) else None


def _vars(d, typemap, vs):
    """Names of the distributable variables among ``vs``."""
    return [v.name for v in vs if v is not None and v.name in d.dist]


def _tie(d, names, reason, loc, cap=ONE_D):
    """Give all ``names`` their lowest distribution (at most ``cap``)."""
    low = min([d.dist[n] for n in names] + [cap])
    changed = False
    for n in names:
        changed |= d.lower(n, low, reason, loc)
    return changed


def _make_rep(d, names, reason, loc):
    changed = False
    for n in names:
        changed |= d.lower(n, REP, reason, loc)
    return changed


def apply(stmt, d, typemap, calltypes, distributed_args):
    """Apply one statement's rule; True if any distribution was lowered."""
    loc = stmt.loc
    if isinstance(stmt, ir.Assign):
        target, v = stmt.target, stmt.value
        tname = target.name
        if isinstance(v, ir.Arg):
            base = v.name
            if tname in d.dist:
                cap = ONE_D_VAR if base in distributed_args else REP
                return d.lower(tname, cap, "argument" + (" (distributed=)" if cap else ""), loc)
            return False
        if isinstance(v, ir.Var):
            return _tie(d, _vars(d, typemap, [target, v]), f"same as {v.name}", loc)
        if isinstance(v, (ir.Global, ir.FreeVar, ir.Const)):
            return _make_rep(d, _vars(d, typemap, [target]), "constant", loc)
        if not isinstance(v, ir.Expr):
            return False
        return _apply_expr(target, v, d, typemap, loc)
    if isinstance(stmt, (ir.SetItem, ir.StaticSetItem)):
        return _make_rep(d, _vars(d, typemap, [stmt.target, stmt.value]), "item assignment", loc)
    return False


def _apply_expr(target, v, d, typemap, loc):
    tname = target.name
    if v.op == "cast":
        return _tie(d, _vars(d, typemap, [target, v.value]), "returned", loc)
    if v.op == "getattr":
        est = typemap.get(v.value.name)
        if isinstance(est, EstimatorType) and tname in d.dist:
            if v.attr in est.row_fields:
                return _tie(d, _vars(d, typemap, [target, v.value]), f".{v.attr}", loc)
            return _make_rep(d, [tname], "model parameters are replicated", loc)
        if tname in d.dist:
            return _tie(d, _vars(d, typemap, [target, v.value]), f".{v.attr}", loc)
        return False
    if v.op in ("static_getitem", "getitem"):
        obj = v.value
        idx = v.index if v.op == "getitem" else None
        if isinstance(typemap.get(obj.name), GroupByType):
            return _tie(d, _vars(d, typemap, [target, obj]), "groupby selection", loc)
        objt = typemap.get(obj.name)
        if isinstance(objt, StrAccessorType):  # s.str[i:j]: each row's own characters
            return _tie(d, _vars(d, typemap, [target, obj]), "str[i:j]", loc)
        if isinstance(objt, PositionIndexerType):
            return _by_position(d, typemap, target, v, loc)
        if isinstance(objt, (DataFrameType, SeriesType, LocIndexerType)):
            mask = _row_mask(d, typemap, idx)
            if mask is not None:
                if idx is not mask:  # obj.loc[mask, cols]: the key holds the rows' mask
                    d.row_tuples.add(idx.name)
                return _filtered(d, typemap, target, [obj, mask], loc)
            if not isinstance(objt, SeriesType):
                if idx is not None and idx.name in d.tuple_items:
                    d.row_tuples.add(idx.name)
                return _tie(d, _vars(d, typemap, [target, obj]), "column selection", loc)
        return _make_rep(d, _vars(d, typemap, [target, obj, idx]), f"indexing {v.op}", loc)
    if v.op in ("binop", "inplace_binop"):
        return _tie(d, _vars(d, typemap, [target, v.lhs, v.rhs]), f"operator {v.fn.__name__}", loc)
    if v.op == "unary":
        return _tie(d, _vars(d, typemap, [target, v.value]), "unary operator", loc)
    if v.op in ("build_tuple", "build_list"):
        return False  # the distributed pass gathers distributed members
    if v.op == "call":
        kind, this = classify_call(v, d, typemap)
        args = list(v.args) + [kv[1] for kv in v.kws]
        if kind == "source" and filtered_read(v, typemap):
            return d.lower(tname, ONE_D_VAR, "filtered read", loc)
        if kind in ("source", "alloc"):
            return False
        if kind == "elementwise":
            if needs_whole_object(target, typemap):
                return _make_rep(d, _vars(d, typemap, [target]), "groupby(sort=False) needs the "
                                 "whole frame for first-appearance order (gathered for it)", loc)
            return _tie(d, _vars(d, typemap, [target, this] + args), "element-wise", loc)
        if kind == operations.CONSTRUCT:
            if not _vars(d, typemap, args):
                return _make_rep(d, _vars(d, typemap, [target]), "built from values", loc)
            return _tie(d, _vars(d, typemap, [target] + args), "columns of one frame", loc)
        if kind == "reindex":
            return _tie(d, _vars(d, typemap, [target, this]), "relabelled rows", loc)
        if kind == "isin":  # each row against all the values: the pass gathers split ones
            return _tie(d, _vars(d, typemap, [target, this]), "element-wise", loc)
        if kind in ("reduce", "len", "array_reduce", "write"):
            return _make_rep(d, _vars(d, typemap, [target]), "reduced over all ranks", loc)
        if kind == "shuffle":
            return _shuffled(d, typemap, target, this, loc)
        if kind in operations.TWINS:
            return _twin_result(d, typemap, target, this, kind, loc)
        if kind == "join":
            return _joined(d, typemap, target, join_sides(v, this), loc)
        if kind == "concat":  # the tuple is the objects' rows, not a value to gather
            d.row_tuples.add(this.name)
            return _concatenated(d, target, _vars(d, typemap, d.tuple_items[this.name]), loc)
        if kind == "estimator":
            return _estimator_call(d, typemap, target, v, loc)
        if kind == "column_stack":  # row i of the result is row i of every column
            d.row_tuples.add(this.name)
            return _tie(d, _vars(d, typemap, [target] + d.tuple_items[this.name]),
                        "columns stacked by rows", loc)
        if kind == "stat":  # combined over the ranks: a whole (replicated) result
            rows = [this] + list(statistic_call(v, typemap)[3])
            changed = _tie(d, _vars(d, typemap, rows), "statistic's rows", loc) \
                if len(rows) > 1 else False
            return _make_rep(d, _vars(d, typemap, [target]), "statistic over all ranks", loc) \
                or changed
        if kind == "head":
            return _make_rep(d, _vars(d, typemap, [target]), "head() is gathered", loc)
        if kind == operations.SCALAR:
            return False
        if kind == operations.WHOLE_INPUT:
            return _make_rep(d, _vars(d, typemap, [target, this] + args),
                             operation(v, typemap).reason, loc)
        fname = str(typemap[v.func.name])
        return _make_rep(d, _vars(d, typemap, [target, this] + args), f"unknown call {fname}", loc)
    return _make_rep(d, _vars(d, typemap, [target] + list(v.list_vars())), f"expression {v.op}", loc)




def position_rows(expr, typemap):
    """The type of the rows part of ``obj.iloc[key]`` / ``obj.iat[key]`` (a getitem)."""
    key = expr.index if expr.op == "getitem" else expr.index_var
    kt = typemap[key.name] if key is not None else None
    if isinstance(kt, types.BaseTuple) and len(kt) == 2:
        return kt[0]
    return kt


def _by_position(d, typemap, target, expr, loc):
    """``obj.iloc[rows...]``: a slice keeps each rank's rows in it (split unequally, as a
    filter); one position's value is whole; rows by a list of positions are gathered."""
    rows = position_rows(expr, typemap)
    key = expr.index if expr.op == "getitem" else expr.index_var
    changed = _make_rep(d, _vars(d, typemap, [key]), "positions", loc)
    if typemap[expr.value.name].kind == "at":  # one label's value, on every rank
        return changed
    if isinstance(rows, types.SliceType):
        return _filtered(d, typemap, target, [expr.value], loc) or changed
    if isinstance(rows, types.Integer):
        return changed
    return _make_rep(d, _vars(d, typemap, [target]), "rows by a list of positions are "
                     "gathered", loc) or changed


def _row_mask(d, typemap, idx):
    """The boolean Series selecting rows in key ``idx`` (``mask`` or ``(mask, columns)``)."""
    if idx is None:
        return None
    if is_mask(typemap.get(idx.name)):
        return idx
    items = d.tuple_items.get(idx.name)
    if items and is_mask(typemap.get(items[0].name)):
        return items[0]
    return None


def _filtered(d, typemap, target, operands, loc):
    """The rows of ``operands[0]`` where the mask ``operands[1]`` holds: each rank keeps its
    own, so the result is split unequally (or whole where it must be)."""
    names = _vars(d, typemap, operands)
    changed = False
    if target.name in d.dist and d.dist[target.name] == REP:
        changed |= _make_rep(d, names, "filtered result needed whole", loc)
    changed |= _tie(d, names, "filter operands", loc)
    if target.name in d.dist and names:
        changed |= d.lower(target.name, min(d.dist[names[0]], ONE_D_VAR), "filter", loc)
    return changed


def filtered_read(expr, typemap):
    """Whether a read call keeps only the rows matching ``filters=`` (unequal chunks)."""
    return any(isinstance(typemap.get(v.name), ParquetFiltersType)
               for v in list(expr.args) + [kv[1] for kv in expr.kws])


def named_arguments(expr, params):
    """{parameter: variable} of a method call whose parameters after ``self`` are ``params``
    (names, with or without ``=default``)."""
    args = dict(zip([p.split("=")[0] for p in params], expr.args))
    args.update(dict(expr.kws))
    return args


def statistic_call(expr, typemap):
    """(split form, its parameters after the data, {parameter: variable}, variables whose rows
    align with the data's) of a statistic call: a method (``s.quantile(q)``) or a numpy
    function (``np.cov(X, rowvar=False)``, the data its first argument)."""
    fnty = typemap[expr.func.name]
    mkey = method_key(fnty)
    if mkey is not None:
        op = operations.lookup(mkey)
        return op.form, op.params, named_arguments(expr, op.params), ()
    fn, params, rows, _ = STAT_FUNCTIONS[function_key(fnty)]
    args = named_arguments(expr, params)
    return fn, params[1:], args, [args[r] for r in rows if r in args]


def estimator_arguments(expr, fnty):
    """{parameter: variable} of an estimator method call (``X``, ``y``)."""
    return named_arguments(expr, operations.lookup(method_key(fnty)).params)


def prange_loop(pl, d):
    """A ``prange`` loop (``distributed_loops``): the arrays it indexes by row, and what its
    range is the length of, are split alike; what its body uses otherwise stays whole."""
    loc = pl.range_stmt.loc
    rows = [n for n in pl.arrays + pl.length_of if n in d.dist]
    if pl.problem:
        return _make_rep(d, rows, pl.problem, loc)
    changed = _make_rep(d, [n for n in pl.whole if n in d.dist],
                        f"used whole inside the prange loop of line {pl.line}", loc)
    return _tie(d, rows, f"indexed by row in the prange loop of line {pl.line}", loc) or changed


def _estimator_call(d, typemap, target, expr, loc):
    """``fit``/``predict``... work on X's rows where they are: X, y and any per-row result
    (labels, predictions, a fitted model's ``labels_``) are split alike; the model is
    replicated (each kernel combines its partial results across ranks)."""
    fnty = typemap[expr.func.name]
    args = estimator_arguments(expr, fnty)
    name = method_key(fnty)[1]
    rows = [args.get("X"), args.get("y")]
    if name != "score":
        rows.append(target)
    return _tie(d, _vars(d, typemap, rows), f"estimator .{name}() by rows", loc)


def needs_whole_object(target, typemap):
    """Whether the call making ``target`` runs on a gathered copy of its object, which itself
    stays split: ``groupby(sort=False)`` (pandas orders its groups by first appearance, which
    a range partition of the keys does not keep)."""
    t = typemap.get(target.name)
    return isinstance(t, GroupByType) and not t.sort


def _shuffled(d, typemap, target, this, loc):
    """A result made by moving rows by key: distributed (unequal chunks) when its input is.

    A ``groupby(sort=False)`` is whole (``needs_whole_object``), and so is its result.
    """
    names = _vars(d, typemap, [this])
    if target.name in d.dist and d.dist[target.name] == REP:
        return _make_rep(d, names, "result needed whole", loc)
    if target.name in d.dist and names:
        return d.lower(target.name, min(d.dist[names[0]], ONE_D_VAR), "moved between ranks by key",
                       loc)
    return False


def _twin_result(d, typemap, target, this, how, loc):
    """A distributed twin's result (rule WHOLE, ROWS, SUBSET or PLACED): whole on every rank,
    one result per row, or rows of the split input in unequal chunks (a filter's, a
    concatenation's)."""
    if how == "whole":
        return _make_rep(d, _vars(d, typemap, [target]), "result whole on every rank", loc)
    if how == "rows":
        return _tie(d, _vars(d, typemap, [target, this]), "one result per row", loc)
    names = _vars(d, typemap, [this])
    if target.name not in d.dist or not names:
        return False
    if d.dist[target.name] == REP:
        return _make_rep(d, names, "result needed whole", loc)
    why = "a subset of the rows" if how == "subset" else "rows placed in blocks of the result"
    return d.lower(target.name, min(d.dist[names[0]], ONE_D_VAR), why, loc)


def _concatenated(d, target, names, loc):
    """``pd.concat``'s result: see ``_combined``."""
    return _combined(d, target, names, loc, ("concatenation needed whole",
                                             "rows of the objects placed in order",
                                             "concatenation of whole objects"))


def _combined(d, target, names, loc, reasons):
    """A result made of several inputs' rows (a join, a concatenation) is split (unequal
    chunks) when any input is — a replicated input is split into blocks by the operation
    itself — and whole when all are; a result needed whole keeps its inputs whole.
    ``reasons``: (inputs kept whole, split result, whole result)."""
    if target.name not in d.dist:
        return False
    if d.dist[target.name] == REP:
        return _make_rep(d, names, reasons[0], loc)
    if any(d.dist[n] != REP for n in names):
        return d.lower(target.name, ONE_D_VAR, reasons[1], loc)
    return d.lower(target.name, REP, reasons[2], loc)


def join_sides(expr, this):
    """The (left, right) variables of a merge or join call."""
    args = list(expr.args)
    kws = dict(expr.kws)
    if this is None:
        left = args.pop(0) if args else kws.get("left")
    else:
        left = this
    right = args[0] if args else kws.get("right", kws.get("other"))
    return left, right


def _joined(d, typemap, target, sides, loc):
    """A join's result: see ``_combined``."""
    return _combined(d, target, _vars(d, typemap, list(sides)), loc,
                     ("join result needed whole", "joined by key", "join of whole frames"))
