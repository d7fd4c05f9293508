"""Every rank writing its byte ranges of one shared file (the distributed CSV and parquet writers)."""
import os


def write_csv_block(df, path, index, partition_cols=None):
    """Write this rank's rows into their byte range of one CSV file (every rank calls it).

    Each rank formats its own rows (rank 0 adds the header), an exscan of the byte counts
    places them, and all write at once: the file is byte for byte what pandas writes for the
    whole frame, as long as each value's text does not depend on the rest of its column
    (true of numbers, strings, dates and booleans; not of datetimes, whose format pandas
    chooses per column — those frames are gathered instead).
    """
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    data = df.to_csv(index=index is not False, header=comm.rank == 0).encode()
    write_ranges(comm, path, [(comm.exscan(len(data)) or 0, data)])


def write_ranges(comm, path, pieces):
    """Every rank writes its ``pieces`` (``(offset, bytes)`` pairs) into the one file ``path``,
    which rank 0 creates (empty) first; returns once every rank has written."""
    if comm.rank == 0:
        open(path, "wb").close()
    comm.Barrier()
    fd = os.open(path, os.O_WRONLY)
    try:
        for offset, data in pieces:
            view = memoryview(data)
            while view:
                done = os.pwrite(fd, view, offset)
                view, offset = view[done:], offset + done
    finally:
        os.close(fd)
    comm.Barrier()
