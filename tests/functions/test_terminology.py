"""memberOf(), subsumes() and subsumedBy() (fhirpath/functions/terminology.py) against value
sets and code systems carried in the input; anything else is `terminology-unavailable`."""

import pytest

import fhirpath
from fhirpath.errors import FHIRPathEvaluationError

SHAPES = "http://example.org/shapes"
COLOURS = "http://example.org/colours"

CODE_SYSTEM = {
    "resourceType": "CodeSystem", "id": "shapes", "url": SHAPES, "status": "active", "content": "complete",
    "concept": [
        {"code": "shape", "concept": [
            {"code": "polygon", "concept": [{"code": "square"}, {"code": "triangle"}]},
            {"code": "round", "concept": [{"code": "circle"}]},
        ]},
        {"code": "ellipse", "property": [{"code": "parent", "valueCode": "round"}]},
    ],
}
ENUMERATED = {"resourceType": "ValueSet", "id": "few", "url": "http://example.org/vs/few", "status": "active",
              "compose": {"include": [{"system": SHAPES, "concept": [{"code": "square"}, {"code": "circle"}]}]}}
POLYGONS = {"resourceType": "ValueSet", "id": "polygons", "url": "http://example.org/vs/polygons",
            "status": "active",
            "compose": {"include": [{"system": SHAPES, "filter": [{"property": "concept", "op": "is-a",
                                                                  "value": "polygon"}]}]}}
ROUND_BUT_NOT_CIRCLES = {
    "resourceType": "ValueSet", "id": "round", "url": "http://example.org/vs/round", "status": "active",
    "compose": {"include": [{"system": SHAPES, "filter": [{"property": "concept", "op": "descendent-of",
                                                           "value": "round"}]}],
                "exclude": [{"system": SHAPES, "concept": [{"code": "circle"}]}]},
}
EXPANDED = {"resourceType": "ValueSet", "id": "expanded", "url": "http://example.org/vs/expanded",
            "status": "active",
            "expansion": {"timestamp": "2024-01-01", "contains": [
                {"system": SHAPES, "code": "shape", "abstract": True,
                 "contains": [{"system": SHAPES, "code": "square"}]},
                {"system": COLOURS, "code": "red"}]}}
IMPORTS = {"resourceType": "ValueSet", "id": "imports", "url": "http://example.org/vs/imports",
           "status": "active", "compose": {"include": [{"valueSet": ["http://example.org/vs/few"]}]}}
WHOLE_SYSTEM = {"resourceType": "ValueSet", "id": "all", "url": "http://example.org/vs/all", "status": "active",
                "compose": {"include": [{"system": SHAPES}]}}
ELSEWHERE = {"resourceType": "ValueSet", "id": "elsewhere", "url": "http://example.org/vs/elsewhere",
             "status": "active", "compose": {"include": [{"system": "http://loinc.org"}]}}
REGEX = {"resourceType": "ValueSet", "id": "regex", "url": "http://example.org/vs/regex", "status": "active",
         "compose": {"include": [{"system": SHAPES, "filter": [{"property": "code", "op": "regex",
                                                                "value": "s.*"}]}]}}


def coding(code, system=SHAPES):
    return {"system": system, "code": code}


OBSERVATION = {
    "resourceType": "Observation", "id": "o", "status": "final",
    "contained": [CODE_SYSTEM, ENUMERATED, POLYGONS, ROUND_BUT_NOT_CIRCLES, EXPANDED, IMPORTS, WHOLE_SYSTEM,
                  ELSEWHERE, REGEX],
    "code": {"coding": [coding("triangle"), coding("ellipse")]},
    "valueCodeableConcept": {"coding": [coding("square")]},
    "method": {"coding": [coding("polygon")]},
    "interpretation": [{"coding": [coding("round")]}],
    "component": [
        {"code": {"coding": [coding("circle")]}},
        {"code": {"coding": [coding("red", COLOURS)]}},
    ],
}


@pytest.fixture(scope="module")
def engine():
    return fhirpath.Engine("r4")


@pytest.mark.parametrize("expression, expected", [
    ("value.memberOf('http://example.org/vs/few')", True),
    ("value.coding.memberOf('http://example.org/vs/few')", True),
    ("code.memberOf('http://example.org/vs/few')", False),
    ("code.memberOf('http://example.org/vs/polygons')", True),  # triangle is-a polygon
    ("component[0].code.memberOf('http://example.org/vs/polygons')", False),
    ("code.coding[1].memberOf('http://example.org/vs/round')", True),  # ellipse: parent property
    ("component[0].code.memberOf('http://example.org/vs/round')", False),  # excluded
    ("value.memberOf('http://example.org/vs/expanded')", True),
    ("component[1].code.memberOf('http://example.org/vs/expanded')", True),
    ("code.memberOf('http://example.org/vs/expanded')", False),
    ("value.memberOf('http://example.org/vs/imports')", True),
    ("component[0].code.memberOf('#all')", True),
    ("'triangle'.memberOf('http://example.org/vs/all')", True),  # one code system: a string is enough
    ("'nonagon'.memberOf('http://example.org/vs/all')", False),
    ("status.memberOf('http://example.org/vs/few')", False),
])
def test_member_of_reads_value_sets_and_code_systems_in_the_input(engine, expression, expected):
    assert engine.evaluate(OBSERVATION, expression) == [expected]


@pytest.mark.parametrize("expression", [
    "'square'.memberOf('http://example.org/vs/expanded')",  # two code systems: which one?
    "component.code.memberOf('http://example.org/vs/few')",  # more than one item
    "{}.memberOf('http://example.org/vs/few')",
    "value.memberOf({})",
    "5.memberOf('http://example.org/vs/few')",
])
def test_member_of_is_empty_when_it_cannot_be_asked(engine, expression):
    assert engine.evaluate(OBSERVATION, expression) == []


@pytest.mark.parametrize("expression", [
    "value.memberOf('http://hl7.org/fhir/ValueSet/observation-codes')",  # not in the input
    "'1234-5'.memberOf('http://example.org/vs/elsewhere')",  # LOINC is not in the input
    "value.memberOf('http://example.org/vs/regex')",  # a filter needing a server
])
def test_member_of_raises_when_the_terminology_is_not_in_the_input(engine, expression):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(OBSERVATION, expression)
    assert raised.value.code == "terminology-unavailable"


def test_member_of_finds_value_sets_in_the_bundle():
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": "urn:uuid:1", "resource": CODE_SYSTEM},
                        {"fullUrl": "urn:uuid:2", "resource": POLYGONS},
                        {"fullUrl": "urn:uuid:3", "resource": {"resourceType": "Observation", "status": "final",
                                                               "code": {"coding": [coding("square")]}}}]}
    engine = fhirpath.Engine("r4")
    assert engine.evaluate(bundle, "entry[2].resource.code.memberOf('http://example.org/vs/polygons')") == [True]


def test_a_fragment_code_system_cannot_say_no():
    fragment = dict(CODE_SYSTEM, content="fragment")
    resource = dict(OBSERVATION, contained=[fragment, WHOLE_SYSTEM])
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.Engine("r4").evaluate(resource, "value.memberOf('http://example.org/vs/all')")
    assert raised.value.code == "terminology-unavailable"


@pytest.mark.parametrize("expression, expected", [
    ("code.coding[0].subsumedBy(method.coding)", [True]),
    ("code.coding[0].subsumedBy(interpretation.coding)", [False]),
    ("code.coding[1].subsumedBy(interpretation.coding)", [True]),  # via the parent property
    ("code.subsumedBy(interpretation.coding)", [True]),  # any coding of a CodeableConcept
    ("method.coding.subsumes(code.coding[0])", [True]),
    ("interpretation.coding.subsumes(code.coding[0])", [False]),
    ("code.coding[0].subsumes(code.coding[0])", [True]),  # equal codes
    ("code.coding[0].subsumes(method.coding)", [False]),
    ("component[1].code.subsumes(method.coding)", []),  # different code systems
    ("code.coding.subsumes(method.coding)", []),  # more than one item
    ("code.coding[0].subsumes({})", []),
])
def test_subsumption_follows_the_code_system_hierarchy(engine, expression, expected):
    assert engine.evaluate(OBSERVATION, expression) == expected


def test_subsumption_needs_the_code_system_unless_the_codes_are_equal(engine):
    resource = dict(OBSERVATION, contained=[])
    assert engine.evaluate(resource, "code.coding[0].subsumes(code.coding[0])") == [True]
    with pytest.raises(FHIRPathEvaluationError) as raised:
        engine.evaluate(resource, "code.coding[0].subsumes(code.coding[1])")
    assert raised.value.code == "terminology-unavailable"
