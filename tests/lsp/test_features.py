"""The editor features as plain functions over (text, offset): no client, no pygls."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fhirpath.lsp.features import Options, completion, diagnostics, hover, signature_help

PATIENT = Options(context="Patient")


@pytest.mark.parametrize(
    "text, options, expected",
    [
        ("Patient.name.given", Options(), []),
        ("Patient.name.frist()", Options(), [("unknown-function", "error", 13, 20)]),
        ("Patient.", Options(), [("unexpected-end", "error", 8, 8)]),
        ("nmae", PATIENT, [("unknown-element", "error", 0, 4)]),
        ("", Options(), []),
        ("  // nothing yet\n", Options(), []),
        # an ordinary first-line comment is not a header
        ("// names first\nPatient.name", Options(), []),
        # one expression per line; lines are diagnosed where they are
        ("// context: Patient; expressions: line\nname\n\nnmae.given\n// c\nbirthDate + 1",
         Options(), [("unknown-element", "error", 45, 49), ("incompatible-operands", "error", 71, 72)]),
        # the header overrides the caller's options, key by key
        ("// context: Patient\nname", Options(context="Observation"), []),
        ("// model: r5\nname", PATIENT, []),
        ("// context: Patinet; model: r9\nname", Options(),
         [("unknown-model", "error", 28, 30), ("unknown-type", "error", 12, 19)]),
        ("// context: Patient; colour: red\nname", Options(), [("unknown-setting", "warning", 21, 27)]),
        ("// expressions: lines\n1", Options(), [("unknown-setting", "error", 16, 21)]),
        ("name", Options(context="Patinet"), [("unknown-type", "error", 0, 0)]),
        ("%today", Options(variables=("today",)), []),
        ("%tomorrow", Options(variables=("today",)), [("unknown-variable", "error", 0, 9)]),
        ("// variables: %today, %site\n%site & %today", Options(), []),
    ],
)
def test_diagnostics_cover_every_expression_and_the_header(text, options, expected):
    found = diagnostics(text, options)
    assert [(d.code, d.severity, d.start, d.end) for d in found] == expected


def labels(text: str, offset: int | None = None, options: Options = Options()) -> dict[str, str]:
    found = completion(text, len(text) if offset is None else offset, options)
    return {item.label: item.kind for item in found.items}


@pytest.mark.parametrize(
    "text, options, offered, not_offered",
    [
        ("Patient.na", Options(), {"name": "element", "where": "function"}, {"startsWith", "family"}),
        ("Patient.", Options(), {"name": "element", "birthDate": "element"}, {"Patient"}),
        # inside a function's arguments, $this is one item of the focus: text that does not parse yet
        ("Patient.name.where(", Options(), {"given": "element", "family": "element"}, {"birthDate"}),
        ("Patient.name.where(use = 'official' and ", Options(), {"given": "element"}, {"birthDate"}),
        ("Patient.name[0].", Options(), {"family": "element"}, {"birthDate"}),
        ("Patient.name.given.first().", Options(), {"startsWith": "function", "upper": "function"}, {"family"}),
        ("'text'.", Options(), {"length": "function"}, {"name"}),
        # the start of a path: elements of the context, functions and (outside brackets) resource types
        ("na", PATIENT, {"name": "element", "exists": "function", "Observation": "type"}, set()),
        ("Patient.name.where(giv", Options(), {"given": "element"}, {"Observation"}),
        ("%", Options(), {"%resource": "variable", "%ucum": "variable"}, {"name"}),
        ("%", Options(variables=("today",)), {"%today": "variable"}, set()),
        ("defineVariable('n', name).select(%", PATIENT, {"%n": "variable"}, set()),
        ("Observation.value is Qu", Options(), {"Quantity": "type", "Patient": "type", "String": "type"}, {"name"}),
        ("Observation.value.ofType(", Options(), {"Quantity": "type", "string": "type"}, set()),
        ("Observation.value is System.", Options(), {"String": "type"}, {"Patient"}),
        ("Observation.value as FHIR.", Options(), {"Quantity": "type"}, {"String"}),
    ],
)
def test_completion_offers_what_fits_the_cursor(text, options, offered, not_offered):
    found = labels(text, options=options)
    assert {label: found.get(label) for label in offered} == offered
    assert not_offered & set(found) == set()


def test_completion_replaces_the_word_typed_so_far():
    found = completion("Patient.na", 10)
    assert (found.start, found.end) == (8, 10)
    variable = completion("Patient.name.where(given = %reso", 32)
    assert (variable.start, variable.end) == (27, 32)  # the '%' too


def test_completion_of_a_function_carries_its_signature_and_inserts_parentheses_only_when_empty():
    items = {item.label: item for item in completion("Patient.name.", 13).items}
    assert items["where"].detail == "where(criteria : Boolean) : SAME_AS_INPUT"
    assert items["where"].insert == "where"
    assert items["first"].insert == "first()"
    assert "§5.3.3" in items["first"].documentation
    assert items["given"].detail == "FHIR.string [0..*]"


def test_completion_orders_elements_before_functions():
    kinds = [item.kind for item in completion("Patient.", 8).items]
    assert kinds.index("function") > kinds.index("element")
    assert "element" not in kinds[kinds.index("function"):]


@pytest.mark.parametrize("text", ["Patient.name.where(use = 'off", "Patient.name // a note", "Patient /* a note"])
def test_completion_offers_nothing_inside_strings_and_comments(text):
    assert completion(text, len(text)) is None


def test_completion_reads_only_the_line_of_the_cursor_in_a_line_per_expression_document():
    text = "// context: Patient; expressions: line\nname.given.\nbirthDate."
    line_two = labels(text, text.index("\nbirth"))
    assert "startsWith" in line_two and "name" not in line_two
    assert labels(text)["toString"] == "function"


def test_completion_offsets_count_code_points():
    text = "'😀'.length() | Patient.na"
    found = completion(text, len(text))
    assert (found.start, found.end) == (23, 25)  # in UTF-16 units it would be (24, 26)
    assert "name" in {item.label for item in found.items}


@pytest.mark.parametrize(
    "text, offset, shown, span",
    [
        ("Patient.name.where(use = 'official')", 15,
         ["where(criteria : Boolean) : SAME_AS_INPUT", "§5.2.1", "Here: `FHIR.HumanName [0..*]`"], (13, 18)),
        ("Patient.name.where(use = 'official')", 9, ["name : FHIR.HumanName [0..*]"], (8, 12)),
        ("Patient.name.where(use = 'official')", 20, ["use : FHIR.code [0..1]"], (19, 22)),
        ("Patient.name.where(use = 'official')", 23, ["Any = Any : Boolean", "§6.1.1"], (23, 24)),
        ("Patient.name.where(use = 'official')", 28, ["'official' : System.String [0..1]"], (25, 35)),
        ("Patient.name.given.first().length()", 30, ["length() : Integer", "Here: `System.Integer [0..1]`"], (27, 33)),
        ("-Patient.birthDate.toString().length()", 0, ["- Integer | Long | Decimal | Quantity"], (0, 1)),
        ("Patient.active is Boolean", 16, ["Any is type specifier : Boolean", "§6.3.1",
                                           "Here: `System.Boolean [0..1]`"], (15, 25)),
        ("%resource.id", 3, ["%resource : FHIR.Patient [0..1]"], (0, 9)),
        ("Patient.extension('http://x').value", 10, ["[FHIR R4 fhirpath.html#functions]"], (8, 17)),
    ],
)
def test_hover_shows_the_type_under_the_cursor_and_what_a_function_or_operator_is(text, offset, shown, span):
    options = PATIENT if text.startswith("%") else Options()
    found = hover(text, offset, options)
    for part in shown:
        assert part in found.markdown
    assert (found.start, found.end) == span


@pytest.mark.parametrize("text, offset", [("Patient.name.where(", 15), ("Patient.name", 40)])
def test_hover_has_nothing_to_say_off_the_tree(text, offset):
    assert hover(text, offset) is None


def test_hover_in_a_line_per_expression_document_reads_the_cursor_line():
    text = "// context: Patient; expressions: line\nname\nbirthDate"
    found = hover(text, len(text) - 2)
    assert "birthDate : FHIR.date [0..1]" in found.markdown
    assert (found.start, found.end) == (len(text) - 9, len(text))


@pytest.mark.parametrize(
    "text, name, active, active_label",
    [
        ("'abc'.substring(", "substring", 0, "start : Integer"),
        ("'abc'.substring(1, ", "substring", 1, "length : Integer"),
        ("'abc'.substring(1, 2, ", "substring", None, None),
        ("Patient.name.where(given.exists() and ", "where", 0, "criteria : Boolean"),
        ("Patient.name.where((given | family).count() > 1 and use.", "where", 0, "criteria : Boolean"),
        ("iif(true, 'a', ", "iif", 2, "otherwise-result : Any"),
        ("coalesce(a, b, c", "coalesce", 0, "value : Any"),  # variadic: every argument is 'value'
        ("Patient.name.where(given = 'a,(b')", None, None, None),
        ("Patient.name.where(given = 'a,(b'", "where", 0, "criteria : Boolean"),
    ],
)
def test_signature_help_names_the_enclosing_function_and_the_parameter_being_typed(text, name, active, active_label):
    found = signature_help(text, len(text))
    if name is None:
        assert found is None
        return
    assert found.label.startswith(name + "(")
    assert found.active == active
    if active is not None:
        start, end = found.parameters[active]
        assert found.label[start:end] == active_label
    assert "§" in found.documentation


def test_neither_fhirpath_nor_the_features_import_pygls():
    code = (
        "import sys, fhirpath, fhirpath.lsp.features\n"
        "found = sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs'))\n"
        "assert not found, found"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
