"""Calling hpjit's Python-side converters from box/unbox code.

Boxing and unboxing convert whole columns (never rows) through small Python
functions in :mod:`hpjit.runtime.convert`; this module is the glue that calls
them from generated code.
"""


def call_py(c, fn, *args):
    """Call Python function ``fn(*args)`` (args are PyObject*); returns a new reference or NULL."""
    fnobj = c.pyapi.unserialize(c.pyapi.serialize_object(fn))
    res = c.pyapi.call_function_objargs(fnobj, args)
    c.pyapi.decref(fnobj)
    return res


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


def register_type_constant(pycls, typ_cls, type_of):
    """Python constants of class ``pycls`` whose whole meaning is in their numba type
    ``type_of(value)`` (a ``typ_cls``): typed by that, with no run-time value."""
    from numba.core.imputils import lower_constant
    from numba.extending import models, register_model, typeof_impl
    register_model(typ_cls)(models.OpaqueModel)
    typeof_impl.register(pycls)(lambda val, c: type_of(val))
    lower_constant(typ_cls)(lambda context, builder, ty, pyval: context.get_dummy_value())


def const_obj(c, value):
    """A new reference to the Python constant ``value`` (pickled into the module)."""
    return c.pyapi.unserialize(c.pyapi.serialize_object(value))

