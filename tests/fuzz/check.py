"""One program run by hpjit and by pandas on each input, the outcome classified, a failure
shrunk to a minimal runnable repro."""
import os
import re
import sys
import types
import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

import hpjit
from hpjit.errors import HpjitError

from .frames import SIZES, literal, make

OK = "ok"
#: pandas answers, hpjit says clearly (an HpjitError) that it does not support the program
UNSUPPORTED = "unsupported"
#: pandas raises, and so does hpjit (an HpjitError or pandas' own exception)
REFUSED = "refused"
MISMATCH = "mismatch"
#: an exception other than HpjitError where pandas answers: a bug like a wrong value
RAW_ERROR = "raw error"
FAILURES = (MISMATCH, RAW_ERROR)


@dataclass
class Outcome:
    status: str
    detail: str = ""
    #: the input's rows (``frames.SIZES``) and, when shrunk, the positions kept of them
    size: int = None
    rows: list = None


def load(program, workdir, name):
    """The program's Python function, from a file in ``workdir`` (so hpjit's errors can cite
    its lines)."""
    if program.source == "parquet" and not program.path:
        program.path = os.path.join(workdir, f"{name}.parquet")
    text = "import numpy as np\nimport pandas as pd\n\n\n" + program.source_code(name)
    path = os.path.join(workdir, f"{name}.py")
    keep_source(path, text)
    module = types.ModuleType(name)  # importable by name: a cache load rebuilds its globals
    module.__file__ = path
    sys.modules[name] = module
    exec(compile(text, path, "exec"), module.__dict__)
    return getattr(module, name)


def keep_source(path, text):
    """Rank 0 writes ``text`` to ``path`` unless it already holds it (a rewrite would change the
    file's time stamp, which numba's cache checks, and miss the cache); every rank then finds it."""
    if hpjit.get_rank() == 0:
        held = None
        if os.path.exists(path):
            with open(path) as f:
                held = f.read()
        if held != text:
            with open(path, "w") as f:
                f.write(text)
    hpjit.barrier()


def _kind(x):
    """A scalar's kind: hpjit returns Python's bool, int and float where pandas returns numpy's
    (the README says so); the kind must agree."""
    for kind, types_ in (("bool", (bool, np.bool_)), ("int", (int, np.integer)),
                         ("float", (float, np.floating))):
        if isinstance(x, types_):
            return kind
    return type(x).__name__


def _compare(got, exp, path="result"):
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp), f"{path}: {got!r} vs {exp!r}"
        for k, (g, e) in enumerate(zip(got, exp)):
            _compare(g, e, f"{path}[{k}]")
    elif isinstance(exp, pd.DataFrame):
        pd.testing.assert_frame_equal(got, exp, obj=path)
    elif isinstance(exp, pd.Series):
        pd.testing.assert_series_equal(got, exp, obj=path)
    elif isinstance(exp, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == exp.dtype, \
            f"{path}: {type(got).__name__} {getattr(got, 'dtype', '')} vs array {exp.dtype}"
        np.testing.assert_array_equal(got, exp, err_msg=path)
    elif isinstance(exp, pd.api.extensions.ExtensionArray):
        assert type(got) is type(exp), f"{path}: {type(got).__name__} vs {type(exp).__name__}"
        pd.testing.assert_extension_array_equal(got, exp, obj=path)
    elif exp is None or exp is pd.NA or exp is pd.NaT or (isinstance(exp, float) and np.isnan(exp)):
        assert got is exp or pd.isna(got), f"{path}: {got!r} vs {exp!r}"
    elif isinstance(exp, (float, np.floating)):
        assert isinstance(got, (float, np.floating)) and np.isclose(got, exp, rtol=1e-12, atol=0), \
            f"{path}: {got!r} vs {exp!r}"
    else:
        assert type(got) is type(exp) or (np.isscalar(got) and np.isscalar(exp) and
                                          _kind(got) == _kind(exp)), \
            f"{path}: {type(got).__name__} {got!r} vs {type(exp).__name__} {exp!r}"
        same = got == exp
        assert same if isinstance(same, (bool, np.bool_)) else np.all(same), \
            f"{path}: {got!r} vs {exp!r}"


def _float_levels(exp, got):
    """Index ``exp`` with its int levels float64 where ``got``'s are."""
    if exp.nlevels != got.nlevels:
        return exp
    if exp.nlevels == 1:
        return exp.astype(np.float64) if exp.dtype.kind in "iu" and got.dtype == np.float64 \
            else exp
    levels = [exp.get_level_values(k) for k in range(exp.nlevels)]
    return pd.MultiIndex.from_arrays(
        [_float_levels(a, got.get_level_values(k)) for k, a in enumerate(levels)],
        names=exp.names)


def as_documented(exp, got, program):
    """pandas' answer with the differences the README documents applied: hpjit types
    columns at compile time, so an int column that can miss a value is float64 even where
    none happens to (a side of a merge or join; a group-wise result where the keys can be
    missing; so are its reductions and a grouping by it; a time bin's min, max, first, last), datetimes parsed from no text are
    ``[us]``, ``map``/``apply``/``shift`` of no rows have the result type of rows, and
    ``apply(axis=1)`` is typed by the function where pandas' object rows decide, and the
    quantile of an ``Int64`` column is a float; rows selected from a ``DatetimeIndex`` with a
    ``freq`` leave it unstated (pandas keeps it where the rows kept are one run). Two of
    pandas' own quirks are set aside: an
    empty result keeps its labels under ``ignore_index=True``, and a group-wise rank of a
    datetime column ranks ``NaT`` once some key is missing."""
    if isinstance(exp, tuple) and isinstance(got, tuple) and len(exp) == len(got):
        return tuple(as_documented(e, g, program) for e, g in zip(exp, got))
    code = "\n".join(program.statements)
    floats = any(w in code for w in ("merge(", ".join(", ".cum", ".transform(", "to_numeric("))
    if ".quantile(" in code and isinstance(exp, np.integer) and isinstance(got, float):
        return float(exp)  # pandas' quantile of Int64 is np.int64 when it is integral
    if floats and isinstance(exp, (np.integer, int)) and not isinstance(exp, (bool, np.bool_)) \
            and isinstance(got, float):
        return float(exp)  # a reduction of such a float64 column
    if floats and isinstance(exp, np.ndarray) and isinstance(got, np.ndarray) and \
            exp.dtype.kind in "iu" and got.dtype == np.float64:
        return exp.astype(np.float64)  # np.where over such a column
    if isinstance(exp, np.ndarray) and isinstance(got, np.ndarray) and len(exp) == 0 and \
            len(got) == 0 and any(w in code for w in (".map(", ".apply(", ".shift(", ".diff(")):
        return exp.astype(got.dtype)  # no rows: typed as rows (to_numpy of such a Series)
    if isinstance(exp, (pd.Series, pd.DataFrame)) and type(got) is type(exp) and floats:
        exp = exp.set_axis(_float_levels(exp.index, got.index))  # grouped by such a column
    if isinstance(exp, (pd.Series, pd.DataFrame)) and type(got) is type(exp) and \
            len(exp) == 0 and len(got) == 0 and exp.index.nlevels == got.index.nlevels and \
            any(w in code for w in (".map(", ".apply(", ".shift(", ".diff(")):
        exp = exp.set_axis(got.index.set_names(exp.index.names))  # no rows: typed as rows
    if isinstance(exp, (pd.Series, pd.DataFrame)) and type(got) is type(exp) and \
            len(exp) == 0 and len(got) == 0 and "ignore_index=True" in code and \
            isinstance(got.index, pd.RangeIndex):
        exp = exp.set_axis(got.index)  # pandas keeps an empty frame's labels there
    if isinstance(exp, (pd.Series, pd.DataFrame)) and type(got) is type(exp) and \
            isinstance(exp.index, pd.DatetimeIndex) and isinstance(got.index, pd.DatetimeIndex) \
            and exp.index.freq is not None and got.index.freq is None:
        exp = exp.set_axis(pd.DatetimeIndex(exp.index, freq=None))  # rows selected: one run
    if isinstance(exp, pd.DataFrame) and isinstance(got, pd.DataFrame) and \
            list(exp.columns) == list(got.columns):
        exp = exp.copy()
        for c in exp.columns:
            exp[c] = as_documented(exp[c], got[c], program)
    elif isinstance(exp, pd.Series) and isinstance(got, pd.Series):
        if floats and exp.dtype.kind in "iu" and got.dtype == np.float64:
            return exp.astype(np.float64)
        if ".apply(" in code and exp.dtype == object and got.dtype.kind == "f":
            # pandas' rows are object with a nullable column
            return exp.where(exp.notna(), np.nan).astype(got.dtype)
        if str(exp.dtype) == "datetime64[s]" and exp.isna().all() and "to_datetime" in code:
            return exp.astype("datetime64[us]")
        if len(exp) == 0 and exp.dtype != got.dtype and \
                any(w in code for w in (".map(", ".apply(", ".shift(", ".diff(", ".resample(")):
            return exp.astype(got.dtype)  # pandas keeps the input's dtype: nothing to infer from
        if any(w in code for w in (".resample(", "pd.Grouper(")) and exp.dtype.kind in "iu" \
                and got.dtype == np.float64:
            return exp.astype(np.float64)  # a bin's min, max, first, last: NaN if it is empty
        if any(w in code for w in (".where(", ".mask(")) and exp.dtype.kind in "iu" and \
                got.dtype == np.float64:
            return exp.astype(np.float64)  # pandas keeps the dtype when no row is replaced
        if floats and str(exp.dtype) == "Int64" and str(got.dtype) == "Float64":
            return exp.astype("Float64")  # Int64 with such a float64 column
        if ".rank(" in code and "groupby(" in code and exp.name == "t" and \
                got.dtype == np.float64 and len(got) == len(exp):
            # pandas' group-wise rank gives NaT a rank once some row's key is missing
            # (its float NaN stays NaN): hpjit keeps every missing value's rank missing
            return exp.where(got.notna().to_numpy(), np.nan)
    return exp


def live(program):
    """``program`` without the statements whose value is never used: the compiler drops them,
    and with them an error they would raise (documented)."""
    needed = {n.strip() for n in program.returns.split(",")} | {"df"}
    kept = []
    for line in reversed(program.statements):
        target = line.split(" = ")[0].strip()
        if re.split(r"[\[.]", target)[0] in needed:  # a name, or one's item or attribute
            kept.append(line)
            needed |= set(re.findall(r"\b(v\d+|df)\b", line.split(" = ", 1)[1]))
    return replace(program, statements=kept[::-1])


#: numba's words in an HpjitError: its text reached the user as the headline
#: pandas' own failures on input it accepts at other sizes (README, "Not supported yet"): a
#: groupby transform whose keys are all missing, a groupby rolling of no group
PANDAS_FAILURES = ("cannot do a non-empty take from an empty axes",
                   "need at least one array to concatenate",
                   "'RangeIndex' object has no attribute '_with_freq'",  # resample(on=) of no rows
                   "Index -1 out of bounds")  # the first, with text keys (Arrow's message)
_NUMBA_WORDS = ("Failed in nopython mode pipeline", "Resolution failure",
                "No implementation of function", "Unknown attribute",
                "Cannot unify", "Invalid use of", "non-precise type")


def _attempt(fn, *args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args), None
    except Exception as e:  # the outcome records what each side raised
        return None, e


def _headline(e):
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"


def inputs(program, size=None, rows=None):
    """(size, frame) of each input the program runs on."""
    for n in SIZES if size is None else (size,):
        frame = make(program.schema, n, program.seed)
        yield n, frame if rows is None else frame.iloc[rows].reset_index(drop=True)


def check(program, workdir, name=None, size=None, rows=None):
    """Run ``program`` by hpjit and by pandas on each input (the frames of ``frames.SIZES``,
    or one); the first failing input ends it. Under MPI every rank gets pandas' whole answer
    and compares it with its own."""
    name = name or f"program_{program.digest()}"  # two programs of one seed (a found one) differ
    fn = load(program, workdir, name)
    argument = program.source == "arg"
    jitted = hpjit.jit(fn, distributed=["df"] if argument else (),
                       cache=bool(os.environ.get("NUMBA_CACHE_DIR")))
    status = OK
    for n, frame in inputs(program, size, rows):
        if not argument:
            if hpjit.get_rank() == 0:
                frame.to_parquet(program.path)
            hpjit.barrier()
        exp, pandas_error = _attempt(fn, *([frame.copy()] if argument else []))
        got, error = _attempt(jitted, *([hpjit.scatterv(frame)] if argument else []))
        if not argument:
            hpjit.barrier()  # no rank rewrites the file while another reads it
        else:
            exp = _rank_part(exp, program, n)
        if error is None and pandas_error is not None and live(program) != program:
            # hpjit drops a statement whose value is never used, and an error it would raise
            exp, still = _attempt(load(live(program), workdir, name + "_live"),
                                  *([frame.copy()] if argument else []))
            if still is None:
                pandas_error = None
                exp = _rank_part(exp, program, n) if argument else exp
        outcome = None
        if isinstance(error, HpjitError) and any(w in str(error) for w in _NUMBA_WORDS):
            outcome = Outcome(RAW_ERROR, "numba's message as hpjit's: " + _headline(error), n,
                              rows)
        elif error is not None:
            if isinstance(error, HpjitError) or (pandas_error is not None and
                                                 type(error) is type(pandas_error)):
                if pandas_error is None:
                    outcome = Outcome(UNSUPPORTED, _headline(error), n, rows)
                else:
                    status = REFUSED if status == OK else status
            else:
                outcome = Outcome(RAW_ERROR, _headline(error), n, rows)
        elif pandas_error is not None and any(m in str(pandas_error) for m in PANDAS_FAILURES):
            status = REFUSED if status == OK else status
        elif pandas_error is not None:
            outcome = Outcome(MISMATCH, f"hpjit answers where pandas raises "
                                        f"{_headline(pandas_error)}", n, rows)
        else:
            try:
                _compare(got, as_documented(exp, got, program))
            except AssertionError as e:
                outcome = Outcome(MISMATCH, str(e).strip()[:2000], n, rows)
        if _any_rank(outcome is not None):  # every rank stops at the same input
            return outcome or Outcome(status)
    return Outcome(status)


def _any_rank(flag):
    """Whether ``flag`` holds on any rank (every rank must run the same inputs: a rank going
    on alone would wait in the program's collectives for ever)."""
    if hpjit.get_size() == 1:
        return flag
    from mpi4py import MPI
    return MPI.COMM_WORLD.allreduce(bool(flag), MPI.LOR)


def _rank_part(exp, program, n):
    """pandas' answer as this rank holds it: a returned ``df`` (the argument, named in
    ``distributed=``) stays this rank's block of rows."""
    if hpjit.get_size() == 1 or exp is None:
        return exp
    from hpjit.core.mpi import block_range
    start, stop = block_range(n, hpjit.get_rank(), hpjit.get_size())
    names = [r.strip() for r in program.returns.split(",")]
    if len(names) == 1:
        return exp.iloc[start:stop] if names[0] == "df" else exp
    return tuple(e.iloc[start:stop] if name == "df" else e for name, e in zip(names, exp))


def _without(program, k):
    statements = program.statements[:k] + program.statements[k + 1:]
    target = program.statements[k].split(" = ")[0].strip()
    returns = program.returns
    if target == returns or target.startswith(returns + "["):
        returns = "df"
        for line in statements[:k][::-1]:
            returns = line.split(" = ")[0].split("[")[0].strip()
            break
    return replace(program, statements=statements, returns=returns)


def shrink(program, outcome, fails):
    """The smallest program and input that still fail as ``outcome`` does: statements left
    out one at a time, columns no statement names dropped, then rows. ``fails(program, size,
    rows)`` is the failing Outcome or None."""
    def same(candidate, size, rows):
        found = fails(candidate, size, rows)
        return found is not None and found.status == outcome.status
    size, rows = outcome.size, outcome.rows
    if size is None:  # a job that ended under mpiexec: which input ended it is not known
        size = next((n for n in SIZES if fails(program, n, None)), None)
        if size is None:
            return program, outcome
    changed = True
    while changed:
        changed = False
        for k in reversed(range(len(program.statements))):
            candidate = _without(program, k)
            if same(candidate, size, rows):
                program, changed = candidate, True
                break
    code = "\n".join(program.statements) + program.returns
    for c in list(program.schema):
        if f"'{c}'" not in code and f".{c}" not in code and len(program.schema) > 1:
            candidate = replace(program, schema=[s for s in program.schema if s != c])
            if same(candidate, size, rows):
                program = candidate
    rows = list(range(size)) if rows is None else rows
    while len(rows) > 1:
        for half in (rows[: len(rows) // 2], rows[len(rows) // 2:]):
            if same(program, size, half):
                rows = half
                break
        else:
            break
    if len(rows) <= 12:
        for r in list(rows):
            fewer = [x for x in rows if x != r]
            if fewer and same(program, size, fewer):
                rows = fewer
    return program, fails(program, size, rows) or outcome


def repro(program, outcome):
    """Runnable Python that shows the failure."""
    _, frame = next(inputs(program, outcome.size, outcome.rows))
    call = "df" if program.source == "arg" else ""
    lines = ["import numpy as np", "import pandas as pd", "", "import hpjit", "",
             literal(frame)]
    if program.source == "parquet":
        lines.append(f"df.to_parquet({program.path!r})")
    lines += ["", "", program.source_code("program"),
              f"expected = program({call and 'df.copy()'})",
              f"got = hpjit.jit(program)({call})",
              f"print(got, expected, sep='\\n')  # {outcome.status}: {outcome.detail.splitlines()[0]}"]
    return "\n".join(lines)
