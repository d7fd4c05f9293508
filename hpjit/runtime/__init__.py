"""Layer 2: what compiled code calls at run time — MPI collectives, kernels over columns (hash
tables, sorts, groupby and join), and the parquet/CSV readers and writers. Above the column
models, below the pandas types."""
