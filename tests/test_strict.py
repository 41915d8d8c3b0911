"""compile(strict=True) and the static checks of a plain compile (fhirpath.analyzer)."""

import json

import pytest

import fhirpath
from fhirpath.api import analyze
from fhirpath.errors import FHIRPathEvaluationError, FHIRPathSemanticError

PATIENT = {"resourceType": "Patient", "name": [{"given": ["Peter"]}], "gender": "male"}
OBSERVATION = {"resourceType": "Observation", "valueQuantity": {"value": 185, "unit": "lbs"}}


@pytest.mark.parametrize(
    "text, context, code, message",
    [
        ("name.given1", "Patient", "unknown-element", "did you mean 'given'?"),
        ("Encounter.name.given", "Patient", "unknown-element", "unknown element 'name' for Encounter"),
        ("Observation.value.unit", None, "choice-needs-type", "value.ofType(Quantity).unit"),
        ("(Observation.value as Period).unit", None, "unknown-element", "for Period"),
        ("Patient.children().skip(1)", None, "undefined-order", "skip() depends on order"),
        ("iif('non boolean criteria', 'a', 'b')", "Patient", "not-a-boolean", "must be a Boolean"),
        ("'a' - 'b'", None, "wrong-operand-type", "the left operand of '-'"),
        ("Patient.gender.as(string1)", None, "unknown-type", "did you mean 'string'?"),
    ],
)
def test_strict_compile_raises_what_can_never_work_with_a_suggestion(text, context, code, message):
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile(text, strict=True, context=context)
    assert raised.value.code == code
    assert message in raised.value.message
    assert raised.value.expression == text and raised.value.span is not None


def test_the_error_underlines_the_unknown_name():
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile("name.given1", strict=True, context="Patient")
    assert raised.value.position == "1:6"
    assert str(raised.value).endswith("  name.given1\n       ^^^^^^")


@pytest.mark.parametrize(
    "text, resource, expected",
    [
        ("name.given1", PATIENT, []),
        ("Observation.value.unit", OBSERVATION, ["lbs"]),
        ("iif('non boolean criteria', 'a', 'b')", PATIENT, ["a"]),
    ],
)
def test_the_same_expressions_compile_and_run_without_strict(text, resource, expected):
    assert fhirpath.compile(text, context=resource["resourceType"]).evaluate(resource) == expected


@pytest.mark.parametrize(
    "text, context, code",
    [
        ("Observation.valueQuantity.exists()", None, "choice-suffix"),
        ("Appointment.identifier.startsWith('rand')", None, "wrong-input-type"),
        ("'987654321'.startsWith(length().toString())", "Patient", "wrong-input-type"),
        ("Patient.name.family.first().substring(2, length() - 5)", None, "wrong-input-type"),
        ("@1974-12-25 + 7", None, "incompatible-operands"),
        ("iif(1 | 2 | 3, true, false)", None, "argument-not-a-singleton"),
    ],
)
def test_a_plain_compile_still_rejects_what_the_suites_call_semantic(text, context, code):
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile(text, context=context)
    assert raised.value.code == code


@pytest.mark.parametrize("text", ["'a' - 'b'", "(1 | 2).not()", "('a' | 'c') in 'b'"])
def test_a_plain_compile_leaves_evaluation_errors_to_evaluation(text):
    expression = fhirpath.compile(text)
    with pytest.raises(FHIRPathEvaluationError):
        expression.evaluate(PATIENT)


def test_the_context_is_part_of_the_cache_key():
    engine = fhirpath.Engine("r4")
    first = engine.compile("name.given", context="Patient")
    assert engine.compile("name.given", context="Patient") is first
    assert engine.compile("name.given", context="Practitioner") is not first
    assert engine.compile("name.given") is not first


def test_an_unknown_context_type_is_a_semantic_error():
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile("name", context="Patinet")
    assert raised.value.code == "unknown-type"


def test_analyze_reports_syntax_errors_as_diagnostics():
    [diagnostic] = analyze("Patient.").diagnostics
    assert (diagnostic.code, diagnostic.severity, diagnostic.start) == ("unexpected-end", "error", 8)


def test_analyze_gives_every_finding_without_raising():
    codes = [d.code for d in analyze("Patient.nmae | Patient.name.given + 1", context="Patient").diagnostics]
    assert codes == ["unknown-element", "not-a-singleton", "incompatible-operands"]


def test_hl7_search_parameters_compile_strictly_for_their_bases(shared):
    engine = fhirpath.Engine("r4")
    failures = []
    for line in (shared / "corpus" / "r4-search-parameters.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        try:
            engine.compile(record["expression"], strict=True, context="|".join(record["base"]))
        except FHIRPathSemanticError as error:
            if error.code != "unknown-function":  # FHIR additions the table may lack
                failures.append((record["id"], error.code))
    assert failures == []
