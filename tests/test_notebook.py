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


def test_ranks_option_says_not_yet(ip):
    with pytest.raises(NotImplementedError, match="not supported yet"):
        run(ip, "%%hpjit -n 2\nx = 1\n")
