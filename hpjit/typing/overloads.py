"""Importing this module registers every pandas type and overload with numba (the compiler
imports it once, before anything compiles)."""
from hpjit.typing import (accessors, concat, dataframe, distinct, frame_join,  # noqa: F401
                          frame_methods, frame_numpy, groupby, groupby_transform, index, io_csv,
                          io_parquet, io_write, merge, numpy_creation, reset_index, series,
                          series_methods, series_reductions, sort_values, udf)
from hpjit.typing.columns import arrays, datetime, dtypes, masked, strings  # noqa: F401
