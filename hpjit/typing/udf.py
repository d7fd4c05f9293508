"""User functions passed to ``Series.map`` and ``DataFrame.apply``: typing them, and rows.

The user's lambda reaches an overload as a numba dispatcher (numba's
``MakeFunctionToJitFunction`` pass turns it into one); we type it on the element
type to choose the output column, then call it from the overload's loop, where
LLVM inlines it.
"""
import re

from numba import types
from numba.core import cgutils, ir
from numba.core.compiler import run_frontend
from numba.core import errors as nb_errors
from numba.core.registry import cpu_target
from numba.core.typing.templates import (AbstractTemplate, AttributeTemplate, infer_getattr,
                                         infer_global, signature)
from numba.extending import (intrinsic, lower_builtin, lower_getattr_generic, models, overload,
                             register_model)
import operator

from hpjit.errors import (describe_attribute_errors, innermost_message, unknown_attribute_message,
                          user_error)


def resolve_udf(func, argtypes, what):
    """The signature of user function ``func`` on ``argtypes``; a clear error if it does not type."""
    if isinstance(func, types.MakeFunctionLiteral):
        raise user_error(f"{what}: functions that capture local variables are not supported yet; "
                         "pass a lambda or function that uses only its arguments and globals")
    if not isinstance(func, types.Dispatcher):
        raise user_error(f"{what}: expected a function or lambda, got {func}")
    try:
        sig = func.get_call_type(cpu_target.typing_context, tuple(argtypes), {})
    except nb_errors.TypingError as e:
        text = str(e)
        m = re.search(r"Can't unify return type from the following types: (.*)", text)
        if m is None:
            m = re.search(r"Cannot unify (.*?) for '", text)
        if m:
            raise user_error(f"{what}: the function returns values of incompatible types "
                             f"({m.group(1).strip()}); every branch must return the same kind "
                             "of value") from None
        msg = unknown_attribute_message(text) or innermost_message(text)
        raise user_error(f"{what}: cannot compile the function: {msg}") from None
    if sig is None:
        raise user_error(f"{what}: cannot compile the function for {argtypes}")
    return sig


def columns_read(func, columns):
    """The ``columns`` (in their order) that user function ``func`` reads from its first
    argument, a row, as ``row.c`` or ``row['c']``; None when it uses the row any other way (or
    names something else), so every column must be in the row. A row of only the columns read
    is less code to compile and less data to load per row."""
    try:
        fir = run_frontend(func.dispatcher.py_func)
    except Exception:  # noqa: BLE001  (an unusual function: give it every column)
        return None
    stmts = [st for blk in fir.blocks.values() for st in blk.body if not isinstance(st, ir.Del)]
    rows = {st.target.name for st in stmts if isinstance(st, ir.Assign)
            and isinstance(st.value, ir.Arg) and st.value.index == 0}
    consts = {st.target.name: st.value.value for st in stmts if isinstance(st, ir.Assign)
              and isinstance(st.value, (ir.Const, ir.FreeVar, ir.Global))}
    read = set()
    for st in stmts:
        if not any(v.name in rows for v in st.list_vars()):
            continue
        if isinstance(st, ir.Assign) and isinstance(st.value, ir.Arg):
            continue
        name = _field_read(st, rows, consts)
        if name not in columns:
            return None
        read.add(name)
    return [c for c in columns if c in read]


def _field_read(st, rows, consts):
    """The name statement ``st`` reads from a row variable (``row.c``, ``row['c']``), or None."""
    if not (isinstance(st, ir.Assign) and isinstance(st.value, ir.Expr)) or st.target.name in rows:
        return None
    e = st.value
    if e.op not in ("getattr", "getitem", "static_getitem") or e.value.name not in rows:
        return None
    if e.op == "getattr":
        name = e.attr
    elif e.op == "static_getitem":
        name = e.index
    else:
        name = None if e.index.name in rows else consts.get(e.index.name)
    return name if isinstance(name, str) else None


_ROW_COLUMNS = {}


class RowType(types.Type):
    """A row of a frame inside ``DataFrame.apply(f, axis=1)``: ``row.c`` and ``row['c']``."""

    def __init__(self, columns, values):
        self.columns = tuple(columns)
        self.values = tuple(values)
        super().__init__(name="Row(" + ", ".join(f"{c}: {t}" for c, t in
                                                  zip(self.columns, self.values)) + ")")
        _ROW_COLUMNS[self.name] = self.columns


@register_model(RowType)
class _RowModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("values", types.Tuple(fe_type.values))])


@intrinsic
def make_row(typingctx, values, row_type):
    rt = row_type.instance_type

    def codegen(context, builder, sig, args):
        row = cgutils.create_struct_proxy(rt)(context, builder)
        row.values = args[0]
        context.nrt.incref(builder, sig.args[0], args[0])
        return row._getvalue()
    return rt(values, row_type), codegen


@infer_getattr
class _RowAttribute(AttributeTemplate):
    key = RowType

    def generic_resolve(self, row, attr):
        if attr in row.columns:
            return row.values[row.columns.index(attr)]


def _row_field(context, builder, typ, val, name):
    row = cgutils.create_struct_proxy(typ)(context, builder, value=val)
    k = typ.columns.index(name)
    item = builder.extract_value(row.values, k)
    context.nrt.incref(builder, typ.values[k], item)
    return item


@lower_getattr_generic(RowType)
def _lower_row_attr(context, builder, typ, val, attr):
    return _row_field(context, builder, typ, val, attr)


@infer_global(operator.getitem)
class _RowGetItem(AbstractTemplate):
    """``row['c']`` typed and lowered directly."""

    prefer_literal = True

    def generic(self, args, kws):
        if len(args) == 2 and isinstance(args[0], RowType) \
                and isinstance(args[1], types.StringLiteral) and args[1].literal_value in args[0].columns:
            row, key = args
            return signature(row.values[row.columns.index(key.literal_value)], *args)


@lower_builtin(operator.getitem, RowType, types.StringLiteral)
def _lower_row_getitem(context, builder, sig, args):
    return _row_field(context, builder, sig.args[0], args[0], sig.args[1].literal_value)


@overload(operator.getitem, prefer_literal=True)
def _row_getitem(row, key):
    if not isinstance(row, RowType):
        return None
    if not isinstance(key, types.StringLiteral):
        raise user_error("row[...] inside DataFrame.apply needs a constant column name")
    if key.literal_value not in row.columns:
        raise user_error(f"row[{key.literal_value!r}]: no such column; the row has columns "
                         f"{list(row.columns)}")
    return None  # _RowGetItem



@describe_attribute_errors("Row(")
def _explain_row_attribute(attr, typename):
    return (f"row.{attr}: no such column; the row has columns "
            f"{list(_ROW_COLUMNS.get(typename, ()))}")


@describe_attribute_errors("Timestamp[")
def _explain_timestamp_attribute(attr, typename):
    return f"Timestamp.{attr} is not supported by hpjit"


@describe_attribute_errors("StringView")
def _explain_string_attribute(attr, typename):
    return f"str.{attr} is not supported by hpjit"
