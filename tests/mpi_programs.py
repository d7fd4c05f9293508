"""Programs run under ``mpiexec -n N`` by the test_mpi*.py files (through ``mpi_jobs.run_mpi``);
each checks itself against pandas.

    mpiexec -n 3 python tests/mpi_programs.py DIR all|fault|relational_sort|...  (the names at the end)
    mpiexec -n 2 python tests/mpi_programs.py /tmp/hpjit_one relational_sort sort_two_keys

Names after the job's run only those programs of it (the checks ``check`` and
``_check_programs`` run; the job's other steps still run). A failing program's error names it.

Every rank compares what hpjit returns with pandas' own result; a mismatch raises
(and, under MPI, ends the job with a non-zero status).
"""
import os
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hpjit  # noqa: E402
from conftest import event_frame  # noqa: E402

DIR = sys.argv[1]
#: the programs to run (all when empty): ``mpi_programs.py DIR JOB [PROGRAM...]``
ONLY = set(sys.argv[3:])


def _run_case(fn, compare):
    """``compare()`` for program ``fn`` unless ``ONLY`` leaves it out; a failure names it."""
    if ONLY and fn.__name__ not in ONLY:
        return
    try:
        compare()
    except Exception as e:
        raise AssertionError(f"program {fn.__name__} (rank {hpjit.get_rank()} of "
                             f"{hpjit.get_size()}): {type(e).__name__}: {e}") from e


def jit(fn, **options):
    """``hpjit.jit(fn)``, with ``cache=True`` when the job has a ``NUMBA_CACHE_DIR`` (test_mpi
    gives every job of a session the same one, and the same data paths to a program at every
    rank count): a job then loads what the job before it compiled at another world size, and
    its rank 0 compiles while the others wait — one compile, not one per rank."""
    return hpjit.jit(fn, cache=bool(os.environ.get("NUMBA_CACHE_DIR")), **options)

WORK = os.path.join(DIR, "work.parquet")
TINY1 = os.path.join(DIR, "tiny1.parquet")
TINY2 = os.path.join(DIR, "tiny2.parquet")
EMPTY = os.path.join(DIR, "empty.parquet")
BAD = os.path.join(DIR, "bad.parquet")
CSV = os.path.join(DIR, "work.csv")
PARTS = os.path.join(DIR, "parts")


def write_data():
    if hpjit.get_rank() == 0:
        event_frame(1000, seed=7, nulls=False).to_parquet(WORK, row_group_size=77)
        event_frame(101, seed=8, nulls=True).to_csv(CSV, index=False)
        quoted_csv().to_csv(QUOTED, index=False)
        event_frame(1, seed=1).to_parquet(TINY1)
        event_frame(2, seed=2).to_parquet(TINY2)
        event_frame(0).to_parquet(EMPTY)
        bad = event_frame(30, seed=3)
        bad.loc[25, "indicator"] = "x"  # only the last rank's rows hold it
        bad.to_parquet(BAD)
        os.makedirs(PARTS)  # a dataset: uneven files, an empty one, several row groups
        for k, (n, groups) in enumerate([(500, 77), (0, None), (5, 2), (1, None), (40, None)]):
            event_frame(n, seed=10 + k, nulls=k == 4).to_parquet(
                os.path.join(PARTS, f"part-{k}.parquet"), row_group_size=groups)
    hpjit.barrier()


def process_times():
    df = pq.read_table(WORK).to_pandas()
    df['event_time'] = pd.DatetimeIndex(df['event_time'])
    df['hr'] = df.event_time.map(lambda x: x.hour)
    df['minute'] = df.event_time.map(lambda x: x.minute)
    df['second'] = df.event_time.map(lambda x: x.second)
    df['minute_day'] = df.apply(lambda row: row.hr*60 + row.minute, axis = 1)
    df['event_date'] = df.event_time.map(lambda x: x.date())
    df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
    return df


def sums():
    df = pd.read_parquet(WORK, columns=["event_time", "indicator", "value"])
    df["t"] = pd.to_datetime(df.event_time)
    df["hr"] = df.t.dt.hour
    df["ind"] = df.indicator.map(lambda x: -1 if x == "na" else int(x))
    return (df.hr.sum(), df.ind.sum(), df.value.mean(), df.value.std(), df.value.var(),
            df.ind.min(), df.ind.max(), df.value.min(), df.value.count(), df.ind.nunique(),
            df.indicator.nunique(), len(df), df.shape)


def filtered():
    df = pd.read_parquet(WORK)
    df["ind"] = df.indicator.map(lambda x: -1 if x == "na" else int(x))
    big = df[df.ind > 500]
    big["v2"] = big.value * 2
    return big, big.head(4), df.head(3), big.v2.sum(), len(big)


OUT_PQ = os.path.join(DIR, "out.parquet")
OUT_CSV = os.path.join(DIR, "out.csv")
OUT_CSV_LABELS = os.path.join(DIR, "out_labels.csv")


def writes():
    df = pd.read_parquet(WORK, columns=["indicator", "value"])
    df["v2"] = df.value * 2
    df.to_parquet(OUT_PQ)
    df[df.v2 > 0].to_csv(OUT_CSV, index=False)
    df[df.v2 < 0].to_csv(OUT_CSV_LABELS)
    return len(df)


def write_frame(df, path):
    df.to_parquet(path)


def write_kept(df, path):
    df[df.v_f > 0].to_parquet(path)  # the kept labels: an int64 index, stored as a column


def write_parts_keyed(df, path):
    df.to_parquet(path, partition_cols=["k_int"])


def parquet_round_trips():
    """Split frames of every column type (nulls, non-ASCII strings, NaT; 0 rows, fewer rows
    than ranks) written by all ranks into one parquet file, or into a directory of parts:
    pandas reads back what it reads from its own file (directory) of the whole frame."""
    from relational_cases import keyed_frame
    from test_series_api import nullable_frame
    path, own = os.path.join(DIR, "frame.parquet"), os.path.join(DIR, "frame_pandas.parquet")
    keyed = [keyed_frame(0), keyed_frame(2, seed=1), keyed_frame(300, seed=2)]
    for fn, frames in ((write_frame, keyed + [nullable_frame(50, seed=4)]), (write_kept, keyed)):
        jitted = jit(fn, distributed=["df"])
        for full in frames:
            jitted(hpjit.scatterv(full), path)
            if hpjit.get_rank() == 0:
                fn(full.copy(), own)
            hpjit.barrier()
            pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(own))
    jitted = jit(write_parts_keyed, distributed=["df"])
    for k, full in enumerate(keyed[1:]):  # every rank's files in each partition's directory
        parts, own_parts = os.path.join(DIR, f"keyed_parts{k}"), os.path.join(DIR, f"own_parts{k}")
        jitted(hpjit.scatterv(full), parts)
        if hpjit.get_rank() == 0:
            write_parts_keyed(full.copy(), own_parts)
        hpjit.barrier()
        assert sorted(os.listdir(parts)) == sorted(os.listdir(own_parts))
        pd.testing.assert_frame_equal(pd.read_parquet(parts), pd.read_parquet(own_parts))


QUOTED = os.path.join(DIR, "quoted.csv")
OUT_PARTS = os.path.join(DIR, "out_parts")


def partitioned_write():
    df = pd.read_parquet(WORK, columns=["indicator", "value"])
    df["hi"] = df.value > 0.5
    df.to_parquet(OUT_PARTS, partition_cols=["hi"])


def quoted_csv():
    """Quotes, newlines and separators inside fields, empty fields, non-ASCII, digits as text,
    a float column whose first rows are integers: every byte-range cut lands somewhere odd."""
    rng = np.random.default_rng(11)
    n = 301
    words = ["plain", 'say "hi"', "multi\nline", "a,b", "", "é漢字", "007", "\n\n", '"']
    return pd.DataFrame({
        "text": [words[k] if k else None for k in rng.integers(0, len(words), n)],
        "code": [f"{v:03d}" for v in rng.integers(0, 999, n)],
        "x": np.where(np.arange(n) < 250, rng.integers(0, 9, n), rng.normal(size=n) + 0.5),
        "k": rng.integers(-5, 5, n),
        "flag": rng.random(n) < 0.5,
    })


def from_quoted_csv():
    df = pd.read_csv(QUOTED)
    df["k2"] = df.k * 2
    return df, df.x.sum(), len(df)


def typed_csv():
    """``dtype=`` (digits as text, an int column with missing values as Int64) and
    ``na_values=``: every rank parses its bytes with them."""
    return pd.read_csv(QUOTED, dtype={"code": "str", "k": "Int64", "x": "float64"},
                       na_values=["007", "plain"])


def from_csv():
    df = pd.read_csv(CSV)
    df["v2"] = df.value * 2
    big = df[df.v2 > 0]
    return big, df.v2.sum(), df.indicator.nunique(), len(df)


def tiny1():
    df = pd.read_parquet(TINY1)
    df["n"] = df.value.map(lambda v: v + 1)
    return df, df.n.sum(), len(df)


def tiny2():
    df = pd.read_parquet(TINY2)
    df["n"] = df.value.map(lambda v: v + 1)
    return df, df.n.max(), len(df)


def empty():
    df = pd.read_parquet(EMPTY)
    df["n"] = df.value.map(lambda v: v + 1)
    return df, df.n.sum(), len(df)


def chunk_map(df):
    df["n"] = df.value.map(lambda v: v * 10)
    return df


def numpy_arrays(n):
    a = np.arange(n)
    b = np.ones(n) * 3.0
    c = a * 2.0 + b
    d = np.linspace(-1.0, 2.0, n)  # the last value exactly 2.0, on whichever rank holds it
    return (np.sum(c), c.mean(), a.max(), a.min(), np.sum(a ** 2 < 50), len(c), d.sum(), d.max(),
            d.min(), len(d))


def nullable_chunks(df):
    kept = df[df.i > 2]
    kept["a2"] = kept.a * 2
    return kept, df.a.sum(), df.f.mean(), len(df)


def whole_needed(df):
    return df.value.values.copy()  # .values is not split-aware: the chunks are gathered first


def prints(n):
    a = np.arange(n)
    print("hpjit-print", a.sum(), len(a))


def ranks():
    return hpjit.get_rank(), hpjit.get_size()


def bad_value():
    df = pd.read_parquet(BAD)
    df["ind"] = df.indicator.map(lambda x: -1 if x == "na" else int(x))
    return df.ind.sum()


def isin_rows():
    df = pd.read_parquet(WORK)
    picked = df[df.indicator.isin(["na", "7", "42"])]
    return picked.reset_index(drop=True), len(picked)


def filtered_dataset():
    """filters=: each rank keeps its rows that match (unequal chunks, labelled by an exscan)."""
    df = pd.read_parquet(PARTS, filters=[("value", ">", 0.2), ("indicator", "!=", "na")])
    df["v2"] = df.value * 2
    return df, df.v2.sum(), len(df)


def dataset():
    df = pd.read_parquet(PARTS)
    df["ind"] = df.indicator.map(lambda x: -1 if x == "na" else int(x))
    return df, df.ind.sum(), len(df), df[df.value > 1].head(3)


def _same(got, exp):
    if isinstance(exp, pd.DataFrame):
        if len(exp) == 0:
            assert len(got) == 0 and list(got.columns) == list(exp.columns), (got, exp)
        else:
            pd.testing.assert_frame_equal(got, exp)
    elif isinstance(exp, pd.Series):
        pd.testing.assert_series_equal(got, exp)
    elif isinstance(exp, tuple):
        assert len(got) == len(exp)
        for g, e in zip(got, exp):
            _same(g, e)
    elif isinstance(exp, float):
        assert (np.isnan(got) and np.isnan(exp)) or abs(got - exp) <= 1e-9 * max(1, abs(exp)), \
            (got, exp)
    else:
        assert got == exp, (got, exp)


def check(fn, *args):
    _run_case(fn, lambda: _same(jit(fn)(*args), fn(*args)))


def cache_on_rank_0_only():
    """A ``cache=True`` function whose cache works on rank 0 only (its source file is missing on
    the other ranks, so they have no cache): the ranks still meet before its first run (rank 0
    alone would wait for them for ever), and each answers."""
    source = "def total(df):\n    return df.value.sum()\n"
    path = os.path.join(DIR, "cache_on_rank_0.py")
    if hpjit.get_rank() == 0:
        with open(path, "w") as f:
            f.write(source)
    hpjit.barrier()
    ns = {"__name__": __name__}  # an importable module: a cache load rebuilds its globals
    exec(compile(source, path if hpjit.get_rank() == 0 else path + ".absent.py", "exec"), ns)
    total = hpjit.jit(ns["total"], cache=True, distributed=["df"])
    assert total.cache == (hpjit.get_rank() == 0 or hpjit.get_size() == 1) or \
        not os.environ.get("NUMBA_CACHE_DIR")
    assert total(hpjit.scatterv(pd.DataFrame({"value": np.arange(10.0)}))) == 45.0


CHANGING = os.path.join(DIR, "changing.parquet")


def _read_changing():
    return pd.read_parquet(CHANGING).a.sum()


def _read_changed():
    df = pd.read_parquet(CHANGING)
    return df[df.b > 1.0]


def compile_fails_on_one_rank():
    """A function that compiles on some ranks only (here rank 0 read the file's schema for
    another function before the file changed): every rank raises a clear error (before,
    the ranks that compiled it ran on alone and waited in its collectives for ever)."""
    if hpjit.get_rank() == 0:
        pd.DataFrame({"a": [1, 2, 3]}).to_parquet(CHANGING)
        hpjit.jit(_read_changing).dispatcher.compile(())  # typed here only, never run
        pd.DataFrame({"b": [0.5, 1.5]}).to_parquet(CHANGING)
    hpjit.barrier()
    for options in ({}, {"cache": True}):
        try:
            hpjit.jit(_read_changed, **options)()
        except hpjit.HpjitError as e:
            print(f"rank {hpjit.get_rank()}: {e}", flush=True)
        else:
            raise AssertionError("a rank ran a function rank 0 could not compile")
    print(f"rank {hpjit.get_rank()}: compile failure OK", flush=True)


def main():
    write_data()
    cache_on_rank_0_only()
    compile_fails_on_one_rank()
    check(process_times)
    check(sums)
    if hpjit.get_size() > 1:
        jsums = jit(sums)
        jsums()
        if hpjit.get_rank() == 0:
            jsums.distributed_diagnostics()
    check(filtered)
    check(from_csv)
    check(from_quoted_csv)
    check(typed_csv)
    check(dataset)
    check(filtered_dataset)
    check(isin_rows)
    jit(writes)()
    exp = pd.read_parquet(WORK, columns=["indicator", "value"])
    exp["v2"] = exp.value * 2
    pd.testing.assert_frame_equal(pd.read_parquet(OUT_PQ), exp)
    pd.testing.assert_frame_equal(pd.read_csv(OUT_CSV), exp[exp.v2 > 0].reset_index(drop=True))
    parquet_round_trips()
    jit(partitioned_write)()
    exp_parts = pd.read_parquet(WORK, columns=["indicator", "value"])
    exp_parts["hi"] = exp_parts.value > 0.5
    if hpjit.get_rank() == 0:
        exp_parts.to_parquet(OUT_PARTS + "_pandas", partition_cols=["hi"])
    hpjit.barrier()
    pd.testing.assert_frame_equal(pd.read_parquet(OUT_PARTS), pd.read_parquet(OUT_PARTS + "_pandas"))
    with open(OUT_CSV) as a, open(OUT_CSV_LABELS) as b:  # byte for byte pandas' own files
        assert (a.read(), b.read()) == (exp[exp.v2 > 0].to_csv(index=False),
                                        exp[exp.v2 < 0].to_csv())
    check(tiny1)
    check(tiny2)
    got = jit(empty)()
    assert len(got[0]) == 0 and got[1] == 0 and got[2] == 0
    full = pd.read_parquet(WORK)
    chunk = hpjit.scatterv(full)
    out = jit(chunk_map, distributed=["df"])(chunk.copy())
    assert len(out) == len(chunk)
    pd.testing.assert_frame_equal(hpjit.gatherv(out), chunk_map(full.copy()))
    assert jit(ranks)() == (hpjit.get_rank(), hpjit.get_size())
    for n in (1, 2, 1001):
        check(numpy_arrays, n)
    jit(prints)(10)
    whole = jit(whole_needed, distributed=["df"])(hpjit.scatterv(full))
    np.testing.assert_array_equal(whole, full.value.values)
    from test_series_api import nullable_frame
    nf = nullable_frame(50, seed=4)
    got = jit(nullable_chunks, distributed=["df"])(hpjit.scatterv(nf))
    _same(got, nullable_chunks(nf.copy()))
    print(f"rank {hpjit.get_rank()}: OK", flush=True)


def _relational_frames():
    """Chunks of a 2-row frame (more ranks than rows), a skewed one and one with all string keys
    missing."""
    from relational_cases import keyed_frame
    no_keys = keyed_frame(40, seed=3)
    no_keys["k_str"] = pd.array([None] * 40, dtype="str")
    return [keyed_frame(2, seed=1), keyed_frame(3000, seed=2, skew=True), no_keys]


def _check_programs(programs):
    """Each program on chunks (``distributed=``) of every frame: pandas' whole result on every
    rank."""
    from relational_cases import assert_same, expected
    frames = _relational_frames()
    for fn in programs:
        def compare(fn=fn):
            jitted = jit(fn, distributed=["df"])
            for full in frames:
                assert_same(jitted(hpjit.scatterv(full)), expected(fn, full))
        _run_case(fn, compare)


def _relational_ok():
    print(f"rank {hpjit.get_rank()}: relational OK", flush=True)


KEYED = os.path.join(DIR, "keyed.parquet")


def read_str_mean():
    """gb_str_mean over a parquet read: each rank reads its block of rows."""
    df = pd.read_parquet(KEYED)
    return df.groupby("k_str")["v_f"].mean()


def relational_groupby():
    """groupby aggregations on chunks, and one over a parquet read."""
    from relational_cases import GROUPBY, assert_same, expected, gb_nullable, gb_str_mean, nullable_frame
    _check_programs(GROUPBY)
    nullable = jit(gb_nullable, distributed=["df"])
    for full in (nullable_frame(2, seed=1), nullable_frame(3000, seed=2)):
        assert_same(nullable(hpjit.scatterv(full)), expected(gb_nullable, full))
    frame = _relational_frames()[1]
    if hpjit.get_rank() == 0:
        frame.to_parquet(KEYED, row_group_size=500)
    hpjit.barrier()
    read_mean = jit(read_str_mean)  # cached (unlike relational_cases.reading's): -n 3 loads it
    assert_same(read_mean(), expected(gb_str_mean, frame))
    if hpjit.get_rank() == 0:
        read_mean.distributed_diagnostics()
    _relational_ok()


def relational_sort():
    """sorts and reset_index on chunks; sorts that rebuild their key column from radix keys."""
    from relational_cases import RESETS, SORTS, assert_same, expected, keyed_values_frame, sort_keyed
    _check_programs(SORTS + RESETS)
    keyed = jit(sort_keyed, distributed=["df"])
    for full in (keyed_values_frame(2, seed=1), keyed_values_frame(6000, seed=2, negative_zero=True)):
        assert_same(keyed(hpjit.scatterv(full)), expected(sort_keyed, full))
    _relational_ok()


def relational_distinct():
    """value_counts/unique, drop_duplicates, nlargest, concat and groupby transforms on chunks."""
    from relational_cases import DISTINCT
    _check_programs(DISTINCT)
    _relational_ok()


def _check_two_sided(cases):
    """Each (program, expected, right side split) on chunks of the left frames, with the right
    side split too or whole on every rank."""
    from relational_cases import assert_same, dim_frame
    frames = _relational_frames()
    for fn, exp, split in cases:
        jitted = jit(fn, distributed=["df", "dim"] if split else ["df"])
        for full, dim in ((frames[0], dim_frame(1)), (frames[1], dim_frame(700, seed=4)),
                          (frames[1], dim_frame(0))):
            right = hpjit.scatterv(dim) if split else dim
            assert_same(jitted(hpjit.scatterv(full), right), exp(full, dim))


def relational_merge():
    """merges, the right side split (odd ones) or whole on every rank."""
    from relational_cases import MERGES, expected_merge
    _check_two_sided([(fn, lambda a, b, fn=fn: expected_merge(fn, a, b), k % 2 == 1)
                      for k, fn in enumerate(MERGES)])
    _relational_ok()


def relational_join():
    """DataFrame.join (left and inner; right and outer), both sides split."""
    from relational_cases import expected_joins, expected_joins_kept, joins, joins_kept
    _check_two_sided([(joins, expected_joins, True), (joins_kept, expected_joins_kept, True)])
    _relational_ok()


def ml():
    """Estimators fitted on chunks (``distributed=``) — 2 rows (more ranks than rows) and 3000 —
    and on a parquet read; every rank gets scikit-learn's model and the whole predictions."""
    from ml_cases import (CLASSIFIERS, CLUSTERING, PROGRAMS, STATISTICS, assert_close,
                          blobs_frame, expected, features_frame, linreg, with_missing)
    import ml_cases
    frames = [features_frame(2, seed=1), features_frame(3000, seed=2)]
    for fn in PROGRAMS:
        jitted = jit(fn, distributed=["df"])
        for full in frames:
            assert_close(jitted(hpjit.scatterv(full)), expected(fn, full))
    # seeded draws are the same stream on every rank: scikit-learn's centers at any rank count
    for fn in CLUSTERING:
        jitted = jit(fn, distributed=["df"])
        for full in [blobs_frame(2, seed=1), blobs_frame(3, seed=1), blobs_frame(2000, seed=2)]:
            # relocating a cluster's point to an empty one breaks distance ties as numpy's
            # argpartition happens to; with 2 or 3 points every relocation is such a tie
            if fn.__name__ != "kmeans_empty_cluster" or len(full) > 3:
                assert_close(jitted(hpjit.scatterv(full)), expected(fn, full))
    for fn in CLASSIFIERS:  # 5 rows: each rank sees some of the classes
        jitted = jit(fn, distributed=["df"])
        for full in [features_frame(5, seed=0), frames[1]]:
            assert_close(jitted(hpjit.scatterv(full)), expected(fn, full), rtol=1e-5)
    for fn in STATISTICS:  # selection rounds on 9000 rows; more ranks than rows on 2
        jitted = jit(fn, distributed=["df"])
        for full in [with_missing(features_frame(2, seed=3)), with_missing(features_frame(9000))]:
            assert_close(jitted(hpjit.scatterv(full)), expected(fn, full), rtol=1e-12)
    ml_cases.FEATURES = os.path.join(DIR, "features.parquet")
    if hpjit.get_rank() == 0:
        frames[1].to_parquet(ml_cases.FEATURES, row_group_size=500)
    hpjit.barrier()
    read_fit = jit(ml_cases.read_linreg)
    assert_close(read_fit(), expected(linreg, frames[1]))
    if hpjit.get_rank() == 0:
        read_fit.distributed_diagnostics()
    print(f"rank {hpjit.get_rank()}: ml OK", flush=True)


def loops():
    """prange loops over arrays born split, over chunks of a frame (``distributed=``, more ranks
    than rows included) and over a parquet read: Python's answer on every rank."""
    import loop_cases
    from loop_cases import FRAME_PROGRAMS, INT_PROGRAMS, assert_same, loop_frame
    for fn in INT_PROGRAMS:
        jitted = jit(fn)
        for n in (0, 1, 2, 17, 1000):
            assert_same(jitted(n), fn(n))
        if hpjit.get_rank() == 0:
            jitted.distributed_diagnostics()
    for fn in FRAME_PROGRAMS:
        jitted = jit(fn, distributed=["df"])
        for n in (0, 2, 1000):
            full = loop_frame(n, seed=n)
            assert_same(jitted(hpjit.scatterv(full)), fn(full))
    path = loop_cases.LOOP_PARQUET = os.path.join(DIR, "loop.parquet")
    if hpjit.get_rank() == 0:
        loop_frame(500, seed=5).to_parquet(path, row_group_size=64)
    hpjit.barrier()
    assert_same(jit(loop_cases.read_column_loop)(), loop_cases.read_column_loop())
    print(f"rank {hpjit.get_rank()}: loops OK", flush=True)


def ml_fault():
    """NaN in X on the last rank's rows only: every rank raises scikit-learn's error."""
    from ml_cases import features_frame, linreg
    df = features_frame(30, seed=4)
    df.loc[29, "b"] = np.nan
    jit(linreg, distributed=["df"])(hpjit.scatterv(df))
    print("unreachable: NaN in X was not refused", flush=True)


def hosts():
    """Run from a host file (two 'hosts' on this machine): the same reads and results."""
    from mpi4py import MPI
    write_data()
    check(sums)
    check(dataset)
    check(filtered_dataset)
    print(f"rank {hpjit.get_rank()} on {MPI.Get_processor_name()}: hosts OK", flush=True)


def write_fault():
    """A write into a missing directory: every rank finds it before any data moves."""
    write_data()
    jit(writes_to_missing)()
    print("unreachable: the write did not fail", flush=True)


NOWHERE = os.path.join(DIR, "no", "such", "out.csv")


def writes_to_missing():
    df = pd.read_parquet(WORK, columns=["value"])
    df.to_csv(NOWHERE)


CORRUPT = os.path.join(DIR, "corrupt.parquet")


def read_corrupt():
    df = pd.read_parquet(CORRUPT)
    return len(df)


def parquet_fault():
    """A truncated parquet file: every rank raises the error naming it and the user's line."""
    if hpjit.get_rank() == 0:
        event_frame(50, seed=4).to_parquet(CORRUPT)
        with open(CORRUPT, "r+b") as f:
            f.truncate(os.path.getsize(CORRUPT) - 9)
    hpjit.barrier()
    jit(read_corrupt)()
    print("unreachable: the corrupt file did not fail", flush=True)


def csv_fault():
    """A field past the typed head that does not parse, in the last rank's bytes only."""
    from hpjit.runtime.csv_read import HEAD_ROWS
    if hpjit.get_rank() == 0:
        rows = ["a,b"] + [f"{i},x" for i in range(HEAD_ROWS + 40)] + ["oops,y"] + ["1,z"] * 9
        with open(LATE_CSV, "w") as f:
            f.write("\n".join(rows) + "\n")
    hpjit.barrier()
    jit(late_csv)()
    print("unreachable: the bad field did not fail", flush=True)


LATE_CSV = os.path.join(DIR, "late.csv")


def late_csv():
    df = pd.read_csv(LATE_CSV)
    return df.a.sum()


def plain_csv(n=301):
    """A CSV without quotes, for hpjit's tokenizer: text (missing, non-ASCII), ints, floats
    of every magnitude, bools, NA spelled as pandas reads it."""
    rng = np.random.default_rng(5)
    words = np.array(["w", "é漢字", "NA", "", "null", "x y"], dtype=object)
    return pd.DataFrame({
        "s": words[rng.integers(0, len(words), n)],
        "i": rng.integers(-10 ** 12, 10 ** 12, n),
        "f": rng.normal(size=n) * 10.0 ** rng.integers(-20, 20, n),
        "b": rng.random(n) < 0.5,
        "t": np.where(rng.random(n) < 0.2, "NA", "v"),
    }).to_csv(index=False)


def csv_ranges():
    """Each rank's byte range of a CSV (the run-time reader alone, no compile): together the
    ranks' rows are pandas' frame, whatever the cuts land on — quoted newlines and quotes,
    files of fewer rows than ranks, CRLF line ends, no newline at the end; files without
    quotes (hpjit's tokenizer on every rank) and one whose only quote is in the last rank's
    bytes (every rank goes back to the quote-aware split)."""
    from mpi4py import MPI

    from hpjit.typing.csv_schema import CsvSource
    from hpjit.runtime.csv_read import read_csv_block
    texts = {"quoted": quoted_csv().to_csv(index=False),
             "one_row": "a,b\n1,x\n",
             "two_rows_crlf": "a,b\r\n1,x\r\n2,\r\n",
             "no_final_newline": "a,b\n1,\"p\nq\"\n2,r",
             "all_quoted": "s\n" + "".join(f'"line {k}\n""{k}"""\n' for k in range(40)),
             "plain": plain_csv(),
             "plain_blank_lines": plain_csv().replace("\n", "\n\n", 40),
             "plain_no_final_newline": plain_csv().rstrip("\n"),
             "quote_at_the_end": plain_csv() + '"é",1,1.5,True,NA\n'}
    for name, text in texts.items():
        path = os.path.join(DIR, f"ranges_{name}.csv")
        if hpjit.get_rank() == 0:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        hpjit.barrier()
        typed = CsvSource(path, {}).frame_type()
        part = read_csv_block(path, (), typed)
        got = pd.concat(MPI.COMM_WORLD.allgather(part))
        exp = pd.read_csv(path)
        pd.testing.assert_frame_equal(got, exp)
    print(f"rank {hpjit.get_rank()}: csv_ranges OK", flush=True)


def fault():
    write_data()
    jit(bad_value)()
    print("unreachable: the bad row did not fail", flush=True)


def frame_api():
    """``.loc``, column renames and date constants over a parquet read (each rank its block: 0,
    1, 2 and 57 rows, so some ranks read no rows) and on chunks (``distributed=``); no frame
    is made whole to do it."""
    from frame_api_cases import CHUNKED, GATHERED, PROGRAMS, api_frame, assert_same, \
        read_sizes, reading, write_api_parquet
    path = os.path.join(DIR, "api.parquet")
    for fn in PROGRAMS:
        def compare(fn=fn):
            plain, jitted = reading(fn, path), jit(reading(fn, path, _kept_source(fn, path)))
            for n in read_sizes(fn):
                if hpjit.get_rank() == 0:
                    write_api_parquet(n, path, seed=n)
                hpjit.barrier()
                assert_same(jitted(), plain())
                hpjit.barrier()
            _assert_split(jitted, GATHERED.get(fn.__name__, ()))
            if fn.__name__ in CHUNKED:  # (not loc_assign: distributed= keeps df as the chunk)
                chunked = jit(fn, distributed=["df"])
                full = api_frame(57, seed=5)
                assert_same(chunked(hpjit.scatterv(full)), fn(full.copy()))
        _run_case(fn, compare)
    print(f"rank {hpjit.get_rank()}: frame_api OK", flush=True)


def _kept_source(fn, path):
    """Where the job's cache keeps the source of ``reading(fn, path)``, so the ``-n 3`` job loads
    what the ``-n 2`` job compiled; ``<string>`` when the job has no cache."""
    from frame_api_cases import reading_source
    from fuzz.check import keep_source
    if not os.environ.get("NUMBA_CACHE_DIR"):
        return "<string>"
    folder = os.path.join(os.environ["NUMBA_CACHE_DIR"], "frame_api_sources")
    os.makedirs(folder, exist_ok=True)
    filename = os.path.join(folder, f"{fn.__name__}.py")
    keep_source(filename, reading_source(fn, path))
    return filename


def tpch():
    """TPC-H queries over SF 0.01 tables (each rank reads its block of every table): pandas'
    whole answer on every rank, and no frame made whole on the way (only reductions and the
    one-row frames built from them)."""
    from frame_api_cases import assert_same
    from tpch_cases import DISTRIBUTED, load
    if hpjit.get_rank() == 0:
        load(DIR)
    hpjit.barrier()
    queries = load(DIR)
    for n in DISTRIBUTED:
        fn = queries.QUERIES[n]

        def compare(fn=fn):
            jitted = jit(fn)
            assert_same(jitted(), fn())
            if hpjit.get_size() > 1:
                (cres,) = jitted.dispatcher.overloads.values()
                report = cres.metadata["hpjit_distribution"]
                whole = [line for line in report if ": REP (" in line and not any(
                    why in line for why in ("reduced over all ranks", "built from values"))]
                assert not whole, whole
        _run_case(fn, compare)
    print(f"rank {hpjit.get_rank()}: tpch OK", flush=True)


def _assert_split(jitted, whole_by_design=()):
    """Under MPI every frame and series of ``jitted`` stays split: only reductions (and results
    whose distribution reason is in ``whole_by_design``) are whole."""
    if hpjit.get_size() == 1:
        return
    (cres,) = jitted.dispatcher.overloads.values()
    report = cres.metadata["hpjit_distribution"]
    assert any(line.startswith("df: OneD (") for line in report), report
    allowed = ("reduced over all ranks",) + tuple(whole_by_design)
    whole = [line for line in report if ": REP (" in line and not any(a in line for a in allowed)]
    assert not whole, whole


def collectives():
    from mpi_collectives import check_collectives
    check_collectives()


def _abort_on_error(exc_type, exc, tb):
    """An error outside compiled code on one rank would leave the others waiting in a
    collective until the test's timeout: print it and end the job now."""
    import traceback
    traceback.print_exception(exc_type, exc, tb)
    sys.stderr.flush()
    import time
    time.sleep(1)  # mpiexec drops what it has not forwarded yet when a rank aborts
    from mpi4py import MPI
    MPI.COMM_WORLD.Abort(1)


if __name__ == "__main__":
    if hpjit.get_size() > 1:
        sys.excepthook = _abort_on_error
    {"all": main, "compile_failure": compile_fails_on_one_rank, "fault": fault, "collectives": collectives,
     "relational_groupby": relational_groupby, "relational_sort": relational_sort,
     "relational_distinct": relational_distinct, "relational_merge": relational_merge,
     "relational_join": relational_join, "ml": ml, "ml_fault": ml_fault, "loops": loops,
     "write_fault": write_fault, "hosts": hosts, "csv_fault": csv_fault,
     "parquet_fault": parquet_fault,
     "csv_ranges": csv_ranges, "frame_api": frame_api, "tpch": tpch}[sys.argv[2]]()
