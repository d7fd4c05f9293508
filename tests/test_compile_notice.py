"""A first compile that takes a while says so on stderr, once per function (issue: users should
know why the first call waits)."""
import numpy as np
import pandas as pd

import hpjit
from hpjit import compiler


def _frame(n):
    return pd.DataFrame({"x": np.arange(n, dtype=np.float64)})


def test_slow_first_compile_says_so_once(monkeypatch, capsys):
    monkeypatch.setattr(compiler, "NOTICE_AFTER", 0.0)
    monkeypatch.delenv("HPJIT_QUIET", raising=False)

    @hpjit.jit
    def doubled(df):
        return df.x * 2

    pd.testing.assert_series_equal(doubled(_frame(3)), _frame(3).x * 2)
    err = capsys.readouterr().err
    assert err.count("hpjit: compiling test_slow_first_compile_says_so_once.<locals>.doubled "
                     "(first call for these argument types; @hpjit.jit(cache=True) keeps it") == 1
    doubled(_frame(4))
    doubled(pd.DataFrame({"x": np.arange(3)}))  # new argument types compile again, silently
    assert "hpjit: compiling" not in capsys.readouterr().err


def test_quiet_when_asked(monkeypatch, capsys):
    monkeypatch.setattr(compiler, "NOTICE_AFTER", 0.0)
    monkeypatch.setenv("HPJIT_QUIET", "1")

    @hpjit.jit
    def tripled(df):
        return df.x * 3

    tripled(_frame(2))
    assert "hpjit: compiling" not in capsys.readouterr().err
