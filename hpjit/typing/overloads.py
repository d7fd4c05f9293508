"""Importing this module registers every pandas type and overload with numba (the compiler
imports it once, before anything compiles)."""
from hpjit.typing import (accessors, concat, dataframe, datetime_constants, distinct,  # noqa: F401
                          frame_columns, frame_constructor, frame_join, frame_methods, frame_numpy,
                          fill_rows, frame_reductions, groupby,
                          groupby_transform, index, indexers, io_csv, io_parquet, io_write, merge,
                          missing_values, numeric_methods, numpy_creation, positional,
                          reset_index, series,
                          series_methods, series_reductions, sort_values, udf, value_maps)
from hpjit.typing.columns import arrays, datetime, dtypes, masked, strings  # noqa: F401
