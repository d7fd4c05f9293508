"""A loop over rows run on numba's threads without a parfor: ``parallel_chunks(body, n, args)``.

numba turns each ``prange`` loop into a parfor, and lowering a parfor compiles its body a
second time as a gufunc (typing, lowering and LLVM over again) plus a threading wrapper in a
library of its own: about 0.1 s of a first call per loop. For a loop written once around a
user's function (``Series.map``, ``DataFrame.apply``), that is most of what the call costs to
compile. Here the loop body is an ordinary jitted function ``body(*args, start, stop) ->
int`` compiled once, and a small trampoline in the caller's module hands each thread its
chunk of ``range(n)`` through numba's own thread pool (``numba_parallel_for``, the launcher
numba's gufunc wrappers call), so the same threads run it with no second compile.

The chunks' results are summed (a count of failed rows, say); a chunk whose body raises
counts all its rows, so the caller can replay serially and raise the user's own error.
"""
import llvmlite.ir as ir
import numba
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.ufunc.parallel import _launch_threads


def chunk_body(fn):
    """``fn(*args, start, stop)`` compiled as a link-only function (no Python or C entry
    point: only ``parallel_chunks`` calls it). Its loop should index through ``row(i)``."""
    return numba.njit(no_cpython_wrapper=True, no_cfunc_wrapper=True)(fn)


@intrinsic
def row(typingctx, i):
    """``i``, known to LLVM not to be negative: numba indexes an array with a signed integer
    through a wrap-around test (``a[-1]``), which LLVM drops only when it can prove the index
    is not negative; from a loop starting at an argument (a chunk's ``start``) it cannot, and
    the test keeps the loop from vectorising (a float map: 20 ms against a parfor's 8 ms)."""
    if not isinstance(i, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        assume = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [ir.IntType(1)]), "llvm.assume")
        builder.call(assume, [builder.icmp_signed(">=", args[0], args[0].type(0))])
        return args[0]
    return i(i), codegen


def _trampoline(context, module, body_sig, fndesc, ctx_type, nargs):
    """``void f(char **args, intp *dims, intp *steps, void *ctx)``: numba's gufunc kernel ABI.
    The launcher gives each task a run of chunk numbers: ``args[0]`` is the first (the base
    pointer 0 offset by step 1 per chunk) and ``dims[0]`` how many."""
    i8p = ir.IntType(8).as_pointer()
    intp = context.get_value_type(types.intp)
    fnty = ir.FunctionType(ir.VoidType(), [i8p.as_pointer(), intp.as_pointer(),
                                           intp.as_pointer(), i8p])
    fn = ir.Function(module, fnty, name=module.get_unique_name("hpjit.parallel_chunks"))
    fn.linkage = "internal"
    builder = ir.IRBuilder(fn.append_basic_block())
    chunk_args, dims, _, data = fn.args
    ctx = builder.bitcast(data, ctx_type.as_pointer())
    zero = ir.Constant(ir.IntType(32), 0)

    def field(k):
        return builder.gep(ctx, [zero, ir.Constant(ir.IntType(32), k)])
    values = builder.load(field(0))
    n, nchunks = builder.load(field(1)), builder.load(field(2))
    first = builder.ptrtoint(builder.load(chunk_args), intp)
    callee = context.declare_function(module, fndesc)
    with cgutils.for_range(builder, builder.load(dims)) as loop:
        k = builder.add(first, loop.index)
        start = builder.sdiv(builder.mul(n, k), nchunks)
        stop = builder.sdiv(builder.mul(n, builder.add(k, intp(1))), nchunks)
        call_args = [builder.extract_value(values, j) for j in range(nargs)] + [start, stop]
        status, result = context.call_conv.call_function(
            builder, callee, body_sig.return_type, body_sig.args, call_args)
        result = context.cast(builder, result, body_sig.return_type, types.intp)
        counted = builder.select(status.is_error, builder.sub(stop, start), result)
        builder.atomic_rmw("add", field(3), counted, "monotonic")
    builder.ret_void()
    return fn


@intrinsic
def parallel_chunks(typingctx, body, n, args):
    """Sum of ``body(*args, start, stop)`` over one chunk of ``range(n)`` per thread."""
    if not isinstance(body, types.Dispatcher) or not isinstance(args, types.BaseTuple):
        return None
    body_sig = body.get_call_type(typingctx, tuple(args.types) + (types.intp, types.intp), {})
    if not isinstance(body_sig.return_type, types.Integer):
        raise TypeError(f"parallel_chunks: {body} must return an int, not {body_sig.return_type}")
    _launch_threads()  # the launcher's symbols

    def codegen(context, builder, sig, llargs):
        _, n_value, values = llargs
        cres = body.dispatcher.overloads[body_sig.args]
        context.add_linking_libs([cres.library])
        intp = context.get_value_type(types.intp)
        i8p = ir.IntType(8).as_pointer()
        module = builder.module
        ctx_type = ir.LiteralStructType([values.type, intp, intp, intp])
        trampoline = _trampoline(context, module, body_sig, cres.fndesc, ctx_type,
                                 len(args.types))
        total = cgutils.alloca_once_value(builder, intp(0))
        with builder.if_then(builder.icmp_signed(">", n_value, intp(0))):
            threads = builder.call(cgutils.get_or_insert_function(
                module, ir.FunctionType(intp, []), "get_num_threads"), [])
            nchunks = builder.select(builder.icmp_signed("<", n_value, threads), n_value,
                                     threads)
            ctx = cgutils.alloca_once(builder, ctx_type)
            for k, v in enumerate((values, n_value, nchunks, intp(0))):
                builder.store(v, builder.gep(ctx, [ir.Constant(ir.IntType(32), 0),
                                                   ir.Constant(ir.IntType(32), k)]))
            first = cgutils.alloca_once_value(builder, i8p(None))
            dims = cgutils.alloca_once_value(builder, nchunks)
            steps = cgutils.alloca_once_value(builder, intp(1))
            launch = cgutils.get_or_insert_function(
                module, ir.FunctionType(ir.VoidType(), [i8p] * 5 + [intp] * 3),
                "numba_parallel_for")
            pyapi = context.get_python_api(builder)
            gil = pyapi.gil_ensure()  # numba's gufunc wrappers release it around the launch
            thread_state = pyapi.save_thread()
            builder.call(launch, [builder.bitcast(trampoline, i8p), builder.bitcast(first, i8p),
                                  builder.bitcast(dims, i8p), builder.bitcast(steps, i8p),
                                  builder.bitcast(ctx, i8p), intp(0), intp(1), threads])
            pyapi.restore_thread(thread_state)
            pyapi.gil_release(gil)
            builder.store(builder.load(builder.gep(ctx, [ir.Constant(ir.IntType(32), 0),
                                                         ir.Constant(ir.IntType(32), 3)])),
                          total)
        return builder.load(total)
    return types.intp(body, n, args), codegen
