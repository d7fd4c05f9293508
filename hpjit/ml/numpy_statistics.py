"""numpy's statistics over a 1-d or 2-d array split by rows across ranks.

On one process numba's own ``np.percentile``, ``np.cov``... run. When the
distribution analysis finds the array split, the distributed pass calls the
function of ``STAT_FUNCTIONS`` instead, as ``fn(a, WORLD, *rest)``, with numpy's
results and return types:

- ``np.percentile / quantile / median`` and their ``nan*`` forms: distributed
  selection (:func:`statistics.order_statistics`); a NaN anywhere makes the
  non-``nan`` forms NaN, as numpy's.
- ``np.cov / corrcoef`` of a 2-d array with ``rowvar=False`` (columns are the
  variables, as rows are what is split) or of 1-d ``x`` and ``y``: centered Gram
  of one pass over the rows, merged across blocks and ranks
  (:func:`least_squares.moments`).
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.ml.comm import LOCAL, comm_sum
from hpjit.ml.kernel import kernel
from hpjit.ml.least_squares import moments
from hpjit.ml.statistics import median_of, quantile_linear
from hpjit.typing.constants import const_value
from hpjit.typing.operations import collective


@kernel
def _numbers(a):
    """The non-NaN values of ``a`` as float64, and how many were NaN."""
    out = np.empty(len(a))
    j = 0
    for v in a:
        if v == v:
            out[j] = v
            j += 1
    return out[:j].copy(), len(a) - j


def _quantile_function(scale, skipna, median):
    """The distributed form of one of numpy's quantile functions: ``q`` is divided by
    ``scale`` (100 for percentiles); ``skipna`` ignores NaN instead of returning it."""
    limit = "Percentiles must be in the range [0, 100]" if scale == 100 else \
        "Quantiles must be in the range [0, 1]"

    @register_jitable
    def one(comm, values, q):
        if not 0.0 <= q <= scale:
            raise ValueError(limit)
        return quantile_linear(comm, values, q / scale if scale != 1 else q)

    def stub(a, comm, q=None):
        pass

    @overload(stub)
    def _stub(a, comm, q=None):
        if not (isinstance(a, types.Array) and a.ndim == 1 and isinstance(a.dtype, types.Number)):
            raise user_error(f"hpjit computes this statistic of split rows for 1-d numeric "
                             f"arrays only, not {a}")

        @register_jitable
        def values_of(comm, a):
            if not median and comm_sum(comm, len(a)) == 0:
                raise IndexError("index -1 is out of bounds for axis 0 with size 0")
            values, nans = _numbers(a)
            return values, (not skipna) and comm_sum(comm, nans) > 0

        if median:
            def impl(a, comm, q=None):
                values, nan = values_of(comm, a)
                return np.nan if nan else median_of(comm, values)
        elif isinstance(q, (types.Array, types.List, types.BaseTuple)):
            def impl(a, comm, q=None):
                values, nan = values_of(comm, a)
                out = np.empty(len(q))
                for i in range(len(q)):
                    out[i] = one(comm, values, q[i])
                    if nan:
                        out[i] = np.nan
                return out
        else:
            def impl(a, comm, q=None):
                values, nan = values_of(comm, a)
                r = one(comm, values, q)
                return np.nan if nan else r
        return impl
    stub.__name__ = "split_quantile"
    collective("selection: allreduce of counts around sampled pivots, allgatherv of the last "
               "few candidates")(stub)
    return stub


@kernel(error_model="numpy")
def _covariance(comm, X, y, paired, ddof, corr):
    """numpy's ``cov`` (``corr``: ``corrcoef``) of the columns of X, and of y when ``paired``
    (y holds zeros otherwise)."""
    n, mean, gram = moments(comm, X, y)
    q = X.shape[1] + (1 if paired else 0)
    fact = max(n - ddof, 0.0)
    out = np.empty((q, q))
    for i in range(q):
        for j in range(q):
            out[i, j] = gram[i, j] * (1.0 / fact)
    if corr:
        sd = np.empty(q)
        for i in range(q):
            sd[i] = np.sqrt(out[i, i])
        for i in range(q):
            for j in range(q):
                v = out[i, j] / sd[i] / sd[j]
                out[i, j] = 1.0 if v > 1.0 else (-1.0 if v < -1.0 else v)
    return out


@kernel(error_model="numpy")
def _self_ratio(c):
    """numpy's ``corrcoef`` of one variable: ``c / c`` (1, or NaN for no spread)."""
    return c / c


def _ddof(bias, ddof):
    """``fact``'s subtrahend as numpy computes it: ``ddof``, else 0 for ``bias``, else 1."""
    if ddof is not None and not isinstance(ddof, (types.NoneType, types.Omitted)):
        return register_jitable(lambda bias, ddof: ddof)
    return register_jitable(lambda bias, ddof: 0 if bias else 1)


def _covariance_function(corr):
    name = "np.corrcoef" if corr else "np.cov"

    def stub(m, comm, y=None, rowvar=True, bias=False, ddof=None):
        pass

    @overload(stub)
    def _stub(m, comm, y=None, rowvar=True, bias=False, ddof=None):
        if not (isinstance(m, types.Array) and m.ndim in (1, 2)):
            raise user_error(f"{name} of split rows is not supported by hpjit for {m}")
        paired = y is not None and not isinstance(y, (types.NoneType, types.Omitted))
        get_ddof = _ddof(bias, ddof)
        if m.ndim == 2 and (paired or const_value(rowvar, True) is not False):
            raise user_error(f"{name} of a 2-d array split by rows needs rowvar=False and no y "
                             f"in hpjit (its columns are the variables)")
        if m.ndim == 2:
            def matrix(m, y):
                return np.ascontiguousarray(m).astype(np.float64), np.zeros(m.shape[0])
        elif paired:
            def matrix(m, y):
                return (np.ascontiguousarray(m).astype(np.float64).reshape((len(m), 1)),
                        np.ascontiguousarray(y).astype(np.float64))
        else:
            def matrix(m, y):
                return (np.ascontiguousarray(m).astype(np.float64).reshape((len(m), 1)),
                        np.zeros(len(m)))
        matrix = register_jitable(matrix)
        if m.ndim == 2 or paired:
            def impl(m, comm, y=None, rowvar=True, bias=False, ddof=None):
                X, v = matrix(m, y)
                return _covariance(comm, X, v, paired, get_ddof(bias, ddof), corr)
        elif corr:
            def impl(m, comm, y=None, rowvar=True, bias=False, ddof=None):
                X, v = matrix(m, y)
                return _self_ratio(_covariance(comm, X, v, False, 1, False)[0, 0])
        else:
            def impl(m, comm, y=None, rowvar=True, bias=False, ddof=None):
                X, v = matrix(m, y)
                return np.full((), _covariance(comm, X, v, False, get_ddof(bias, ddof),
                                               False)[0, 0])
        return impl
    stub.__name__ = "split_covariance"
    collective("allgatherv of per-rank means and centered Gram (Chan's merge)")(stub)
    return stub


def _omitted(t):
    return t is None or isinstance(t, (types.NoneType, types.Omitted))


def _quantile_form(args):
    a = args.get("a")
    return isinstance(a, types.Array) and a.ndim == 1 and isinstance(a.dtype, types.Number)


def _covariance_form(args):
    """Forms hpjit computes: a 2-d m with ``rowvar=False`` and no y, or a 1-d m (and 1-d y)."""
    m, y = args.get("m"), args.get("y")
    if not (isinstance(m, types.Array) and isinstance(m.dtype, types.Number)):
        return False
    if m.ndim == 2:
        return _omitted(y) and const_value(args.get("rowvar", True), True) is False
    return m.ndim == 1 and (_omitted(y) or (isinstance(y, types.Array) and y.ndim == 1))


def _entry(np_fn, split, params, form):
    """hpjit's ``np_fn`` (same parameters): the split form over ``LOCAL`` for the forms it
    computes — numpy's results where numba's differ (one row, no rows) — else numba's own."""
    names = [p.split("=")[0] for p in params]
    entry = gen_impl(f"def impl({', '.join(params)}):\n    pass\n")
    entry.__name__ = np_fn.__name__
    mine = gen_impl(f"def impl({', '.join(params)}):\n    return split({names[0]}, LOCAL, "
                    f"{', '.join(f'{n}={n}' for n in names[1:])})\n", split=split, LOCAL=LOCAL)
    theirs = gen_impl(f"def impl({', '.join(params)}):\n    return np_fn({', '.join(names)})\n",
                      np_fn=np_fn)

    def typer(*args, **kws):
        given = dict(zip(names, args), **kws)
        return mine if form(given) else theirs
    overload(entry, prefer_literal=True)(
        gen_impl(f"def impl({', '.join(params)}):\n    return typer({', '.join(names)})\n",
                 typer=typer))
    return entry


def _table():
    quantile, cov = ("a", "q"), ("m", "y=None", "rowvar=True", "bias=False", "ddof=None")
    specs = [(np.percentile, _quantile_function(100, False, False), quantile, (), _quantile_form),
             (np.nanpercentile, _quantile_function(100, True, False), quantile, (), _quantile_form),
             (np.quantile, _quantile_function(1, False, False), quantile, (), _quantile_form),
             (np.nanquantile, _quantile_function(1, True, False), quantile, (), _quantile_form),
             (np.median, _quantile_function(1, False, True), ("a",), (), _quantile_form),
             (np.nanmedian, _quantile_function(1, True, True), ("a",), (), _quantile_form),
             (np.cov, _covariance_function(False), cov, ("y",), _covariance_form),
             (np.corrcoef, _covariance_function(True), cov[:3], ("y",), _covariance_form)]
    entries, table = {}, {}
    for np_fn, split, params, rows, form in specs:
        entry = _entry(np_fn, split, params, form)
        entries[np_fn] = entry
        table[entry] = (split, tuple(p.split("=")[0] for p in params), rows, form)
    return entries, table


#: numpy function → hpjit's (``NumpyStatisticsPass`` puts the latter in the user's code);
#: hpjit's function → (split form called as ``fn(a, comm, **params)``, its parameters (the
#: array first), parameters whose rows align with the array's, ``form(argument types)``: whether
#: the split form computes the call — other forms gather their input)
NUMPY_FUNCTIONS, STAT_FUNCTIONS = _table()
