"""``mpiexec -n N python -m tests.fuzz.worker CASES.json OUT.jsonl WORKDIR``: every rank checks
each case (a program, and optionally one input's size and rows) against pandas; rank 0 appends
each case's outcome to OUT, a failing rank's where the ranks differ.

An error while a distributed program runs ends the whole job (so no rank waits forever);
``run_cases`` then classifies that case from the job's message and goes on with the rest."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict


from .check import (FAILURES, RAW_ERROR, REFUSED, UNSUPPORTED, Outcome, _attempt, check, inputs,
                    load)
from .programs import Program

MPIEXEC = os.path.join(os.path.dirname(sys.executable), "mpiexec")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_job(cmd, timeout, progress=None, **options):
    """``subprocess.run(cmd, capture_output=True, text=True, **options)`` whose timeout ends the
    whole job: mpiexec and every rank it started (killing mpiexec alone leaves hung ranks
    spinning in MPI at full CPU for as long as the machine runs). With ``progress`` (a file the
    job appends to as it goes) the timeout counts from the file's last change, so a long job
    that keeps answering is not taken for a hung one. The output is read to its end, as
    ``communicate`` does: a job is over when every process holding its pipes is (a rank still
    ending after mpiexec has must not meet the next job in the same files)."""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True, **options) as proc:
        output = {}
        reader = threading.Thread(target=lambda: output.update(out=proc.communicate()))
        reader.start()
        last, since = None, time.monotonic()
        while reader.is_alive():
            reader.join(1.0)
            seen = os.path.getsize(progress) if progress and os.path.exists(progress) else None
            if seen != last:
                last, since = seen, time.monotonic()
            if reader.is_alive() and time.monotonic() - since > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                reader.join()
                out, err = output.get("out", ("", ""))
                raise subprocess.TimeoutExpired(cmd, timeout, out, err)
        out, err = output["out"]
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def main(cases_path, out_path, workdir):
    from mpi4py import MPI  # the worker runs only under mpiexec
    comm = MPI.COMM_WORLD
    with open(cases_path) as f:
        cases = json.load(f)
    for case in cases:
        program = Program.from_json(case["program"])
        outcome = check(program, workdir, name=f"case_{program.digest()}",
                        size=case.get("size"), rows=case.get("rows"))
        everyone = comm.allgather(asdict(outcome))
        failing = [o for o in everyone if o["status"] in FAILURES]
        chosen = dict(failing[0] if failing else everyone[0])
        if failing:
            chosen["detail"] = f"rank {everyone.index(failing[0])} of {comm.size}: {chosen['detail']}"
        if comm.rank == 0:
            with open(out_path, "a") as f:
                f.write(json.dumps(chosen) + "\n")


def _ended_job(res, ranks, case, workdir):
    """The outcome of the case that ended the job: an HpjitError on every rank is hpjit
    refusing the input clearly; pandas' own exception on every rank, where pandas raises it
    too on an input of the case, is a refusal both make (``df.iloc[[0]]`` of no rows);
    anything else is a raw error."""
    lines = [line for line in (res.stderr + res.stdout).splitlines() if "hpjit: error on rank" in line]
    if lines and all(": HpjitError: " in line for line in lines):
        return Outcome(UNSUPPORTED, lines[0].split(": HpjitError: ", 1)[1][:500])
    raised = {line.split(": ", 2)[2].split(":")[0] for line in lines if line.count(": ") >= 2}
    if lines and len(raised) == 1 and raised.pop() in _pandas_errors(case, workdir):
        return Outcome(REFUSED)
    tail = (lines or (res.stdout + res.stderr).strip().splitlines() or ["no output"])[-3:]
    return Outcome(RAW_ERROR, f"the job ended (exit {res.returncode}): {' | '.join(tail)}")


def _pandas_errors(case, workdir):
    """The names of the exceptions pandas raises running ``case`` on its inputs."""
    program, size, rows = case
    fn = load(program, workdir, f"pandas_{program.digest()}")
    names = set()
    for _, frame in inputs(program, size, rows):
        if program.source == "parquet":
            frame.to_parquet(program.path)
        _, error = _attempt(fn, *([frame] if program.source == "arg" else []))
        if error is not None:
            names.add(type(error).__name__)
    return names


def run_cases(ranks, cases, workdir, timeout):
    """Outcomes of ``cases`` ((program, size, rows) each) under ``mpiexec -n ranks``; a job
    ended by one case is started again after it (a clear error that ended it counts as
    UNSUPPORTED: pandas' side is not known then). ``timeout`` is per case: a case with no
    answer in that many seconds is a hang, however long the job has run."""
    results = []
    # one compile cache for every job on ``workdir``: a program checked at 2 ranks is loaded,
    # not compiled again, at 3 (its file and name are the program's own), and rank 0 compiles
    # while the others wait
    env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(workdir, "cache"))
    while len(results) < len(cases):
        rest = cases[len(results):]
        cases_path = os.path.join(workdir, f"cases_{ranks}.json")
        out_path = os.path.join(workdir, f"out_{ranks}.jsonl")
        with open(cases_path, "w") as f:
            json.dump([{"program": p.to_json(), "size": s, "rows": r} for p, s, r in rest], f)
        open(out_path, "w").close()
        try:
            res = run_job([MPIEXEC, "-n", str(ranks), sys.executable, "-m", "tests.fuzz.worker",
                           cases_path, out_path, workdir], timeout, progress=out_path, cwd=ROOT,
                          env=env)
        except subprocess.TimeoutExpired:
            res = None
        with open(out_path) as f:
            done = [Outcome(**json.loads(line)) for line in f if line.strip()]
        results += done
        if len(done) < len(rest):
            results.append(Outcome(RAW_ERROR, f"hang: no answer in {timeout} s") if res is None
                           else _ended_job(res, ranks, rest[len(done)], workdir))
    return results


if __name__ == "__main__":
    main(*sys.argv[1:4])
