"""The IPython face, in IPython's real InteractiveShell."""
import numpy as np
import pandas as pd
import pytest

IPython = pytest.importorskip("IPython")


@pytest.fixture(scope="module")
def ip():
    from IPython.testing.globalipapp import get_ipython
    shell = get_ipython()
    shell.run_cell("%load_ext hpjit", store_history=False)
    return shell


def run(ip, cell):
    res = ip.run_cell(cell, store_history=False)
    if res.error_in_exec is not None:
        raise res.error_in_exec
    if res.error_before_exec is not None:
        raise res.error_before_exec
    return res.result


def test_statement_cell_matches_pandas(ip, capsys):
    df = pd.DataFrame({"a": np.arange(6), "s": pd.array(["1", "na", "3", "4", "na", "x2"][:6],
                                                         dtype="str")})
    df["s"] = df.s.where(df.s != "x2", "7")
    ip.user_ns["df"] = df.copy()
    value = run(ip, "%%hpjit -t\n"
                    "df['b'] = df.a * 2\n"
                    "ind = df.s.map(lambda x: -1 if x == 'na' else int(x))\n"
                    "total = df.b.sum() + ind.sum()\n"
                    "total * 10\n")
    exp = df.copy()
    exp["b"] = exp.a * 2
    ind = exp.s.map(lambda x: -1 if x == "na" else int(x))
    pd.testing.assert_frame_equal(ip.user_ns["df"], exp)
    pd.testing.assert_series_equal(ip.user_ns["ind"], ind)
    assert ip.user_ns["total"] == exp.b.sum() + ind.sum()
    assert value == ip.user_ns["total"] * 10
    assert "hpjit: compile" in capsys.readouterr().out


def test_function_cell_is_compiled(ip, capsys):
    run(ip, "%%hpjit\ndef total(d):\n    return d.a.sum()\n")
    from hpjit import JitFunction
    assert isinstance(ip.user_ns["total"], JitFunction)
    d = pd.DataFrame({"a": [1, 2, 3]})
    assert ip.user_ns["total"](d) == 6
    run(ip, "%hpjit_explain total")
    assert "total(DataFrame(" in capsys.readouterr().out


def test_cell_error_names_the_problem(ip):
    ip.user_ns["df"] = pd.DataFrame({"a": [1, 2]})
    from hpjit import HpjitError
    with pytest.raises(HpjitError, match="column 'nope' does not exist"):
        run(ip, "%%hpjit\nx = df['nope']\n")



def test_pool_round_trip_error_and_reuse(ip):
    from hpjit import notebook_pool
    df = pd.DataFrame({"a": np.arange(9), "s": pd.array(list("123456789"), dtype="str")})
    ip.user_ns["df"] = df.copy()
    value = run(ip, "%%hpjit -n 2\n"
                    "df['b'] = df.a * 2\n"
                    "big = df[df.a > 3]\n"
                    "n = len(df)\n"
                    "df.b.sum()\n")
    exp = df.copy()
    exp["b"] = exp.a * 2
    pd.testing.assert_frame_equal(ip.user_ns["df"], exp)
    pd.testing.assert_frame_equal(ip.user_ns["big"], exp[exp.a > 3])
    assert ip.user_ns["n"] == 9 and value == exp.b.sum()
    pid = notebook_pool._POOL["pool"].proc.pid

    run(ip, "%%hpjit -n 2\nm = df.a.max()\n")  # a second cell reuses the pool
    assert ip.user_ns["m"] == 8 and notebook_pool._POOL["pool"].proc.pid == pid

    bad = df.copy()
    bad.loc[8, "s"] = "x"  # only the last rank's rows hold it
    ip.user_ns["bad"] = bad
    with pytest.raises(RuntimeError, match=r"error on rank 1 of 2: ValueError: invalid literal"):
        run(ip, "%%hpjit -n 2\nv = bad.s.map(lambda x: int(x))\n")

    run(ip, "%%hpjit -n 2\nm2 = df.a.min()\n")  # a new pool after the failure
    assert ip.user_ns["m2"] == 0
    run(ip, "%hpjit_workers stop")
    assert "pool" not in notebook_pool._POOL


def test_example_notebook_runs(ip):
    """Every code cell of examples/quickstart.ipynb, in order, in a real InteractiveShell."""
    import json
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "examples", "quickstart.ipynb")
    with open(path) as f:
        nb = json.load(f)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            run(ip, "".join(cell["source"]))
    assert ip.user_ns["rows"] == int((ip.user_ns["df"].hr >= 22).sum())
