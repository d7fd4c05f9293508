"""Calling a compiled function from a parallel loop without losing its exceptions.

numba outlines a parfor body into a gufunc that ignores the error status of the
functions it calls, so a user lambda that raises (``int('x')``) inside a parfor
would silently leave garbage. ``try_call`` makes the call itself and returns
``(ok, value)``; the loop records the first failing row, and after the loop the
function is called again on that row, outside any parfor, so the user's own
exception propagates with its own message, as pandas would raise it.
"""
from numba import types
from numba.extending import intrinsic


@intrinsic
def try_call(typingctx, func, arg):
    """``(ok, func(arg))`` for a jitted ``func``; ``ok`` is False where it raised."""
    fsig = func.get_call_type(typingctx, (arg,), {})
    out = types.Tuple((types.boolean, fsig.return_type))

    def codegen(context, builder, sig, args):
        cres = func.dispatcher.overloads[fsig.args]
        context.add_linking_libs([cres.library])
        fn = context.declare_function(builder.module, cres.fndesc)
        status, res = context.call_conv.call_function(builder, fn, cres.fndesc.restype,
                                                      cres.fndesc.argtypes, [args[1]])
        return context.make_tuple(builder, out, [builder.not_(status.is_error), res])
    return out(func, arg), codegen
