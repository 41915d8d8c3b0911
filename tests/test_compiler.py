"""The compiler's variable scoping (fhirpath/compiler.py): defineVariable() makes %name
visible to the rest of its invocation chain and nowhere else, every other %name must
be built in or declared by the caller, and all of it is decided at compile time."""

import pytest

import fhirpath
from fhirpath.compiler import Compiler
from fhirpath.errors import FHIRPathEvaluationError, FHIRPathSemanticError
from fhirpath.model import load_model
from fhirpath.parser import parse

PATIENT = {
    "resourceType": "Patient",
    "id": "example",
    "active": True,
    "name": [
        {"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
        {"use": "usual", "given": ["Jim"]},
        {"use": "maiden", "family": "Windsor", "given": ["Peter", "James"]},
    ],
}


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("defineVariable('v1', 'value1').select(%v1)", ["value1"]),
        ("defineVariable('n1', name.first()).select(%n1.given)", ["Peter", "James"]),
        # the projection is evaluated once, on the whole input
        ("name.defineVariable('n2', skip(1).first()).select(%n2.given)", ["Jim", "Jim", "Jim"]),
        # without a projection the variable is the input
        ("name.first().defineVariable('n').given.select(%n.family)", ["Chalmers", "Chalmers"]),
        # visible in the arguments of later calls on the chain, and after nested chains end
        ("defineVariable('root', 'r1-').select(defineVariable('v1', 'v1').select(%v1)).select(%root & $this)",
         ["r1-v1"]),
        # the same name in sibling branches: each branch has its own
        ("defineVariable('n', name.first()).select(%n.given.first()) | defineVariable('n', name[1]).select(%n.given)",
         ["Peter", "Jim"]),
        # ... and in sibling arguments
        ("'aaa'.replace(defineVariable('p', 'aaa').select(%p), defineVariable('p', 'bbb').select(%p))", ["bbb"]),
        # a variable defined on an empty input still exists
        ("{}.defineVariable('x', 1).select(%x).count()", [0]),
        ("name.where(use = 'usual').select(defineVariable('g', given).select(%g))", ["Jim"]),
    ],
)
def test_define_variable_binds_a_name_for_the_rest_of_its_chain(expression, expected):
    assert fhirpath.evaluate(PATIENT, expression) == expected


def test_the_spec_example_of_nested_variables_runs():
    concept_map = {
        "resourceType": "ConceptMap",
        "group": [
            {"source": "http://snomed.info/sct", "target": "http://example.org/local", "element": [
                {"code": "75367002", "target": [
                    {"code": "1000000008", "relationship": "source-is-narrower-than-target"},
                    {"code": "1000000009", "relationship": "source-is-narrower-than-target"},
                    {"code": "1000000009", "relationship": "source-is-narrower-than-target"},
                ]},
                {"code": "271649006", "target": [{"code": "1000000008", "relationship": "equivalent"}]},
            ]},
            {"source": "http://example.org/local", "target": "http://snomed.info/sct", "element": [
                {"code": "1000000008", "target": [{"code": "75367002", "relationship": "source-is-broader-than-target"}]},
            ]},
        ],
    }
    # the official case dvConceptMapExample, whose XML input has no JSON twin
    expression = (
        "group.select(defineVariable('grp').element.select(defineVariable('ele').target"
        ".select(%grp.source & '|' & %ele.code & ' ' & relationship & ' ' & %grp.target & '|' & code)))"
    )
    result = fhirpath.evaluate(concept_map, expression, model="r5")
    assert result[:2] == [
        "http://snomed.info/sct|75367002 source-is-narrower-than-target http://example.org/local|1000000008",
        "http://snomed.info/sct|75367002 source-is-narrower-than-target http://example.org/local|1000000009",
    ]
    assert len(result) == 5
    assert fhirpath.evaluate(concept_map, expression + ".isDistinct()", model="r5") == [False]


@pytest.mark.parametrize(
    "expression, at",
    [
        # used in a sibling branch
        ("defineVariable('n1', name.first()).active | defineVariable('n2', name[1]).select(%n1.given)", "1:82"),
        # never defined
        ("select(%fam.given)", "1:8"),
        # defined inside an argument, used after it
        ("defineVariable('root', 'r').select(defineVariable('v1', 'v1').select(%v1)).select(%root & %v1)", "1:91"),
        # used in its own projection
        ("defineVariable('x', %x)", "1:21"),
        # used before it is defined
        ("select(%x).defineVariable('x', 1)", "1:8"),
        # used by the other operand of an operator
        ("defineVariable('x', 1).select(%x) + %x", "1:37"),
    ],
)
def test_a_variable_used_outside_its_chain_is_a_compile_time_error(expression, at):
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile(expression)
    assert raised.value.code == "undefined-variable"
    assert raised.value.position == at


@pytest.mark.parametrize(
    "expression",
    [
        "defineVariable('v1').defineVariable('v1').select(%v1)",
        "defineVariable('context', 'oops')",
        "defineVariable('ucum')",
        "defineVariable('vs-mine')",
        "defineVariable('v', 1).select(defineVariable('v', 2))",
    ],
)
def test_redefining_a_variable_in_scope_is_a_compile_time_error(expression):
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile(expression)
    assert raised.value.code == "variable-redefined"


def test_a_declared_variable_cannot_be_redefined():
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile("defineVariable('who', 1)", variables=["who"])
    assert raised.value.code == "variable-redefined"


def test_the_name_must_be_a_string():
    # straight to the compiler: through compile() the static checks reject it first
    with pytest.raises(FHIRPathSemanticError) as raised:
        Compiler(load_model("r4")).compile(parse("defineVariable(1, 2)"))
    assert raised.value.code == "invalid-argument"
    assert raised.value.span == (15, 16)


def test_a_name_computed_at_run_time_leaves_the_rest_of_the_chain_to_evaluation():
    expression = "defineVariable(defineVariable('p', 'ppp').select(%p), 'value').select(%ppp)"
    assert fhirpath.evaluate(PATIENT, expression) == ["value"]
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.evaluate(PATIENT, "defineVariable('a' & 'b', 1).select(%nope)")
    assert raised.value.code == "undefined-variable"
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.evaluate(PATIENT, "defineVariable('con' & 'text', 1)")
    assert raised.value.code == "variable-redefined"


def test_defined_variables_do_not_leak_into_the_callers_variables():
    variables = {"who": "x"}
    assert fhirpath.evaluate(PATIENT, "defineVariable('mine', 1).select(%mine + 1)", variables) == [2]
    assert variables == {"who": "x"}


@pytest.mark.parametrize(
    "expression",
    ["%resource.id", "%context.id", "%rootResource.id", "%ucum", "%sct", "%loinc", "%`vs-administrative-gender`",
     "%`ext-patient-birthTime`"],
)
def test_built_in_variables_need_no_declaration(expression):
    assert fhirpath.evaluate(PATIENT, expression) != []


def test_declared_variables_compile_and_missing_ones_fail_at_evaluation():
    expression = fhirpath.compile("%who.given", variables=["who"])
    assert expression.evaluate(PATIENT, {"who": PATIENT["name"][1]}) == ["Jim"]
    with pytest.raises(FHIRPathEvaluationError) as raised:
        expression.evaluate(PATIENT)
    assert raised.value.code == "undefined-variable"


def test_variables_may_be_declared_by_a_mapping_and_with_a_percent_sign():
    assert fhirpath.compile("%a + %b", variables={"a": 1, "%b": 2}).evaluate(None, {"a": 1, "b": 2}) == [3]


def test_the_cache_tells_declarations_apart():
    engine = fhirpath.Engine("r4")
    assert engine.compile("%x", variables=["x"]) is engine.compile("%x", variables=("x",))
    with pytest.raises(FHIRPathSemanticError):
        engine.compile("%x")


# ---- x.ofType(T) as one navigation step ----------------------------------------------------

def _of_type_expressions(engine, resource_type: str) -> list[str]:
    """``Type.element.ofType(T)`` for every choice element of a resource type and every
    type it may hold, plus a supertype and a primitive that is not exact."""
    t = engine._model.type(resource_type)
    out = []
    for element in t.elements():
        if element.is_choice:
            names = sorted({child.name for _, child in element.choices})
            for name in names + ["Quantity", "string", "Element"]:
                out.append(f"{resource_type}.{element.name}.ofType({name})")
    return out


def test_of_type_after_a_member_is_one_step_giving_what_the_function_gives(shared):
    """``a.b.ofType(T)`` navigates only to the children of type T; on real resources it
    must give what the ofType() function gives after the same navigation."""
    import json
    from decimal import Decimal
    from itertools import islice

    engine = fhirpath.Engine("r4")
    extra = ["Observation.value.ofType(Quantity).value", "Observation.component.value.ofType(Quantity).unit",
             "Observation.value.ofType(CodeableConcept).coding.code", "Bundle.entry.resource.ofType(Patient).id",
             "Patient.gender.ofType(code)", "Patient.gender.ofType(string)", "Patient.name.ofType(HumanName).given",
             "Resource.contained.ofType(Resource).id", "Resource.contained.ofType(Medication).code",
             "Patient.extension.value.ofType(Quantity)", "Patient.extension.value.ofType(Age)"]
    compared = fused = 0
    by_type: dict = {}
    with (shared / "corpus" / "resources-r4.ndjson").open(encoding="utf-8") as lines:
        for line in islice(lines, 0, None, 10):
            resource = json.loads(line, parse_float=Decimal)
            name = resource["resourceType"]
            if name not in by_type:
                by_type[name] = _of_type_expressions(engine, name)
            for text in by_type[name] + extra:
                compiled = engine.compile(text)
                fused += compiled._path is not None
                member, _, of_type = text.rpartition(".ofType(")
                generic = engine.compile(f"{member}.select($this).ofType({of_type}")  # no fused step
                assert compiled.evaluate(resource, typed=True) == generic.evaluate(resource, typed=True), text
                compared += 1
    assert compared > 5_000 and fused == compared


def test_of_type_fuses_only_the_builtin_function_with_a_model_type():
    engine = fhirpath.Engine("r4")
    assert engine.compile("Observation.value.ofType(Quantity).value")._path is not None
    assert engine.compile("Observation.value.ofType(System.String)")._path is None  # no FHIR type
    assert fhirpath.Engine(None).compile("Observation.value.ofType(Quantity)")._path is None  # no model
    # inside a larger expression the chain is still one closure of navigators
    observation = {"resourceType": "Observation", "valueQuantity": {"value": 3, "unit": "mg"},
                   "component": [{"valueString": "x"}, {"valueQuantity": {"value": 4}}]}
    assert engine.compile("Observation.component.value.ofType(Quantity).value.sum()").evaluate(observation) == [4]
    assert engine.compile("component.where(value.ofType(string).exists()).count()").evaluate(observation) == [1]
    unknown = engine.compile("Observation.value.ofType(Quantit)")  # the suites: an execution error
    assert unknown._path is None
    with pytest.raises(FHIRPathEvaluationError, match="unknown type 'Quantit'"):
        unknown.evaluate(observation)


# ---- context-free evaluation -------------------------------------------------------------------

class _PoisonedContext:
    """Stands in for the thread's active context: any use of it fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"a context-free evaluation read the active context ('{name}')")


def test_every_context_free_official_case_runs_without_reading_any_context(shared):
    """The table's ``context_free`` flags are promises: each official case whose expression
    compiles context-free runs with no EvalContext (an implementation touching it would
    fail on None) while the thread's active context is poisoned."""
    from tests.conformance.suite import load_cases
    from tests.conformance.test_official_suite import engine, load_input

    from fhirpath.runtime.context import ACTIVE

    ran = 0
    for release in ("r4", "r5"):
        for case in load_cases(shared, release):
            run = engine(release, lenient=(case.mode or "").startswith("lenient"))
            try:
                compiled = run.compile(case.expression, strict=case.mode == "strict")
            except fhirpath.FHIRPathError:
                continue
            if not compiled._context_free or compiled._path is not None:
                continue
            resource = load_input(release, case.inputfile) if case.inputfile else None
            ACTIVE.ctx = _PoisonedContext()
            try:
                compiled.evaluate(resource)
            except fhirpath.FHIRPathError:
                pass  # the case may expect one
            finally:
                ACTIVE.ctx = None
            ran += 1
    assert ran > 500


# ---- path = literal, read from the JSON ---------------------------------------------------------

@pytest.mark.parametrize("criterion", [
    "gender = 'male'", "'male' = gender", "gender != 'male'", "active = true", "active != false",
    "multipleBirthInteger = 2", "name.given = 'Peter'", "name.family = 'Chalmers'", "birthDate = '1974-12-25'",
    "name.where(use = 'official').exists()", "telecom.where(system != 'phone').value",
    "Patient.name.use = 'usual'", "Observation.status = 'final'", "contact.name.family = 'x'",
    "deceased = false", "extension.url = 'http://x'", "foo = 'x'", "name.bar = 'x'",  # no such elements
])
def test_a_path_compared_to_a_literal_gives_what_the_general_comparison_gives(shared, criterion):
    import json
    from decimal import Decimal
    from itertools import islice

    engine = fhirpath.Engine("r4")
    fast = engine.compile(criterion)
    general = engine.compile(criterion.replace(" = ", ".select($this) = ").replace(" != ", ".select($this) != ")
                             if not criterion.startswith("'") else "gender.select($this) = 'male'")
    odd = [
        {"resourceType": "Patient", "gender": "male", "_gender": {"extension": [{"url": "u"}]}},
        {"resourceType": "Patient", "name": [{"family": "Chalmers", "given": ["Peter", "James"]}]},
        {"resourceType": "Patient", "name": [{"given": ["Peter"], "_given": [{"id": "g"}]}]},
        {"resourceType": "Patient", "name": "not an object", "active": "true"},
        {"resourceType": "Patient", "multipleBirthInteger": 2.0, "gender": 1},
        {"resourceType": "Patient", "foo": "x", "name": [{"bar": "x"}]},  # keys that are no elements
    ]
    compared = 0
    with (shared / "corpus" / "resources-r4.ndjson").open(encoding="utf-8") as lines:
        resources = [json.loads(line, parse_float=Decimal) for line in islice(lines, 0, None, 40)]
    for resource in resources + odd:
        try:
            expected = general.evaluate(resource, typed=True)
        except fhirpath.FHIRPathError as error:
            with pytest.raises(type(error)):
                fast.evaluate(resource)
            continue
        assert fast.evaluate(resource, typed=True) == expected, resource
        compared += 1
    assert compared > 500


# ---- descendants().member ----------------------------------------------------------------------

def test_a_member_of_descendants_gives_what_it_gives_on_every_descendant(shared):
    """``descendants().a`` reads ``a`` only on the descendants that are objects; it must
    give what reading it on every descendant gives, and stop at the same limit."""
    import json
    from decimal import Decimal
    from itertools import islice

    engine = fhirpath.Engine("r4")
    members = ["reference", "linkId", "url", "code", "system", "value", "concept.code", "coding.where(code.exists()).code"]
    compared = 0
    with (shared / "corpus" / "resources-r4.ndjson").open(encoding="utf-8") as lines:
        for line in islice(lines, 0, None, 20):
            resource = json.loads(line, parse_float=Decimal)
            for member in members:
                fused = engine.compile(f"descendants().{member}")
                general = engine.compile(f"descendants().select({member})")
                assert fused.evaluate(resource, typed=True) == general.evaluate(resource, typed=True), member
                compared += 1
    assert compared > 5_000
    # contained resources may hold any member; a cyclic JSON object is never walked far
    nested = {"resourceType": "Patient", "name": [{"family": "f"}], "contained": [
        {"resourceType": "Questionnaire", "item": [{"linkId": "1", "item": [{"linkId": "1.1"}]}]}]}
    cyclic = {"resourceType": "Patient", "name": [{"family": "f"}]}
    cyclic["contained"] = [cyclic]
    for member in members + ["item.linkId", "contained.id"]:
        fused = engine.compile(f"descendants().{member}").evaluate(nested, typed=True)
        assert fused == engine.compile(f"descendants().select({member})").evaluate(nested, typed=True), member
    assert engine.evaluate(nested, "descendants().linkId") == ["1", "1.1"]
    for member in ("family", "linkId"):
        with pytest.raises(fhirpath.FHIRPathLimitError):
            fhirpath.Engine("r4", limits=fhirpath.Limits(max_items=1_000)).evaluate(cyclic, f"descendants().{member}")
    resource = {"resourceType": "Patient", "name": [{"given": [f"g{n}" for n in range(40)], "family": "f"}]}
    # the walk before a member read counts the nodes it visits: not those below an
    # object whose type cannot hold the member (fewer than descendants() walks)
    limited = fhirpath.Engine("r4", limits=fhirpath.Limits(max_items=10))
    assert limited.evaluate(resource, "descendants().linkId") == []
    with pytest.raises(fhirpath.FHIRPathLimitError):
        limited.evaluate(resource, "descendants().select(linkId)")
    for limit in (41, 42, 43):  # 42 descendants: 1 name, 40 given, 1 family
        limited = fhirpath.Engine("r4", limits=fhirpath.Limits(max_items=limit))
        for text in ("descendants().family", "descendants().select(family)"):
            if limit < 42:
                with pytest.raises(fhirpath.FHIRPathEvaluationError, match="descendants"):
                    limited.compile(text).evaluate(resource)
            else:
                assert limited.compile(text).evaluate(resource) == ["f"]


def test_descendants_counted_without_their_nodes_give_what_the_nodes_give(shared):
    """``descendants().count()`` (``exists()``, ``empty()``) counts the plain primitives
    without making them: the same number as the nodes, the same limit, the same steps."""
    import json
    from decimal import Decimal
    from itertools import islice

    engine = fhirpath.Engine("r4")
    compared = 0
    odd = [
        {"resourceType": "Patient", "gender": "male", "_gender": {"extension": [{"url": "u", "valueCode": "c"}]}},
        {"resourceType": "Patient", "name": [{"given": ["a", None, "b"], "_given": [None, {"id": "g"}, None]}]},
        {"resourceType": "Patient", "_birthDate": {"id": "only-a-sidecar"}, "foo": [1, 2]},
        {"resourceType": "Patient", "contained": [{"resourceType": "Patient", "active": True}], "name": "odd"},
        {"resourceType": "Patient"},
        {"resourceType": "Patient", "name": None, "telecom": [{"value": "1"}, "odd", None]},
        {"resourceType": "Patient", "birthDate": {"odd": 1}, "_birthDate": {"extension": [{"url": "u"}]}},
        {"resourceType": "Patient", "name": [{"_given": [{"id": "a"}, None, {"extension": [{"url": "u"}]}]}]},
        {"resourceType": "Patient", "contained": [{"resourceType": "Nothing", "x": 1}, "odd"]},
    ]
    with (shared / "corpus" / "resources-r4.ndjson").open(encoding="utf-8") as lines:
        resources = [json.loads(line, parse_float=Decimal) for line in islice(lines, 0, None, 20)]
    for resource in resources + odd:
        for finish in ("count()", "exists()", "empty()"):
            for source in ("", "name.", "%resource."):
                fused = engine.evaluate(resource, f"{source}descendants().{finish}")
                assert fused == engine.evaluate(resource, f"{source}descendants().skip(0).{finish}"), resource
                compared += 1
    assert compared > 3_000
    resource = {"resourceType": "Patient", "name": [{"given": [f"g{n}" for n in range(40)], "family": "f"}]}
    for limit in (41, 42):  # 42 descendants
        limited = fhirpath.Engine("r4", limits=fhirpath.Limits(max_items=limit))
        if limit < 42:
            with pytest.raises(fhirpath.FHIRPathEvaluationError, match="descendants") as raised:
                limited.evaluate(resource, "descendants().count()")
            assert raised.value.position == "1:1"
        else:
            assert limited.evaluate(resource, "descendants().count()") == [42]
    steps = fhirpath.Engine("r4", limits=fhirpath.Limits(max_steps=60))
    assert steps.evaluate(resource, "descendants().count()") == [42]
    with pytest.raises(fhirpath.FHIRPathLimitError):  # 42 steps for each walk
        steps.evaluate(resource, "descendants().count() + descendants().count()")
    # the root's nodes, once made, are counted as they are
    assert engine.evaluate(resource, "descendants().where(false).count() + descendants().count()") == [42]


# ---- path.f(literals) ----------------------------------------------------------------------------

FINISHED_PATHS = ["Patient.name.family", "Patient.name.given", "Patient.gender", "Patient.birthDate", "Patient.id",
                  "Patient.telecom.where(system = 'phone').value", "Patient.name.where(use = 'official').family",
                  "Patient.multipleBirth.ofType(integer)", "Observation.value.ofType(Quantity).value",
                  "Observation.status", "Observation.value.ofType(Quantity)", "Patient.name", "Patient.active"]
FINISHING_CALLS = ["upper()", "lower()", "length()", "substring(1, 2)", "substring(1)", "startsWith('A')",
                   "toString()", "toInteger()", "matches('^[A-Z]')", "replace('a', 'b')", "indexOf('e')",
                   "contains('x')", "convertsToDecimal()", "abs()", "round(1)", "trim()", "substring({})",
                   "toDate()", "not()", "upper(1)", "substring()", "length(%x)"]


def test_a_path_ending_in_a_function_of_one_value_gives_what_the_call_gives(shared, monkeypatch):
    """``Patient.name.family.upper()`` reads the values along a plan and applies the
    function to them (`Compiler._value_finish`). Results and errors (code and place)
    must equal the general call's, on corpus resources and odd JSON."""
    from tests.conftest import corpus_resources

    expressions = [f"{path}.{call}" for path in FINISHED_PATHS for call in FINISHING_CALLS]
    resources = [r for r in corpus_resources(shared, every=5) if r["resourceType"] in ("Patient", "Observation")]
    resources += ODD_RESOURCES + [
        {"resourceType": "Patient", "name": [{"family": "Ng", "given": ["Al"]}, {"given": ["B"]}], "gender": "male",
         "birthDate": "1970-02", "telecom": [{"system": "phone", "value": "555"}], "active": True}]

    def outcomes():
        engine = fhirpath.Engine("r4")
        found = []
        finished = 0
        for text in expressions:
            try:
                compiled = engine.compile(text)
            except fhirpath.FHIRPathSemanticError as error:  # abs() of a String, upper(1)...
                found.extend([("compile", error.code)] * len(resources))
                continue
            finished += callable((compiled._filtered or [None] * 3)[2])
            for resource in resources:
                try:
                    found.append(compiled.evaluate(resource))
                except fhirpath.FHIRPathError as error:
                    found.append((error.code, error.position))
        return found, finished

    fast, finished = outcomes()
    with monkeypatch.context() as patched:
        patched.setattr(Compiler, "_value_finish", lambda self, node, base: None)
        general, none = outcomes()
    assert none == 0 and finished > 100 and len(resources) > 200
    assert sum(1 for result in fast if result and type(result) is list) > 10_000
    assert sum(1 for result in fast if type(result) is tuple) > 1_000  # errors
    for index, (got, expected) in enumerate(zip(fast, general)):
        assert got == expected, expressions[index // len(resources)]


# ---- a | b | c ----------------------------------------------------------------------------------

UNIONS = [
    "Observation.id | Patient.name.exists()", "Patient.name.exists() | Observation.id",
    "Patient.name.given | Practitioner.name.given | name.family", "(Observation.value as Quantity) | Patient.gender",
    "Patient.name.where(use = 'official').family | Patient.name.first().given | Resource.id",
    "contained.where((Patient.name | Practitioner.name).exists()).id | DomainResource.text.status",
    "Patient.name.select(given | family) | Patient.name.given.distinct()", "Patient | Observation",
    "Patient.name.given.ofType(string).tail() | Patient.name.skip(1).given",
]


def test_a_union_runs_only_the_operands_the_resource_type_can_give_something(shared, monkeypatch):
    """On a typed resource, ``Patient.name | Practitioner.name`` skips the operands whose
    leading type name selects nothing; results (typed) and errors must equal those of
    running every operand: every R4 search-parameter union on 1 in 10 corpus resources,
    of every type, and unions whose operands do not all give nothing from nothing."""
    from tests.conftest import corpus_resources, search_expressions_by_base

    expressions = sorted({text for texts in search_expressions_by_base(shared).values() for text in texts
                          if "|" in text}) + UNIONS
    resources = list(corpus_resources(shared, 10)) + [
        {"resourceType": "Patient", "name": [{"use": "official", "given": ["A", "B"], "family": "F"}], "gender": "male",
         "contained": [{"resourceType": "Practitioner", "id": "p", "name": [{"family": "P"}]}]}]

    def outcomes():
        engine = fhirpath.Engine("r4")
        found = []
        for text in expressions:
            compiled = engine.compile(text)
            for resource in resources:
                try:
                    found.append(compiled.evaluate(resource, typed=True))
                except fhirpath.FHIRPathError as error:
                    found.append((error.code, error.start))
        return found

    fast = outcomes()
    with monkeypatch.context() as patched:
        patched.setattr(Compiler, "_selecting_root", lambda self, node: None)
        general = outcomes()
    assert len(expressions) > 80 and len(fast) > 200_000
    assert sum(1 for result in fast if result) > 10_000
    assert fast == general


# ---- a & b & c ----------------------------------------------------------------------------------

def test_a_chain_of_ampersands_joins_as_the_operators_one_by_one_would():
    """``a & b & c`` is one join; its result and its errors (which, and where) are
    those of the operators applied one by one, which parentheses on the right keep."""
    engine = fhirpath.Engine("r4")
    patient = {"resourceType": "Patient", "gender": "male", "name": [{"family": "Ng", "given": ["A", "B"]}],
               "birthDate": "1970-01-01"}
    cases = ["gender & '-' & name.family", "{} & name.family & {}", "'a' & 'b'", "name.family & name.given.first()",
             "name.given.first() & ' ' & name.family & ' (' & gender & ')'"]
    for text in cases:
        expected = "".join(str(part) for part in engine.evaluate(patient, text.replace("&", "|").replace("|", "+")
                                                                 .replace("{}", "''")))
        assert engine.evaluate(patient, text) == [expected], text
    for text, at in [("name.given & 'x' & gender", "1:12"), ("'x' & name.given & gender", "1:5"),  # at the &
                     ("'x' & gender & name.given", "1:14"), ("gender & 1 & 'x'", "1:8"),
                     ("'x' & 'y' & (gender & name.given)", "1:21"), ("'x' & 'y' & gender.substring(0, name.given)", "1:20")]:
        with pytest.raises(fhirpath.FHIRPathEvaluationError) as raised:
            engine.evaluate(patient, text)
        assert raised.value.position == at, text
    # the left operand is checked after the right one is evaluated, as for one operator
    with pytest.raises(fhirpath.FHIRPathEvaluationError, match="substring"):
        engine.evaluate(patient, "name.given & gender.substring(0, name.given)")
    limited = fhirpath.Engine("r4", limits=fhirpath.Limits(max_string=6))
    assert limited.evaluate(patient, "gender & '-' & 'x'") == ["male-x"]
    with pytest.raises(fhirpath.FHIRPathLimitError, match="7 characters"):
        limited.evaluate(patient, "gender & '-' & 'xy' & 'z'")


# ---- System values read along plans ------------------------------------------------------------

VALUES_READ = [
    "Patient.name.family.upper()", "name.given.first() & ' ' & name.family.first()", "name.family.last().length()",
    "Patient.birthDate + 1 year", "-Observation.value.ofType(Quantity).value",
    "Patient.multipleBirth.ofType(integer) * 2",
    "Observation.value.ofType(Quantity).value / 2", "name.given.first().substring(0, 2) + name.family.first()",
    "Patient.gender.length() mod 4", "id.length() div 2", "+Observation.value.ofType(Quantity).value",
    "Observation.referenceRange.low * 2", "Observation.referenceRange.low.value + 1",
]
ODD_RESOURCES = [
    {"resourceType": "Patient",
     "name": [{"family": "Ng", "_family": {"extension": [{"url": "x", "valueString": "y"}]}}]},
    {"resourceType": "Patient",
     "name": [{"family": ["A", "B"], "given": ["a", None, "b"], "_given": [None, {"id": "g"}, None]}]},
    {"resourceType": "Patient", "name": {"family": "solo", "given": "one"}, "gender": 5},
    {"resourceType": "Patient", "name": ["text"], "birthDate": "1980-13-45", "multipleBirthInteger": 2},
    {"resourceType": "Patient", "name": [{"family": 5, "given": [1.5]}], "id": ["x"]},
    {"resourceType": "Observation", "valueQuantity": {"value": 1.5, "_value": {"id": "v"}}},
    {"resourceType": "Observation", "valueQuantity": {"value": "abc"}},
    {"resourceType": "Observation", "valueQuantity": {"value": 3, "unit": "mg"}, "id": "abc"},
    {"resourceType": "Observation",
     "referenceRange": [{"low": {"value": 2, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}]},
]


def _reads_values(node) -> bool:
    """Does ``node`` hold a call or operator whose input `Compiler._values_of` compiles?"""
    from fhirpath import ast
    from fhirpath.functions.table import FUNCTIONS, OPERATORS, UNARY_OPERATORS

    for found, _ in ast.walk(node):
        if type(found) is ast.Call and found.target is not None and getattr(FUNCTIONS.get(found.name), "scalar", 0):
            return True
        if type(found) is ast.Binary and getattr(OPERATORS.get(found.op), "reads_values", False):
            return True
        if type(found) is ast.Unary and getattr(UNARY_OPERATORS.get(found.op), "reads_values", False):
            return True
    return False


def test_system_values_read_along_plans_equal_those_of_the_nodes(shared, monkeypatch):
    """A scalar function's input and the operands of arithmetic and ``&`` (through first()
    and last()) read a path to primitives from the JSON as plain values. Results and
    errors must equal an engine's that makes the nodes: the R4 invariants and search
    parameters on real resources, and odd JSON."""
    import json

    from tests.conftest import corpus_resources, search_expressions_by_base

    by_type: dict[str, list] = {}
    for line in (shared / "corpus" / "r4-invariants.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_type.setdefault(record["context"].split(".")[0], []).append(record["expression"])
    for base, texts in search_expressions_by_base(shared).items():
        by_type.setdefault(base, []).extend(texts)
    by_type = {kind: [t for t in texts if _reads_values(parse(t))] for kind, texts in by_type.items()}
    plain, read = fhirpath.Engine("r4"), fhirpath.Engine("r4")
    with monkeypatch.context() as patched:
        patched.setattr(Compiler, "_values_of", Compiler._compile)  # the nodes, as before
        nodes = {text: plain.compile(text) for texts in by_type.values() for text in texts + VALUES_READ}
    values = {text: read.compile(text) for text in nodes}

    def outcome(compiled, resource):
        try:
            return compiled.evaluate(resource, typed=True)
        except fhirpath.FHIRPathError as error:
            return error.code, error.start

    compared = 0
    resources = list(corpus_resources(shared, every=10)) + ODD_RESOURCES
    for resource in resources:
        kind = resource["resourceType"]
        applicable = by_type.get(kind, []) + by_type.get("DomainResource", []) + by_type.get("Resource", [])
        for text in applicable + VALUES_READ:
            assert outcome(values[text], resource) == outcome(nodes[text], resource), (kind, text, resource.get("id"))
            compared += 1
    assert compared > 5_000


LITERAL_ARGUMENTS = [
    "'abcdef'.substring(1, 3)", "'abcdef'.substring(1)", "'abc'.substring(1, {})", "'abc'.substring({}, 1)",
    "('a' | 'b').substring(0, 1)", "{}.substring(0, 1)", "'abc'.substring(1.5)", "'abc'.substring('1')",
    "'a.b'.replace('.', '-')", "'abc'.startsWith('a')", "name.given.first().substring(0, 2)",
    "name.given.substring(0, 2)", "'12'.toInteger().toString()", "'abc'.indexOf(@T12:00)",
    "'abc'.matches('[a-')", "1.5.round(0)", "(2.0).power(-1)", "name.family.first().replace('a', 'b')",
]


def test_calls_with_literal_arguments_give_what_evaluated_arguments_give(shared, monkeypatch):
    """A scalar call whose arguments are all literals takes their values once, when
    compiled (`_literal_values`). Results and errors must equal the general call's, which
    evaluates them per call: the official suites' expressions, on their inputs, and more."""
    from fhirpath import compiler
    from tests.conformance.suite import load_cases
    from tests.conformance.test_official_suite import load_input

    cases = [(case.expression, case.inputfile) for case in load_cases(shared, "r4")
             if case.invalid is None and "(" in case.expression]
    cases += [(text, None) for text in LITERAL_ARGUMENTS]
    inputs = {None: PATIENT}

    def outcomes(expressions):
        engine = fhirpath.Engine("r4")
        found = []
        for text, inputfile in expressions:
            if inputfile not in inputs:
                inputs[inputfile] = load_input("r4", inputfile)
            try:
                found.append(engine.evaluate(inputs[inputfile], text))
            except fhirpath.FHIRPathError as error:
                found.append((error.code, error.start))
        return found

    fast = outcomes(cases)
    with monkeypatch.context() as patched:
        patched.setattr(compiler, "_literal_values", lambda nodes, args: None)
        general = outcomes(cases)
    assert len(cases) > 500
    for (text, _), got, expected in zip(cases, fast, general):
        assert got == expected, text
