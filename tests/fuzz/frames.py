"""The fuzzer's inputs: frames of every column type hpjit supports, with missing values."""
import numpy as np
import pandas as pd

WORDS = np.array(["a", "b", "ab", "Bc", "ä", "日本", " x "], dtype=object)

#: column name → what it holds; a program's schema is a subset of these names
KINDS = {
    "k": "int64 keys 0..4",
    "x": "int64 values",
    "f": "float64 with NaN",
    "b": "bool",
    "s": "str with missing values",
    "t": "datetime64[us] with NaT",
    "n": "Int64 (nullable) with <NA>",
    "d": "str of timestamps (text to parse)",
}

#: the rows of the frames a program runs on: none, one, a few, many
SIZES = (0, 1, 3, 300)


def column(name, n, rng):
    missing = rng.random(n) < 0.2
    if name == "k":
        return rng.integers(0, 5, n)
    if name == "x":
        return rng.integers(-1000, 1000, n)
    if name == "f":
        values = rng.integers(-40, 40, n) / 4.0
        values[missing] = np.nan
        return values
    if name == "b":
        return rng.random(n) < 0.5
    if name == "s":
        values = WORDS[rng.integers(0, len(WORDS), n)]
        values[missing] = None
        return pd.array(values, dtype="str")
    if name == "t":
        values = np.datetime64("2024-02-27", "us") + rng.integers(0, 5 * 86400, n).astype(
            "timedelta64[s]")
        values[missing] = np.datetime64("NaT")
        return values.astype("datetime64[us]")
    if name == "n":
        return pd.array(np.where(missing, None, rng.integers(-9, 9, n)).tolist(), dtype="Int64")
    if name == "d":
        times = np.datetime64("2023-12-31T22:00:00") + rng.integers(0, 3 * 86400, n).astype(
            "timedelta64[s]")
        text = np.array([t.replace("T", " ") for t in np.datetime_as_string(times, unit="s")],
                        dtype=object)
        return pd.array(text, dtype="str")
    raise ValueError(f"unknown fuzz column {name!r}")


def make(schema, n, seed):
    """The frame of ``schema``'s columns with ``n`` rows, the same for the same arguments."""
    rng = np.random.default_rng([seed, n])
    return pd.DataFrame({name: column(name, n, rng) for name in schema})


def literal(frame):
    """Python source that builds ``frame`` (for a printed repro)."""
    columns = []
    for name in frame.columns:
        col = frame[name]
        values = [None if pd.isna(v) else (str(v) if col.dtype.kind == "M" else v)
                  for v in col.tolist()]
        columns.append(f"    {name!r}: pd.Series({values!r}, dtype={str(col.dtype)!r}),")
    return "df = pd.DataFrame({\n" + "\n".join(columns) + "\n})"
