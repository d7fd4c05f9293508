"""``df.groupby(...)`` and its aggregations as overloads over the group-by kernels.

``df.groupby(keys)`` is a ``GroupByType`` value holding the frame; its type
carries the constant keys, the column selection (``gb['v']``, ``gb[['a', 'b']]``)
and the options. An aggregation reads its constant arguments into an ``AggSpec``
(output name, input column, function per output column, and the result's shape)
and calls ``groupby_aggregate(gb, spec)``, which compiles to: number the groups
(hash table, then key order), one kernel pass per output column, build the
result labelled by the keys. The distributed pass swaps in
``dist_groupby_aggregate`` with the same spec.
"""
import operator

import numpy as np
import pandas as pd
from numba import types
from numba.core import cgutils
from numba.core.typing.templates import AttributeTemplate, infer_getattr
from numba.extending import (intrinsic, lower_getattr_generic, make_attribute_wrapper, models,
                             overload, register_model)

from hpjit.core.generated import gen_impl
from hpjit.core.pyobjects import register_type_constant, type_value
from hpjit.errors import describe_attribute_errors, user_error
from hpjit.runtime import groupby_kernels as kernels
from hpjit.runtime import time_bins as bin_kernels
from hpjit.runtime.time_bins import time_bins
from hpjit.typing.columns.arrays import is_datetime_array, take_or_missing
from hpjit.typing.columns.datetime import DateArrayType
from hpjit.typing.columns.masked import MaskedArrayType
from hpjit.typing.columns.strings import StringArrayType
from hpjit.typing.constants import NOT_CONSTANT, const_names, const_value, required_const
from hpjit.typing.dataframe import DataFrameType, check_columns, init_frame
from hpjit.typing.index import (IndexNames, KeyIndexType, MultiKeyIndexType, make_key_index,
                                make_range_index, make_stepped_index, range_index_type)
from hpjit.typing.operations import ELEMENTWISE, SHUFFLE, method
from hpjit.typing.series import SeriesType, init_series

AGGREGATIONS = ("sum", "mean", "count", "size", "min", "max", "std", "var", "first", "last",
                "nunique", "median", "prod")


class GroupByType(types.Type):
    """``df.groupby(keys)[selection]``: the frame plus compile-time grouping options."""

    def __init__(self, df, keys, selection, series, as_index, sort, dropna, bins=None):
        self.df = df
        self.keys = tuple(keys)
        self.selection = tuple(selection)
        self.series = series  # gb['v']: results are Series
        self.as_index = as_index
        self.sort = sort
        self.dropna = dropna
        self.bins = bins  # TimeBins: the groups are time bins of the one key (resample)
        super().__init__(name=f"GroupBy({df}, keys={self.keys}, selection={self.selection}, "
                              f"series={series}, as_index={as_index}, sort={sort}, "
                              f"dropna={dropna}" + (f", bins={bins})" if bins else ")"))

    def select(self, names, series):
        return GroupByType(self.df, self.keys, names, series, self.as_index, self.sort,
                           self.dropna, self.bins)

    @property
    def call(self):
        """How an error names this grouping."""
        return "resample(...)" if self.bins is not None else "groupby(...)"

    def check_by_key(self, what):
        """Refuse an operation that is not an aggregation on time bins (``resample``)."""
        if self.bins is not None:
            raise user_error(f"{what}: hpjit supports aggregations of resample(...) and "
                             "groupby(pd.Grouper(freq=...)) only")


@register_model(GroupByType)
class _GroupByModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("df", fe_type.df)])


make_attribute_wrapper(GroupByType, "df", "_df")


@intrinsic
def make_groupby(typingctx, df, gb_type):
    typ = gb_type.instance_type

    def codegen(context, builder, sig, args):
        gb = cgutils.create_struct_proxy(typ)(context, builder)
        gb.df = args[0]
        context.nrt.incref(builder, df, args[0])
        return gb._getvalue()
    return typ(df, gb_type), codegen


def _key_ok(t):
    if isinstance(t, (StringArrayType, DateArrayType, MaskedArrayType)):
        return True
    return isinstance(t, types.Array) and isinstance(
        t.dtype, (types.Integer, types.Float, types.Boolean, types.NPDatetime))


class GrouperType(types.Type):
    """``pd.Grouper(key=, freq=, ...)``: its constant arguments, read by ``groupby``."""

    def __init__(self, args):
        self.args = args
        super().__init__(name=f"Grouper{tuple(sorted(args.items()))}")


register_model(GrouperType)(models.OpaqueModel)


@overload(pd.Grouper, prefer_literal=True)
def _grouper(key=None, level=None, freq=None, sort=False, dropna=True, closed=None, label=None,
             origin="start_day", offset=None):
    given = dict(key=key, freq=freq, closed=closed, label=label, origin=origin, offset=offset)
    args = {n: const_value(v, None) for n, v in given.items()}
    args["origin"] = const_value(origin, "start_day")
    for n, v in args.items():
        if v is NOT_CONSTANT:
            raise user_error(f"pd.Grouper: hpjit needs a constant {n}=")
    if args["key"] is None or args["freq"] is None or const_value(level, None) is not None:
        raise user_error("pd.Grouper: hpjit supports pd.Grouper(key=column, freq=rule) (time "
                         "bins of a datetime column); to group by a column, name it in groupby")
    typ = GrouperType(args)

    def impl(key=None, level=None, freq=None, sort=False, dropna=True, closed=None, label=None,
             origin="start_day", offset=None):
        return type_value(typ)
    return impl


def time_grouping(df, key, rule, closed, label, origin, offset, what, names=()):
    """``GroupByType`` of frame ``df`` by time bins of its datetime64 column ``key``."""
    check_columns(df, [key], what)
    t = df.data[df.column_index(key)]
    if not is_datetime_array(t):
        raise user_error(f"{what}: time bins need a datetime64 column; {key!r} is {t}")
    bins = time_bins(rule, t.dtype.unit, closed, label, origin, offset, what).with_names(names)
    sel = tuple(c for c in df.columns if c != key)
    return GroupByType(df, (key,), sel, False, True, True, True, bins)


def _keys_and_time_bins(df, by, what):
    """The key names of ``groupby([...])`` of names and ``pd.Grouper``s, and the column
    positions whose labels a Grouper bins, with the kernel arguments of each."""
    keys, binned = [], []
    for t in by.types:
        if not isinstance(t, GrouperType):
            name = const_value(t)
            if not isinstance(name, str):
                raise user_error(f"{what}: hpjit needs constant column names as keys")
            keys.append(name)
            continue
        a = t.args
        probe = time_grouping(df, a["key"], a["freq"], a["closed"], a["label"], a["origin"],
                              a["offset"], what)
        bins = probe.bins
        if bins.kind == bin_kernels.TICKS and bins.day % bins.step:
            raise user_error(f"{what}: among other keys hpjit bins by fixed steps that divide a "
                             f"day ('h', '15min', 'D'...) or by calendar rules, not {bins.rule!r}")
        keys.append(a["key"])
        binned.append((df.column_index(a["key"]), bins.args))
    return keys, dict(binned)


def _binned_keys_impl(df, typ, binned):
    """``groupby``'s impl where the columns ``binned`` (position: kernel arguments) are
    replaced by their rows' bin labels."""
    cols = "".join(f"bin_kernels.row_labels(data[{k}], {binned[k]}), " if k in binned
                   else f"data[{k}], " for k in range(len(df.columns)))
    return gen_impl("def impl(df, by=None, axis=0, level=None, as_index=True, sort=True, "
                    "group_keys=True, observed=True, dropna=True):\n"
                    "    data = df._data\n"
                    f"    return make_groupby(init_frame(({cols}), df._index, df), typ)\n",
                    bin_kernels=bin_kernels, make_groupby=make_groupby, init_frame=init_frame,
                    typ=typ)


@method(DataFrameType, "groupby", ELEMENTWISE, prefer_literal=True)
def _frame_groupby(df, by=None, axis=0, level=None, as_index=True, sort=True, group_keys=True,
                   observed=True, dropna=True):
    what = "DataFrame.groupby"
    if isinstance(by, GrouperType):
        if not const_value(as_index, True):
            raise user_error(f"{what}: hpjit supports pd.Grouper keys with as_index=True only")
        a = by.args
        typ = time_grouping(df, a["key"], a["freq"], a["closed"], a["label"], a["origin"],
                            a["offset"], what)
        return lambda df, by=None, axis=0, level=None, as_index=True, sort=True, \
            group_keys=True, observed=True, dropna=True: make_groupby(df, typ)
    binned = {}
    if isinstance(by, types.LiteralList) and any(isinstance(t, GrouperType) for t in by.types):
        keys, binned = _keys_and_time_bins(df, by, what)
    else:
        keys = const_names(by)
    if keys is None:
        raise user_error(f"{what}: hpjit needs constant column names as keys")
    check_columns(df, keys, what)
    for k in keys:
        if not _key_ok(df.data[df.column_index(k)]):
            raise user_error(f"{what}: hpjit cannot group by column {k!r} of type "
                             f"{df.data[df.column_index(k)]}")
    if const_value(level, None) is not None:
        raise user_error(f"{what}: level= is not supported by hpjit")
    opts = [bool(required_const(t, n, what, d)) for t, n, d in
            ((as_index, "as_index", True), (sort, "sort", True), (dropna, "dropna", True))]
    sel = tuple(c for c in df.columns if c not in keys)
    typ = GroupByType(df, keys, sel, False, *opts)
    if binned:
        return _binned_keys_impl(df, typ, binned)

    def impl(df, by=None, axis=0, level=None, as_index=True, sort=True, group_keys=True,
             observed=True, dropna=True):
        return make_groupby(df, typ)
    return impl


@overload(operator.getitem, prefer_literal=True)
def _groupby_getitem(gb, key):
    if not isinstance(gb, GroupByType):
        return None
    v = const_value(key)
    names = const_names(key)
    if names is None:
        raise user_error("groupby(...)[...]: hpjit needs constant column names")
    check_columns(gb.df, names, f"groupby(...)[{v!r}]")
    typ = gb.select(names, isinstance(v, str))
    return lambda gb, key: make_groupby(gb._df, typ)


@infer_getattr
class _GroupByColumnAttribute(AttributeTemplate):
    """``gb.v``: the column selection ``gb['v']``."""
    key = GroupByType

    def generic_resolve(self, gb, attr):
        if attr in gb.df.columns and attr not in gb.keys:
            return gb.select((attr,), True)
        return None


@lower_getattr_generic(GroupByType)
def _groupby_column_attribute(context, builder, typ, value, attr):
    out_t = typ.select((attr,), True)
    src = cgutils.create_struct_proxy(typ)(context, builder, value=value)
    out = cgutils.create_struct_proxy(out_t)(context, builder)
    out.df = src.df
    context.nrt.incref(builder, typ.df, src.df)
    return out._getvalue()


@describe_attribute_errors("GroupBy(")
def _explain_groupby_attribute(attr, typename):
    if hasattr(pd.core.groupby.DataFrameGroupBy, attr):
        return f"groupby(...).{attr} is not supported by hpjit"
    return f"groupby(...) has no column or method {attr!r}"


# --- what an aggregation produces ---------------------------------------------


class AggSpec(types.Type):
    """Output columns ``(name, input column, function)`` and the result's shape.

    ``series``: the result is a Series (one output, ``gb['v'].sum()``, ``size()``);
    otherwise a frame whose columns are the keys (when not ``as_index``) then the outputs.
    """

    def __init__(self, gb, outputs, series):
        self.gb = gb
        self.outputs = tuple(outputs)
        self.series = series
        super().__init__(name=f"AggSpec({gb}, {self.outputs}, series={series})")


def _numeric(t):
    return isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Float,
                                                                types.Boolean))


def _supported(func, t):
    """Whether ``func`` aggregates a column of type ``t``."""
    if func in ("count", "size", "first", "last", "nunique"):
        return True
    if func in ("min", "max"):
        return _numeric(t) or is_datetime_array(t) or isinstance(
            t, (StringArrayType, DateArrayType, MaskedArrayType))
    if func == "sum" and isinstance(t, StringArrayType):
        return True  # the strings joined, as Python's + does
    return _numeric(t) or (isinstance(t, MaskedArrayType) and func in _NULLABLE_FUNCS)


#: the aggregations of a nullable column hpjit computes (``as_nullable`` results)
_NULLABLE_FUNCS = ("sum", "prod", "mean", "std", "var", "median")


def agg_output_type(func, t, empty_groups=False):
    """The column type ``func`` gives for input column type ``t``; where a group can be empty
    (a time bin), the value an empty group picks is missing, so ints and bools pick as floats."""
    if empty_groups and func in _PICKS and isinstance(t, types.Array) and isinstance(
            t.dtype, (types.Integer, types.Boolean)):
        return types.Array(types.float64, 1, "C")
    if func in ("count", "size") and isinstance(t, MaskedArrayType):
        return MaskedArrayType(types.int64)  # pandas' Int64 (with no missing value)
    if func in ("count", "size", "nunique"):
        return types.Array(types.int64, 1, "C")
    if func in ("mean", "std", "var", "median"):
        if isinstance(t, MaskedArrayType):
            return MaskedArrayType(types.float64)
        return types.Array(types.float64, 1, "C")
    if func == "sum" and isinstance(t, StringArrayType):
        return t
    if func in ("sum", "prod"):
        dt = kernels._sum_dtype(t)
        nb = types.float64 if dt is np.float64 else (types.uint64 if dt is np.uint64 else types.int64)
        if isinstance(t, MaskedArrayType):
            return MaskedArrayType(nb)
        return types.Array(nb, 1, "C")
    return t


#: aggregations that pick one of a group's values
_PICKS = ("min", "max", "first", "last")


def make_agg_spec(gb, outputs, series, what):
    """Check every ``(name, column, func)`` output and build the spec."""
    for name, col, func in outputs:
        if func not in AGGREGATIONS:
            raise user_error(f"{what}: aggregation {func!r} is not supported by hpjit; supported: "
                             f"{', '.join(AGGREGATIONS)}")
        if col is None:
            continue
        t = gb.df.data[gb.df.column_index(col)]
        if not _supported(func, t):
            raise user_error(f"{what}: hpjit cannot compute {func} of column {col!r} ({t})")
        if gb.bins is not None and func in _PICKS and isinstance(t, DateArrayType):
            raise user_error(f"{what}: hpjit cannot compute {func} over time bins of column "
                             f"{col!r} of datetime.date objects")
    return AggSpec(gb, outputs, series)


def _method_spec(gb, func):
    what = f"{gb.call}.{func}()"
    if func == "size":  # a Series named by the selected column, or a frame's 'size' column
        col = gb.selection[0] if gb.series else None
        return make_agg_spec(gb, [(col if gb.as_index else "size", col, "size")], gb.as_index,
                             what)
    if func == "ohlc":  # a column's bar: columns open high low close, per column for frames
        if not gb.as_index:
            raise user_error(f"{what}: hpjit supports ohlc with as_index=True only")
        for c in gb.selection:
            t = gb.df.data[gb.df.column_index(c)]
            if not (_numeric(t) or isinstance(t, MaskedArrayType)):
                raise user_error(f"{what}: no numeric types to aggregate (column {c!r} is {t})")
        outs = [(name if gb.series else (c, name), c, f) for c in gb.selection
                for name, f in _OHLC]
        return make_agg_spec(gb, outs, False, what)
    outs = [(c, c, func) for c in gb.selection]
    return make_agg_spec(gb, outs, gb.series and gb.as_index, what)


_OHLC = (("open", "first"), ("high", "max"), ("low", "min"), ("close", "last"))


def _func_name(v, what):
    if isinstance(v, str):
        return v
    raise user_error(f"{what}: hpjit supports aggregations named by strings, e.g. 'sum'")


class NamedAggregation:
    """``agg(out=(column, function), ...)``, folded into one constant argument by
    ``hpjit.transforms.named_aggregation`` (overloads cannot take ``**kwargs``)."""

    def __init__(self, outputs):
        self.outputs = outputs


class NamedAggregationType(types.Type):
    def __init__(self, outputs):
        self.outputs = outputs
        super().__init__(name=f"NamedAggregation{outputs}")


register_type_constant(NamedAggregation, NamedAggregationType,
                       lambda val: NamedAggregationType(val.outputs))


class NamedAggConstantType(types.Type):
    """A module-level ``pd.NamedAgg``: ``agg``'s keywords read its value before typing."""

    def __init__(self):
        super().__init__(name="NamedAggConstant")


register_type_constant(pd.NamedAgg, NamedAggConstantType, lambda val: NamedAggConstantType())


@overload(pd.NamedAgg)
def _named_agg(column, aggfunc):
    """``pd.NamedAgg(column, aggfunc)`` as the pair it stands for (``agg``'s keywords are folded
    by ``hpjit.transforms.named_aggregation`` before typing; this types what is left of it)."""
    return lambda column, aggfunc: (column, aggfunc)


def agg_spec_of(gb, func):
    """The spec for ``gb.agg(func)`` with a constant ``func`` (a type)."""
    what = f"{gb.call}.agg"
    if isinstance(func, NamedAggregationType):
        outs = []
        for out_name, col, f in func.outputs:
            if col not in gb.df.columns:
                raise user_error(f"{what}: named aggregation {out_name}=: column {col!r} does "
                                 f"not exist; the columns are {list(gb.df.columns)}")
            outs.append((out_name, col, _func_name(f, what)))
        return make_agg_spec(gb, outs, False, what)
    v = const_value(func)
    if v is NOT_CONSTANT:
        raise user_error(f"{what}: hpjit needs a constant function name, list or dict")
    if isinstance(v, str):
        return _method_spec(gb, v)
    if isinstance(v, (list, tuple)):
        fs = [_func_name(f, what) for f in v]
        if not gb.series:
            outs = [((c, f), c, f) for c in gb.selection for f in fs]
            return make_agg_spec(gb, outs, False, what)
        return make_agg_spec(gb, [(f, gb.selection[0], f) for f in fs], False, what)
    if isinstance(v, dict):
        outs, multi = [], any(isinstance(f, (list, tuple)) for f in v.values())
        check_columns(gb.df, list(v), what)
        for c, f in v.items():
            for one in (f if isinstance(f, (list, tuple)) else [f]):
                one = _func_name(one, what)
                outs.append(((c, one) if multi else c, c, one))
        return make_agg_spec(gb, outs, False, what)
    raise user_error(f"{what}: hpjit cannot aggregate with {v!r}")


def _kernel_call(func, col, empty_groups=False):
    """Source of the kernel call computing ``func`` over column expression ``col``; where a
    group can be empty, its min or max is missing there."""
    if empty_groups and func in ("min", "max"):
        return (f"take_or_missing({col}, kernels.minmax_rows({col}, group, ngroups, "
                f"{func == 'max'}))")
    if func in ("min", "max"):
        return f"kernels.agg_minmax({col}, group, ngroups, {func == 'max'})"
    if func in ("std", "var"):
        return f"kernels.agg_{func}({col}, group, ngroups, 1)"
    if func == "size":  # of a selected nullable column: pandas' Int64
        sizes = "kernels.group_sizes(group, ngroups)"
        return f"kernels.as_nullable({col}, {sizes})" if col else sizes
    if func == "count":
        return f"kernels.as_nullable({col}, kernels.agg_count({col}, group, ngroups))"
    return f"kernels.agg_{func}({col}, group, ngroups)"


def result_type(spec):
    """The Series or DataFrame type of an aggregation's result."""
    gb = spec.gb
    outs = [agg_output_type(f, gb.df.data[gb.df.column_index(c)] if c else None,
                            gb.bins is not None) for _, c, f in spec.outputs]
    keys_t = [gb.df.data[gb.df.column_index(k)] for k in gb.keys]
    if gb.as_index:
        index = (KeyIndexType(keys_t[0], _key_names(gb)[0], gb.bins and gb.bins.rule)
                 if len(keys_t) == 1
                 else MultiKeyIndexType(keys_t, gb.keys))
    else:
        index = range_index_type
    if spec.series:
        name = spec.outputs[0][0]
        return SeriesType(outs[0], index, gb.bins.renamed(name) if gb.bins else name)
    names = [n for n, _, _ in spec.outputs]
    if not gb.as_index:
        names, outs = list(gb.keys) + names, keys_t + outs
    return DataFrameType(names, outs, index)


def groupby_aggregate(gb, spec):
    """The aggregation ``spec`` (an AggSpec type) of groupby value ``gb``."""


def key_columns_source(spec, data="data"):
    df = spec.gb.df
    return "(" + "".join(f"{data}[{df.column_index(k)}], " for k in spec.gb.keys) + ")"


def outputs_source(spec, data="data"):
    """A tuple expression of the kernel calls computing each output from columns ``data``."""
    df = spec.gb.df
    return "(" + "".join(_kernel_call(f, f"{data}[{df.column_index(c)}]" if c else None) + ", "
                         for _, c, f in spec.outputs) + ")"


def result_source(spec, outs, range_start="0", key_rows="kernels.take_key_rows(keys, first)",
                  indent="    ", make_index=None):
    """Lines building the result from the groups' keys ``key_rows`` (a tuple; by default the
    first row of each group), ``ngroups`` and output tuple ``outs``; a range index
    (``as_index=False``) starts at ``range_start``, a key index is ``make_index`` if given."""
    if spec.gb.as_index:
        index = make_index or f"make_key_index({key_rows}, names)"
        data = outs
    else:
        index = f"make_range_index({range_start}, {range_start} + ngroups, 1)"
        data = f"{key_rows} + {outs}"
    build = ("init_series(out[0], index, out_type)" if spec.series
             else "init_frame(out, index, out_type)")
    return (f"{indent}out = {data}\n"
            f"{indent}index = {index}\n"
            f"{indent}return {build}\n")


def result_globals(spec):
    """What generated aggregation code refers to."""
    return dict(kernels=kernels, make_key_index=make_key_index, make_range_index=make_range_index,
                init_series=init_series, init_frame=init_frame, out_type=result_type(spec),
                names=IndexNames(_key_names(spec.gb), spec.gb.bins and spec.gb.bins.rule),
                bin_kernels=bin_kernels, make_stepped_index=make_stepped_index,
                take_or_missing=take_or_missing)


def _key_names(gb):
    return tuple(gb.bins.renamed(k) for k in gb.keys) if gb.bins else gb.keys


def binned_source(spec, global_span="", move_rows=""):
    """Generated ``impl(gb, spec)`` aggregating time bins: each row's bin counted from the
    first one, every bin from the first datetime's to the last's, the empty ones too (pandas'
    resample). pandas states the labels' frequency unless the key has NaT (all NaT: for the
    rules closed on the left only). Under MPI, ``global_span`` makes ``first, last`` the datetimes of all ranks and
    ``move_rows`` moves the rows (``group``, the columns ``cols``) to the rank owning their bin
    and makes this rank's bins ``lo .. lo + ngroups - 1``."""
    gb, df = spec.gb, spec.gb.df
    args = gb.bins.args
    in_time = any(f in ("first", "last") for _, _, f in spec.outputs)
    used = tuple(dict.fromkeys([c for _, c, _ in spec.outputs if c is not None]
                               + ([gb.keys[0]] if in_time else [])))
    outs = ""
    for _, c, f in spec.outputs:
        col = f"cols[{used.index(c)}]" if c is not None else None
        if f in ("first", "last"):
            outs += (f"take_or_missing({col}, bin_kernels.pick_in_time({col}, "
                     f"cols[{used.index(gb.keys[0])}], group, ngroups, {f == 'last'})), ")
        else:
            outs += _kernel_call(f, col, True) + ", "
    return (f"def impl(gb, spec):\n"
            f"    data = gb._df._data\n"
            f"    key = data[{df.column_index(gb.keys[0])}]\n"
            f"    first, last, missing = bin_kernels.tick_range(key)\n"
            + global_span +
            f"    origin, lo, ngroups = bin_kernels.bin_span(first, last, {args})\n"
            f"    regular = missing == 0 or (ngroups == 0 and {gb.bins.left_closed})\n"
            f"    group = bin_kernels.bin_groups(key, {args}, origin, lo)\n"
            f"    cols = {df.columns_source(used, 'data')}\n"
            + move_rows +
            f"    labels = bin_kernels.bin_labels(key, {args}, origin, lo, ngroups)\n"
            + result_source(spec, f"({outs})", key_rows="(labels,)",
                            make_index="make_stepped_index(labels, names, regular)"))


_DENSE_FUNCS = {"sum": "dense_group_sums", "count": "dense_group_counts",
                "size": "dense_group_counts"}


def _dense_direct(spec):
    """Whether ``spec`` can be summed by key value (``kernels.dense_group_sums``) when its one
    integer key spans a compact range: sums, counts and sizes of numeric columns, in key
    order."""
    gb, df = spec.gb, spec.gb.df
    if not (gb.sort and len(gb.keys) == 1
            and kernels.one_integer_key((df.data[df.column_index(gb.keys[0])],))):
        return False
    for _, c, f in spec.outputs:
        t = df.data[df.column_index(c)] if c else None
        if f not in _DENSE_FUNCS or (t is not None and not (
                isinstance(t, types.Array) and isinstance(t.dtype, (types.Integer, types.Float)))):
            return False
    return True


def _dense_outputs_source(spec):
    """Lines computing ``dense0, dense1...`` (one per output: sums two columns a pass where
    two sums follow each other) and the tuple expression of them."""
    df = spec.gb.df
    outs = spec.outputs
    lines, k = [], 0
    while k < len(outs):
        col = f"data[{df.column_index(outs[k][1])}]" if outs[k][1] and outs[k][2] != "size" \
            else "keys[0]"  # a size counts every row, missing values too
        zeros = f"np.zeros(ngroups, out_dtype{k})"
        if outs[k][2] == "sum" and k + 1 < len(outs) and outs[k + 1][2] == "sum":
            other = f"data[{df.column_index(outs[k + 1][1])}]"
            lines.append(f"        dense{k}, dense{k + 1} = kernels.dense_group_sums2({col}, "
                         f"{other}, keys[0], lo, number, {zeros}, "
                         f"np.zeros(ngroups, out_dtype{k + 1}))\n")
            k += 2
            continue
        lines.append(f"        dense{k} = kernels.{_DENSE_FUNCS[outs[k][2]]}({col}, keys[0], lo, "
                     f"number, {zeros})\n")
        k += 1
    return "".join(lines), "(" + "".join(f"dense{k}, " for k in range(len(outs))) + ")"


def aggregate_source(spec):
    """Generated ``impl(gb, spec)`` computing the outputs of ``spec`` from ``gb._df``: by key
    value where ``_dense_direct`` allows and the keys span a compact range, else by a group
    number per row."""
    gb = spec.gb
    dense = ""
    if _dense_direct(spec):
        lines, outs = _dense_outputs_source(spec)
        dense = ("    lo, span = kernels.compact_span(keys[0])\n"
                 "    if kernels.dense_direct(keys[0], lo, span):\n"
                 "        number, ngroups = kernels.dense_numbering(keys[0], lo, span)\n"
                 + lines + result_source(spec, outs,
                                 key_rows="(kernels.dense_keys(number, lo, ngroups, keys[0]),)",
                                 indent="        "))
    return (f"def impl(gb, spec):\n"
            f"    data = gb._df._data\n"
            f"    keys = {key_columns_source(spec)}\n"
            + dense +
            f"    group, first = kernels.group_rows(keys, {gb.dropna}, {gb.sort})\n"
            f"    ngroups = len(first)\n"
            + result_source(spec, outputs_source(spec)))


def _gen_aggregate(spec):
    ns = result_globals(spec)
    if spec.gb.bins is not None:
        exec(binned_source(spec), ns)
        return ns["impl"]
    if _dense_direct(spec):
        df = spec.gb.df
        ns["np"] = np
        for k, (_, c, f) in enumerate(spec.outputs):
            ns[f"out_dtype{k}"] = (kernels._sum_dtype(df.data[df.column_index(c)])
                                   if f == "sum" else np.int64)
    exec(aggregate_source(spec), ns)
    return ns["impl"]


@overload(groupby_aggregate)
def _groupby_aggregate(gb, spec):
    return _gen_aggregate(spec.instance_type)


#: (rule, form, params, spec) of every aggregation: groups range-partitioned by key
_AGGREGATE = (SHUFFLE, "relational.dist_groupby_aggregate", (),
              lambda gb, name, args: groupby_spec_of_call(gb, name, args))


def _aggregation_method(func):
    def typer(gb):
        spec = _method_spec(gb, func)
        return lambda gb: groupby_aggregate(gb, spec)
    return typer


for _f in AGGREGATIONS + ("ohlc",):
    if _f not in ("std", "var"):
        method(GroupByType, _f, *_AGGREGATE)(_aggregation_method(_f))


def _variance_method(func):
    def typer(gb, ddof=1):
        if const_value(ddof, 1) != 1:
            raise user_error(f"groupby(...).{func}: hpjit supports ddof=1 only")
        spec = _method_spec(gb, func)
        return lambda gb, ddof=1: groupby_aggregate(gb, spec)
    return typer


method(GroupByType, "std", *_AGGREGATE, prefer_literal=True)(_variance_method("std"))
method(GroupByType, "var", *_AGGREGATE, prefer_literal=True)(_variance_method("var"))


@method(GroupByType, ("agg", "aggregate"), *_AGGREGATE, prefer_literal=True)
def _groupby_agg(gb, func=None):
    spec = agg_spec_of(gb, func)

    def impl(gb, func=None):
        return groupby_aggregate(gb, spec)
    return impl



def groupby_spec_of_call(gb, name, args):
    """The AggSpec of ``gb.<name>(...)`` from its argument types, as the overload built it."""
    if name in ("agg", "aggregate"):
        return agg_spec_of(gb, args.get("func"))
    return _method_spec(gb, name)
