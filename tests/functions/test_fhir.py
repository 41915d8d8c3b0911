"""FHIR additions in fhirpath/functions/fhir.py, evaluated through the engine: extension(),
hasValue(), getValue(), resolve() and checkModifiers() (FHIR fhirpath.html#functions)."""

import copy
import json

import pytest

import fhirpath
from fhirpath.errors import FHIRPathEvaluationError

BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"

PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "extension": [{"url": "http://example.org/a", "valueString": "on the resource"}],
    "modifierExtension": [{"url": "http://example.org/mod", "valueBoolean": True}],
    "birthDate": "1974-12-25",
    "_birthDate": {"extension": [{"url": BIRTH_TIME, "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
    "name": [
        {
            "extension": [{"url": "http://example.org/b", "valueCode": "x"}],
            "given": [None, "James"],
            "_given": [{"extension": [{"url": "http://example.org/syllables", "valueInteger": 2}]}],
        }
    ],
    "contained": [
        {"resourceType": "Organization", "id": "org", "partOf": {"reference": "#parent"}},
        {"resourceType": "Organization", "id": "parent", "name": "Parent"},
    ],
    "managingOrganization": {"reference": "#org"},
    "generalPractitioner": [{"reference": "#"}, {"reference": "#missing"}, {"display": "no reference"}],
}


def bundle(*entries):
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries]}


OBSERVATION = {"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "x"},
               "subject": {"reference": "Patient/p1"}}
BUNDLE = bundle(
    ("http://server/fhir/Observation/o1", OBSERVATION),
    ("http://server/fhir/Patient/p1", {"resourceType": "Patient", "id": "p1", "gender": "male"}),
    ("urn:uuid:0b8c6e6a-4bd1-4a83-8f4b-5a8e3a1d7f00", {"resourceType": "Patient", "gender": "female"}),
    ("urn:uuid:9d3f2a52-1f0a-4b47-9e59-b1f0b96c6c11",
     {"resourceType": "Observation", "status": "final", "code": {"text": "y"},
      "subject": {"reference": "urn:uuid:0b8c6e6a-4bd1-4a83-8f4b-5a8e3a1d7f00"},
      "focus": [{"reference": "Patient/p1"}, {"reference": "Patient/p1/_history/2"}]}),
    ("http://server/fhir/ValueSet/vs", {"resourceType": "ValueSet", "url": "http://example.org/vs",
                                         "version": "1.0", "status": "active"}),
)


@pytest.fixture(scope="module")
def engine():
    return fhirpath.Engine("r4")


def run(engine, resource, expression):
    before = json.dumps(resource, sort_keys=True)
    result = engine.evaluate(resource, expression)
    assert json.dumps(resource, sort_keys=True) == before, "the input was changed"
    return result


# ---- extension() -------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("extension('http://example.org/a').value", ["on the resource"]),
    ("name.extension('http://example.org/b').value", ["x"]),
    (f"birthDate.extension('{BIRTH_TIME}').exists()", [True]),
    ("birthDate.extension(%`ext-patient-birthTime`).exists()", [True]),
    ("name.given.extension('http://example.org/syllables').value", [2]),
    ("extension('http://example.org/other')", []),
    ("extension('')", []),
    ("extension({})", []),
    ("modifierExtension.exists() and extension('http://example.org/mod').empty()", [True]),
])
def test_extension_filters_the_extensions_of_resources_elements_and_primitives(engine, expression, expected):
    assert run(engine, PATIENT, expression) == expected


def test_extension_results_are_typed_extensions(engine):
    result = engine.evaluate(PATIENT, f"birthDate.extension('{BIRTH_TIME}')", typed=True)
    assert [name for name, _ in result] == ["FHIR.Extension"]


# ---- hasValue(), getValue() --------------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("birthDate.hasValue()", [True]),
    ("name.given.select($this.hasValue())", [False, True]),
    ("name.given.hasValue()", [False]),  # more than one item
    ("name.hasValue()", [False]),  # complex
    ("deceased.hasValue()", [False]),  # empty
    ("'text'.hasValue()", [True]),  # a System value has a value
])
def test_has_value_is_true_only_for_a_single_primitive_with_a_value(engine, expression, expected):
    assert run(engine, PATIENT, expression) == expected


@pytest.mark.parametrize("expression, expected_type", [
    ("birthDate.getValue()", "System.Date"),
    ("id.getValue()", "System.String"),
])
def test_get_value_gives_the_system_value_of_a_primitive(engine, expression, expected_type):
    result = engine.evaluate(PATIENT, expression, typed=True)
    assert [name for name, _ in result] == [expected_type]


@pytest.mark.parametrize("expression", [
    "name.getValue()", "name.given.getValue()", "name.given.first().getValue()", "deceased.getValue()",
])
def test_get_value_is_empty_without_a_single_value(engine, expression):
    assert run(engine, PATIENT, expression) == []


def test_is_tells_a_fhir_primitive_from_its_system_value(engine):
    assert run(engine, PATIENT, "birthDate.is(FHIR.date) and birthDate.getValue().is(System.Date)") == [True]


# ---- resolve(): contained ------------------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("managingOrganization.resolve().id", ["org"]),
    ("managingOrganization.reference.resolve().id", ["org"]),
    ("managingOrganization.resolve().partOf.resolve().name", ["Parent"]),  # a sibling, seen from inside
    ("generalPractitioner.resolve().id", ["p1"]),  # '#' is the container itself
    ("'#parent'.resolve().name", ["Parent"]),  # a System string is read against %resource
    ("generalPractitioner[1].resolve()", []),
    ("generalPractitioner[2].resolve()", []),
    ("managingOrganization.resolve() is Organization", [True]),
])
def test_resolve_finds_contained_resources(engine, expression, expected):
    assert run(engine, PATIENT, expression) == expected


def test_resolve_follows_contained_references_like_the_suite_case_multiple_resolve(engine):
    report = {
        "resourceType": "DiagnosticReport", "id": "r", "status": "final", "code": {"text": "x"},
        "contained": [
            {"resourceType": "Composition", "id": "comp", "section": [{"entry": [{"reference": "#obs2"}]}]},
            {"resourceType": "Observation", "id": "obs1", "hasMember": [{"reference": "#obs2"}]},
            {"resourceType": "Observation", "id": "obs2"},
        ],
        "result": [{"reference": "#obs1"}],
    }
    expression = ("contained.where(id = 'comp').section.entry.reference.where(resolve() is Observation)"
                  ".where($this in %resource.result.reference.resolve().hasMember.reference).exists()")
    assert run(engine, report, expression) == [True]


# ---- resolve(): Bundle ---------------------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    # relative, made absolute against the referring entry's RESTful fullUrl
    ("entry[0].resource.subject.resolve().gender", ["male"]),
    # urn:uuid
    ("entry[3].resource.subject.resolve().gender", ["female"]),
    # relative from an entry with a urn fullUrl: matched on type and id (a version is
    # accepted when the resource states none)
    ("entry[3].resource.focus.resolve().id", ["p1", "p1"]),
    # absolute
    ("'http://server/fhir/Patient/p1'.resolve().gender", ["male"]),
    ("'Patient/p1'.resolve().gender", ["male"]),
    # canonical, with and without a version
    ("'http://example.org/vs'.resolve().version", ["1.0"]),
    ("'http://example.org/vs|1.0'.resolve().version", ["1.0"]),
    ("'http://example.org/vs|2.0'.resolve()", []),
    # not there
    ("'Patient/p2'.resolve()", []),
    ("'urn:uuid:00000000-0000-0000-0000-000000000000'.resolve()", []),
    ("'http://elsewhere/fhir/Patient/p1'.resolve()", []),
])
def test_resolve_finds_bundle_entries(engine, expression, expected):
    assert run(engine, BUNDLE, expression) == expected


def test_resolve_checks_the_version_of_a_versioned_reference(engine):
    versioned = copy.deepcopy(BUNDLE)
    versioned["entry"][1]["resource"]["meta"] = {"versionId": "3"}
    assert run(engine, versioned, "'Patient/p1/_history/3'.resolve().id") == ["p1"]
    assert run(engine, versioned, "'Patient/p1/_history/2'.resolve()") == []
    assert run(engine, versioned, "'http://server/fhir/Patient/p1/_history/3'.resolve().id") == ["p1"]


def test_resolve_ignores_items_that_are_not_references(engine):
    assert run(engine, BUNDLE, "entry.resource.status.resolve() | 5.resolve() | {}.resolve()") == []


def test_resolve_returns_typed_resource_nodes(engine):
    result = engine.evaluate(BUNDLE, "entry[0].resource.subject.resolve()", typed=True)
    assert [name for name, _ in result] == ["FHIR.Patient"]


def test_resolve_works_without_a_model():
    plain = fhirpath.Engine(None)
    assert plain.evaluate(PATIENT, "managingOrganization.resolve().id") == ["org"]
    assert plain.evaluate(BUNDLE, "entry[3].resource.subject.resolve().gender") == ["female"]


# ---- checkModifiers() ------------------------------------------------------------------------------

def test_check_modifiers_returns_the_input_when_every_modifier_is_expected(engine):
    assert run(engine, PATIENT, "checkModifiers('http://example.org/mod').id") == ["p1"]
    assert run(engine, PATIENT, "name.checkModifiers().family.exists()") == [False]
    assert run(engine, PATIENT, "name.checkModifiers().count()") == [1]


@pytest.mark.parametrize("expression", ["checkModifiers()", "checkModifiers('http://example.org/other')"])
def test_check_modifiers_fails_on_an_unexpected_modifier(engine, expression):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(PATIENT, expression)
    assert raised.value.code == "unexpected-modifier"


@pytest.mark.parametrize("expression", ["checkModifiers(%resource)", "-0.checkModifiers(name)", "checkModifiers(1)"])
def test_check_modifiers_takes_only_strings(engine, expression):
    """Fuzz finding: a resource as the argument raised TypeError (unhashable dict)."""
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(PATIENT, expression)
    assert raised.value.code == "wrong-argument-type" and raised.value.start is not None


# ---- the table ---------------------------------------------------------------------------------

#: the functions FHIR's fhirpath.html#functions adds or restates
FHIR_FUNCTIONS = ("extension", "hasValue", "getValue", "trace", "resolve", "as", "ofType", "elementDefinition",
                  "slice", "checkModifiers", "conformsTo", "memberOf", "subsumes", "subsumedBy", "htmlChecks")


def test_every_function_of_the_fhir_page_is_in_the_table():
    from fhirpath.functions.table import FUNCTIONS

    assert [name for name in FHIR_FUNCTIONS if name not in FUNCTIONS] == []
