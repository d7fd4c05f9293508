"""Random user-style programs, built from the operations hpjit declares and typed by pandas.

A program is a few statements over an input frame ``df`` ending in ``return``. Each step is
one call of a declared operation (``OPERATIONS``: its receiver from the owner type, its
arguments from the typing function's parameters, filled by name from ``ARGUMENTS``) or of
the grammar every pandas program uses (``GRAMMAR``: columns, filters, arithmetic,
assignment). A step is kept only when pandas runs it on a sample frame, so every program is
one pandas accepts, and the sample's values tell the next step what each variable holds.
A new operation whose parameters have the usual names is fuzzed with no change here.
"""
import hashlib
import inspect
import json
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

import hpjit  # noqa: F401  registers every operation
from hpjit.typing.accessors import DtAccessorType, StrAccessorType
from hpjit.typing.group_rolling import GroupRollingType
from hpjit.typing.columns.datetime import TIMESTAMP_FIELDS
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.groupby import GroupByType
from hpjit.typing.operations import OPERATIONS
from hpjit.typing.ewm import EwmType
from hpjit.typing.expanding import ExpandingType
from hpjit.typing.rolling import RollingType
from hpjit.typing.series import SeriesType

from .frames import KINDS, WORDS, make

#: operations the fuzzer does not call, and why (``tests/test_fuzz.py`` keeps this exact)
NOT_FUZZED = {
    "DataFrame.to_csv": "writes a file: tests/test_io_write.py",
    "DataFrame.to_parquet": "writes a file: tests/test_io_write.py",
    "DataFrame.to_numpy": "a 2-d array of mixed columns is object in pandas",
    "DataFrame.corr": "statistics of numeric frames: tests/test_ml.py",
    "DataFrame.cov": "statistics of numeric frames: tests/test_ml.py",
    "DataFrame.describe": "statistics of numeric frames: tests/test_ml.py",
    "DataFrame.quantile": "statistics of numeric frames: tests/test_ml.py",
    "ParquetTable.to_pandas": "the input is read with pd.read_parquet",
    "read_csv": "the input is an argument or pd.read_parquet: tests/test_io_csv.py",
    "read_parquet": "used as the source of programs that read their input",
    "setitem": "df[c] = v is the grammar's assignment",
    "merge": "pd.merge(a, b, ...) is a.merge(b, ...), which is fuzzed",
    "melt": "pd.melt(df, ...) is df.melt(...), which is fuzzed",
    "DatetimeIndex": "pd.to_datetime, which is fuzzed, converts the same columns",
}

#: owner types none of whose methods the fuzzer calls, and why
NOT_FUZZED_OWNERS = {"Estimator": "scikit-learn estimators take arrays: tests/test_ml.py"}

#: declared operations the grammar calls (groupby, rolling, expanding, ewm: the receivers of
#: every GroupBy, Rolling, GroupRolling, Expanding and Ewm step)
GRAMMAR_FUNCTIONS = {"to_datetime", "to_numeric", "DataFrame.groupby", "DataFrame.resample", "Series.resample",
                     "Series.rolling", "Series.expanding",
                     "Series.ewm", "GroupBy.rolling", "set_columns", "loc_setitem",
                     "frame_of_columns", "where"}

#: parameters left at their defaults: they change no answer or are not a user's
LEFT_DEFAULT = {"axis", "level", "inplace", "key", "sort_remaining", "raw", "result_type", "copy",
                "indicator", "validate", "bins", "index", "partition_cols", "path", "engine",
                "filters", "left_on", "right_on", "left_index", "right_index",
                "group_keys", "observed", "lsuffix", "suffixes", "na_action", "format", "name"}


@dataclass
class Program:
    """What a program reads and does: JSON-serialisable, for a worker under mpiexec."""
    seed: int
    schema: list
    #: "arg": the frame is the argument ``df``; "parquet": read from ``path``
    source: str = "arg"
    path: str = ""
    statements: list = field(default_factory=list)
    returns: str = "df"

    def source_code(self, name="program"):
        head = f"def {name}(df):" if self.source == "arg" else f"def {name}():"
        body = [] if self.source == "arg" else [f"df = pd.read_parquet({self.path!r})"]
        body += self.statements + [f"return {self.returns}"]
        return "\n".join([head] + ["    " + line for line in body]) + "\n"

    def to_json(self):
        return json.dumps(asdict(self))

    def digest(self):
        """A name of this program's own: the same program is the same file (and cache entry)
        in every job."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]

    @classmethod
    def from_json(cls, text):
        return cls(**json.loads(text))


def _quiet_run(code, env):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, {"pd": pd, "np": np}, env)


class _Builder:
    def __init__(self, rng, sample):
        self.rng = rng
        self.env = {"df": sample}
        self.count = 0

    def pick(self, options):
        return options[int(self.rng.integers(0, len(options)))]

    def chance(self, p):
        return self.rng.random() < p

    def of(self, cls):
        return [name for name, v in self.env.items() if isinstance(v, cls)]

    def latest(self, names):
        """Mostly the newest variable: programs chain their steps."""
        return names[-1] if self.chance(0.6) else self.pick(names)

    def frame(self):
        return self.latest(self.of(pd.DataFrame))

    def series(self):
        """A series variable or a column of a frame variable: (source text, value)."""
        options = [(n, self.env[n]) for n in self.of(pd.Series)]
        for name in self.of(pd.DataFrame):
            options += [(f"{name}[{c!r}]", self.env[name][c]) for c in self.env[name].columns
                        if isinstance(c, str)]
        return (self.latest(options) if self.chance(0.5) else self.pick(options)) if options \
            else (None, None)

    def columns(self, frame, k=None):
        cols = [c for c in frame.columns if isinstance(c, str)]
        if not cols:
            return []
        k = k or int(self.rng.integers(1, min(len(cols), 2) + 1))
        picked = self.rng.choice(len(cols), size=min(k, len(cols)), replace=False) if cols else []
        return [cols[int(i)] for i in picked]

    def try_step(self, statement, target=None):
        """Run ``statement`` in pandas on the sample; keep it when pandas accepts it."""
        env = dict(self.env)
        try:
            _quiet_run(statement, env)
        except Exception:
            return False
        if target is not None and not _returnable(env.get(target)):
            return False
        self.env = env
        return True


def _returnable(value):
    return isinstance(value, (pd.DataFrame, pd.Series, np.ndarray, np.generic, int, float, bool,
                              str, pd.Timestamp, tuple))


def _scalar_of(b, s):
    values = s.dropna()
    if len(values) == 0:
        return None
    v = values.iloc[int(b.rng.integers(0, len(values)))]
    if isinstance(v, pd.Timestamp):
        return f"pd.Timestamp({str(v)!r})"
    return repr(v.item() if hasattr(v, "item") else v)


_LAMBDAS = {"i": ["lambda v: v * 2", "lambda v: v + 1", "lambda v: -1 if v < 0 else v"],
            "f": ["lambda v: v * 2.5", "lambda v: v + 1"],
            "b": ["lambda v: not v"],
            "M": ["lambda v: v.hour", "lambda v: v.year"],
            "O": ["lambda v: v.upper()", "lambda v: len(v)"]}


def _lambda(b, s):
    kind = s.dtype.kind if s.dtype.kind in "ifbM" else ("O" if str(s.dtype) == "str" else "i")
    return b.pick(_LAMBDAS[kind])


def _row_lambda(b, frame):
    cols = [c for c in frame.columns if isinstance(c, str) and frame[c].dtype.kind in "if"]
    if not cols:
        return None
    a, c = b.pick(cols), b.pick(cols)
    return f"lambda row: row.{a} * 2 + row.{c}"


#: regular expressions with groups and alternation, over the fuzzer's WORDS
_GROUPED_PATTERNS = [r"(a|B)c?", r"([a-z])(b)?", r"(?P<w>\w)\w*", r"^(ab|x)", r"(日|ä)",
                     r"(\s)?x(\s)"]


def _argument(b, op_name, param, receiver, frame, receiver_text=None):
    """Source text of a value for parameter ``param`` (None: leave it out)."""
    pick, s = b.pick, receiver if isinstance(receiver, pd.Series) else None
    if param == "columns" and op_name == "rename" and frame is not None:
        cols = b.columns(frame)
        return repr({c: f"{c}_{b.pick(['r', 'x'])}" for c in cols}) if cols else None
    if param in ("by", "columns", "subset", "on", "keys", "id_vars", "value_vars"):
        cols = b.columns(frame) if frame is not None else []
        return repr(cols[0] if len(cols) == 1 and b.chance(0.5) else cols) if cols else None
    if param == "n":
        return repr(pick([0, 1, 2, 3, 5]))
    if param == "window":
        return repr(pick([1, 2, 3, 5]))
    if param == "keep":
        return repr(pick(["first", "last"]))
    if param in ("ascending", "dropna", "normalize", "drop", "sort", "as_index", "ignore_index",
                 "case", "regex"):
        return repr(pick([True, False]))
    if param == "na_position":
        return repr(pick(["first", "last"]))
    if param == "kind":
        return repr("stable")  # pandas' default quicksort orders ties at random; hpjit's is stable
    if param == "q":
        return repr(pick([0.1, 0.5, 0.75]))
    if param == "ddof":
        return repr(pick([0, 1]))
    if param == "pat" and (op_name == "extract" or b.chance(0.3)):  # the Pike machine's
        return repr(pick(_GROUPED_PATTERNS))
    if param == "pat":
        return repr(str(pick(list(WORDS))))
    if param == "to_replace" and s is not None:
        picks = [_scalar_of(b, s) for _ in range(2)]
        return picks[0] if b.chance(0.5) else "[" + ", ".join(p for p in picks if p) + "]"
    if param == "to_replace" and frame is not None:
        return pick(["0", "1", "[1, 2]", "'a'"])
    if param == "value" and s is not None:
        return _scalar_of(b, s)
    if param == "values" and s is not None:
        picks = [_scalar_of(b, s) for _ in range(2)]
        return "[" + ", ".join(p for p in picks if p is not None) + "]"
    if param == "arg" and s is not None:
        return _lambda(b, s)
    if param == "func" and op_name == "apply" and frame is not None:
        return _row_lambda(b, frame)
    if param == "func":
        return repr(pick(["sum", "max", "min", "mean", "count", ["sum", "max"]]))
    if param in ("right", "other") and op_name in ("merge", "join"):
        frames = [n for n in b.of(pd.DataFrame) if b.env[n] is not frame]
        return pick(frames) if frames else None
    if param == "how":
        return repr(pick(["any", "all"] if op_name == "dropna" else
                         ["inner", "left", "right", "outer"]))
    if param in ("left", "right", "lower", "upper") and s is not None:
        return _scalar_of(b, s)
    if s is None and isinstance(receiver, pd.DataFrame):  # DataFrame.clip, isin, where, mask
        if param in ("lower", "upper"):
            return pick(["0", "1", "-1"])
        if param == "values":
            return pick(["[0, 1]", "[1, 2]"])
        if param == "cond" and receiver_text:
            return f"({receiver_text} {pick(['>', '<='])} {pick(['0', '1'])})"
        if param == "other" and op_name in ("where", "mask"):
            return pick(["0", "-1"])
    if param == "cond" and s is not None:
        const = _scalar_of(b, s)
        return f"({receiver_text} {pick(['>', '<=', '!='])} {const})" if const else None
    if param == "other" and s is not None:
        return pick(["0", "-1", "2.5"])
    if param == "dtype":
        return repr(pick(["float64", "int64", "Int64", "Float64", "bool", "float32", "int32"]))
    if param == "value" and frame is not None:
        return pick(["0", "1.5", "-1"])
    if param == "decimals":
        return repr(pick([0, 1, 2, -1]))
    if param == "inclusive":
        return repr(pick(["both", "neither", "left", "right"]))
    if param == "rsuffix":
        return repr("_r")
    if param == "method" and op_name == "rank":
        return repr(pick(["average", "min", "max", "first", "dense"]))
    if param == "na_option":
        return repr(pick(["keep", "top", "bottom"]))
    if param == "pct":
        return repr(pick([True, False]))
    if param == "periods":
        return repr(pick([1, -1, 2, 0]))
    if param == "width":
        return repr(pick([0, 3, 6]))
    if param == "fillchar":
        return repr(pick(["*", " ", "é"]))
    if param == "side":
        return repr(pick(["left", "right", "both"]))
    if param == "repl":
        return repr(pick(["", "-", "XY"]))
    if param == "i":
        return repr(pick([0, 1, -1]))
    if param == "sub":
        return repr(pick(["a", "b", "", "Z"]))
    if param == "others" and op_name == "cat" and receiver_text:
        return receiver_text.removesuffix(".str")
    if param == "sep" and op_name == "cat":
        return repr(pick(["", "-"]))
    if param == "freq":
        return repr(pick(["h", "D", "15min", "s"]))
    if param == "date_format":
        return repr(pick(["%Y-%m-%d", "%H:%M:%S", "%d %b %Y %I%p", "%A %j"]))
    return None


def _parameters(typer):
    """(required, optional) parameter names of a typing function, after the receiver."""
    params = list(inspect.signature(typer).parameters.values())[1:]
    return ([p.name for p in params if p.default is inspect.Parameter.empty],
            [p.name for p in params if p.default is not inspect.Parameter.empty])


def _call(b, op_name, typer, receiver_text, receiver, frame, forced=()):
    required, optional = _parameters(typer)
    args = []
    for p in required:
        text = _argument(b, op_name, p, receiver, frame, receiver_text)
        if text is None:
            return None
        args.append(text)
    kwargs = []
    for p in optional:
        if p in LEFT_DEFAULT or not (p in forced or b.chance(0.3)):
            continue
        text = _argument(b, op_name, p, receiver, frame, receiver_text)
        if text is not None:
            kwargs.append(f"{p}={text}")
    if op_name == "apply" and receiver_text and isinstance(receiver, pd.DataFrame):
        kwargs.append("axis=1")
    return f"{receiver_text}.{op_name}({', '.join(args + kwargs)})"


def _operation_steps():
    """(owner, name, typer) of every declared method the fuzzer calls."""
    steps = []
    for key, op in OPERATIONS.items():
        if not isinstance(key, tuple) or operation_name(key) in set(NOT_FUZZED) | GRAMMAR_FUNCTIONS:
            continue
        owner, name = key
        if owner in (DataFrameType, SeriesType, GroupByType, StrAccessorType, DtAccessorType,
                     RollingType, ExpandingType, EwmType, GroupRollingType):
            steps.append((owner, name, op.typer))
    return steps


def operation_name(key):
    """``DataFrame.head`` for a method's key, ``read_csv`` for a function."""
    if isinstance(key, tuple):
        owner, name = key
        return f"{owner.__name__.removesuffix('Type').removesuffix('AccessorType')}.{name}"
    return key.__name__


def fuzzed_operations():
    """The names of the declared operations the fuzzer calls."""
    return {operation_name((owner, name)) for owner, name, _ in _operation_steps()} | \
        GRAMMAR_FUNCTIONS


def _declared_step(b, owner, name, typer):
    if owner is DataFrameType:
        f = b.frame()
        call = _call(b, name, typer, f, b.env[f], b.env[f], forced=("kind", "to_replace", "value"))
    elif owner is SeriesType:
        text, s = b.series()
        call = text and _call(b, name, typer, text, s, None,
                              forced=("kind", "to_replace", "value"))
    elif owner is StrAccessorType:
        text, s = b.series()
        call = text and _call(b, name, typer, f"{text}.str", s, None)
    elif owner is DtAccessorType:
        text, s = b.series()
        call = text and _call(b, name, typer, f"{text}.dt", s, None)
    elif owner is RollingType:
        text, s = b.series()
        window = b.pick([1, 2, 3, 5])
        options = f", min_periods={b.pick([0, 1])}" if b.chance(0.3) else ""
        call = text and _call(b, name, typer, f"{text}.rolling({window}{options})", s, None)
    elif owner is ExpandingType:
        text, s = b.series()
        options = f"min_periods={b.pick([0, 1, 2])}" if b.chance(0.3) else ""
        call = text and _call(b, name, typer, f"{text}.expanding({options})", s, None)
    elif owner is EwmType:
        text, s = b.series()
        decay = b.pick(["alpha=0.3", "alpha=0.5", "span=4", "com=1.5", "halflife=2.0"])
        options = "".join(f", {k}={b.pick([True, False])}" for k in ("adjust", "ignore_na")
                          if b.chance(0.4))
        call = text and _call(b, name, typer, f"{text}.ewm({decay}{options})", s, None)
    elif owner is GroupRollingType:  # a window of one column within its groups
        f = b.frame()
        frame = b.env[f]
        keys = b.columns(frame)
        rest = [c for c in frame.columns if c not in keys and isinstance(c, str)]
        if not keys or not rest:
            return None
        key = repr(keys if len(keys) > 1 else keys[0])
        options = f", min_periods={b.pick([0, 1])}" if b.chance(0.3) else ""
        call = _call(b, name, typer, f"{f}.groupby({key})[{b.pick(rest)!r}]"
                     f".rolling({b.pick([1, 2, 3])}{options})", frame, frame)
    else:  # GroupBy: grouped by key columns, then all columns, one, or a list
        f = b.frame()
        frame = b.env[f]
        times = [c for c in frame.columns if isinstance(c, str)
                 and str(frame[c].dtype).startswith("datetime64")]
        if times and b.chance(0.3):
            return _time_bins_step(b, name, typer, f, frame, b.pick(times))
        keys = b.columns(frame)
        if not keys:
            return None
        options = [f"{k}={b.pick([True, False])!r}" for k in ("as_index", "sort", "dropna")
                   if b.chance(0.25)]
        grouped = f"{f}.groupby({', '.join([repr(keys if len(keys) > 1 else keys[0])] + options)})"
        rest = [c for c in frame.columns if c not in keys]
        if rest and b.chance(0.8):
            sel = b.columns(frame[rest])
            grouped += f"[{sel[0]!r}]" if len(sel) == 1 and b.chance(0.6) else f"[{sel!r}]"
        call = _call(b, name, typer, grouped, frame, frame)
    return call


def _time_bins_step(b, name, typer, f, frame, t):
    """A grouping by time bins of column ``t``: resample on it or on it as labels, or
    groupby(pd.Grouper(freq=)), then one column, a list of them, or all."""
    rule = b.pick(["h", "6h", "D", "3D", "W", "MS", "ME", "QS", "YE"])
    rest = [c for c in frame.columns if c != t and isinstance(c, str)]
    form = b.pick(["on", "labels", "grouper"])
    if form == "labels" and rest:
        col = b.pick(rest)
        grouped = f"{f}.set_index({t!r})[{col!r}].resample({rule!r})"
        return _call(b, name, typer, grouped, frame[[col]], frame[[col]])
    grouped = (f"{f}.resample({rule!r}, on={t!r})" if form == "on" else
               f"{f}.groupby(pd.Grouper(key={t!r}, freq={rule!r}))")
    if rest and b.chance(0.8):
        sel = b.columns(frame[rest])
        grouped += f"[{sel[0]!r}]" if len(sel) == 1 and b.chance(0.6) else f"[{sel!r}]"
    return _call(b, name, typer, grouped, frame, frame)


def _grammar_step(b):
    """A column, a filter, arithmetic, a comparison, a .dt field, an assignment, a concat, a
    frame built from columns, np.where, rows by position, a frame's operator."""
    choice = b.pick(["column", "columns", "filter", "filter", "loc", "loc_assign", "arith",
                     "compare", "dt", "assign", "assign", "len", "concat", "to_datetime",
                     "set_columns", "frame", "where", "iloc", "frame_op"])
    f = b.frame()
    frame = b.env[f]
    if choice == "column":
        cols = b.columns(frame, 1)
        return cols and f"{f}[{cols[0]!r}]"
    if choice == "columns":
        return f"{f}[{b.columns(frame)!r}]"
    if choice == "set_columns":
        cols = [c for c in frame.columns if isinstance(c, str)]
        return cols and ("columns", f, [f"{c}{b.pick(['', '_'])}" for c in cols])
    if choice == "frame":  # columns of one frame (the same labels), a scalar repeated
        picked = b.columns(frame)
        items = ", ".join(f"'c_{c}': {f}[{c!r}]" for c in picked)
        extra = b.pick(["", ", 'one': 1.5", ", 'n': 2"])
        return f"pd.DataFrame({{{items}{extra}}})" if picked and b.chance(0.8) else \
            f"pd.DataFrame({{'rows': [len({f})], 'x': [0.5]}})"
    if choice == "iloc":  # global positions under MPI
        rows = b.pick(["1:3", "-2:", ":0", "2:", "[0]"])
        picked = [k for k, c in enumerate(frame.columns) if b.chance(0.5)]
        return f"{f}.iloc[{rows}]" if not picked or b.chance(0.4) else \
            f"{f}.iloc[{rows}, {picked if len(picked) > 1 or b.chance(0.5) else picked[0]}]"
    if choice == "frame_op":  # column by column: with a scalar or a frame of the same columns
        cols = [c for c in frame.columns if isinstance(c, str) and
                (pd.api.types.is_numeric_dtype(frame[c]) or frame[c].dtype == bool)]
        picked = [c for c in cols if b.chance(0.6)] or cols[:1]
        if not picked:
            return None
        sub = f"{f}[{picked!r}]"
        other = b.pick(["2", "1.5", "0", sub])
        return f"{sub} {b.pick(['+', '-', '*', '>', '<=', '=='])} {other}"
    text, s = b.series()
    if text is None:
        return None
    const = _scalar_of(b, s)
    if choice == "where":  # numpy's array, by position
        other, _ = b.series()
        return const and f"np.where({text} != {const}, {text}, {other})"
    if choice in ("filter", "loc", "loc_assign"):
        cols = [c for c in frame.columns if isinstance(c, str)]
        c = b.pick(cols) if cols else None
        if c is None:
            return None
        col = frame[c]
        if col.dtype == bool:
            return f"{f}[{f}[{c!r}]]" if b.chance(0.5) else f"{f}[~{f}[{c!r}]]"
        value = _scalar_of(b, col)
        op = b.pick([">", "<=", "==", "!="])
        cond = f"{f}[{c!r}].isna()" if value is None else f"({f}[{c!r}] {op} {value})"
        if b.chance(0.3):
            other = b.pick(cols)
            cond += f" {b.pick(['&', '|'])} {f}[{other!r}].notna()"
        if choice == "filter":
            return f"{f}[{cond}]"
        rows = ":" if b.chance(0.2) else cond
        if choice == "loc_assign":  # a value of the column itself: its dtype can hold it
            target = b.pick(cols)
            value = _scalar_of(b, frame[target])
            return value and ("statement", f, f"{f}.loc[{rows}, {target!r}] = {value}")
        picked = b.columns(frame)
        cols = repr(picked[0]) if len(picked) == 1 and b.chance(0.5) else repr(picked)
        return f"{f}.loc[{rows}, {cols}]" if rows == ":" or b.chance(0.7) else f"{f}.loc[{rows}]"
    if choice == "arith":
        other, _ = b.series()
        if b.chance(0.4):  # int // and % by a zero divisor: pandas' result is float then
            return f"{text} {b.pick(['+', '-', '*', '/'])} {other}"
        return f"{text} {b.pick(['+', '-', '*', '/', '//', '%'])} {b.pick(['2', '1.5', '-3'])}"
    if choice == "compare":
        return const and f"{text} {b.pick(['>', '<', '>=', '==', '!='])} {const}"
    if choice == "dt":
        return f"{text}.dt.{b.pick(list(TIMESTAMP_FIELDS))}"
    if choice == "assign":  # from the frame's own columns: no index alignment
        cols = [c for c in frame.columns if isinstance(c, str)]
        value = f"{f}[{b.pick(cols)!r}]" if cols else None
        if value and b.chance(0.6):
            value += f" {b.pick(['+', '*', '-'])} {b.pick(['2', '0.5', f'{f}[{b.pick(cols)!r}]'])}"
        return value and ("assign", f, value)
    if choice == "len":
        return f"len({f})"
    if choice == "to_datetime":  # or to_numeric: the text conversions
        if str(s.dtype) != "str":
            return f"pd.to_numeric({text})"
        return b.pick([f"pd.to_datetime({text})", f"pd.to_datetime({text}, errors='coerce')",
                       f"pd.to_datetime({text}, format='%Y-%m-%d %H:%M:%S', errors='coerce')",
                       f"pd.to_datetime({text}, format='%Y-%m-%d %H:%M:%S')",
                       f"pd.to_numeric({text}, errors='coerce')"])
    others = b.of(pd.DataFrame)
    return f"pd.concat([{f}, {b.pick(others)}])"


def generate(seed, steps=None, sample_rows=40):
    """The program of ``seed``: 1–5 steps pandas accepts, over a random schema."""
    rng = np.random.default_rng(seed)
    names = list(KINDS)
    schema = ["k"] + [n for n in names[1:] if rng.random() < 0.5]
    source = "parquet" if rng.random() < 0.2 else "arg"
    b = _Builder(rng, make(schema, sample_rows, seed))
    operations = _operation_steps()
    program = Program(seed, schema, source)
    wanted = steps or int(rng.integers(1, 6))
    tries = 0
    while len(program.statements) < wanted and tries < 60:
        tries += 1
        if b.chance(0.55):
            step = _declared_step(b, *operations[int(rng.integers(0, len(operations)))])
        else:
            step = _grammar_step(b)
        if not step:
            continue
        if isinstance(step, tuple):  # an assignment: a series to a new column, or new names
            kind, f, value = step
            statement = {"assign": f"{f}['c{len(program.statements)}'] = {value}",
                         "columns": f"{f}.columns = {value!r}", "statement": value}[kind]
            if b.try_step(statement):
                program.statements.append(statement)
                program.returns = f
            continue
        target = f"v{len(program.statements)}"
        statement = f"{target} = {step}"
        if b.try_step(statement, target):
            program.statements.append(statement)
            program.returns = target
    values = [n for n in b.env if n.startswith("v") and n != program.returns]
    if values and rng.random() < 0.25:
        program.returns = f"{values[-1]}, {program.returns}"
    return program
