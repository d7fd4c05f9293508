"""Columns to labels and back: ``df.set_index(keys)``, ``df.reset_index(drop=...)`` and
``s.reset_index(drop=True)`` (a fresh ``RangeIndex``).

``set_index`` makes the key columns a (multi-)key index named by them; each row keeps its own
label, so nothing moves under MPI.

With ``drop=False`` a frame's labels become its first columns, named as pandas names them:
a key index's own names (a groupby result: ``groupby(...).sum().reset_index()``), else
``index`` (or ``level_0`` when ``index`` is taken; ``level_k`` for unnamed keys of a
MultiIndex). Under MPI the distributed pass relabels each rank's rows from its global
position (``dist_ops.dist_reset_index``).
"""
import numpy as np
from numba import types
from numba.extending import overload

from hpjit.core.generated import gen_impl
from hpjit.errors import user_error
from hpjit.typing.constants import const_names, const_value
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.index import (IndexNames, KeyIndexType, MultiKeyIndexType, RangeIndexType,
                                index_len, make_key_index, make_range_index, range_index_type)
from hpjit.typing.operations import ELEMENTWISE, REINDEX, method
from hpjit.typing.series import SeriesType, init_series


def _drop_value(drop, what):
    if isinstance(drop, types.Omitted):
        return drop.value
    if isinstance(drop, types.BooleanLiteral):
        return drop.literal_value
    if isinstance(drop, bool):
        return drop
    raise user_error(f"{what}: drop= must be a constant True or False")


def label_columns(idx):
    """The labels of an index as a tuple of columns (a range as int64 values)."""


@overload(label_columns)
def _label_columns(idx):
    if isinstance(idx, RangeIndexType):
        return lambda idx: (np.arange(idx._start, idx._stop, idx._step),)
    if isinstance(idx, KeyIndexType):
        return lambda idx: (idx._data,)
    if isinstance(idx, MultiKeyIndexType):
        return lambda idx: idx._data
    if isinstance(idx, types.Array):
        return lambda idx: (idx.copy(),)


def _label_names(idx, columns):
    """pandas' names for the columns ``reset_index()`` makes of ``idx``'s labels."""
    if isinstance(idx, MultiKeyIndexType):
        return [n if n is not None else f"level_{k}" for k, n in enumerate(idx.names)]
    name = idx.index_name if isinstance(idx, KeyIndexType) else None
    if name is not None:
        return [name]
    return ["level_0" if "index" in columns else "index"]


def label_types(idx):
    """Column types of an index's labels (a range gives int64 labels)."""
    if isinstance(idx, MultiKeyIndexType):
        return list(idx.data)
    if isinstance(idx, KeyIndexType):
        return [idx.data]
    return [types.Array(types.int64, 1, "C")]


def label_names(idx):
    """The level names of an index's labels (an unnamed range: ``(None,)``)."""
    if isinstance(idx, MultiKeyIndexType):
        return idx.names
    return (idx.index_name,) if isinstance(idx, KeyIndexType) else (None,)


@method(DataFrameType, "reset_index", REINDEX, prefer_literal=True)
def _frame_reset_index(df, drop=False):
    keep = _drop_value(drop, "DataFrame.reset_index")
    ncols = len(df.columns)
    if keep:
        return lambda df, drop=False: init_frame(df._data, make_range_index(0, index_len(
            df._index), 1), df)
    names = _label_names(df.index, df.columns)
    clash = [n for n in names if n in df.columns]
    if clash:
        raise user_error(f"DataFrame.reset_index: cannot insert {clash[0]!r}, already exists")
    out_t = DataFrameType(tuple(names) + tuple(df.columns),
                          tuple(label_types(df.index)) + tuple(df.data), range_index_type)
    labels = "".join(f"labels[{k}], " for k in range(len(names)))
    cols = "".join(f"column_at(df, {j}), " for j in range(ncols))
    src = ("def impl(df, drop=False):\n"
           "    labels = label_columns(df._index)\n"
           f"    return init_frame(({labels}{cols}), make_range_index(0, index_len(df._index), 1), "
           "out_t)\n")
    return gen_impl(src, init_frame=init_frame, label_columns=label_columns,
                    make_range_index=make_range_index, index_len=index_len, out_t=out_t)


@method(SeriesType, "reset_index", REINDEX, prefer_literal=True)
def _series_reset_index(s, drop=False):
    if _drop_value(drop, "Series.reset_index"):
        return lambda s, drop=False: init_series(s._data, make_range_index(0, len(s._data), 1), s)
    name = s.series_name
    if name is None:
        raise user_error("Series.reset_index(): hpjit needs a named Series (pandas names the "
                         "values column 0); rename it first, or pass drop=True")
    names = _label_names(s.index, [name])
    if name in names:
        raise user_error(f"Series.reset_index: cannot insert {name!r}, already exists")
    out_t = DataFrameType(tuple(names) + (name,), tuple(label_types(s.index)) + (s.data,),
                          range_index_type)
    labels = "".join(f"labels[{k}], " for k in range(len(names)))
    src = ("def impl(s, drop=False):\n"
           "    labels = label_columns(s._index)\n"
           f"    return init_frame(({labels}s._data,), make_range_index(0, len(s._data), 1), "
           "out_t)\n")
    return gen_impl(src, init_frame=init_frame, label_columns=label_columns,
                    make_range_index=make_range_index, out_t=out_t)


@method(DataFrameType, "set_index", ELEMENTWISE, prefer_literal=True)
def _frame_set_index(df, keys, drop=True, append=False, inplace=False, verify_integrity=False):
    what = "DataFrame.set_index"
    names = const_names(keys)
    if names is None:
        raise user_error(f"{what}: hpjit needs a constant column name or list of names")
    check_columns(df, names, what)
    if len(set(names)) != len(names):
        raise user_error(f"{what}: a column is named twice in {list(names)}")
    for option, default in ((append, False), (inplace, False), (verify_integrity, False)):
        if const_value(option, default) is not default:
            raise user_error(f"{what}: append=, inplace= and verify_integrity= are not "
                             f"supported by hpjit; assign the result")
    kept = [c for c in df.columns if not (_drop_value(drop, what) and c in names)]
    out_t = df.select(kept)
    keys_src = "".join(f"column_at(df, {df.column_index(n)}), " for n in names)
    cols = "".join(f"column_at(df, {df.column_index(c)}), " for c in kept)
    return gen_impl(f"def impl(df, keys, drop=True, append=False, inplace=False, "
                    f"verify_integrity=False):\n"
                    f"    return init_frame(({cols}), make_key_index(({keys_src}), NAMES), "
                    f"out_t)\n", init_frame=init_frame, make_key_index=make_key_index,
                    NAMES=IndexNames(names), out_t=out_t)
