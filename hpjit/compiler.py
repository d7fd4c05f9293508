"""The ``jit`` decorator and the numba pipeline that places hpjit's passes.

hpjit compiles with numba's nopython pipeline and ``parallel=True`` (so pandas
methods become parfors), adding its own passes at fixed points. This is the one
place where their order is written down.
"""
import functools
import os
import sys
import traceback
import warnings

import numba
from numba.core import errors as nb_errors
from numba.core.compiler import CompilerBase, DefaultPassBuilder
from numba.core.typed_passes import NopythonTypeInference
from numba.core.untyped_passes import InlineInlinables
from numba.extending import typeof_impl

from hpjit.blas_probe import import_arraymath_lazily

import_arraymath_lazily()

import hpjit.typing  # noqa: E402,F401  registers types and overloads
from hpjit.engine import HpjitEngine
from hpjit.ml import register as register_ml
from hpjit.cache import HpjitCache
from hpjit.errors import HpjitError, call_site, clear_recorded, reraise_clean
from hpjit.runtime.mpi import abort, configure_threads, is_distributed, world_rank, world_size
from hpjit.transforms.dataframe_pass import DataFrameSetItemPass
from hpjit.transforms.column_pruning import ColumnPruningPass
from hpjit.transforms.concat_arguments import ConcatArgumentsPass
from hpjit.transforms.named_aggregation import NamedAggregationPass
from hpjit.transforms.constant_arguments import ConstantArgumentsPass
from hpjit.transforms.estimator_fit import EstimatorFitPass
from hpjit.transforms.numpy_statistics import NumpyStatisticsPass
from hpjit.transforms.udf_pass import UdfConstantPass
from hpjit.transforms.distributed_pass import DISTRIBUTED_NAMES, DistributedPass

# a frame function without loops is fine; numba's hint about parallel=True is noise here
warnings.filterwarnings("ignore", category=nb_errors.NumbaPerformanceWarning)
configure_threads()


class HpjitCompiler(CompilerBase):
    """numba's nopython pipeline with hpjit's passes, in order:

    1. after ``InlineInlinables`` (untyped IR, lambdas already jit functions):
       ``DataFrameSetItemPass`` — ``df['c'] = v`` rebinds ``df`` to a new frame;
       ``ColumnPruningPass`` — a parquet read whose frame is only used column by
       column reads just those columns;
       ``UdfConstantPass`` — lambdas passed to methods become data-less constants
       (so the compiled function can be cached);
       ``NamedAggregationPass`` — ``agg(out=(col, func))`` keywords become one
       constant argument (overloads take no ``**kwargs``);
       ``EstimatorFitPass`` — ``est.fit(X)`` rebinds ``est`` to the fitted estimator;
       ``ConstantArgumentsPass`` — float constants that name a result
       (``df.quantile(0.5)``) carry their value in their type;
       ``NumpyStatisticsPass`` — ``np.percentile``, ``np.cov``... become hpjit's
       (numpy's results; computable over split rows);
       ``ConcatArgumentsPass`` — ``pd.concat([a, b])`` takes a tuple (frames of
       different types).
    2. after ``NopythonTypeInference`` (typed IR): ``DistributedPass`` —
       distribution analysis, then reads of this rank's rows, global reductions
       and gathered returns (only under ``mpiexec`` with more than one rank).
    """

    def define_pipelines(self):
        pm = DefaultPassBuilder.define_nopython_pipeline(self.state, name="hpjit")
        pm.add_pass_after(DataFrameSetItemPass, InlineInlinables)
        pm.add_pass_after(ColumnPruningPass, DataFrameSetItemPass)
        pm.add_pass_after(UdfConstantPass, ColumnPruningPass)
        pm.add_pass_after(NamedAggregationPass, UdfConstantPass)
        pm.add_pass_after(EstimatorFitPass, NamedAggregationPass)
        pm.add_pass_after(ConstantArgumentsPass, EstimatorFitPass)
        pm.add_pass_after(NumpyStatisticsPass, ConstantArgumentsPass)
        pm.add_pass_after(ConcatArgumentsPass, NumpyStatisticsPass)
        pm.add_pass_after(DistributedPass, NopythonTypeInference)
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
        self.cache = cache
        if cache:
            self.dispatcher._cache = HpjitCache(py_func, self.distributed)
        functools.update_wrapper(self, py_func)

    def __call__(self, *args, **kwargs):
        clear_recorded()
        register_ml()
        try:
            try:
                if self.cache and not kwargs and is_distributed():
                    self._compile_on_rank_0(args)
                return self.dispatcher(*args, **kwargs)
            except (nb_errors.TypingError, nb_errors.UnsupportedError, nb_errors.LoweringError) as e:
                reraise_clean(e, self.py_func.__qualname__)
            except HpjitError as e:
                loc = call_site(self.py_func, e.calls) if e.calls else None
                where = f", {loc}" if loc else ""
                raise HpjitError(f"{e} (in {self.py_func.__qualname__}{where})") from None
        except Exception as e:
            if is_distributed():
                _abort_job(e)
            raise

    def _compile_on_rank_0(self, args):
        """With ``cache=True`` under MPI, rank 0 compiles (or loads) and saves while the other
        ranks wait, then they load its code: one compile for the job, not one per rank. If rank
        0 fails, every rank compiles, so each raises the error itself."""
        import time
        from hpjit.runtime.mpi import _mpi
        sig = tuple(self.dispatcher.typeof_pyval(a) for a in args)
        if sig in self.dispatcher.overloads:
            return
        comm = _mpi().COMM_WORLD
        failed = None
        if comm.rank == 0:
            try:
                self.dispatcher.compile(sig)
            except Exception as e:  # noqa: BLE001  (re-raised below, after the others know)
                failed = e
        arrived = comm.Ibarrier()
        while not arrived.Test():  # wait without spinning: the compiling rank needs the core
            time.sleep(0.005)
        if comm.bcast(failed is not None, root=0) and failed is not None:
            raise failed

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


def _abort_job(exc):
    """An error on one rank would leave the others waiting in a collective: say it once, end all."""
    if os.environ.get("HPJIT_DEBUG"):
        traceback.print_exception(exc)
    print(f"hpjit: error on rank {world_rank()} of {world_size()}: {type(exc).__name__}: {exc}",
          file=sys.stderr, flush=True)
    abort(1)


@typeof_impl.register(JitFunction)
def _typeof_jit_function(val, c):
    return numba.typeof(val.dispatcher)


def jit(func=None, *, cache=False, distributed=()):
    """Compile a pandas/numpy function: ``@hpjit.jit`` or ``@hpjit.jit(cache=True)``.

    ``distributed`` names arguments and returns kept as per-rank chunks under MPI
    (takes effect with distribution support).
    """
    def wrap(f):
        return JitFunction(f, cache=cache, distributed=distributed)
    if func is not None:
        return wrap(func)
    wrap.__pandas_udf__ = HpjitEngine
    return wrap


jit.__pandas_udf__ = HpjitEngine
