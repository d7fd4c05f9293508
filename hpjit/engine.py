"""hpjit as pandas' execution engine: ``s.map(f, engine=hpjit.jit)``, ``df.apply(f, axis=1, engine=hpjit.jit)``.

pandas 3 hands such calls to ``engine.__pandas_udf__`` (``BaseExecutionEngine``).
The user's function is compiled with the same types and loops as inside
``@hpjit.jit`` (the driver functions below just call ``Series.map`` /
``DataFrame.apply`` on hpjit's own types). Compiled code is kept per function
*code* (and closure/argument values) and column types, so a lambda written
again — a new function object with the same code — compiles nothing.
"""
import numba
import numpy as np
import pandas as pd
from pandas.api.executors import BaseExecutionEngine

from hpjit.compiler import JitFunction
from hpjit.errors import HpjitError

_UDFS = {}
_DRIVERS = {}


def _code_key(func):
    code = func.__code__
    closure = tuple(c.cell_contents for c in func.__closure__ or ())
    return (code.co_code, code.co_consts, code.co_names, code.co_varnames, code.co_filename,
            closure, func.__defaults__)


def _where(func):
    code = getattr(func, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else repr(func)


def _udf(func, args, kwargs):
    """A numba dispatcher for ``func(x, *args, **kwargs)``, shared by every copy of the same code."""
    if not hasattr(func, "__code__"):
        raise HpjitError(f"engine=hpjit.jit needs a Python function or lambda, got {func!r}")
    try:
        key = (_code_key(func), args, tuple(sorted(kwargs.items())))
        hash(key)
    except TypeError:
        raise HpjitError("engine=hpjit.jit: args/kwargs must be hashable constants "
                         f"(function at {_where(func)})") from None
    if key not in _UDFS:
        inner = numba.njit(func)
        if args or kwargs:  # bound as compile-time constants of a one-argument wrapper
            ns = {"inner": inner}
            ns.update({f"A{k}": v for k, v in enumerate(args)})
            ns.update({f"K_{name}": v for name, v in kwargs.items()})
            params = "".join(f", A{k}" for k in range(len(args)))
            kw = "".join(f", {name}=K_{name}" for name in kwargs)
            exec(f"def call(x):\n    return inner(x{params}{kw})\n", ns)
            _UDFS[key] = numba.njit(ns["call"])
        else:
            _UDFS[key] = inner
    return _UDFS[key]


def _driver(name, src):
    """A jitted driver (compiled once per argument types, the UDF's included)."""
    if name not in _DRIVERS:
        ns = {"np": np}
        exec(src, ns)
        _DRIVERS[name] = JitFunction(ns[name])
    return _DRIVERS[name]


def _plain(obj):
    """``obj`` with a default RangeIndex and no name: the engine puts pandas' labels back after."""
    out = obj.copy(deep=False)
    if isinstance(out, pd.Series):
        out.name = None
    out.index = pd.RangeIndex(len(out))
    return out


def _run(kind, driver, func, *data):
    try:
        return driver(*data)
    except HpjitError as e:
        msg = str(e).split(" (in ")[0]
        msg = msg[len(kind) + 2:] if msg.startswith(kind + ": ") else msg
        raise HpjitError(f"{kind}(engine=hpjit.jit): {msg} (function at {_where(func)})") from None


class HpjitEngine(BaseExecutionEngine):
    """The ``__pandas_udf__`` of ``hpjit.jit``."""

    @staticmethod
    def map(data, func, args, kwargs, decorator, skip_na):
        if not isinstance(data, pd.Series):
            raise HpjitError("engine=hpjit.jit supports Series.map; DataFrame.map is not supported "
                             "by hpjit yet")
        if len(data) == 0:  # the function is never called: pandas' own (dtype-keeping) answer
            return data.map(func, na_action="ignore" if skip_na else None, **(kwargs or {}))
        udf = _udf(func, tuple(args or ()), dict(kwargs or {}))
        driver = _driver("series_map", "def series_map(s, f):\n    return s.map(f)\n")
        if skip_na:
            mask = data.notna()
            part = _run("Series.map", driver, func, _plain(data[mask]), udf)
            part.index = data.index[mask.to_numpy()]
            out = part.reindex(data.index)
        else:
            out = _run("Series.map", driver, func, _plain(data), udf)
            out.index = data.index
        out.name = data.name
        return out

    @staticmethod
    def apply(data, func, args, kwargs, decorator, axis):
        udf = _udf(func, tuple(args or ()), dict(kwargs or {}))
        axis = {"index": 0, "columns": 1}.get(axis, axis)
        if isinstance(data, np.ndarray):
            if data.ndim != 2 or axis != 1:
                raise HpjitError("DataFrame.apply(raw=True, engine=hpjit.jit) supports axis=1")
            driver = _driver("raw_rows", RAW_ROWS)
            return _run("DataFrame.apply", driver, func, np.ascontiguousarray(data), udf)
        if isinstance(data, pd.Series):
            raise HpjitError("Series.apply(engine=...) is not supported by hpjit; use Series.map")
        if axis == 1:
            driver = _driver("frame_rows", "def frame_rows(df, f):\n    return df.apply(f, axis=1)\n")
            out = _run("DataFrame.apply", driver, func, _plain(data), udf)
            out.index = data.index
            return out
        driver = _driver("column", "def column(s, f):\n    return f(s)\n")
        values = [_run("DataFrame.apply", driver, func, _plain(data[c]), udf) for c in data.columns]
        return pd.Series(values, index=data.columns)


RAW_ROWS = """
def raw_rows(a, f):
    n = a.shape[0]
    first = f(a[0]) if n else f(np.zeros(a.shape[1], a.dtype))
    out = np.empty(n, np.asarray(first).dtype)
    for i in range(n):
        out[i] = f(a[i])
    return out
"""
