"""cache=True: a second process loads the workload's compiled code instead of compiling."""
import os
import subprocess
import sys
import tempfile
import textwrap

SCRIPT = textwrap.dedent('''
    import os, sys
    import pandas as pd
    import pyarrow.parquet as pq
    sys.path.insert(0, {tests!r})
    import hpjit
    from conftest import event_frame

    DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.parquet")
    if not os.path.exists(DATA):
        event_frame(50, seed=1).to_parquet(DATA)

    @hpjit.jit(cache=True)
    def process_times():
        df = pq.read_table(DATA).to_pandas()
        df['event_time'] = pd.DatetimeIndex(df['event_time'])
        df['hr'] = df.event_time.map(lambda x: x.hour)
        df['minute_day'] = df.apply(lambda row: row.hr*60 + row.event_time.minute, axis=1)
        df['indicator_cleaned'] = df.indicator.map(lambda x: -1 if x == 'na' else int(x))
        return df.minute_day.sum(), df.indicator_cleaned.sum()

    print(process_times(), sum(process_times.dispatcher.stats.cache_hits.values()))
''')


def test_second_process_loads_from_cache():
    d = tempfile.mkdtemp(prefix="hpjit_cache_")
    path = os.path.join(d, "job.py")
    with open(path, "w") as f:
        f.write(SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__))))
    runs = [subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=300)
            for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr[-3000:]
    first, second = (r.stdout.strip().splitlines()[-1] for r in runs)
    assert first.rsplit(" ", 1)[0] == second.rsplit(" ", 1)[0]  # same answer
    assert first.endswith(" 0") and not second.endswith(" 0"), (first, second)
    assert "Cannot cache" not in runs[0].stderr
