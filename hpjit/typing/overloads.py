"""Importing this module registers every pandas type and overload with numba (the compiler
imports it once, before anything compiles)."""
from hpjit.typing import (accessors, concat, dataframe, datetime_constants,  # noqa: F401
                          datetime_methods,
                          distinct, ewm, expanding, fill_rows, frame_columns, frame_constructor, frame_join,
                          frame_elementwise, frame_methods, frame_numpy, frame_reductions, groupby,
                          group_rolling,
                          groupby_transform, index, index_columns, indexers, io_csv, io_parquet,
                          io_write, merge, missing_values, numeric_methods, numpy_creation,
                          positional, rank, resample, reshape, rolling, series, series_methods,
                          series_reductions,
                          sort_values, string_methods, udf, value_maps, windows)
from hpjit.typing.columns import arrays, datetime, dtypes, masked, strings  # noqa: F401
