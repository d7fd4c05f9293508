"""TPC-H tables as parquet files, made by ``tpchgen-cli`` (PyPI), one file per table.

The generator writes money columns as ``decimal128(15, 2)``, which pandas reads as an
``object`` column of ``decimal.Decimal`` — nobody computes on those — so they are rewritten as
``float64`` (as the Polars and DuckDB benchmark suites load them). Dates stay ``date32``
(pandas: ``object`` columns of ``datetime.date``), strings stay as written.

    python benchmarks/tpch/data.py --sf 1 [--out benchmarks/tpch/data]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem")
HERE = os.path.dirname(os.path.abspath(__file__))


def data_dir(sf, root=None):
    """Where the tables of scale factor ``sf`` live: ``<root>/sf<sf>``."""
    return os.path.join(root or os.path.join(HERE, "data"), f"sf{sf:g}")


def _generator():
    exe = shutil.which("tpchgen-cli") or os.path.join(os.path.dirname(sys.executable), "tpchgen-cli")
    if not os.path.exists(exe):
        raise SystemExit("tpchgen-cli is not installed: pip install tpchgen-cli")
    return exe


def _floats(table):
    """``table`` with its decimal columns as float64."""
    fields = [pa.field(f.name, pa.float64(), f.nullable) if pa.types.is_decimal(f.type) else f
              for f in table.schema]
    return table.cast(pa.schema(fields))


def generate(sf, root=None):
    """Write the eight tables at scale factor ``sf`` (once: an existing set is kept); return the
    directory."""
    out = data_dir(sf, root)
    if all(os.path.exists(os.path.join(out, f"{t}.parquet")) for t in TABLES):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(out)) as tmp:
        subprocess.run([_generator(), "parquet", "-s", f"{sf:g}", "-o", tmp, "--quiet"],
                       check=True)
        for t in TABLES:
            src = os.path.join(tmp, f"{t}.parquet")
            meta = pq.ParquetFile(src).metadata
            rows = max(meta.row_group(0).num_rows, 1) if meta.num_row_groups else None
            pq.write_table(_floats(pq.read_table(src)), src, row_group_size=rows)
        os.makedirs(out, exist_ok=True)
        for t in TABLES:
            os.replace(os.path.join(tmp, f"{t}.parquet"), os.path.join(out, f"{t}.parquet"))
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sf", type=float, default=1)
    p.add_argument("--out", default=None, help="root directory (default: benchmarks/tpch/data)")
    a = p.parse_args()
    print(generate(a.sf, a.out))
