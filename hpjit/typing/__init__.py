"""The dataframe type system: types, data models, typeof/unbox/box, pandas API overloads.

Importing this package registers everything with numba.
"""
from hpjit.typing import (strings, datetime, index, columns, series, dataframe, udf, arrays,  # noqa: F401
                          series_methods, series_reductions, accessors, frame_methods, io_parquet,
                          io_csv, io_write, masked, sorting, groupby, merge, join,
                          frame_numpy, reset_index, numpy_creation, distinct, concat,
                          groupby_transform)
