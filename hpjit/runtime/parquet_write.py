"""``df.to_parquet(path)`` of a distributed frame: one file, written by every rank at once.

Each rank encodes its rows as parquet (pyarrow, as pandas' ``to_parquet`` does: the same
table conversion, snappy) into memory: magic, its row groups, its footer. An exscan of the
row groups' sizes places every rank's bytes in the file, and all ranks write them at once.
Rank 0 writes the magic and one footer: every rank's row groups in rank order, with their byte
offsets moved to where they landed. Every rank writes with the same schema and pandas
metadata, that of the whole frame (the ranks' column types unified, a ``RangeIndex`` kept as
metadata spanning all rows), so pandas reads back the frame it would have written itself.
With ``partition_cols=`` every rank writes its own files into pandas' directory of parts.
"""
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hpjit.runtime import thrift
from hpjit.runtime.shared_file import write_ranges

MAGIC = b"PAR1"
#: parquet.thrift fields holding absolute file offsets, and the row group's ordinal
_CHUNK_OFFSETS = (2, 4, 6)  # ColumnChunk: file_offset, offset_index_offset, column_index_offset
_META_OFFSETS = (9, 10, 11, 14)  # ColumnMetaData: data/index/dictionary page, bloom filter
_GROUP_OFFSET, _GROUP_ORDINAL, _GROUP_COLUMNS = 5, 7, 1
_CHUNK_META = 3
_FILE_ROWS, _FILE_GROUPS = 3, 4


def _range_of(index):
    return (index.start, index.step) if isinstance(index, pd.RangeIndex) else None


def _whole_frame_schema(comm, table, index):
    """The schema of the whole frame's table: the ranks' column types unified (a column that
    is empty or all missing on one rank has no type there) and pandas' metadata of the frame."""
    shared = comm.allgather((table.schema, table.num_rows, _range_of(index)))
    donor = next((s for s, n, _ in shared if n), shared[0][0])  # metadata of a rank with rows
    schema = pa.unify_schemas([donor] + [s for s, _, _ in shared])
    meta = schema.metadata or {}
    if b"pandas" in meta:
        pandas_meta = json.loads(meta[b"pandas"])
        total = sum(n for _, n, _ in shared)
        ranges = [r for _, _, r in shared if r is not None]
        for col in pandas_meta.get("index_columns", []):
            if isinstance(col, dict) and col.get("kind") == "range" and ranges:
                start, step = min(r[0] for r in ranges), ranges[0][1]
                col.update(start=start, stop=start + total * step, step=step)
        meta = {**meta, b"pandas": json.dumps(pandas_meta).encode()}
    return schema.with_metadata(meta)


def _encoded(table):
    """``(row groups, footer)``: the bytes of ``table`` written as a parquet file, split."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="snappy")
    data = memoryview(sink.getvalue())
    flen = int.from_bytes(data[-8:-4], "little")
    return data[len(MAGIC):len(data) - 8 - flen], bytes(data[len(data) - 8 - flen:-8])


def _shift(fields, fids, by):
    for f in fields:
        if f[0] in fids:
            f[2] += by


def merge_footers(parts):
    """One footer from ``parts``: (footer, byte shift) of each rank's file, in rank order."""
    metas = [thrift.decode_struct(footer)[0] for footer, _ in parts]
    groups, rows = [], 0
    for meta, (_, by) in zip(metas, parts):
        rows += thrift.field(meta, _FILE_ROWS)[2]
        for group in thrift.field(meta, _FILE_GROUPS)[2][1]:
            _shift(group, (_GROUP_OFFSET,), by)
            ordinal = thrift.field(group, _GROUP_ORDINAL)
            if ordinal is not None:
                ordinal[2] = len(groups)
            for chunk in thrift.field(group, _GROUP_COLUMNS)[2][1]:
                _shift(chunk, _CHUNK_OFFSETS, by)
                col_meta = thrift.field(chunk, _CHUNK_META)
                if col_meta is not None:
                    _shift(col_meta[2], _META_OFFSETS, by)
            groups.append(group)
    base = metas[0]  # rank 0's schema and metadata: every rank wrote the same
    thrift.field(base, _FILE_ROWS)[2] = rows
    thrift.field(base, _FILE_GROUPS)[2] = (thrift.STRUCT, groups)
    return thrift.encode_struct(base)


def write_parquet_block(df, path, index, partition_cols=None):
    """Write this rank's rows of a distributed frame into one parquet file at ``path``, or with
    ``partition_cols`` into pandas' directory of parts (every rank calls it; it returns when
    the file or directory is complete)."""
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    table = pa.Table.from_pandas(df, preserve_index=index)
    table = table.cast(_whole_frame_schema(comm, table, df.index))
    if partition_cols:
        _write_parts(comm, table, path, partition_cols)
        return
    groups, footer = _encoded(table)
    offset = comm.exscan(len(groups)) or 0
    total = comm.allreduce(len(groups))
    parts = comm.gather((footer, offset), root=0)
    pieces = [(len(MAGIC) + offset, groups)]
    if comm.rank == 0:
        merged = merge_footers(parts)
        pieces += [(0, MAGIC),
                   (len(MAGIC) + total, merged + len(merged).to_bytes(4, "little") + MAGIC)]
    write_ranges(comm, path, pieces)


def _write_parts(comm, table, path, partition_cols):
    """Each rank writes its rows of every partition as files of its own in the partition's
    directory, named ``part-<rank>-<i>.parquet``: the dataset reader takes a directory's files
    in name order, so a partition's rows come back in rank order, as pandas wrote them."""
    if table.num_rows:
        pq.write_to_dataset(table, path, partition_cols=list(partition_cols),
                            compression="snappy",
                            basename_template=f"part-{comm.rank:06d}-{{i}}.parquet")
    comm.Barrier()
