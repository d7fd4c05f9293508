"""The differential fuzzer (``tests/fuzz``) in CI: programs of fixed seeds, built from the
operations declared today, and every program it ever found failing, against pandas, on one
process and under mpiexec. A new operation is fuzzed here without new test code."""
import numpy as np
import pytest

from fuzz.check import FAILURES, check, repro
from fuzz.found import FOUND
from fuzz.frames import make
from fuzz.programs import NOT_FUZZED, NOT_FUZZED_OWNERS, Program, _Builder, _declared_step, _operation_steps, \
    fuzzed_operations, generate, operation_name
from fuzz.worker import run_cases
from hpjit.ml.overloads import register as register_ml
from hpjit.typing.operations import OPERATIONS

SEEDS = range(0, 16)
PROGRAMS = [generate(s) for s in SEEDS] + [Program.from_json(text) for text in FOUND]
IDS = [f"seed{s}" for s in SEEDS] + [f"found{k}" for k in range(len(FOUND))]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("program", PROGRAMS, ids=IDS)
def test_one_process(program, workdir):
    outcome = check(program, workdir)
    assert outcome.status not in FAILURES, f"{outcome.status}: {outcome.detail}\n\n" \
                                           f"{repro(program, outcome)}"


def _under_mpi(ranks, programs, ids, workdir, timeout):
    got = run_cases(ranks, [(p, None, None) for p in programs], workdir, timeout)
    failed = [f"{ident}: {o.status}: {o.detail}\n{repro(p, o)}"
              for ident, p, o in zip(ids, programs, got) if o.status in FAILURES]
    assert not failed, "\n\n".join(failed)


def test_two_ranks(workdir):
    """Each rank gets its block of every input (more ranks than rows for 0 and 1 rows) and
    pandas' whole answer."""
    _under_mpi(2, PROGRAMS, IDS, workdir, timeout=300)


def test_three_ranks(workdir):
    _under_mpi(3, PROGRAMS[-len(FOUND):] + PROGRAMS[:4], IDS[-len(FOUND):] + IDS[:4], workdir,
               timeout=300)


def test_every_operation_is_fuzzed_or_says_why():
    pytest.importorskip("sklearn")
    register_ml()  # the estimators' operations are declared once a program uses scikit-learn
    declared = {name for name in map(operation_name, OPERATIONS)
                if name.split(".")[0] not in NOT_FUZZED_OWNERS}
    assert declared - fuzzed_operations() == set(NOT_FUZZED)
    assert not set(NOT_FUZZED) - declared, "NOT_FUZZED names an operation no longer declared"


@pytest.mark.parametrize("step", _operation_steps(), ids=lambda s: f"{s[0].__name__}.{s[1]}")
def test_every_fuzzed_operation_is_called(step):
    """The generator can write a call of each operation it fuzzes (a parameter it cannot fill
    would silently leave the operation out)."""
    for seed in range(200):
        b = _Builder(np.random.default_rng(seed), make(["k", "x", "f", "b", "s", "n", "t"], 20, seed))
        b.env["g"] = b.env["df"].groupby("k", as_index=False)["x"].sum()  # for a join
        call = _declared_step(b, *step)
        if call and b.try_step(f"v = {call}", "v"):
            return
    pytest.fail(f"no call of {step[1]} that pandas accepts in 200 tries")
