import json

import pytest

from fhirpath.analyzer import ALWAYS_RAISED, Analyzer, first_error
from fhirpath.errors import Diagnostic, FHIRPathSemanticError
from fhirpath.functions.spec import EXPR, SAME_AS_INPUT, VALUE, Flow, FunctionSpec, Param
from fhirpath.functions.table import FUNCTIONS
from fhirpath.model import load_model
from fhirpath.parser import parse_located

#: defineVariable() as the spec has it (§5.10.4), whether or not the table has it yet
DEFINE_VARIABLE = FunctionSpec(
    "defineVariable", lambda ctx, focus, name, projection: focus,
    (Param("name", VALUE, "String"), Param("projection", EXPR, optional=True)), returns=SAME_AS_INPUT,
)
R4 = Analyzer(load_model("r4"), {**FUNCTIONS, "defineVariable": DEFINE_VARIABLE})


def analyze(text: str, context: str | None = None, analyzer: Analyzer = R4, **options):
    tree, base = parse_located(text)
    return analyzer.analyze(tree, base, context=context, **options)


@pytest.mark.parametrize(
    "text, context, described",
    [
        ("Patient.name.given", None, "FHIR.string [0..*]"),
        ("Patient.birthDate", None, "FHIR.date [0..1]"),
        ("name.given", "Patient", "FHIR.string [0..*]"),
        ("name.given", None, "Any [0..*]"),
        ("Patient.name.first()", None, "FHIR.HumanName [0..1]"),
        ("Patient.name.count()", None, "System.Integer [0..1]"),
        ("Patient.name.select(given)", None, "FHIR.string [0..*]"),
        ("Patient.name.where(use = 'official')", None, "FHIR.HumanName [0..*]"),
        ("Patient.contact.name", None, "FHIR.HumanName [0..*]"),
        ("Observation.value.ofType(Quantity)", None, "FHIR.Quantity [0..1]"),
        ("(Observation.value as Quantity).unit", None, "FHIR.string [0..1]"),
        ("Observation.value as Period", None, "FHIR.Period [0..1]"),
        ("Bundle.entry.resource.ofType(Patient).name", None, "FHIR.HumanName [0..*]"),
        ("Bundle.entry.resource.name.family", None, "FHIR.string [0..*]"),
        ("1 + 2.5", None, "System.Decimal [0..1]"),
        ("7 div 2", None, "System.Integer [0..1]"),
        ("1 / 2", None, "System.Decimal [0..1]"),
        ("'a' + 'b'", None, "System.String [0..1]"),
        ("@2020-01-01 + 1 day", None, "System.Date [0..1]"),
        # operand pairs from the table's type_pairs, one side implicitly converted if need be
        ("1L + 2", None, "System.Long [0..1]"),
        ("2 * 3 'mg'", None, "System.Quantity [0..1]"),
        ("-(1L)", None, "System.Long [0..1]"),
        ("@2014 < @2014-01-01T10:00", None, "System.Boolean [0..1]"),
        ("@2014.hourOf()", None, "System.Integer [0..1]"),
        ("Patient.name.is(HumanName)", None, "System.Boolean [0..1]"),
        ("Patient.birthDate + 1 year", None, "System.Date [0..1]"),
        ("1 | 2", None, "System.Integer [0..*]"),
        ("{} | true", None, "System.Boolean [0..1]"),
        ("{}", None, "empty [0..1]"),
        ("Patient.name.given.first().length()", None, "System.Integer [0..1]"),
        ("'a,b'.split(',')", None, "System.String [0..*]"),
        ("iif(true, 'a', 'b')", None, "System.String [0..1]"),
        ("Patient.active is Boolean", None, "System.Boolean [0..1]"),
        ("%resource.id", "Patient.contact", "FHIR.id [0..1]"),
        ("%ucum", None, "System.String [0..1]"),
        ("defineVariable('n', name.first()).select(%n.given)", "Patient", "FHIR.string [0..*]"),
    ],
)
def test_every_expression_gets_a_static_type(text, context, described):
    assert analyze(text, context).result.describe() == described


#: (text, context, code, severity, the text the diagnostic underlines, part of its message)
DIAGNOSTICS = [
    ("Patient.nmae", None, "unknown-element", "error", "nmae", "did you mean 'name'?"),
    ("name.given1", "Patient", "unknown-element", "error", "given1", "did you mean 'given'?"),
    ("(Observation.value as Period).unit", None, "unknown-element", "error", "unit", "for Period"),
    ("Patient.name.frist()", None, "unknown-function", "error", "frist()", "did you mean 'first'?"),
    ("Patient.name.first(1)", None, "wrong-arity", "error", "first(1)", "takes 0 arguments but got 1"),
    ("Observation.valueQuantity.unit", None, "choice-suffix", "error", "valueQuantity", "value.ofType(Quantity)"),
    ("Observation.value.unit", None, "choice-needs-type", "error", "unit", "value.ofType(Quantity).unit"),
    ("Encounter.status", "Patient", "wrong-context", "warning", "Encounter", "never matches the context"),
    ("Appointment.identifier.startsWith('x')", None, "wrong-input-type", "error", "startsWith('x')",
     "takes String, not FHIR.Identifier"),
    ("'987654321'.startsWith(length().toString())", "Patient", "wrong-input-type", "error", "length()",
     "not FHIR.Patient"),
    ("'abc'.startsWith(1)", None, "wrong-argument-type", "error", "1", "the prefix of startsWith() must be String"),
    ("Patient.name[true]", None, "wrong-argument-type", "error", "true", "an index must be an Integer"),
    ("@1974-12-25 + 7", None, "incompatible-operands", "error", "+", "cannot combine System.Date"),
    ("'a' - 'b'", None, "wrong-operand-type", "error", "-", "the left operand of '-' is System.String"),
    ("(1 | 2) + 3", None, "not-a-singleton", "error", "+", "must be a single item, but it has 2"),
    ("(1 | 2).single()", None, "not-a-singleton", "error", "single()", "the input of single()"),
    ("Patient.name.given + 'x'", None, "not-a-singleton", "warning", "+", "may have more than one item"),
    ("Patient.name.given.startsWith('x')", None, "not-a-singleton", "warning", "startsWith('x')",
     "the input of startsWith()"),
    ("iif(1 | 2 | 3, true, false)", None, "argument-not-a-singleton", "error", "1 | 2 | 3", "it has 3"),
    ("iif('non boolean', 1, 2)", None, "not-a-boolean", "error", "'non boolean'", "must be a Boolean"),
    ("Patient.name.where(given)", None, "not-a-boolean", "error", "given", "the criteria of where()"),
    ("(1).not()", None, "not-a-boolean", "warning", "not()", "takes Booleans"),
    ("Patient.active and 'x'", None, "not-a-boolean", "warning", "and", "counts as true"),
    ("Patient.birthDate = 'x'", None, "incompatible-operands", "warning", "=", "never equal"),
    ("Patient.children().skip(1)", None, "undefined-order", "error", "skip(1)", "depends on order"),
    ("Patient.descendants()[0]", None, "undefined-order", "error", "[0]", "indexing depends on order"),
    ("%foo", None, "unknown-variable", "warning", "%foo", "unless the caller passes it"),
    ("Patient.gender.as(string1)", None, "unknown-type", "error", "string1", "did you mean 'string'?"),
    ("Patient.gender is Strin", None, "unknown-type", "error", "is Strin", "did you mean 'String'?"),
    ("Patient.name.ofType(Quantity)", None, "impossible-type", "warning", "ofType(Quantity)", "is never a"),
]


@pytest.mark.parametrize("text, context, code, severity, underlined, message", DIAGNOSTICS)
def test_each_diagnostic_names_its_code_severity_span_and_a_fix(text, context, code, severity, underlined, message):
    found = [d for d in analyze(text, context).diagnostics if d.code == code]
    assert found, analyze(text, context).diagnostics
    diagnostic = found[0]
    assert isinstance(diagnostic, Diagnostic)
    assert diagnostic.severity == severity
    assert text[diagnostic.start:diagnostic.end] == underlined
    assert message in diagnostic.message


@pytest.mark.parametrize(
    "text, context",
    [
        ("Patient.name.where(use = 'official').given.first()", None),
        ("Observation.value.ofType(Quantity).value > 5", None),
        ("Observation.value.exists() and Observation.value.is(Quantity)", None),
        ("Patient.telecom.where(system = 'phone').value", None),
        ("Bundle.entry.resource.ofType(Patient).name.given", None),
        ("Patient.name.select(given.first() + ' ' + family)", None),
        ("Patient.birthDate < today()", None),
        ("Patient.name.given.join(', ')", None),
        ("Patient.contained.id", None),
        ("defineVariable('n', name.first()).select(%n.given)", "Patient"),
        ("name.given.where($this.length() > 3)", "Patient"),
        ("(1 | 2 | 3).aggregate($this + $total, 0)", None),
        ("telecom.where(use = 'home').first()", "Patient.contact"),
        ("start <= end", "Period"),
        ("%resource.contained.id", "Reference"),
        ("1 = 1L", None),
        ("@2014-05-01 = @2014-05-01T10:00", None),
    ],
)
def test_sound_expressions_get_no_errors_or_warnings(text, context):
    assert analyze(text, context).diagnostics == []


def test_declared_variables_are_known_and_others_become_errors():
    assert analyze("%limit > 1", variables=["limit"]).diagnostics == []
    [diagnostic] = analyze("%limt > 1", variables=["limit"]).diagnostics
    assert diagnostic.severity == "error" and "did you mean '%limit'?" in diagnostic.message


def test_a_variable_defined_in_a_chain_is_unknown_outside_it():
    codes = [d.code for d in analyze("defineVariable('n', 1).select(%n) | %n", "Patient").diagnostics]
    assert codes == ["unknown-variable"]


def test_the_leading_type_name_fixes_the_context_for_functions_on_the_root():
    [diagnostic] = analyze("Patient.name.family.first().substring(2, length() - 5)").errors
    assert diagnostic.code == "wrong-input-type" and "FHIR.Patient" in diagnostic.message


def test_a_context_can_be_an_element_path_a_choice_or_several_bases():
    assert analyze("name", "Patient.contact").result.describe() == "FHIR.HumanName [0..1]"
    choices = analyze("$this", "Observation.value[x]").result.types
    assert {t.name for t in choices} >= {"Quantity", "string", "Period"}
    assert analyze("Patient.name | Group.name", "Patient|Group").diagnostics == []


def test_an_unknown_context_is_a_semantic_error():
    with pytest.raises(FHIRPathSemanticError) as raised:
        analyze("name", "Patinet")
    assert raised.value.code == "unknown-type"


def test_hover_gives_the_type_of_the_name_under_the_cursor():
    analysis = analyze("Patient.name.given")
    start, end, static = analysis.type_at(10)
    assert (start, end, static.describe()) == (8, 12, "FHIR.HumanName [0..*]")
    assert analysis.type_at(100) is None


def test_hover_finds_shared_subtrees_at_each_of_their_places():
    analysis = analyze("Patient.name | Patient.name.given")
    assert analysis.type_at(9)[2].describe() == "FHIR.HumanName [0..*]"
    assert analysis.type_at(24)[2].describe() == "FHIR.HumanName [0..*]"
    assert analysis.type_at(30)[2].describe() == "FHIR.string [0..*]"


def test_completion_offers_the_elements_of_the_focus_and_the_functions_it_accepts():
    focus = analyze("Patient.na").focus_at(10)
    assert focus.describe() == "FHIR.Patient [0..1]"
    names = {(c.name, c.kind): c.detail for c in R4.candidates(focus)}
    assert names[("name", "element")] == "FHIR.HumanName [0..*]"
    assert ("where", "function") in names
    assert ("startsWith", "function") not in names
    string_functions = {c.name for c in R4.candidates(analyze("'x'").result)}
    assert "startsWith" in string_functions


def test_completion_at_the_start_of_a_path_uses_this():
    assert analyze("nam", "Patient").focus_at(2).describe() == "FHIR.Patient [0..1]"


def test_without_a_model_only_literals_have_types():
    bare = Analyzer(None)
    assert analyze("Patient.name", analyzer=bare).result.describe() == "Any [0..*]"
    assert analyze("1 + 1", analyzer=bare).result.describe() == "System.Integer [0..1]"
    assert [d.code for d in analyze("@2020 + 7", analyzer=bare).diagnostics] == ["incompatible-operands"]


def test_a_plain_compile_raises_only_what_the_suites_mark_semantic():
    lenient = [d.code for d in analyze("Patient.nmae.startsWith('x')").diagnostics if d.code not in ALWAYS_RAISED]
    assert lenient == ["unknown-element"]
    diagnostics = analyze("'a' - 'b' | Appointment.identifier.startsWith('x')").diagnostics
    assert first_error(diagnostics, strict=False).code == "wrong-input-type"
    assert first_error(diagnostics, strict=True).code == "wrong-operand-type"


def test_hl7_expressions_have_no_errors_for_their_own_contexts(shared):
    r4, r5 = R4, Analyzer(load_model("r5"))
    errors = []
    for analyzer, name, context_of in (
        (r4, "r4-search-parameters.jsonl", lambda record: "|".join(record["base"])),
        (r5, "r5-search-parameters.jsonl", lambda record: "|".join(record["base"])),
        (r4, "r4-invariants.jsonl", lambda record: record["context"]),
    ):
        for line in (shared / "corpus" / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for diagnostic in analyze(record["expression"], context_of(record), analyzer).errors:
                if diagnostic.code != "unknown-function":  # FHIR additions the table may lack
                    errors.append((record.get("id") or record.get("key"), diagnostic.message))
    # the one error is HL7's: cid-0 checks a name ChargeItemDefinition does not have
    assert errors == [("cid-0", "unknown element 'name' for ChargeItemDefinition")]


def test_order_and_result_flow_come_from_the_table_not_from_function_names():
    functions = {
        **FUNCTIONS,
        "nth": FunctionSpec("nth", lambda ctx, focus: focus, returns=SAME_AS_INPUT, ordered_input=True),
        "project": FunctionSpec("project", lambda ctx, focus, a: a, (Param("a", EXPR),), flow=Flow.PROJECT),
        "nodes": FunctionSpec("nodes", lambda ctx, focus: focus, unordered_result=True),
    }
    analyzer = Analyzer(load_model("r4"), functions)
    assert [d.code for d in analyze("Patient.nodes().nth()", analyzer=analyzer).diagnostics] == ["undefined-order"]
    assert analyze("Patient.name.project(given)", analyzer=analyzer).result.describe() == "FHIR.string [0..*]"
    assert analyze("Patient.name.nth()", analyzer=analyzer).diagnostics == []
