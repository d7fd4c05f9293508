"""Long fuzzing runs: ``python -m tests.fuzz --minutes 30 [--ranks 2] [--seed 1000]``.

Prints one line per failing program (shrunk, with a runnable repro) and the counts at the
end; exits non-zero when a program fails. Add each failing program to ``found.py`` once fixed.
"""
import argparse
import sys
import tempfile
import time
from collections import Counter

from .check import FAILURES, check, repro, shrink
from .programs import generate
from .worker import run_cases


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--ranks", type=int, default=1)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000 * 1000)
    parser.add_argument("--batch", type=int, default=8, help="programs per mpiexec launch")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="hpjit_fuzz_")
    end = time.monotonic() + args.minutes * 60
    counts, failed, seed = Counter(), [], args.seed
    if args.ranks > 1:
        def run(cases):
            return run_cases(args.ranks, cases, workdir, timeout=240)

        def fails(p, size, rows):
            o = run([(p, size, rows)])[0]
            return o if o.status in FAILURES else None
    else:
        shrunk = iter(range(10**9))

        def fails(p, size, rows):
            o = check(p, workdir, name=f"shrink_{p.seed}_{next(shrunk)}", size=size, rows=rows)
            return o if o.status in FAILURES else None
    print(f"fuzzing from seed {args.seed} for {args.minutes} min at {args.ranks} rank(s); "
          f"files in {workdir}", flush=True)
    while time.monotonic() < end:
        programs = [generate(s) for s in range(seed, seed + (args.batch if args.ranks > 1 else 1))]
        seed += len(programs)
        results = run([(p, None, None) for p in programs]) if args.ranks > 1 else \
            [check(p, workdir) for p in programs]
        for program, outcome in zip(programs, results):
            counts[outcome.status] += 1
            if outcome.status in FAILURES:
                print(f"\n# seed {program.seed}: {outcome.status} (shrinking): "
                      f"{outcome.detail[:300]}\n{program.source_code()}", flush=True)
                small, small_outcome = shrink(program, outcome, fails)
                failed.append(small)
                print(f"\n# seed {program.seed}: {outcome.status}: {outcome.detail[:300]}\n"
                      f"{repro(small, small_outcome)}\n", flush=True)
            elif outcome.status == "unsupported":
                print(f"seed {program.seed}: unsupported: {outcome.detail[:160]}", flush=True)
    total = sum(counts.values())
    print(f"\n{total} programs: " + ", ".join(f"{counts[s]} {s}" for s in
                                             ("ok", "unsupported", "refused", *FAILURES)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
