"""Overload bodies generated from source: for a tuple's length or a frame's columns."""


def gen_impl(src, **glbs):
    """The function ``impl`` defined by generated source ``src`` (overloads whose body depends on
    a tuple's length or a frame's columns), with ``glbs`` as its globals."""
    ns = dict(glbs, __name__=__name__)  # a module name: numba caches callers' Environments
    exec(src, ns)
    return ns["impl"]


def tuple_map_impl(fn, params, name):
    """``impl(params)`` returning ``(fn(t[0], rest...), fn(t[1], rest...), ...)`` over the tuple
    parameter (the first of ``params``) of length ``n``; ``name`` is ``fn``'s global name."""
    def make(n):
        first, rest = params[0], params[1:]
        tail = "".join(", " + p for p in rest)
        items = "".join(f"{name}({first}[{k}]{tail}), " for k in range(n))
        return gen_impl(f"def impl({', '.join(params)}):\n    return ({items})\n", **{name: fn})
    return make
