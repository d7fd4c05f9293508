"""``df.resample(rule, on=)``, ``df.resample(rule)`` / ``s.resample(rule)`` on datetime labels:
a groupby whose groups are time bins (``GroupByType.bins``), so its aggregations (``sum``,
``mean``, ``agg`` with names...) are groupby's own, and so are their distributed forms.

Labels resample through a frame of the values and the labels as columns; a column pandas
would not name (an unnamed index, an unnamed Series) gets an internal name the result is
renamed from.
"""
from hpjit.errors import user_error
from hpjit.typing.constants import NOT_CONSTANT, const_value
from hpjit.typing.dataframe import DataFrameType, init_frame
from hpjit.typing.groupby import make_groupby, time_grouping
from hpjit.typing.index import KeyIndexType
from hpjit.typing.columns.arrays import is_datetime_array
from hpjit.typing.operations import ELEMENTWISE, method
from hpjit.typing.series import SeriesType

_INDEX, _VALUES = "__index__", "__values__"


def _rule_args(rule, closed, label, origin, offset, what):
    vals = [const_value(v, d) for v, d in ((rule, NOT_CONSTANT), (closed, None), (label, None),
                                           (origin, "start_day"), (offset, None))]
    for v, name in zip(vals, ("rule", "closed=", "label=", "origin=", "offset=")):
        if v is NOT_CONSTANT:
            raise user_error(f"{what}: hpjit needs a constant {name}")
    return vals


def _label_column(index, taken, what):
    """The name the labels of ``index`` get as a column, and the renaming back."""
    if not (isinstance(index, KeyIndexType) and is_datetime_array(index.data)):
        raise user_error(f"{what}: resampling needs datetime labels (set_index of a datetime "
                         f"column) or on=column; the index is {index}")
    name = index.index_name
    if isinstance(name, str) and name not in taken:
        return name, ()
    return _INDEX, ((_INDEX, name),)


@method(DataFrameType, "resample", ELEMENTWISE, prefer_literal=True)
def _frame_resample(df, rule, closed=None, label=None, convention="start", on=None, level=None,
                    origin="start_day", offset=None, group_keys=False):
    what = "DataFrame.resample"
    args = _rule_args(rule, closed, label, origin, offset, what) + [what]
    key = const_value(on, None)
    if key is NOT_CONSTANT or const_value(level, None) is not None:
        raise user_error(f"{what}: hpjit needs on= as a constant column name (level= is not "
                         "supported)")
    if key is not None:
        typ = time_grouping(df, key, *args)
        return lambda df, rule, closed=None, label=None, convention="start", on=None, \
            level=None, origin="start_day", offset=None, group_keys=False: make_groupby(df, typ)
    name, names = _label_column(df.index, df.columns, what)
    frame = DataFrameType(df.columns + (name,), df.data + (df.index.data,), df.index)
    typ = time_grouping(frame, name, *args, names=names)

    def impl(df, rule, closed=None, label=None, convention="start", on=None, level=None,
             origin="start_day", offset=None, group_keys=False):
        return make_groupby(init_frame(df._data + (df._index._data,), df._index, frame), typ)
    return impl


@method(SeriesType, "resample", ELEMENTWISE, prefer_literal=True)
def _series_resample(s, rule, closed=None, label=None, convention="start", on=None, level=None,
                     origin="start_day", offset=None, group_keys=False):
    what = "Series.resample"
    args = _rule_args(rule, closed, label, origin, offset, what) + [what]
    if const_value(on, None) is not None or const_value(level, None) is not None:
        raise user_error(f"{what}: on= and level= are for frames; a Series resamples its index")
    value = s.series_name if isinstance(s.series_name, str) else _VALUES
    key, names = _label_column(s.index, (value,), what)
    if value == _VALUES:
        names += ((_VALUES, s.series_name),)
    frame = DataFrameType((value, key), (s.data, s.index.data), s.index)
    typ = time_grouping(frame, key, *args, names=names).select((value,), True)

    def impl(s, rule, closed=None, label=None, convention="start", on=None, level=None,
             origin="start_day", offset=None, group_keys=False):
        return make_groupby(init_frame((s._data, s._index._data), s._index, frame), typ)
    return impl
