"""Every case of the official HL7 FHIRPath suites (R4 and R5), one test each.

Results are compared strictly: the number of items, each item's type (`code` is not
`string`) and the FHIRPath literal of each value (`1.0` is not `1`, `@2014` is not
`@2014-01`), in order unless the case says otherwise. Known deviations come from
spec-fixtures/deviations.toml and run as strict expected failures.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

import fhirpath
from fhirpath.errors import (
    FHIRPathError,
    FHIRPathEvaluationError,
    FHIRPathSemanticError,
    FHIRPathSyntaxError,
)
from fhirpath.model import load_model
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Temporal
from tests.conftest import ROOT, SHARED
from tests.conformance.fhir_xml import resource_from_xml
from tests.conformance.suite import Case, load_cases

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEVIATIONS = tomllib.loads((ROOT / "spec-fixtures" / "deviations.toml").read_text(encoding="utf-8"))

EXPECTED_ERROR = {
    "syntax": FHIRPathSyntaxError,
    "semantic": FHIRPathSemanticError,
    "execution": FHIRPathEvaluationError,
    "true": FHIRPathError,
}

#: how a result's qualified type name reads in the suites' <output type="...">
SUITE_TYPE_NAMES = {
    "System.String": "string", "System.Integer": "integer", "System.Long": "long",
    "System.Decimal": "decimal", "System.Boolean": "boolean", "System.Date": "date",
    "System.DateTime": "dateTime", "System.Time": "time", "System.Quantity": "Quantity",
}


def all_cases() -> list:
    if not (SHARED / "fhirpath-tests").is_dir():
        return [pytest.param(None, id="shared-fixtures-missing")]
    params = []
    for release in ("r4", "r5"):
        for case in load_cases(SHARED, release):
            marks = []
            deviation = DEVIATIONS.get(case.id)
            if deviation is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=deviation["reason"]))
            params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def test_every_deviation_names_an_existing_case(shared):
    ids = {case.id for release in ("r4", "r5") for case in load_cases(shared, release)}
    assert sorted(set(DEVIATIONS) - ids) == []
    assert all(entry.get("reason") for entry in DEVIATIONS.values())


@lru_cache(maxsize=None)
def engine(release: str, lenient: bool = False) -> fhirpath.Engine:
    """The suite's engine; a case in a ``lenient/...`` mode gets the lenient one (typed
    choice names such as Observation.valueQuantity, `Engine(typed_choices=True)`)."""
    return fhirpath.Engine(release, typed_choices=lenient)


@lru_cache(maxsize=None)
def input_text(release: str, inputfile: str) -> str:
    return (SHARED / "fhirpath-tests" / release / "input" / inputfile).read_text(encoding="utf-8")


def load_input(release: str, inputfile: str):
    """The case's input as FHIR JSON values: the JSON twin of ``inputfile`` when there is
    one, else the XML itself, converted (tests/conformance/fhir_xml.py). A fresh copy
    each time, so the no-mutation check sees only what this case did."""
    twin = Path(inputfile).stem + ".json"
    if (SHARED / "fhirpath-tests" / release / "input" / twin).is_file():
        return json.loads(input_text(release, twin), parse_float=Decimal)
    return resource_from_xml(input_text(release, inputfile), release)


@pytest.mark.parametrize("case", all_cases())
def test_official_case(case: Case | None):
    if case is None:
        pytest.fail(f"the official suites are missing: {SHARED / 'fhirpath-tests'} (set FHIRPATH_SHARED)")
    resource = None
    if case.inputfile:
        resource = load_input(case.release, case.inputfile)
    before = json.dumps(resource, sort_keys=True, default=str)
    strict = case.mode == "strict"
    run = engine(case.release, lenient=(case.mode or "").startswith("lenient"))
    context = static_context(case, resource)

    if case.invalid is not None:
        expected = EXPECTED_ERROR[case.invalid]
        with pytest.raises(FHIRPathError) as raised:
            run.compile(case.expression, strict=strict, context=context).evaluate(resource)
        assert isinstance(raised.value, expected), f"expected {expected.__name__}, got {raised.value!r}"
    else:
        result = run.compile(case.expression, strict=strict, context=context).evaluate(resource, typed=True)
        if case.predicate:
            result = predicate(result)
        compare_outputs(case, result)

    assert json.dumps(resource, sort_keys=True, default=str) == before, "the input was changed"


def static_context(case: Case, resource) -> str | None:
    """The input's resource type, which the static checks take as the expression's
    context (as the reference harness checks against it), unless the case says
    skipStaticCheck or the model does not know the type (CDA inputs)."""
    if case.attributes.get("skipStaticCheck") == "true" or not isinstance(resource, dict):
        return None
    name = resource.get("resourceType")
    model = load_model(case.release)
    return name if isinstance(name, str) and model.type(name) is not None else None


def predicate(result: list) -> list:
    """The suites' predicate="true": empty is false, a single boolean is itself, else true."""
    if not result:
        return [("System.Boolean", False)]
    if len(result) == 1 and isinstance(result[0][1], bool):
        return result
    return [("System.Boolean", True)]


def compare_outputs(case: Case, result: list) -> None:
    actual = [(suite_type(name), literal(value)) for name, value in result]
    expected = [(output.type, normal_literal(output.text, output.type)) for output in case.outputs]
    if any(output.type is None for output in case.outputs):  # type implied by the literal
        actual = [(None, text) for _, text in actual]
    if case.ordered:
        assert actual == expected
    else:
        assert sorted(actual, key=repr) == sorted(expected, key=repr)


def suite_type(qualified: str | None) -> str | None:
    if qualified is None:
        return None
    return SUITE_TYPE_NAMES.get(qualified) or qualified.split(".", 1)[1]


def literal(value) -> str:
    """A result value as the suites write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Temporal):
        return value.literal().rstrip("T")
    if isinstance(value, Quantity):
        return canonical_quantity(value)
    if isinstance(value, dict) and "value" in value:
        quantity = Quantity.from_fhir(value)
        if quantity is not None:
            return canonical_quantity(quantity)
    return str(value)


def canonical_quantity(quantity: Quantity) -> str:
    return f"{format(quantity.value, 'f')} '{quantity.unit}'"


def normal_literal(text: str, type_name: str | None) -> str:
    if type_name in ("date", "dateTime", "time") or text.startswith("@"):
        return text.rstrip("T")
    if type_name == "Quantity":
        return canonical_quantity(Quantity.parse_literal(text))
    return text
