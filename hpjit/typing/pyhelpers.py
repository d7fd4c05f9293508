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


def const_obj(c, value):
    """A new reference to the Python constant ``value`` (pickled into the module)."""
    return c.pyapi.unserialize(c.pyapi.serialize_object(value))

