"""Instance selectors (fhirpath/functions/instances.py): the spec's examples, checks at
compile time, and results that behave like data read from a resource."""

from decimal import Decimal as D

import pytest

import fhirpath
from fhirpath.errors import FHIRPathEvaluationError, FHIRPathSemanticError
from fhirpath.runtime.temporal import DateTime

PATIENT = {
    "resourceType": "Patient",
    "gender": "male",
    "_gender": {"extension": [{"url": "http://example.org/x", "valueString": "x"}]},
    "name": [{"given": ["Peter", "James"]}],
}


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("Coding { system : 'http://example.org/demo', code : 'c1' }",
         [{"system": "http://example.org/demo", "code": "c1"}]),
        ("FHIR.Identifier { system : 'http://example.org/demo', value : 'N0001231' }",
         [{"system": "http://example.org/demo", "value": "N0001231"}]),
        ("Identifier { type : CodeableConcept { coding: Coding { system: 'http://terminology.hl7.org/CodeSystem/v2-0203',"
         " code: 'MR' } }, system : 'urn:oid:1.2.36.146.595.217.0.1', value : '12345', period : Period { start: @2001-05-06 } }",
         [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
           "system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345", "period": {"start": "2001-05-06"}}]),
        ("Period {:}", [{}]),
        ("Coding { system: 'x', code: {} }", [{"system": "x"}]),
        ("CodeableConcept { coding: Coding { system: 'a', code: 'MR' } | Coding { system: 'b', code: 'mr' } }",
         [{"coding": [{"system": "a", "code": "MR"}, {"system": "b", "code": "mr"}]}]),
        ("code { value: 'final' }", ["final"]),
        ("decimal { value: 1 }", [D(1)]),
        ("Observation { value: 5 'mg' }",
         [{"resourceType": "Observation",
           "valueQuantity": {"value": D(5), "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}]),
        ("Observation { value: true }", [{"resourceType": "Observation", "valueBoolean": True}]),
    ],
)
def test_instance_selectors_build_the_spec_examples(expression, expected):
    assert fhirpath.evaluate(PATIENT, expression) == expected


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("Coding { system: 'x', code: 'y' }.is(Coding)", [True]),
        ("Period { start: @2001-05-06 }.start", [DateTime.parse_literal("2001-05-06T")]),
        ("Period { start: @2001-05-06 }.start < @2002", [True]),
        ("Observation { value: 5 'mg' }.value + 1 'g'", [fhirpath.evaluate(None, "1005 'mg'")[0]]),
        ("code { value: 'final' }.is(code)", [True]),
        ("Patient.select(Coding { system: 'http://hl7.org/fhir/administrative-gender', code: gender }).code",
         ["male"]),
        ("Coding { code: gender }.code.extension.value", ["x"]),
        ("HumanName { given: name.given }.given.count()", [2]),
        ("Patient { contained: Patient { id: 'x' } }.contained.id", ["x"]),
    ],
)
def test_created_instances_navigate_like_resource_data(expression, expected):
    assert fhirpath.evaluate(PATIENT, expression) == expected


def test_the_input_is_left_alone_and_complex_values_are_shared_not_copied():
    result = fhirpath.evaluate(PATIENT, "HumanName { given: name.given }")
    assert result == [{"given": ["Peter", "James"]}]
    [built] = fhirpath.evaluate(PATIENT, "Patient { name: name }")
    assert built["name"][0] is PATIENT["name"][0]


def test_an_empty_input_gives_empty_and_several_items_are_an_error():
    assert fhirpath.evaluate(None, "Coding { code: 'x' }") == []
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.evaluate([PATIENT, PATIENT], "Coding { code: 'x' }")
    assert raised.value.code == "not-a-singleton"


@pytest.mark.parametrize(
    "expression, code",
    [
        ("Foo { a: 1 }", "unknown-type"),
        ("Coding { foo: 'x' }", "unknown-element"),
        ("Coding { code: 'a', code: 'b' }", "invalid-instance"),
        ("Resource {:}", "invalid-instance"),
        ("String { value: 'x' }", "invalid-instance"),
        ("code { id: 'x' }", "unknown-element"),
    ],
)
def test_wrong_types_and_element_names_fail_at_compile_time(expression, code):
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile(expression)
    assert raised.value.code == code
    assert raised.value.start == 0


@pytest.mark.parametrize(
    "expression, code",
    [
        ("Coding { code: 5 }", "invalid-instance-value"),
        ("Identifier { period: Coding { code: 'x' } }", "invalid-instance-value"),
        ("HumanName { family: name.given }", "not-a-singleton"),
        ("code { value: true }", "invalid-instance-value"),
    ],
)
def test_values_that_do_not_fit_their_element_are_evaluation_errors(expression, code):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.evaluate(PATIENT, expression)
    assert raised.value.code == code


def test_without_a_model_a_plain_json_object_is_built():
    assert fhirpath.evaluate({}, "Coding { code: 'x', system: 'y' | 'z' }", model=None) == [
        {"code": "x", "system": ["y", "z"]}
    ]
