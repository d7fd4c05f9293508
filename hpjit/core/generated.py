"""Overload bodies generated from source: for a tuple's length or a frame's columns."""
import hashlib

from numba import types
from numba.core import cgutils
from numba.core.datamodel import default_manager
from numba.extending import intrinsic


def gen_impl(src, key=None, **glbs):
    """The function ``impl`` defined by generated source ``src`` (overloads whose body depends on
    a tuple's length or a frame's columns), with ``glbs`` as its globals.

    ``key`` (any repr-able value) names the function by its hash: give it when the body
    depends on constants its argument types do not carry (a lookup table), so that two such
    bodies never share a symbol name, in one process or across a compile cache."""
    # a module name: numba caches callers' Environments
    ns = dict(glbs, column_at=column_at, __name__=__name__)
    exec(src, ns)
    return ns["impl"] if key is None else named(ns["impl"], src, key)


def _stable(value):
    """``value`` for a name: functions by their module and qualified name (their repr holds an
    address, which differs between processes)."""
    if isinstance(value, (tuple, list)):
        return tuple(_stable(v) for v in value)
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def named(fn, *key):
    """``fn`` renamed by ``key``: an overload body or helper closure whose code depends on
    values its argument types do not carry (a captured table, a method name, the local or
    distributed form of a helper) must not share its symbol name with a sibling, in one process
    or in a compile cache another process wrote."""
    fn.__name__ = fn.__qualname__ = \
        f"{fn.__name__}_{hashlib.sha1(repr(_stable(key)).encode()).hexdigest()[:16]}"
    return fn


def tuple_map_impl(fn, params, name):
    """``impl(params)`` returning ``(fn(t[0], rest...), fn(t[1], rest...), ...)`` over the tuple
    parameter (the first of ``params``) of length ``n``; ``name`` is ``fn``'s global name."""
    def make(n):
        first, rest = params[0], params[1:]
        tail = "".join(", " + p for p in rest)
        items = "".join(f"{name}({first}[{k}]{tail}), " for k in range(n))
        return gen_impl(f"def impl({', '.join(params)}):\n    return ({items})\n", **{name: fn})
    return make


@intrinsic
def column_at(typingctx, obj, k):
    """``obj._data[k]`` for a frame (or multi-key index) ``obj``: column ``k`` of its tuple of
    columns, a new reference to that column only.

    Written ``obj._data[k]``, numba increfs the whole tuple (every buffer of every column), takes
    the item and decrefs the tuple again: a generated body reading eight columns of a frame of
    twenty text columns emits about a thousand reference-count calls for LLVM to optimise away,
    and that was most of the compile time of a selection or merge of wide frames."""
    if not isinstance(k, types.IntegerLiteral):
        return None
    member = default_manager[obj].get_member_fe_type("data")
    if not isinstance(member, types.BaseTuple):
        return None
    j = k.literal_value
    item = member.types[j]

    def codegen(context, builder, sig, args):
        data = cgutils.create_struct_proxy(obj)(context, builder, value=args[0]).data
        value = builder.extract_value(data, j)
        context.nrt.incref(builder, item, value)
        return value
    return item(obj, k), codegen
