"""Layer 3: pandas types (Index, Series, DataFrame, groupby, accessors) and the pandas API as
numba overloads that inline into array code and parfors. The column data models beneath them
are in ``typing/columns/`` (layer 1); ``hpjit.typing.overloads`` imports every module here.
"""
