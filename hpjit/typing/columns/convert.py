"""Whole-column conversions between pandas/pyarrow objects and hpjit's native buffers.

Called from box/unbox code once per column, never per row. Strings move as Arrow
``large_string`` buffers without copying where the layout allows.
"""
import datetime

import numpy as np
import pandas as pd
import pyarrow as pa

STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
NAT = np.iinfo(np.int64).min
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def _as_arrow(obj):
    if isinstance(obj, pd.Series):
        obj = obj.array
    if isinstance(obj, (pa.Array, pa.ChunkedArray)):
        arr = obj
    elif hasattr(obj, "__arrow_array__"):
        arr = obj.__arrow_array__()
    else:
        arr = pa.array(np.asarray(obj, dtype=object), type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr


def string_buffers(obj):
    """(offsets int64[n+1], data uint8[], validity bitmap uint8[ceil(n/8)]) of a string column."""
    arr = _as_arrow(obj)
    n, off = len(arr), arr.offset
    vbuf, obuf, dbuf = arr.buffers()
    offsets = np.frombuffer(obuf, dtype=np.int64, count=n + 1, offset=off * 8) if obuf is not None \
        else np.zeros(n + 1, np.int64)
    data = np.frombuffer(dbuf, dtype=np.uint8) if dbuf is not None else np.zeros(0, np.uint8)
    nbytes = (n + 7) // 8
    if vbuf is None or arr.null_count == 0:
        valid = np.full(nbytes, 0xFF, np.uint8)
    elif off % 8 == 0:
        valid = np.frombuffer(vbuf, dtype=np.uint8, count=nbytes, offset=off // 8)
    else:
        bits = np.unpackbits(np.frombuffer(vbuf, dtype=np.uint8), bitorder="little")[off:off + n]
        valid = np.packbits(bits, bitorder="little")
    return offsets, data, valid


def make_string_array(offsets, data, valid):
    """A pandas ``str`` array over the native buffers (no copy)."""
    n = len(offsets) - 1
    nulls = n - int(np.unpackbits(valid, bitorder="little", count=n).sum()) if n else 0
    vb = pa.py_buffer(valid) if nulls else None
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data), vb, nulls)
    return pd.array(pa.chunked_array([arr], type=pa.large_string()), dtype=STR_DTYPE)


DATE32 = pd.ArrowDtype(pa.date32())


def dates_to_days(obj):
    """int64 days since 1970-01-01 (NaT for missing) of a column of ``datetime.date``, or of a
    ``date32[pyarrow]`` column (how hpjit's parquet reader hands dates over: no Python objects)."""
    if getattr(obj, "dtype", None) == DATE32:
        return _arrow_days(pa.array(obj))
    values = np.asarray(obj, dtype=object)
    try:  # Arrow's converter: 3x faster than the loop below
        return _arrow_days(pa.array(values, type=pa.date32(), from_pandas=True))
    except (pa.ArrowException, TypeError, ValueError):
        pass
    out = np.full(len(values), NAT, np.int64)
    for i, v in enumerate(values):  # unboxing an object column is inherently per element
        if isinstance(v, datetime.date) and v is not pd.NaT:  # NaT is a datetime too
            out[i] = v.toordinal() - _EPOCH_ORDINAL
    return out


def _arrow_days(dates):
    days = dates.cast(pa.int32()).cast(pa.int64())
    if isinstance(days, pa.ChunkedArray):
        days = days.combine_chunks()
    return np.ascontiguousarray(days.fill_null(NAT).to_numpy())


def days_to_dates(days):
    """An object array of ``datetime.date`` (``NaT`` where missing), as pandas gives for ``.date()``.

    Dates of a column repeat (10M events span a few hundred days), so one ``date`` object is
    made per day of the column's range and the column takes references to them: about 8x
    faster than converting each element when the range is no longer than the column.
    """
    missing = days == NAT
    present = days[~missing] if missing.any() else days
    if len(present) and 0 <= present.max() - present.min() <= max(len(days), 1024):
        lo = present.min()
        table = np.arange(lo, present.max() + 1).astype("datetime64[D]").astype(object)
        out = table[np.where(missing, 0, days - lo)]
    else:
        out = days.astype("datetime64[D]").astype(object)
    if missing.any():
        out[missing] = pd.NaT
    return out


def make_index(kind, a, b=None, c=None):
    """A pandas index: 0 a range (start, stop, step), 1 int64 labels, 2 key columns, names
    and the frequency of datetime labels (or None).

    Over the arrays as they are: pandas 3 copies an array it is given unless told not to,
    and these are fresh arrays nobody else holds."""
    if kind == 0:
        return pd.RangeIndex(a, b, c)
    if kind == 2:
        if len(a) == 1:
            index = pd.Index(a[0], name=b[0], copy=False)
            if c is not None:
                index.freq = c
            return index
        return pd.MultiIndex.from_arrays(list(a), names=list(b))
    return pd.Index(a, copy=False)


def make_series(values, index, name):
    return pd.Series(values, index=index, name=name, copy=False)


def make_frame(names, columns, index):
    """The pandas frame of ``columns`` named ``names`` (with none: the empty ``str`` column
    index that selecting, dropping or aggregating every column away gives in pandas)."""
    if not names:
        return pd.DataFrame(index=index, columns=pd.Index([], dtype="str"))
    data = dict(zip(names, columns))
    return pd.DataFrame(data, index=index, copy=False)
