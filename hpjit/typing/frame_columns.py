"""Operations that change which columns a frame has or what they are called, never its rows:
``copy``, ``drop``, ``rename``, ``df.columns = [...]``.

Column names are part of a frame's type, so each of these is decided at compile time from
constant arguments and costs nothing at run time (``copy`` excepted, which copies buffers as
pandas does). A non-constant argument is one clear error naming the call.
"""
from numba import types

from hpjit.core.generated import column_at
from hpjit.errors import user_error
from hpjit.typing.columns.arrays import copy_column
from hpjit.typing.constants import const_names, const_value
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.operations import ELEMENTWISE, function, method


def _is_none(t):
    return const_value(t, None) is None


def _mapping(t, names):
    """``{old: new}`` of a constant dict of column names, or of a function (a lambda or a jitted
    function, called now on each name), or None."""
    fn = getattr(getattr(t, "dispatcher", None), "py_func", None)
    if fn is not None:
        try:
            return {c: fn(c) for c in names}
        except Exception as e:  # noqa: BLE001  (the user's function, on a column name)
            raise user_error(f"DataFrame.rename: the function raised {type(e).__name__}: {e} "
                             "on a column name") from None
    v = const_value(t)
    ok = isinstance(v, dict) and all(isinstance(x, str) for kv in v.items() for x in kv)
    return v if ok else None


def reframe(df, names, sources, params, copy=False):
    """An impl of parameters ``params`` (source text, ``df`` first) returning the frame whose
    column ``names[k]`` is ``df``'s column ``sources[k]`` (copied when ``copy``)."""
    out_t = DataFrameType(names, [df.data[df.column_index(s)] for s in sources], df.index)
    get = "copy_column(column_at(df, {}))" if copy else "column_at(df, {})"
    items = "".join(get.format(df.column_index(s)) + ", " for s in sources)
    ns = dict(init_frame=init_frame, copy_column=copy_column, out_t=out_t, column_at=column_at)
    exec(f"def impl({params}):\n    return init_frame(({items}), df._index, out_t)\n", ns)
    return ns["impl"]


@method(DataFrameType, "copy", ELEMENTWISE, parallel=True)
def _frame_copy(df, deep=True):
    if not isinstance(deep, (types.Boolean, types.BooleanLiteral, types.Omitted, bool)):
        raise user_error(f"DataFrame.copy: deep must be True or False, got {deep}")
    return reframe(df, df.columns, df.columns, "df, deep=True", copy=True)


@method(DataFrameType, "drop", ELEMENTWISE, prefer_literal=True)
def _frame_drop(df, labels=None, axis=0, index=None, columns=None, level=None, inplace=False,
                errors="raise"):
    if not _is_none(index) or not _is_none(level):
        raise user_error("DataFrame.drop: hpjit drops columns (columns= or labels with axis=1), "
                         "not rows by label")
    if const_value(inplace, False) is not False:
        raise user_error("DataFrame.drop: inplace=True is not supported by hpjit; assign the "
                         "result (df = df.drop(...))")
    axis_v = const_value(axis, 0)
    if not _is_none(columns):
        names = const_names(columns)
    elif not _is_none(labels) and axis_v in (1, "columns"):
        names = const_names(labels)
    else:
        raise user_error("DataFrame.drop: hpjit needs columns=[...] (or labels with axis=1); "
                         "dropping rows by label is not supported")
    if names is None:
        raise user_error("DataFrame.drop: hpjit needs constant column names")
    if const_value(errors, "raise") != "ignore":
        check_columns(df, names, "DataFrame.drop")
    kept = tuple(c for c in df.columns if c not in names)
    return reframe(df, kept, kept, "df, labels=None, axis=0, index=None, columns=None, "
                   "level=None, inplace=False, errors='raise'")


@method(DataFrameType, "rename", ELEMENTWISE, prefer_literal=True)
def _frame_rename(df, mapper=None, index=None, columns=None, axis=None, copy=None, inplace=False,
                  level=None, errors="ignore"):
    if not (_is_none(mapper) and _is_none(index) and _is_none(level)):
        raise user_error("DataFrame.rename: hpjit renames columns (columns=...) only")
    if const_value(inplace, False) is not False:
        raise user_error("DataFrame.rename: inplace=True is not supported by hpjit; assign the "
                         "result (df = df.rename(...))")
    mapping = _mapping(columns, df.columns)
    if mapping is None:
        raise user_error("DataFrame.rename: hpjit needs columns= a constant dict of column "
                         f"names or a function of a name, got {columns}")
    if const_value(errors, "ignore") == "raise":
        check_columns(df, tuple(mapping), "DataFrame.rename")
    names = tuple(mapping.get(c, c) for c in df.columns)
    if len(set(names)) != len(names):
        raise user_error(f"DataFrame.rename: the new column names {list(names)} repeat a name "
                         "(hpjit needs distinct column names)")
    return reframe(df, names, df.columns, "df, mapper=None, index=None, columns=None, axis=None, "
                   "copy=None, inplace=False, level=None, errors='ignore'")


def set_columns(df, names):
    """``df.columns = names``: ``hpjit.transforms.dataframe_pass`` rewrites the assignment into
    ``df = set_columns(df, names)`` (the names are part of the frame's type)."""


@function(set_columns, ELEMENTWISE, prefer_literal=True)
def _set_columns(df, names):
    if not isinstance(df, DataFrameType):
        raise user_error(f"x.columns = ...: hpjit sets the columns of a DataFrame, not of {df}")
    new = const_names(names)
    if new is None:
        raise user_error("df.columns = ...: hpjit needs a constant list of column names")
    if len(new) != len(df.columns):
        raise user_error(f"df.columns = ...: Length mismatch: the frame has {len(df.columns)} "
                         f"columns, the new names are {len(new)}")
    if len(set(new)) != len(new):
        raise user_error(f"df.columns = {list(new)}: hpjit needs distinct column names")
    return reframe(df, new, df.columns, "df, names")
