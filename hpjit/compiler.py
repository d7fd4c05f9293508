"""The numba pipeline that places hpjit's passes, and the dispatcher of a compiled function.

hpjit compiles with numba's nopython pipeline and ``parallel=True`` (so pandas
methods become parfors), adding its own passes at fixed points. ``PASSES`` is the one
place where their order, and the reason for each, is written down. The ``jit`` decorator
is in ``hpjit.api``.
"""
import functools
import os
import sys
import threading
import traceback
import warnings

import numba
from numba.core import errors as nb_errors
from numba.core import event
from numba.core.compiler import CompilerBase, DefaultPassBuilder
from numba.core.typed_passes import NopythonTypeInference
from numba.core.untyped_passes import InlineInlinables, ReconstructSSA, WithLifting
from numba.extending import typeof_impl

from hpjit.core.blas_probe import import_arraymath_lazily

import_arraymath_lazily()

import hpjit.typing.overloads  # noqa: E402,F401  registers types and overloads
from hpjit.ml.overloads import register as register_ml
from hpjit.cache import HpjitCache
from hpjit.errors import HpjitError, call_site, clean_message, clear_recorded, reraise_clean
from hpjit.core.mpi import abort, configure_threads, is_distributed, world_rank, world_size
from hpjit.transforms.dataframe_pass import DataFrameAssignPass, DataFrameSetItemPass
from hpjit.transforms.column_pruning import ColumnPruningPass
from hpjit.transforms.dead_columns import DeadColumnPass
from hpjit.transforms.concat_arguments import ConcatArgumentsPass
from hpjit.transforms.named_aggregation import NamedAggregationPass
from hpjit.transforms.constant_arguments import ConstantArgumentsPass
from hpjit.transforms.estimator_fit import EstimatorFitPass
from hpjit.transforms.numpy_statistics_pass import NumpyStatisticsPass
from hpjit.transforms.query_pass import QueryPass
from hpjit.transforms.udf_pass import UdfConstantPass
from hpjit.transforms.distributed_pass import DISTRIBUTED_NAMES, DistributedPass
import time
from hpjit.core.mpi import _mpi

# a frame function without loops is fine; numba's hint about parallel=True is noise here
warnings.filterwarnings("ignore", category=nb_errors.NumbaPerformanceWarning)
configure_threads()


#: hpjit's passes in numba's nopython pipeline: (pass, the pass it follows, why it is there)
PASSES = (
    (DataFrameAssignPass, WithLifting,
     "df.assign(c=v, d=lambda x: ...) assigns column by column, the lambdas called on the frame "
     "before numba inlines closures (so their bodies are distributed like the caller's)"),
    (QueryPass, DataFrameAssignPass,
     "df.query('a > 1 and s == \"x\"') becomes the filter it means, inlined next (numba's "
     "InlineInlinables), so it is typed and distributed as the user's own code"),
    (DataFrameSetItemPass, InlineInlinables,
     "df['c'] = v rebinds df to a new frame (a frame's type is its columns: it cannot change "
     "in place)"),
    (ColumnPruningPass, DataFrameSetItemPass,
     "a parquet read whose frame is only used column by column reads just those columns"),
    (UdfConstantPass, ColumnPruningPass,
     "lambdas passed to methods become data-less constants, so the function can be cached"),
    (NamedAggregationPass, UdfConstantPass,
     "agg(out=(col, func)) keywords become one constant argument (overloads take no **kwargs)"),
    (EstimatorFitPass, NamedAggregationPass,
     "est.fit(X) rebinds est to the fitted estimator, whose type holds what fit learned"),
    (ConstantArgumentsPass, EstimatorFitPass,
     "float constants that name a result (df.quantile(0.5)) carry their value in their type"),
    (NumpyStatisticsPass, ConstantArgumentsPass,
     "np.percentile, np.cov... become hpjit's: numpy's results, computable over split rows"),
    (ConcatArgumentsPass, NumpyStatisticsPass,
     "pd.concat([a, b]) takes a tuple, so frames of different types can be concatenated"),
    (DeadColumnPass, ReconstructSSA,
     "columns no later statement needs are not read and not carried through merges (each "
     "operation generates code per column: carried columns cost compile time, memory and "
     "time)"),
    (DistributedPass, NopythonTypeInference,
     "under mpiexec: distribution analysis, then each rank's calls and loops rewritten to work "
     "on its rows (reads, global reductions, shuffles, gathered returns)"),
)


class HpjitCompiler(CompilerBase):
    """numba's nopython pipeline (``parallel=True``) with hpjit's ``PASSES``: the untyped ones
    after ``InlineInlinables`` (lambdas are jit functions by then), the distributed pass after
    type inference."""

    def define_pipelines(self):
        pm = DefaultPassBuilder.define_nopython_pipeline(self.state, name="hpjit")
        for pass_, after, _reason in PASSES:
            pm.add_pass_after(pass_, after)
        pm.finalize()
        return [pm]


class JitFunction:
    """A Python function compiled by hpjit on its first call for each set of argument types."""

    def __init__(self, py_func, cache=False, distributed=()):
        self.py_func = py_func
        self.distributed = tuple(distributed or ())
        DISTRIBUTED_NAMES[py_func] = self.distributed
        self.dispatcher = numba.jit(nopython=True, parallel=True,
                                    pipeline_class=HpjitCompiler)(py_func)
        self.dispatcher._hpjit_function = self
        self.cache = cache
        #: what the decorator asked for, the same on every rank (``cache`` is this rank's: no
        #: writable cache directory here turns it off), so the ranks meet on it
        self.cache_asked = cache
        if cache and getattr(py_func, "__module__", None) not in sys.modules:
            self.cache = False  # code exec'd without a module: a load could not rebuild its globals
        if self.cache:
            try:
                self.dispatcher._cache = HpjitCache(py_func, self.distributed)
            except RuntimeError:  # no writable cache directory anywhere: compile each time
                self.cache = False
        functools.update_wrapper(self, py_func)

    def __call__(self, *args, **kwargs):
        clear_recorded()
        register_ml()
        compiling = False
        try:
            try:
                if not kwargs and is_distributed():
                    # typed first: a rank that cannot type its own block ends the job (below)
                    sig = tuple(self.dispatcher.typeof_pyval(a) for a in args)
                    compiling = True
                    self._compile_together(sig)
                    compiling = False
                return self.dispatcher(*args, **kwargs)
            except (nb_errors.TypingError, nb_errors.UnsupportedError, nb_errors.LoweringError) as e:
                # every rank compiles the same types before any collective: each raises it
                compiling = True
                reraise_clean(e, self.py_func.__qualname__)
            except FailedElsewhere as e:
                raise HpjitError(str(e)) from None
            except HpjitError as e:
                loc = call_site(self.py_func, e.calls) if e.calls else None
                where = f", {loc}" if loc else ""
                raise HpjitError(f"{e} (in {self.py_func.__qualname__}{where})") from None
            except ValueError as e:  # a compiled kernel's refusal of this data ("hpjit: ...")
                if not str(e).startswith("hpjit: "):
                    raise
                raise HpjitError(f"{str(e)[7:]} (in {self.py_func.__qualname__})") from None
        except Exception as e:
            if is_distributed() and not compiling:
                _abort_job(e)
            raise

    def _compile_together(self, sig):
        """Under MPI a new signature is compiled by every rank before any rank runs it, and the
        ranks agree that it compiled: a rank going on alone into the compiled code's
        collectives would wait there for ever. Ranks can disagree although their code is the
        same: a rank's block of a distributed argument typed differently, or a file whose
        schema this process read earlier for another function (fuzz ``found2`` after
        ``seed3``). A rank whose compile failed raises its error; the others raise the first
        failing rank's message.

        With ``cache=True`` rank 0 compiles (or loads) and saves while the other ranks wait,
        then they load its code: one compile for the job, not one per rank. The decision is
        made together too (one rank may have this signature compiled while another has not,
        or no writable cache)."""
        comm = _mpi().COMM_WORLD
        if not comm.allreduce(sig not in self.dispatcher.overloads, op=_mpi().LOR):
            return
        failed = None
        if self.cache_asked:
            if comm.rank == 0:
                failed = self._try_compile(sig)
            arrived = comm.Ibarrier()
            while not arrived.Test():  # wait without spinning: the compiling rank needs the core
                time.sleep(0.005)
            first = comm.bcast(self._failure(failed), root=0)
            if failed is not None:
                raise failed
            if first is not None:
                raise FailedElsewhere(f"{first} (on rank 0, which compiles for every rank)")
        failed = self._try_compile(sig)
        messages = comm.allgather(self._failure(failed))
        if failed is not None:
            raise failed
        for rank, message in enumerate(messages):
            if message is not None:
                raise FailedElsewhere(f"{message} (on rank {rank}; this rank compiled it, but "
                                      f"no rank runs it)")

    def _failure(self, exc):
        """What the other ranks say of this rank's failed compile: the error as the user
        sees it here."""
        if exc is None:
            return None
        if isinstance(exc, (nb_errors.TypingError, nb_errors.UnsupportedError,
                            nb_errors.LoweringError)):
            return clean_message(exc, self.py_func.__qualname__)
        return f"{type(exc).__name__}: {exc}".split("\n")[0]

    def _try_compile(self, sig):
        """The error compiling ``sig`` raised, or None (also when it was compiled already)."""
        if sig in self.dispatcher.overloads:
            return None
        try:
            self.dispatcher.compile(sig)
        except Exception as e:  # noqa: BLE001  (raised by the caller once the ranks know)
            return e
        return None

    def distributed_diagnostics(self):
        """Print each variable's distribution (and why, with its line) for every compiled version."""
        for sig, cres in self.dispatcher.overloads.items():
            report = (cres.metadata or {}).get("hpjit_distribution")
            print(f"{self.py_func.__qualname__}{tuple(sig)}:")
            if report is None:
                print("  one process: nothing is distributed")
            for line in report or ():
                print("  " + line)

    def __repr__(self):
        return f"<hpjit function {self.py_func.__qualname__}>"


#: seconds a first compile runs before ``CompileNotice`` says so on stderr
NOTICE_AFTER = 2.0


class CompileNotice(event.Listener):
    """Says on stderr, once per function, that a first call is compiling when that passes
    ``NOTICE_AFTER`` seconds: users should know why it waits. Rank 0 only;
    ``HPJIT_QUIET=1`` silences it."""

    def __init__(self):
        self.noticed = set()
        self.timers = {}

    def on_start(self, ev):
        jitted = getattr(ev.data["dispatcher"], "_hpjit_function", None)
        if jitted is None or jitted in self.noticed or os.environ.get("HPJIT_QUIET") \
                or world_rank() != 0:
            return
        timer = threading.Timer(NOTICE_AFTER, self._say, (jitted,))
        timer.daemon = True
        self.timers[jitted] = timer
        timer.start()

    def on_end(self, ev):
        timer = self.timers.pop(getattr(ev.data["dispatcher"], "_hpjit_function", None), None)
        if timer is not None:
            timer.cancel()

    def _say(self, jitted):
        self.noticed.add(jitted)
        later = "saved to the cache for later runs" if jitted.cache else \
            "@hpjit.jit(cache=True) keeps it for later runs"
        sys.stderr.write(f"hpjit: compiling {jitted.py_func.__qualname__} (first call for these "
                         f"argument types; {later})\n")
        sys.stderr.flush()


event.register("numba:compile", CompileNotice())


class FailedElsewhere(HpjitError):
    """Another rank could not compile what this rank compiled: its message, raised here too."""


def _abort_job(exc):
    """An error on one rank would leave the others waiting in a collective: say it once, end all."""
    if os.environ.get("HPJIT_DEBUG"):
        traceback.print_exception(exc)
    line = f"hpjit: error on rank {world_rank()} of {world_size()}: {type(exc).__name__}: {exc}\n"
    sys.stderr.flush()
    os.write(2, line.encode())  # one write: the ranks' lines never run together
    abort(1)


@typeof_impl.register(JitFunction)
def _typeof_jit_function(val, c):
    return numba.typeof(val.dispatcher)

