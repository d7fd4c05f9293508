"""CSV at compile time: the frame type pandas infers from a file's first ``HEAD_ROWS`` rows."""
import os

import numba
import pandas as pd

from hpjit.errors import HpjitError
from hpjit.runtime.csv_read import HEAD_ROWS
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.index import range_index_type
from hpjit.typing.io_sources import note_source


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
        t = numba.typeof(head.reset_index(drop=True))
        self.frame_t = DataFrameType(t.columns, t.data, range_index_type)
        note_source("csv", (path, self.options), self.frame_t)

    def frame_type(self):
        return self.frame_t
