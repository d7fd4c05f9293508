"""Every pandas method hpjit overloads is declared with its distribution rule (``hpjit.typing.operations``),
so under MPI none silently falls back to running whole on every rank."""
import inspect

import pytest
from numba.core.typing.templates import _OverloadMethodTemplate, builtin_registry

import hpjit  # noqa: F401  registers every overload
from hpjit.ml.estimator import EstimatorType
from hpjit.transforms.distributed_pass import form_of
from hpjit.typing import operations
from hpjit.typing.accessors import DtAccessorType, StrAccessorType
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.groupby import GroupByType
from hpjit.typing.io_parquet import ParquetTableType
from hpjit.typing.series import SeriesType

#: types whose values are split by rows: each of their methods needs a rule
ROW_TYPES = (DataFrameType, SeriesType, GroupByType, StrAccessorType, DtAccessorType,
             ParquetTableType, EstimatorType)


def _overloaded_methods():
    return sorted({(t.key, t._attr) for t in builtin_registry.attributes
                   if isinstance(t, type) and issubclass(t, _OverloadMethodTemplate)
                   and t.key in ROW_TYPES}, key=lambda k: (k[0].__name__, k[1]))


def test_methods_are_found():
    found = _overloaded_methods()
    assert (SeriesType, "map") in found and (GroupByType, "sum") in found
    assert len(found) > 60


def test_every_overloaded_method_has_a_rule():
    missing = [f"{cls.__name__}.{name}" for cls, name in _overloaded_methods()
               if operations.lookup((cls, name)) is None]
    assert missing == []


def test_every_form_resolves():
    for key, op in operations.OPERATIONS.items():
        if op.rule in operations.NEEDS_FORM:
            assert callable(form_of(op)), key


@pytest.mark.parametrize("key", [(SeriesType, "value_counts"), (DataFrameType, "sort_values"),
                                 (GroupByType, "cumsum"), (DataFrameType, "merge")])
def test_forms_are_marked_with_their_collectives(key):
    assert operations.collective_of(form_of(operations.lookup(key)))


def test_spec_rules_name_their_typer_parameters():
    """The distributed pass reads a call's arguments by the typer's parameter names."""
    for key, op in operations.OPERATIONS.items():
        if op.rule in (operations.SHUFFLE, operations.JOIN):
            assert op.spec is not None and op.typer is not None, key
            assert inspect.signature(op.typer).parameters, key


def test_a_rule_without_its_form_is_refused():
    with pytest.raises(ValueError, match="needs its distributed form"):
        operations.declare(SeriesType, "not_a_method", operations.SHUFFLE)
    with pytest.raises(ValueError, match="unknown distribution rule"):
        operations.declare(SeriesType, "not_a_method", "sideways")
    assert operations.lookup((SeriesType, "not_a_method")) is None
