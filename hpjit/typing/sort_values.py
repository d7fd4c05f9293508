"""``sort_values`` and ``sort_index`` of frames and series, always stable.

The method overloads read their constant arguments into a ``SortSpec`` and call
``sort_frame(df, spec)``; the distributed pass calls ``dist_sort_frame`` with the
same spec (``sort_spec_of_call``), which first range-partitions the rows so that
each rank's local sort is its slice of the global order.
"""
from numba import types
from numba.extending import overload

from hpjit.core.generated import gen_impl as _gen
from hpjit.errors import user_error
from hpjit.runtime.sort_kernels import argsort_rows, keyed_column, sort_column
from hpjit.typing.columns.arrays import take_rows
from hpjit.typing.constants import NOT_CONSTANT, const_names, const_value, required_const
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.index import (KeyIndexType, MultiKeyIndexType, RangeIndexType, index_key_columns,
                                index_labels, index_take, make_range_index)
from hpjit.typing.operations import SHUFFLE, WHOLE, method
from hpjit.typing.series import SeriesType, init_series


class SortSpec(types.Type):
    """What to sort by: column names (or the index), a direction per key, missing first or last."""

    def __init__(self, by, ascending, na_last, ignore_index):
        self.by = tuple(by) if by is not None else None
        self.ascending = tuple(ascending)
        self.na_last = na_last
        self.ignore_index = ignore_index
        super().__init__(name=f"SortSpec(by={self.by}, ascending={self.ascending}, "
                              f"na_last={na_last}, ignore_index={ignore_index})")


def make_sort_spec(by, nkeys, ascending, na_position, ignore_index, kind, what):
    """A SortSpec from the argument types of a sort call (``by`` already resolved to names)."""
    asc = required_const(ascending, "ascending", what, True)
    if isinstance(asc, bool):
        asc = (asc,) * nkeys
    elif not (isinstance(asc, (list, tuple)) and all(isinstance(a, bool) for a in asc)):
        raise user_error(f"{what}: ascending must be a bool or a list of bools")
    if len(asc) != nkeys:
        raise user_error(f"{what}: Length of ascending ({len(asc)}) != length of by ({nkeys})")
    na = required_const(na_position, "na_position", what, "last")
    if na not in ("first", "last"):
        raise user_error(f"{what}: invalid na_position: {na}")
    ign = required_const(ignore_index, "ignore_index", what, False)
    k = required_const(kind, "kind", what, "quicksort")
    if k not in ("quicksort", "mergesort", "heapsort", "stable"):
        raise user_error(f"{what}: invalid kind {k!r}")
    return SortSpec(by, asc, na == "last", bool(ign))


def frame_sort_spec(df, by, ascending, na_position, ignore_index, kind):
    what = "DataFrame.sort_values"
    names = const_names(by)
    if names is None:
        raise user_error(f"{what}: hpjit needs constant column names in by=")
    check_columns(df, names, what)
    return make_sort_spec(names, len(names), ascending, na_position, ignore_index, kind, what)


def _check_plain(what, **expected):
    for name, (t, default) in expected.items():
        v = const_value(t, default)
        if v is NOT_CONSTANT or v != default:
            raise user_error(f"{what}: {name}= is not supported by hpjit")


def sort_keys(x, spec):
    """The key columns ``spec`` sorts ``x`` (frame or series) by, as a tuple."""


@overload(sort_keys)
def _sort_keys(x, spec):
    by = spec.instance_type.by
    if by is None:
        if isinstance(x.index, (KeyIndexType, MultiKeyIndexType)):
            return lambda x, spec: index_key_columns(x._index)
        return lambda x, spec: (index_labels(x._index),)
    if isinstance(x, SeriesType):
        return lambda x, spec: (x._data,)
    items = "".join(f"column_at(x, {x.column_index(n)}), " for n in by)
    return _gen(f"def impl(x, spec):\n    return ({items})\n")


def _rows_source(x, fresh_index, labels="index_take", given=None):
    """Source of ``impl(x, rows, ...)``: frame or series ``x`` at rows ``rows``, relabelled
    0..n-1 if ``fresh_index``; column ``given`` (a position) is the argument ``values``."""
    index = "make_range_index(0, len(rows), 1)" if fresh_index else f"{labels}(x._index, rows)"
    if isinstance(x, SeriesType):
        cols, build = ["x._data"], "init_series"
    else:
        cols, build = [f"column_at(x, {j})" for j in range(len(x.columns))], "init_frame"
    taken = ["values" if j == given else f"take_rows({c}, rows)" for j, c in enumerate(cols)]
    data = taken[0] if isinstance(x, SeriesType) else "(" + "".join(t + ", " for t in taken) + ")"
    return f"    return {build}({data}, {index}, x)\n"


_ROWS_NS = dict(take_rows=take_rows, index_take=index_take, make_range_index=make_range_index,
                init_series=init_series, init_frame=init_frame)


def rows_of(x, rows, fresh_index):
    """Frame or series ``x`` at rows ``rows`` (positions), relabelled 0..n-1 if ``fresh_index``."""


@overload(rows_of, prefer_literal=True)
def _rows_of(x, rows, fresh_index):
    return _gen("def impl(x, rows, fresh_index):\n"
                + _rows_source(x, fresh_index.literal_value), **_ROWS_NS)


def sorted_labels(idx, order):
    """``index_take(idx, order)`` for a sort's own ``order``: a 0..n-1 range's labels are
    ``order`` itself (nothing else holds or writes it)."""


@overload(sorted_labels)
def _sorted_labels(idx, order):
    if isinstance(idx, RangeIndexType):
        def impl(idx, order):
            if idx._start == 0 and idx._step == 1:
                return order
            return index_take(idx, order)
        return impl
    return lambda idx, order: index_take(idx, order)


def sorted_rows(x, order, values, spec):
    """``x`` at the rows of its sort order ``order``, relabelled 0..n-1 if the spec says
    ``ignore_index``; the key column is ``values`` when not None (already in order)."""


@overload(sorted_rows)
def _sorted_rows(x, order, values, spec):
    given = None if isinstance(values, types.NoneType) else _keyed_position(x, spec.instance_type)
    body = _rows_source(x, spec.instance_type.ignore_index, "sorted_labels", given)
    return _gen("def impl(x, order, values, spec):\n    rows = order\n" + body,
                sorted_labels=sorted_labels, **_ROWS_NS)


def _keyed_position(x, spec):
    """The position of the one key column of ``spec`` that ``sort_column`` rebuilds from its
    radix keys (0 for a series), or None."""
    if spec.by is None or len(spec.by) != 1:
        return None
    j, col = (0, x.data) if isinstance(x, SeriesType) else \
        (x.column_index(spec.by[0]), x.data[x.column_index(spec.by[0])])
    return j if keyed_column(col) else None


def sort_frame(x, spec):
    """``x`` (frame or series) sorted as ``spec`` (a SortSpec type) says."""


@overload(sort_frame)
def _sort_frame(x, spec):
    s = spec.instance_type
    asc, na_last = s.ascending, s.na_last
    if _keyed_position(x, s) is not None:
        def impl(x, spec):
            order, values = sort_column(sort_keys(x, spec)[0], asc[0], na_last)
            return sorted_rows(x, order, values, spec)
        return impl

    def impl(x, spec):
        return sorted_rows(x, argsort_rows(sort_keys(x, spec), asc, na_last), None, spec)
    return impl


@method(DataFrameType, "sort_values", SHUFFLE, form="relational.dist_sort_frame",
        spec=lambda x, name, args: sort_spec_of_call(x, name, args), prefer_literal=True)
def _frame_sort_values(df, by, axis=0, ascending=True, inplace=False, kind="quicksort",
                       na_position="last", ignore_index=False, key=None):
    spec = frame_sort_spec(df, by, ascending, na_position, ignore_index, kind)
    _check_plain("DataFrame.sort_values", axis=(axis, 0), inplace=(inplace, False), key=(key, None))

    def impl(df, by, axis=0, ascending=True, inplace=False, kind="quicksort", na_position="last",
             ignore_index=False, key=None):
        return sort_frame(df, spec)
    return impl


def series_sort_spec(ascending, na_position, ignore_index, kind):
    return make_sort_spec(("",), 1, ascending, na_position, ignore_index, kind,
                          "Series.sort_values")


@method(SeriesType, "sort_values", SHUFFLE, form="relational.dist_sort_frame",
        spec=lambda x, name, args: sort_spec_of_call(x, name, args), prefer_literal=True)
def _series_sort_values(s, axis=0, ascending=True, inplace=False, kind="quicksort",
                        na_position="last", ignore_index=False, key=None):
    spec = series_sort_spec(ascending, na_position, ignore_index, kind)
    _check_plain("Series.sort_values", axis=(axis, 0), inplace=(inplace, False), key=(key, None))

    def impl(s, axis=0, ascending=True, inplace=False, kind="quicksort", na_position="last",
             ignore_index=False, key=None):
        return sort_frame(s, spec)
    return impl


def index_sort_spec(x, ascending, na_position, ignore_index, kind):
    nkeys = len(x.index.data) if isinstance(x.index, MultiKeyIndexType) else 1
    spec = make_sort_spec(None, nkeys, ascending, na_position, ignore_index, kind,
                          f"{'Series' if isinstance(x, SeriesType) else 'DataFrame'}.sort_index")
    return spec


def _sort_index(x, axis=0, level=None, ascending=True, inplace=False, kind="quicksort",
                na_position="last", sort_remaining=True, ignore_index=False, key=None):
    spec = index_sort_spec(x, ascending, na_position, ignore_index, kind)
    _check_plain("sort_index", axis=(axis, 0), level=(level, None), inplace=(inplace, False),
                 key=(key, None))

    def impl(x, axis=0, level=None, ascending=True, inplace=False, kind="quicksort",
             na_position="last", sort_remaining=True, ignore_index=False, key=None):
        return sort_frame(x, spec)
    return impl


method((DataFrameType, SeriesType), "sort_index", SHUFFLE, form="relational.dist_sort_frame",
       spec=lambda x, name, args: sort_spec_of_call(x, name, args), prefer_literal=True)(_sort_index)


def sort_spec_of_call(x, name, args):
    """The SortSpec of ``x.sort_values(...)``/``x.sort_index(...)`` from its argument types
    (by parameter name), as the overload built it."""
    opts = [args.get(n, d) for n, d in (("ascending", True), ("na_position", "last"),
                                        ("ignore_index", False), ("kind", "quicksort"))]
    if name == "sort_index":
        return index_sort_spec(x, *opts)
    if isinstance(x, SeriesType):
        return series_sort_spec(*opts)
    return frame_sort_spec(x, args["by"], *opts)


def _nlargest(largest, frame):
    """``nlargest``/``nsmallest``: pandas' result is the stable sort (largest first, missing
    last) cut to ``n`` rows."""
    what = f"{'DataFrame' if frame else 'Series'}.{'nlargest' if largest else 'nsmallest'}"

    def check(x, n, columns, keep):
        if not isinstance(n, (types.Integer, types.Omitted, int)):  # omitted: the default
            raise user_error(f"{what}: n must be an integer, got {n}")
        if const_value(keep, "first") != "first":
            raise user_error(f"{what}: hpjit supports keep='first' only")
        if not frame:
            return SortSpec(("",), (not largest,), True, False)
        names = const_names(columns)
        if names is None:
            raise user_error(f"{what}: hpjit needs constant column names in columns=")
        check_columns(x, names, what)
        return SortSpec(names, (not largest,) * len(names), True, False)

    if frame:
        def typer(x, n, columns, keep="first"):
            spec = check(x, n, columns, keep)
            return lambda x, n, columns, keep="first": sort_frame(x, spec).head(n)
    else:
        def typer(x, n=5, keep="first"):
            spec = check(x, n, None, keep)
            return lambda x, n=5, keep="first": sort_frame(x, spec).head(n)
    return typer


method(DataFrameType, "nlargest", WHOLE, form="distinct.dist_nlargest", prefer_literal=True)(
    _nlargest(True, True))
method(DataFrameType, "nsmallest", WHOLE, form="distinct.dist_nsmallest", prefer_literal=True)(
    _nlargest(False, True))
method(SeriesType, "nlargest", WHOLE, form="distinct.dist_nlargest", prefer_literal=True)(
    _nlargest(True, False))
method(SeriesType, "nsmallest", WHOLE, form="distinct.dist_nsmallest", prefer_literal=True)(
    _nlargest(False, False))
