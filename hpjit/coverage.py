"""The coverage table: every declared pandas method, the column types it compiles for, and what
it does under MPI, generated from the registry (``hpjit.typing.operations``) so that it cannot
fall behind the code.

    python -m hpjit.coverage > coverage.md      # minutes: it compiles every probe

Each Series, DataFrame, ``.str``, ``.rolling`` and groupby method is compiled (not run) on a
Series, a one-column frame (grouped by an int key) of each column type, with a typical value for each
required argument; a column type is listed when that compiles. The README's table is this
output; ``tests/test_coverage.py`` checks that it names every declared method.
"""
import inspect
import os

import numba
import numpy as np
import pandas as pd

import hpjit
from hpjit.typing import operations

#: the column types probed, by the name the table gives them
COLUMNS = {
    "int": lambda: pd.Series([1, 2, 2], dtype="int64"),
    "float": lambda: pd.Series([1.5, np.nan, 1.5]),
    "bool": lambda: pd.Series([True, False, True]),
    "str": lambda: pd.Series(["a", None, "b"], dtype="str"),
    "datetime": lambda: pd.Series(pd.to_datetime(["2020-01-01", None, "2020-01-02"])),
    "Int64": lambda: pd.Series([1, None, 2], dtype="Int64"),
}

#: the cell of a method no probe compiled (it needs arguments the probe does not make)
NOT_PROBED = "see *What works*"

#: what each rule means for a user under MPI
RULES = {
    "elementwise": "split, nothing moves",
    "subset": "split (some of the rows)",
    "placed": "rows placed in blocks of the result",
    "rows": "split, one result per row",
    "shuffle": "rows move between ranks by key",
    "join": "rows move between ranks by key",
    "reindex": "split, labels from global positions",
    "reduce": "combined over the ranks",
    "stat": "combined over the ranks",
    "whole": "small result, whole on every rank",
    "head": "first rows, gathered",
    "construct": "split like its columns",
    "isin": "split; another column's values gathered",
    "write": "every rank writes its rows",
    "source": "each rank reads its rows",
    "estimator": "combined over the ranks",
    "scalar": "no rows",
    "whole input": "needs every row",
}

#: source of a typical value of a required parameter, for a column of each kind
_SAMPLE = {"int": "1", "Int64": "1", "bool": "True", "str": "'a'",
           "datetime": "pd.Timestamp('2020-01-01')", "float": "1.5"}
_ARGUMENTS = {
    "values": lambda kind: f"[{_SAMPLE[kind]}]",
    "arg": lambda kind: "{" + _SAMPLE[kind] + ": 1.5}",
    "cond": lambda kind: "x.notna()",
    "dtype": lambda kind: "'float64'",
    "to_replace": lambda kind: _SAMPLE[kind],
    "q": lambda kind: "0.5",
    "n": lambda kind: "2",
    "decimals": lambda kind: "1",
    "func": lambda kind: "'sum'",
    "pat": lambda kind: "'a'",
    "prefix": lambda kind: "'a'",
    "suffix": lambda kind: "'a'",
    "columns": lambda kind: "'c'",
    "by": lambda kind: "'c'",
    "keys": lambda kind: "'c'",
}
for _p in ("lower", "upper", "left", "right", "value", "other"):
    _ARGUMENTS[_p] = lambda kind: _SAMPLE[kind]


def _call(name, typer, kind):
    """Source of ``x.<name>(...)`` with its required arguments, or None."""
    params = list(inspect.signature(typer).parameters.values())[1:]
    args = []
    for p in params:
        if p.default is inspect.Parameter.empty and p.kind == p.POSITIONAL_OR_KEYWORD:
            make = _ARGUMENTS.get(p.name)
            if make is None:
                return None
            args.append(make(kind))
    return f"{name}({', '.join(args)})"


def _compiles(source, value):
    """Whether ``lambda x: <source>`` compiles for ``value`` (no code is run)."""
    fn = eval(f"lambda x: {source}", {"pd": pd, "np": np})
    try:
        hpjit.jit(fn).dispatcher.compile((numba.typeof(value),))
        return True
    except Exception:
        return False


def _probe(owner, name, typer, kind):
    """``(source, value)`` of a probe of ``owner.<name>`` on a column of ``kind``, or None."""
    call = _call(name, typer, kind)
    if call is None:
        return None
    column = COLUMNS[kind]()
    if owner == "Series":
        return f"x.{call}", column.rename("c")
    if owner == "Series.str":
        return (f"x.str.{call}", column.rename("c")) if kind == "str" else None
    if owner == "Series.rolling(w)":
        return f"x.rolling(2).{call}", column.rename("c")
    if owner == "Series.expanding()":
        return f"x.expanding().{call}", column.rename("c")
    if owner == "Series.ewm(alpha=)":
        return f"x.ewm(alpha=0.5).{call}", column.rename("c")
    frame = pd.DataFrame({"c": column})
    if owner == "DataFrame":
        return f"x.{call}", frame
    frame.insert(0, "k", [1, 2, 1])
    return f"x.groupby('k')['c'].{call}", frame


def owner_name(owner):
    """How the table names the receiver of methods of numba type class ``owner`` (None: not
    in the table)."""
    return {"SeriesType": "Series", "DataFrameType": "DataFrame", "StrAccessorType": "Series.str",
            "GroupByType": "groupby(...)[c]", "RollingType": "Series.rolling(w)",
            "ExpandingType": "Series.expanding()", "EwmType": "Series.ewm(alpha=)"}.get(
                owner.__name__)


def rows():
    """``(method, column types, under MPI)`` of every declared method, sorted."""
    out = []
    for key, op in operations.OPERATIONS.items():
        owner = owner_name(key[0]) if isinstance(key, tuple) else None
        if owner is None:
            continue
        kinds = []
        probes = [(kind, _probe(owner, key[1], op.typer, kind)) for kind in COLUMNS]
        for kind, probe in probes:
            if probe is not None and _compiles(*probe):
                kinds.append(kind)
        listed = ", ".join(kinds) or NOT_PROBED
        out.append((f"{owner}.{key[1]}", listed, RULES[op.rule]))
    return sorted(out)


def table():
    """The markdown table of :func:`rows`."""
    lines = ["| method | column types it compiles for | under MPI |", "|---|---|---|"]
    lines += [f"| `{name}` | {kinds} | {rule} |" for name, kinds, rule in rows()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    os.environ.setdefault("HPJIT_QUIET", "1")
    print(table(), end="")
