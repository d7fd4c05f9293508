"""The README's coverage table (made by ``python -m hpjit.coverage``) names every declared
method, and nothing that is no longer declared: a new operation means regenerating it."""
import pathlib
import re

import hpjit.compiler  # noqa: F401  (registers every overload)
from hpjit.coverage import owner_name
from hpjit.typing.operations import OPERATIONS

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_readme_table_names_every_declared_method():
    text = README.read_text()
    section = text[text.index("### Coverage (generated"):]
    section = section[:section.index("\n## ")]
    listed = set(re.findall(r"^\| `([^`]+)` \|", section, re.M))
    declared = {f"{owner_name(k[0])}.{k[1]}" for k in OPERATIONS
                if isinstance(k, tuple) and owner_name(k[0])}
    assert declared - listed == set(), "run python -m hpjit.coverage and update the README"
    assert listed - declared == set(), "the table names a method no longer declared"
