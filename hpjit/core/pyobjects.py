"""Calling hpjit's Python-side converters from box/unbox code.

Boxing and unboxing convert whole columns (never rows) through small Python
functions in :mod:`hpjit.typing.columns.convert`; this module is the glue that calls
them from generated code.
"""
import numba
from numba.core import cgutils
from numba.core.imputils import lower_constant
from numba.extending import intrinsic, models, register_model, typeof_impl


def call_py(c, fn, *args):
    """Call Python function ``fn(*args)`` (args are PyObject*); returns a new reference or NULL."""
    fnobj = c.pyapi.unserialize(c.pyapi.serialize_object(fn))
    res = c.pyapi.call_function_objargs(fnobj, args)
    c.pyapi.decref(fnobj)
    return res


def register_type_constant(pycls, typ_cls, type_of):
    """Python constants of class ``pycls`` whose whole meaning is in their numba type
    ``type_of(value)`` (a ``typ_cls``): typed by that, with no run-time value."""
    register_model(typ_cls)(models.OpaqueModel)
    typeof_impl.register(pycls)(lambda val, c: type_of(val))
    lower_constant(typ_cls)(lambda context, builder, ty, pyval: context.get_dummy_value())


@intrinsic
def type_value(typingctx, typ):
    """The value of type ``typ`` (a type reference) whose whole meaning is in the type (an
    opaque model: nothing at run time)."""
    def codegen(context, builder, sig, args):
        return context.get_dummy_value()
    return typ.instance_type(typ), codegen


def const_obj(c, value):
    """A new reference to the Python constant ``value`` (pickled into the module)."""
    return c.pyapi.unserialize(c.pyapi.serialize_object(value))


def python_call(name, fn, result_type):
    """A jitted function ``name()`` that calls Python's ``fn()`` and unboxes the result as
    ``result_type``; ``fn`` is pickled into the compiled code (a module function, or a
    ``functools.partial`` of one over constants), so a cached caller carries it.

    This is what ``with numba.objmode(...)`` does for a readers' one call, without its cost:
    objmode compiles its block in object mode in every process on the block's first run, even
    when the caller's code was loaded from the cache (0.07 s of a 0.25 s cached first call)."""

    @intrinsic
    def call(typingctx):
        def codegen(context, builder, sig, args):
            pyapi = context.get_python_api(builder)
            gil = pyapi.gil_ensure()

            def fail_if_null(obj):
                with builder.if_then(cgutils.is_null(builder, obj), likely=False):
                    pyapi.gil_release(gil)
                    context.call_conv.return_exc(builder)

            fnobj = pyapi.unserialize(pyapi.serialize_object(fn))
            fail_if_null(fnobj)
            res = pyapi.call_function_objargs(fnobj, [])
            pyapi.decref(fnobj)
            fail_if_null(res)
            native = pyapi.to_native_value(result_type, res)
            pyapi.decref(res)
            if callable(native.cleanup):
                native.cleanup()
            pyapi.gil_release(gil)
            with builder.if_then(native.is_error, likely=False):
                context.call_conv.return_exc(builder)
            return native.value
        return result_type(), codegen

    def run():
        return call()
    run.__name__ = run.__qualname__ = name
    return numba.njit(run)
