"""One declaration per pandas operation: its overload and how it runs across ranks.

``@method(SeriesType, ("isna", "isnull"), ELEMENTWISE)`` installs the overload of each
named method (numba's ``overload_method``) and records its distribution rule in the same
call, so a method cannot exist without a rule, and the distribution analysis and the
distributed pass read the rule from here instead of keeping tables of names. A rule
needing a distributed form names it: ``form=`` a callable, or ``"module.function"`` of
``hpjit.transforms.distributed`` (that layer is above this one; the pass imports it).
``@function(pd.read_csv, SOURCE)`` does the same for functions.

``collective(text)`` marks a distributed form with what it exchanges between ranks, the
line ``distributed_diagnostics()`` prints for each call of it.
"""
from typing import NamedTuple

from numba.extending import overload, overload_method

#: the result of each row is computed from that row alone: split like its input
ELEMENTWISE = "elementwise"
#: rows move between ranks by key (range partitioning): unequal chunks
SHUFFLE = "shuffle"
#: a fresh RangeIndex over the same rows: labels from global positions
REINDEX = "reindex"
#: a reduction over all rows: local partials combined, the result on every rank
REDUCE = "reduce"
#: the first rows of the whole object: gathered
HEAD = "head"
#: written by every rank into one file (or dataset)
WRITE = "write"
#: each row against all the values: split values (a column) are gathered to every rank
ISIN = "isin"
#: rows of two frames matched by key
JOIN = "join"
#: a statistic combined over the ranks (``form(this, WORLD, **arguments)``)
STAT = "stat"
#: an estimator method on X's rows where they are (``form(est, WORLD, X, ...)``)
ESTIMATOR = "estimator"
#: a file read: this rank's block of rows
SOURCE = "source"
#: a distributed twin with the method's arguments: a small result whole on every rank
WHOLE = "whole"
#: a distributed twin: some of the rows, in their order (like a filter)
SUBSET = "subset"
#: a distributed twin: new rows made from the rows (``melt``), placed in the result's blocks
#: as a concatenation's
PLACED = "placed"
#: a distributed twin: one result per row, split like the rows
ROWS = "rows"
#: a method of a scalar (a timestamp, a string view): no rows to split
SCALAR = "scalar"
#: a new frame from columns: split like its split columns, whole when built from values alone
CONSTRUCT = "construct"
#: needs the whole object: every rank computes all of it (say why in ``reason``)
WHOLE_INPUT = "whole input"

RULES = (ELEMENTWISE, SHUFFLE, REINDEX, REDUCE, HEAD, WRITE, ISIN, JOIN, STAT, ESTIMATOR, SOURCE,
         WHOLE, SUBSET, PLACED, ROWS, SCALAR, CONSTRUCT, WHOLE_INPUT)
#: rules whose distributed pass calls ``form``
NEEDS_FORM = (SHUFFLE, JOIN, STAT, ESTIMATOR, WHOLE, SUBSET, PLACED, ROWS, CONSTRUCT)
#: rules whose distributed form is a twin taking the call's own arguments
TWINS = (WHOLE, SUBSET, PLACED, ROWS)


class Operation(NamedTuple):
    """How one method or function runs across ranks."""
    rule: str
    form: object = None
    #: the form's parameters after the data (``"q=0.5"``) for STAT and ESTIMATOR
    params: tuple = ()
    #: the spec the overload builds, given to ``form``: ``spec(self type, name, {parameter:
    #: type})`` for SHUFFLE, ``spec(left type, {parameter: type})`` for JOIN
    spec: object = None
    reason: str = ""
    #: the typing function (its parameters name the call's arguments)
    typer: object = None


#: ``(type class, method name)`` or the function itself → its Operation
OPERATIONS = {}


def declare(owner, name, rule, form=None, params=(), spec=None, reason="", typer=None):
    """Record the rule of ``owner.name`` (``owner`` a type class) or of the function ``owner``
    (``name`` None)."""
    if rule not in RULES:
        raise ValueError(f"unknown distribution rule {rule!r} for {name}")
    if rule in NEEDS_FORM and form is None:
        raise ValueError(f"rule {rule!r} of {name} needs its distributed form")
    if rule == WHOLE_INPUT and not reason:
        raise ValueError(f"rule {rule!r} of {name} needs its reason")
    OPERATIONS[owner if name is None else (owner, name)] = Operation(
        rule, form, tuple(params), spec, reason, typer)


def method(owners, names, rule, form=None, params=(), spec=None, reason="", **options):
    """Decorator: the typing function overloads methods ``names`` of ``owners`` (a type class or
    a tuple of them; a name or a tuple of names), each declared with ``rule``; ``options`` go to
    ``overload_method``."""
    owners = owners if isinstance(owners, tuple) else (owners,)
    names = (names,) if isinstance(names, str) else tuple(names)

    def install(typer):
        for owner in owners:
            for name in names:
                declare(owner, name, rule, form, params, spec, reason, typer)
                overload_method(owner, name, **options)(typer)
        return typer
    return install


def function(fn, rule, form=None, spec=None, reason="", **options):
    """Decorator: the typing function overloads ``fn`` (numba's ``overload``, given ``options``),
    declared with ``rule``."""
    def install(typer):
        declare(fn, None, rule, form, spec=spec, reason=reason, typer=typer)
        overload(fn, **options)(typer)
        return typer
    return install


def lookup(key):
    """The Operation of a method's ``(type class, name)`` typing key or a function, or None."""
    return OPERATIONS.get(key)


def collective(text):
    """Decorator: ``text`` says what the distributed form exchanges between ranks (the
    diagnostics print it with each call)."""
    def mark(fn):
        fn.hpjit_collective = text
        return fn
    return mark


def collective_of(fn):
    """What ``fn`` exchanges between ranks, or None (also for a numba dispatcher of it)."""
    return getattr(fn, "hpjit_collective", None) or \
        getattr(getattr(fn, "py_func", None), "hpjit_collective", None)
