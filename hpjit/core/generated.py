"""Overload bodies generated from source: for a tuple's length or a frame's columns."""
import hashlib


def gen_impl(src, key=None, **glbs):
    """The function ``impl`` defined by generated source ``src`` (overloads whose body depends on
    a tuple's length or a frame's columns), with ``glbs`` as its globals.

    ``key`` (any repr-able value) names the function by its hash: give it when the body
    depends on constants its argument types do not carry (a lookup table), so that two such
    bodies never share a symbol name, in one process or across a compile cache."""
    ns = dict(glbs, __name__=__name__)  # a module name: numba caches callers' Environments
    exec(src, ns)
    impl = ns["impl"]
    if key is not None:
        impl.__qualname__ = impl.__name__ = \
            "impl_" + hashlib.sha1(repr((src, key)).encode()).hexdigest()[:16]
    return impl


def tuple_map_impl(fn, params, name):
    """``impl(params)`` returning ``(fn(t[0], rest...), fn(t[1], rest...), ...)`` over the tuple
    parameter (the first of ``params``) of length ``n``; ``name`` is ``fn``'s global name."""
    def make(n):
        first, rest = params[0], params[1:]
        tail = "".join(", " + p for p in rest)
        items = "".join(f"{name}({first}[{k}]{tail}), " for k in range(n))
        return gen_impl(f"def impl({', '.join(params)}):\n    return ({items})\n", **{name: fn})
    return make
