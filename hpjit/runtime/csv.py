"""CSV at compile time (the head → frame type) and at run time (pandas' own parser).

The frame type is what pandas infers from the file's first ``HEAD_ROWS`` rows. At
run time the file is read by pandas with the same options; if a later row made
pandas infer another dtype (an int column with a missing value becomes float64,
say), the read stops with an error that names the column and says to pass
``dtype=`` — a wrong guess is never returned silently.
"""
import os

import pandas as pd

from hpjit.errors import HpjitError

HEAD_ROWS = 10_000
_CALLS = ("read_csv",)


class CsvSource:
    """What the compiler knows of one CSV file: path, pandas options, and the frame type."""

    def __init__(self, path, options):
        if not os.path.exists(path):
            raise HpjitError(f"CSV file {path!r} does not exist (hpjit reads its head when it "
                             "compiles)")
        self.path = path
        self.options = tuple(sorted(options.items()))
        head = pd.read_csv(path, **dict(options, nrows=min(options.get("nrows") or HEAD_ROWS,
                                                            HEAD_ROWS)))
        import numba
        from hpjit.typing.dataframe import DataFrameType
        from hpjit.typing.index import range_index_type
        t = numba.typeof(head.reset_index(drop=True))
        self.frame_t = DataFrameType(t.columns, t.data, range_index_type)
        from hpjit.cache import note_source
        note_source("csv", (path, self.options), self.frame_t)

    def frame_type(self):
        return self.frame_t


def read_csv_frame(path, options, expected, distributed):
    """pandas' ``read_csv`` of ``path``, checked against the compiled type; a rank's block if
    ``distributed`` (every rank checks the whole file's types, so all raise alike)."""
    import numba
    try:
        df = pd.read_csv(path, **dict(options))
    except FileNotFoundError:
        raise HpjitError(f"CSV file {path!r} does not exist", _CALLS) from None
    got = numba.typeof(df)
    if got.data != expected.data or got.columns != expected.columns:
        for name, want, have in zip(expected.columns, expected.data, got.data):
            if want != have:
                raise HpjitError(
                    f"CSV column {name!r} of {path!r}{_first_misfit(df[name], want)}: pandas "
                    f"read the column as {have} but hpjit compiled for {want} from the file's "
                    f"first rows (at most {HEAD_ROWS}); later rows differ or the file changed "
                    "since: pass dtype= for it", _CALLS)
        raise HpjitError(f"{path!r} changed since it was compiled against", _CALLS)
    if distributed:
        from hpjit.runtime.dist_ops import block_of
        start, stop = block_of(len(df))
        df = df.iloc[start:stop]
        df.index = pd.RangeIndex(start, stop)
    return df


def _first_misfit(col, want):
    """', row R: value V is not ...' for the first row (0-based, after the header) of ``col``
    whose value the compiled numeric column type ``want`` cannot hold, else ''."""
    import numpy as np
    from numba import types
    if not isinstance(want, types.Array) or not isinstance(want.dtype, (types.Integer,
                                                                        types.Float)):
        return ""
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    integer = isinstance(want.dtype, types.Integer)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | ((values % 1 != 0) if integer else False)
    if not bad.any():
        return ""
    row = int(np.argmax(bad))
    value = col.iloc[row]
    what = "a missing value" if pd.isna(value) else repr(value) if isinstance(value, str) \
        else str(value)
    return f", row {row}: {what} is not {'an integer' if integer else 'a number'}"
