"""Untyped pass (after SSA): columns no later statement needs are not read, and not carried
through merges.

A frame's type is its columns, and every operation on a frame generates code per column, so a
chain of merges that carries every column of every table (TPC-H's five- and seven-table joins
carry 40–60) costs compile time growing with the square of the chain's length, and run time
and memory for data nobody looks at. This pass follows each frame's columns forward from where
they are known (a parquet file's schema, an argument's type) through the operations listed in
``_SAME_COLUMNS``, ``merge``, ``rename``, ``drop``, column selection and assignment; then finds
backwards which columns each frame must still have: those named by a later statement
(``df.c``, ``df['c']``, ``df[['a', 'b']]``, ``by=``, ``subset=``, ``on=``, a named aggregation)
and those a live result takes from it. Any other use of a frame — returned, passed to a
function, ``df.loc``, a method not listed, a reduction over all columns — needs all its
columns. Reads then get ``columns=`` and merge inputs a column selection of what is needed.
Relative column order is kept, and a column two merge inputs share (pandas suffixes it) is
kept on both sides while either copy is needed, so every surviving column has the name and
position pandas gives it.
"""
import pandas as pd
import pyarrow.parquet as pq
from numba.core import ir
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.ir_utils import build_definitions, get_definition, guard, mk_unique_var

from hpjit.runtime.parquet_read import dataset_files
from hpjit.transforms.column_pruning import add_columns
from hpjit.transforms.constant_arguments import pandas_function, python_constant
from hpjit.transforms.untyped_pass import constant_list
from hpjit.typing.constants import DictConstant
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.frame_methods import setitem
from hpjit.typing.groupby import NamedAggregation

#: methods whose result has the frame's columns; value: the parameters naming columns it needs
_SAME_COLUMNS = {"sort_values": ("by", 0), "head": None, "tail": None, "copy": None,
                 "drop_duplicates": ("subset", 0), "dropna": ("subset", 3), "fillna": None,
                 "nlargest": ("columns", 1), "nsmallest": ("columns", 1)}
#: of those, the ones that look at every column when the parameter is left out
_ALL_WITHOUT = {"drop_duplicates", "dropna"}
_FRAME_ATTRIBUTES = set(dir(pd.DataFrame))
_GROUPBY_ATTRIBUTES = set(dir(pd.core.groupby.DataFrameGroupBy))


def _const(func_ir, var):
    try:
        value = python_constant(func_ir, var)
    except (KeyError, TypeError):
        return None
    return value.value if isinstance(value, DictConstant) else value


def _names(value):
    """A column name or list of names as a list, else None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _argument(call, name, pos):
    kws = dict(call.kws)
    if name in kws:
        return kws[name]
    return call.args[pos] if pos is not None and len(call.args) > pos else None


class _Frames:
    """Columns of the function's frame variables, and the columns each must keep."""

    def __init__(self, func_ir, arg_types):
        self.ir = func_ir
        self.args = arg_types
        self.cols = {}
        self.calls = {}  # bound-method variable → (frame variable, method name)
        self.groups = {}  # groupby variable → (keys, as_index)
        self.aggs = {}  # bound agg method variable → groupby variable
        self.stmts = [(blk, st) for blk in func_ir.blocks.values() for st in blk.body]
        self.merges = []  # (statement, call, left var, right var, spec)
        self.reads = []  # (statement, call, frame var)

    # -- forward: the columns of each frame --------------------------------------------

    def infer(self):
        for _ in range(len(self.stmts) + 1):
            before = len(self.cols)
            for _blk, st in self.stmts:
                if isinstance(st, ir.Assign) and st.target.name not in self.cols:
                    cols = self._columns_of(st.target, st.value)
                    if cols is not None:
                        self.cols[st.target.name] = cols
            if len(self.cols) == before:
                break

    def _columns_of(self, target, v):
        if isinstance(v, ir.Arg):
            t = self.args[v.index] if v.index < len(self.args) else None
            return list(t.columns) if isinstance(t, DataFrameType) else None
        if isinstance(v, ir.Var):
            return list(self.cols[v.name]) if v.name in self.cols else None
        if not isinstance(v, ir.Expr):
            return None
        if v.op == "getattr" and v.value.name in self.cols and v.attr in _FRAME_ATTRIBUTES:
            self.calls[target.name] = (v.value, v.attr)
            return None
        if v.op == "getattr" and v.value.name in self.groups and v.attr in ("agg", "aggregate"):
            self.aggs[target.name] = v.value.name
            return None
        if v.op in ("getitem", "static_getitem") and v.value.name in self.cols:
            key = v.index if v.op == "static_getitem" else _const(self.ir, v.index)
            if isinstance(key, (list, tuple)) and _names(key) is not None:
                return list(key)
            if key is None and v.op == "getitem":
                return list(self.cols[v.value.name])  # a row mask
            return None
        if v.op != "call" or v.vararg:
            return None
        fn = pandas_function(self.ir, v.func)
        if fn is pd.read_parquet and len(v.args) == 1:
            return self._read(target, v)
        if fn is setitem and v.args[0].name in self.cols:
            key = _const(self.ir, v.args[1])
            cols = list(self.cols[v.args[0].name])
            return cols + [key] if isinstance(key, str) and key not in cols else cols
        if fn is pd.merge and len(v.args) == 2:
            return self._merge(target, v, v.args[0], v.args[1])
        if v.func.name in self.aggs:
            return self._aggregated(v)
        frame_var, name = self.calls.get(v.func.name, (None, None))
        if frame_var is None:
            return None
        cols = self.cols[frame_var.name]
        if name == "groupby":
            self._grouped(target, v)
            return None
        if name in _SAME_COLUMNS:
            return list(cols)
        if name == "merge" and len(v.args) == 1:
            return self._merge(target, v, frame_var, v.args[0])
        if name == "rename" and not v.args and set(dict(v.kws)) == {"columns"}:
            mapping = _const(self.ir, dict(v.kws)["columns"])
            if isinstance(mapping, dict):
                return [mapping.get(c, c) for c in cols]
        if name == "drop" and not v.args and set(dict(v.kws)) == {"columns"}:
            gone = _names(_const(self.ir, dict(v.kws)["columns"]))
            if gone is not None and set(gone) <= set(cols):
                return [c for c in cols if c not in gone]
        return None

    def _grouped(self, target, call):
        by = _names(_const(self.ir, _argument(call, "by", 0)))
        kws = dict(call.kws)
        as_index = _const(self.ir, kws["as_index"]) if "as_index" in kws else True
        if by is not None and isinstance(as_index, bool) and set(kws) <= {"by", "as_index", "sort"}:
            self.groups[target.name] = (by, as_index)

    def _aggregated(self, call):
        """Columns of ``gb.agg(out=(col, func), ...)``: the keys (``as_index=False``), then the
        outputs."""
        by, as_index = self.groups[self.aggs[call.func.name]]
        spec = _const(self.ir, call.args[0]) if len(call.args) == 1 and not call.kws else None
        if not isinstance(spec, NamedAggregation):
            return None
        return ([] if as_index else list(by)) + [out for out, _col, _f in spec.outputs]

    def _read(self, target, call):
        path = _const(self.ir, call.args[0])
        kws = dict(call.kws)
        if not isinstance(path, str) or set(kws) - {"columns"}:
            return None
        try:
            schema = pq.read_schema(dataset_files(path)[0])
        except Exception:
            return None  # the read's own overload names the problem
        index = [c.get("name") if isinstance(c, dict) else c
                 for c in (schema.pandas_metadata or {}).get("index_columns", [])]
        names = [n for n in schema.names if n not in index]
        if "columns" in kws:
            asked = _names(_const(self.ir, kws["columns"]))
            if asked is None or not set(asked) <= set(names):
                return None
            names = asked
        self.reads.append((call, target.name))
        return names

    def _merge(self, target, call, left, right):
        """The merged columns (pandas' naming), recording the merge; None where not modelled."""
        if left.name not in self.cols or right.name not in self.cols:
            return None
        kws = dict(call.kws)
        if set(kws) - {"on", "left_on", "right_on", "how", "suffixes"}:
            return None
        on = _names(_const(self.ir, kws["on"])) if "on" in kws else None
        lkeys = on or (_names(_const(self.ir, kws["left_on"])) if "left_on" in kws else None)
        rkeys = on or (_names(_const(self.ir, kws["right_on"])) if "right_on" in kws else None)
        suffixes = _const(self.ir, kws["suffixes"]) if "suffixes" in kws else ("_x", "_y")
        lcols, rcols = self.cols[left.name], self.cols[right.name]
        if lkeys is None or rkeys is None or len(lkeys) != len(rkeys) or \
                not (set(lkeys) <= set(lcols) and set(rkeys) <= set(rcols)) or \
                not (isinstance(suffixes, (tuple, list)) and len(suffixes) == 2
                     and all(isinstance(s, str) for s in suffixes)):
            return None
        shared_keys = {a for a, b in zip(lkeys, rkeys) if a == b}
        rest = [c for c in rcols if c not in shared_keys]
        both = set(lcols) & set(rest)
        out_l = [c + suffixes[0] if c in both else c for c in lcols]
        out_r = [c + suffixes[1] if c in both else c for c in rest]
        spec = dict(lkeys=lkeys, rkeys=rkeys, out_l=dict(zip(lcols, out_l)),
                    out_r=dict(zip(rest, out_r)), both=both, shared_keys=shared_keys)
        self.merges.append((call, left, right, target.name, spec))
        return out_l + out_r

    # -- backward: the columns each frame must keep ------------------------------------

    def liveness(self):
        self.live = {v: set() for v in self.cols}
        for _ in range(len(self.stmts) + 1):
            changed = False
            for _blk, st in reversed(self.stmts):
                changed |= self._needs(st)
            if not changed:
                break

    def _need(self, var, cols):
        if var not in self.cols:
            return False
        cols = set(cols) & set(self.cols[var])
        if cols <= self.live[var]:
            return False
        self.live[var] |= cols
        return True

    def _named(self, var, names):
        """``var`` needs the columns a statement names; a name it lacks keeps every column, so
        the error about it lists the frame's real columns."""
        if var in self.cols and not set(names) <= set(self.cols[var]):
            return self._all(var)
        return self._need(var, names)

    def _all(self, var):
        return self._need(var, self.cols.get(var, ()))

    def _needs(self, st):
        """Add what statement ``st`` needs of the frames it uses; True if anything grew."""
        if not isinstance(st, ir.Assign):
            return any([self._all(v.name) for v in st.list_vars() if v.name in self.cols])
        target, v = st.target.name, st.value
        parts = [v] if isinstance(v, ir.Var) else v.list_vars() if isinstance(v, ir.Expr) else []
        used = [u.name for u in parts if u.name in self.cols]
        if isinstance(v, ir.Arg) or not (used or (isinstance(v, ir.Expr) and v.op == "call"
                                                  and v.func.name in self.calls)):
            return False
        if isinstance(v, ir.Var):
            return self._need(v.name, self.live.get(target, self.cols[v.name]))
        if not isinstance(v, ir.Expr):
            return any([self._all(u) for u in used])
        if v.op == "getattr":
            if v.attr not in _FRAME_ATTRIBUTES:
                return self._named(v.value.name, [v.attr])
            if target in self.calls and self._only_called(target):
                return False  # its call says what it needs
            return self._all(v.value.name)
        if v.op in ("getitem", "static_getitem") and v.value.name in self.cols:
            key = v.index if v.op == "static_getitem" else _const(self.ir, v.index)
            names = _names(key)
            if names is not None:
                return self._named(v.value.name, names)
            if key is None and v.op == "getitem":  # a row mask
                return self._need(v.value.name, self.live.get(target, ()))
            return self._all(v.value.name)
        if v.op == "call":
            return self._call_needs(target, v, used)
        return any([self._all(u) for u in used])

    def _only_called(self, method_var):
        uses = [st for _b, st in self.stmts if any(x.name == method_var for x in st.list_vars())
                and not (isinstance(st, ir.Assign) and st.target.name == method_var)]
        return all(isinstance(st, ir.Assign) and isinstance(st.value, ir.Expr)
                   and st.value.op == "call" and st.value.func.name == method_var
                   and all(a.name != method_var for a in st.value.args) for st in uses)

    def _call_needs(self, target, v, used):
        fn = pandas_function(self.ir, v.func)
        out = self.live.get(target, set())
        if fn is len and len(v.args) == 1:
            return False
        if fn is setitem and v.args[0].name in self.cols and target in self.cols:
            rest = [a.name for a in v.args[1:] if a.name in self.cols]
            return self._need(v.args[0].name, out) | any([self._all(r) for r in rest])
        if fn is pd.read_parquet:
            return False
        merge = next((m for m in self.merges if m[0] is v), None)
        if merge is not None:
            return self._merge_needs(merge, out)
        frame_var, name = self.calls.get(v.func.name, (None, None))
        frame = frame_var.name if frame_var is not None else None
        others = [a.name for a in list(v.args) + [x for _, x in v.kws] if a.name in self.cols]
        changed = any([self._all(o) for o in others])
        if frame is None:
            return changed | any([self._all(u) for u in used])
        if name in _SAME_COLUMNS and target in self.cols:
            spec = _SAME_COLUMNS[name]
            arg = _argument(v, *spec) if spec else None
            named = _names(_const(self.ir, arg)) if arg is not None else []
            if named is None or (arg is None and name in _ALL_WITHOUT):
                return changed | self._all(frame)
            if name == "fillna":
                value = _const(self.ir, _argument(v, "value", 0))
                named = list(value) if isinstance(value, dict) else []
            return changed | self._named(frame, named) | self._need(frame, out)
        if name == "rename" and target in self.cols:
            mapping = _const(self.ir, dict(v.kws)["columns"])
            inverse = {mapping.get(c, c): c for c in self.cols[frame]}
            return changed | self._need(frame, {inverse[c] for c in out if c in inverse})
        if name == "drop" and target in self.cols:
            gone = _names(_const(self.ir, dict(v.kws)["columns"]))
            return changed | self._named(frame, gone) | self._need(frame, out)
        if name == "groupby":
            return changed | self._groupby_needs(frame, target, v)
        return changed | self._all(frame)

    def _merge_needs(self, merge, out):
        _call, left, right, _target, spec = merge
        changed = False
        for side, keys, names in ((left, spec["lkeys"], spec["out_l"]),
                                  (right, spec["rkeys"], spec["out_r"])):
            need = set(keys) | {c for c, o in names.items() if o in out}
            changed |= self._need(side.name, need)
        shared = {c for c in spec["both"]
                  if spec["out_l"][c] in out or spec["out_r"][c] in out}
        return changed | self._need(left.name, shared) | self._need(right.name, shared)

    def _groupby_needs(self, frame, gvar, call):
        by = _names(_const(self.ir, _argument(call, "by", 0)))
        if by is None:
            return self._all(frame)
        need = set(by)
        for _b, st in self.stmts:
            if not any(x.name == gvar for x in st.list_vars()) or \
                    (isinstance(st, ir.Assign) and st.target.name == gvar):
                continue
            v = st.value if isinstance(st, ir.Assign) else None
            if isinstance(v, ir.Expr) and v.op in ("getitem", "static_getitem") and \
                    v.value.name == gvar:
                names = _names(v.index if v.op == "static_getitem" else _const(self.ir, v.index))
                if names is None:
                    return self._all(frame)
                need |= set(names)
            elif isinstance(v, ir.Expr) and v.op == "getattr" and v.value.name == gvar and \
                    v.attr not in _GROUPBY_ATTRIBUTES:
                need.add(v.attr)  # gb.col is gb['col']
            elif isinstance(v, ir.Expr) and v.op == "getattr" and v.value.name == gvar and \
                    v.attr in ("agg", "aggregate", "size"):
                for _b2, st2 in self.stmts:
                    c = st2.value if isinstance(st2, ir.Assign) else None
                    if isinstance(c, ir.Expr) and c.op == "call" and c.func.name == st.target.name:
                        spec = _const(self.ir, c.args[0]) if c.args else None
                        if v.attr == "size" and not c.args:
                            continue
                        if not isinstance(spec, NamedAggregation) or c.kws:
                            return self._all(frame)
                        need |= {col for _out, col, _f in spec.outputs}
            else:
                return self._all(frame)
        return self._named(frame, need)


def _selection(block, frame, keep, loc):
    """Statements assigning ``frame[[keep...]]`` to a new variable, and that variable."""
    new, lst = constant_list(block.scope, keep, loc)
    out = ir.Var(block.scope, mk_unique_var(f"$hpjit_pruned_{frame.name}"), loc)
    new.append(ir.Assign(ir.Expr.getitem(frame, lst, loc), out, loc))
    return new, out


@register_pass(mutates_CFG=False, analysis_only=False)
class DeadColumnPass(FunctionPass):
    _name = "hpjit_dead_columns"

    def __init__(self):
        FunctionPass.__init__(self)

    def run_pass(self, state):
        frames = _Frames(state.func_ir, tuple(state.args))
        frames.infer()
        if not frames.reads and not frames.merges:
            return False
        frames.liveness()
        changed = False
        for call, var in frames.reads:
            keep = [c for c in frames.cols[var] if c in frames.live[var]]
            if len(keep) < len(frames.cols[var]):
                changed |= self._read_only(state.func_ir, call, keep or frames.cols[var][:1])
        for call, left, right, _target, _spec in frames.merges:
            if left.name == right.name:
                continue
            for side in (left, right):
                keep = [c for c in frames.cols[side.name] if c in frames.live[side.name]]
                if len(keep) < len(frames.cols[side.name]):
                    changed |= self._merge_input(state.func_ir, call, side, keep)
        if changed:
            state.func_ir._definitions = build_definitions(state.func_ir.blocks)
        return changed

    def _read_only(self, func_ir, call, keep):
        for block in func_ir.blocks.values():
            if any(isinstance(st, ir.Assign) and st.value is call for st in block.body):
                return add_columns(block, call, keep, call.loc)
        return False

    def _merge_input(self, func_ir, call, side, keep):
        """Give the merge ``call`` the frame ``side``'s ``keep`` columns instead: an argument is
        replaced at the call, ``left`` of ``left.merge(...)`` where the method is looked up."""
        d = guard(get_definition, func_ir, call.func)
        bound = isinstance(d, ir.Expr) and d.op == "getattr" and d.value.name == side.name
        anchor = d if bound else call
        for block in func_ir.blocks.values():
            for k, st in enumerate(block.body):
                if isinstance(st, ir.Assign) and st.value is anchor:
                    new, pruned = _selection(block, side, keep, st.loc)
                    block.body[k:k] = new
                    if bound:
                        d.value = pruned
                    else:
                        call.args = [pruned if a.name == side.name else a for a in call.args]
                    return True
        return False
