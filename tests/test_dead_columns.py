"""Columns no later statement needs are neither read nor carried through merges
(``hpjit.transforms.dead_columns``): pandas' answer either way, with narrower frames."""
import numpy as np
import pandas as pd
import pytest

import hpjit
from frame_api_cases import assert_same
from hpjit.typing.dataframe import DataFrameType


def tables(n, seed=0):
    rng = np.random.default_rng(seed)
    orders = pd.DataFrame({"k": np.arange(n), "n": rng.integers(0, 4, n), "x": rng.normal(size=n),
                           "flag": pd.array(rng.choice(["A", "B", None], n).tolist(), dtype="str"),
                           "unused1": rng.normal(size=n), "unused2": np.arange(n) * 2})
    items = pd.DataFrame({"k": rng.integers(0, max(n, 1), 3 * n), "price": rng.random(3 * n),
                          "disc": rng.random(3 * n) / 10, "x": rng.normal(size=3 * n),
                          "note": pd.array(rng.choice(["p", "q"], 3 * n).tolist(), dtype="str")})
    nations = pd.DataFrame({"nk": np.arange(4), "name": pd.array(list("wxyz"), dtype="str"),
                            "unused3": np.ones(4)})
    return orders, items, nations


def chain(orders, items, nations):
    jn = orders.merge(items, on="k")
    jn = jn.merge(nations, left_on="n", right_on="nk")
    jn["v"] = jn.price * (1 - jn.disc) + jn.x_y
    out = jn[jn.v > 0.5].groupby(["name", "flag"], as_index=False).agg(total=("v", "sum"))
    return out.sort_values(["total", "name"]).rename(columns={"name": "nation"})


def suffixed(orders, items, nations):
    jn = pd.merge(orders, items, on="k", suffixes=("_o", "_i"))
    return jn[["k", "x_o"]].sort_values(["k", "x_o"]).head(7)


def renamed_first(orders, items, nations):
    small = nations.rename(columns={"nk": "n"}).drop(columns=["unused3"])
    jn = orders.merge(small, on="n").merge(items, on="k")
    return jn.groupby("name")["price"].sum(), len(jn)


def whole_rows(orders, items, nations):
    jn = orders.merge(items, on="k").dropna()
    jn2 = orders.merge(nations, left_on="n", right_on="nk").drop_duplicates()
    return len(jn), jn.price.sum(), len(jn2)


def returned_whole(orders, items, nations):
    jn = orders.merge(nations, left_on="n", right_on="nk")
    return jn[jn.x > 0]


PROGRAMS = [chain, suffixed, renamed_first, whole_rows, returned_whole]


def _widest(jitted):
    (cres,) = jitted.dispatcher.overloads.values()
    return max(len(t.columns) for t in cres.type_annotation.typemap.values()
               if isinstance(t, DataFrameType))


JITTED = {fn.__name__: hpjit.jit(fn) for fn in PROGRAMS}


@pytest.mark.parametrize("n", [1, 5, 200])
@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda fn: fn.__name__)
def test_pruned_program_matches_pandas(fn, n):
    args = tables(n, seed=n)
    assert_same(JITTED[fn.__name__](*args), fn(*args))


def test_merge_chain_carries_only_needed_columns():
    jitted = JITTED["chain"]
    jitted(*tables(5))
    assert _widest(jitted) <= 9  # of the 6 + 5 + 3 columns merged, and v


def test_returned_frame_keeps_every_column():
    jitted = JITTED["returned_whole"]
    jitted(*tables(5))
    assert _widest(jitted) == 9


def test_unknown_column_error_lists_every_column():
    def typo(orders, items, nations):
        jn = orders.merge(items, on="k")
        return jn.groupby("flag")["pricee"].sum()
    with pytest.raises(hpjit.HpjitError, match="pricee") as info:
        hpjit.jit(typo)(*tables(3))
    assert "unused1" in str(info.value)
