"""conformsTo(), elementDefinition() and slice() (fhirpath/functions/structure.py), through the
engine, and the structural check against real data."""

import json
from decimal import Decimal

import pytest

import fhirpath
from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.structure import structure_problem
from fhirpath.model import load_model
from fhirpath.runtime.element import resource_type

CORE = "http://hl7.org/fhir/StructureDefinition/"
VITAL_SIGNS = CORE + "vitalsigns"

PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "name": [{"family": "Chalmers", "given": ["Peter", "James"]}],
    "birthDate": "1974-12-25",
    "_birthDate": {"extension": [{"url": "http://example.org/t", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
    "contact": [{"name": {"family": "du Marché"}}],
    "contained": [{"resourceType": "Organization", "id": "o", "name": "Acme"}],
}
OBSERVATION = {"resourceType": "Observation", "status": "final", "code": {"text": "weight"},
               "valueQuantity": {"value": 185, "unit": "lbs"}}


@pytest.fixture(scope="module")
def engine():
    return fhirpath.Engine("r4")


def with_changes(resource, **changes):
    changed = dict(resource)
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    return changed


# ---- conformsTo() -------------------------------------------------------------------------------

@pytest.mark.parametrize("structure, expected", [
    ("Patient", True),
    ("DomainResource", True),  # base types conform too
    ("Resource", True),
    ("Person", False),
    ("Observation", False),
    ("Patient|4.0.1", True),  # the model's own FHIR version
])
def test_conforms_to_a_core_type_checks_the_type_and_its_base_types(engine, structure, expected):
    assert engine.evaluate(PATIENT, f"conformsTo('{CORE}{structure}')") == [expected]


@pytest.mark.parametrize("expression, expected", [
    (f"birthDate.conformsTo('{CORE}date')", True),
    (f"birthDate.conformsTo('{CORE}string')", False),
    (f"name.first().conformsTo('{CORE}HumanName')", True),
    (f"contact.first().conformsTo('{CORE}BackboneElement')", True),
    (f"contained.first().conformsTo('{CORE}Organization')", True),
    (f"'text'.conformsTo('{CORE}string')", False),  # a System value is no FHIR element
])
def test_conforms_to_works_on_elements_and_primitives(engine, expression, expected):
    assert engine.evaluate(PATIENT, expression) == [expected]


@pytest.mark.parametrize("broken", [
    with_changes(OBSERVATION, status=None),  # required element missing
    with_changes(OBSERVATION, code={}),  # an element without children (ele-1)
    with_changes(OBSERVATION, colour="red"),  # not an element of Observation
    with_changes(OBSERVATION, status=["final"]),  # an array for a single element
    with_changes(OBSERVATION, category={"text": "x"}),  # a single value for a repeating element
    with_changes(OBSERVATION, valueString="x"),  # two types for value[x]
    with_changes(OBSERVATION, issued="yesterday"),  # not an instant
    with_changes(OBSERVATION, status=""),  # empty string
    with_changes(OBSERVATION, valueQuantity={"value": "185"}),  # decimal as a string
    with_changes(OBSERVATION, _status={"extension": [{"valueCode": "x"}]}),  # extension without url
    with_changes(OBSERVATION, _code={"id": "x"}),  # a sidecar beside a complex element
    with_changes(OBSERVATION, contained=[{"resourceType": "Nonsense"}]),
    with_changes(OBSERVATION, category=[None]),  # null without extensions
])
def test_conforms_to_is_false_for_structural_breaks(engine, broken):
    assert engine.evaluate(OBSERVATION, f"conformsTo('{CORE}Observation')") == [True]
    assert engine.evaluate(broken, f"conformsTo('{CORE}Observation')") == [False]


def test_conforms_to_a_profile_is_false_when_the_base_type_fails(engine):
    assert engine.evaluate(PATIENT, f"conformsTo('{VITAL_SIGNS}')") == [False]
    assert engine.evaluate(with_changes(OBSERVATION, status=None), f"conformsTo('{VITAL_SIGNS}')") == [False]


def test_conforms_to_a_profile_raises_when_only_the_profile_could_decide(engine):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(OBSERVATION, f"conformsTo('{VITAL_SIGNS}')")
    assert raised.value.code == "profile-unsupported"
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(OBSERVATION, f"value.conformsTo('{CORE}SimpleQuantity')")
    assert raised.value.code == "profile-unsupported"


@pytest.mark.parametrize("expression, code", [
    ("conformsTo('http://trash')", "unknown-profile"),
    (f"conformsTo('{CORE}Patient|3.0.2')", "unknown-profile"),  # another FHIR version's Patient
    (f"conformsTo('{CORE}Patient.contact')", "unknown-profile"),
    (f"name.given.conformsTo('{CORE}string')", "not-a-singleton"),
])
def test_conforms_to_errors(engine, expression, code):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(PATIENT, expression)
    assert raised.value.code == code


def test_conforms_to_is_empty_for_empty_input_or_structure(engine):
    assert engine.evaluate(PATIENT, f"deceased.conformsTo('{CORE}boolean')") == []
    assert engine.evaluate(PATIENT, "conformsTo({})") == []


def test_conforms_to_needs_a_model():
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.Engine(None).evaluate(PATIENT, f"conformsTo('{CORE}Patient')")
    assert raised.value.code == "model-required"


def test_real_resources_are_structurally_conformant_but_for_three_known_broken_ones(shared):
    """A guard against false negatives: the corpus's first 3,000 resources (the spec examples
    of 130 types, then Synthea), and its bundles (with 1,000 Synthea entries each)."""
    model = load_model("r4")
    resources = []
    with open(shared / "corpus" / "resources-r4.ndjson", encoding="utf-8") as lines:
        for _, line in zip(range(3000), lines):
            resources.append(json.loads(line, parse_float=Decimal))
    for path in sorted((shared / "corpus" / "resources-r4").glob("*/*.json")):
        resources.append(json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal))
    broken = []
    for resource in resources:
        problem = structure_problem(resource, resource_type(resource, model), model)
        if problem is not None:
            broken.append((resource["resourceType"], resource.get("id"), problem))
    # the spec's own examples break these 1..1 cardinalities
    assert sorted(broken) == [
        ("ImplementationGuide", "fhir", "ImplementationGuide: required element 'name' is missing"),
        ("ImplementationGuide", "fhir", "ImplementationGuide: required element 'name' is missing"),
        ("Questionnaire", "qs1", "Questionnaire.item[0].item[19].item[0]: required element 'linkId' is missing"),
    ]


def test_deeply_nested_input_does_not_exhaust_the_stack(engine):
    deep: dict = {"url": "http://example.org/x", "valueString": "leaf"}
    for _ in range(5000):
        deep = {"url": "http://example.org/x", "extension": [deep]}
    patient = {"resourceType": "Patient", "extension": [deep]}
    assert engine.evaluate(patient, f"conformsTo('{CORE}Patient')") == [True]


# ---- elementDefinition() -----------------------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("name.first().elementDefinition().path", ["Patient.name"]),
    ("name.first().elementDefinition().select(min.toString() + '..' + max)", ["0..*"]),
    ("birthDate.elementDefinition().type.code", ["date"]),
    ("id.elementDefinition().base.path", ["Resource.id"]),
    ("name.given.first().elementDefinition().path", ["HumanName.given"]),
    ("contact.first().elementDefinition().type.code", ["BackboneElement"]),
    ("contact.name.elementDefinition().path", ["Patient.contact.name"]),
    ("elementDefinition().path", ["Patient"]),
    ("'text'.elementDefinition()", []),
])
def test_element_definition_describes_path_cardinality_and_type(engine, expression, expected):
    assert engine.evaluate(PATIENT, expression) == expected


def test_element_definition_of_a_choice_lists_its_types_and_is_typed(engine):
    result = engine.evaluate(OBSERVATION, "value.elementDefinition()", typed=True)
    assert [name for name, _ in result] == ["FHIR.ElementDefinition"]
    definition = result[0][1]
    assert definition["path"] == "Observation.value[x]"
    assert {"code": "Quantity"} in definition["type"] and {"code": "Period"} in definition["type"]


def test_element_definition_names_the_target_of_a_content_reference(engine):
    questionnaire = {"resourceType": "Questionnaire", "status": "draft",
                     "item": [{"linkId": "1", "type": "group", "item": [{"linkId": "1.1", "type": "string"}]}]}
    assert engine.evaluate(questionnaire, "item.item.elementDefinition().contentReference") == [
        "#Questionnaire.item"
    ]


# ---- slice() -------------------------------------------------------------------------------------

def test_slice_of_an_empty_input_is_empty(engine):
    assert engine.evaluate(OBSERVATION, f"component.slice('{VITAL_SIGNS}', 'x')") == []


@pytest.mark.parametrize("structure, code", [
    (CORE + "Observation", "unknown-slice"),
    (VITAL_SIGNS, "profile-unsupported"),
    ("http://trash", "unknown-profile"),
])
def test_slice_raises_because_no_slices_are_known(engine, structure, code):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(OBSERVATION, f"code.slice('{structure}', 'x')")
    assert raised.value.code == code
