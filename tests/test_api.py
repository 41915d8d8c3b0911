import gc
import json
from decimal import Decimal

import pytest

import fhirpath
from fhirpath.errors import FHIRPathError, FHIRPathEvaluationError, FHIRPathSemanticError
from fhirpath.runtime.temporal import Date
from tests.conftest import corpus_resources, search_expressions_by_base

PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "active": True,
    "birthDate": "1974-12-25",
    "_birthDate": {"extension": [{"url": "http://example.org/time", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
    "name": [
        {"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
        {"use": "usual", "given": ["Jim"]},
    ],
    "multipleBirthInteger": 2,
}


def test_evaluate_returns_plain_values():
    assert fhirpath.evaluate(PATIENT, "Patient.name.given") == ["Peter", "James", "Jim"]


def test_complex_results_are_the_input_objects_themselves():
    result = fhirpath.evaluate(PATIENT, "Patient.name")
    assert result[0] is PATIENT["name"][0]


def test_typed_results_pair_each_value_with_its_type():
    assert fhirpath.evaluate(PATIENT, "Patient.active | Patient.name.count()", typed=True) == [
        ("FHIR.boolean", True),
        ("System.Integer", 2),
    ]


def test_fhir_dates_are_read_as_date_values():
    [birth_date] = fhirpath.evaluate(PATIENT, "birthDate")
    assert isinstance(birth_date, Date) and str(birth_date) == "1974-12-25"


def test_choice_elements_are_reached_by_their_base_name():
    assert fhirpath.evaluate(PATIENT, "Patient.multipleBirth", typed=True) == [("FHIR.integer", 2)]


def test_a_choice_element_named_with_its_type_is_a_semantic_error_unless_lenient():
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile("Patient.multipleBirthInteger")
    assert raised.value.code == "choice-suffix" and "multipleBirth.ofType(integer)" in raised.value.message
    lenient = fhirpath.Engine("r4", typed_choices=True)
    assert lenient.evaluate(PATIENT, "Patient.multipleBirthInteger", typed=True) == [("FHIR.integer", 2)]
    assert lenient.evaluate(PATIENT, "Patient.multipleBirthBoolean") == []
    assert lenient.compile("Patient.multipleBirthInteger", strict=True).evaluate(PATIENT) == [2]
    [warning] = lenient.analyze("Patient.multipleBirthInteger").diagnostics
    assert (warning.code, warning.severity) == ("choice-suffix", "warning")


def test_primitive_extensions_are_reachable():
    assert fhirpath.evaluate(PATIENT, "birthDate.extension.url") == ["http://example.org/time"]


def test_compile_once_and_evaluate_many_times():
    expression = fhirpath.compile("name.where(use = 'official').family")
    assert expression.evaluate(PATIENT) == ["Chalmers"]
    assert expression.evaluate({"resourceType": "Patient"}) == []


def test_compile_is_cached_per_model_and_options():
    assert fhirpath.compile("Patient.id") is fhirpath.compile("Patient.id")
    assert fhirpath.compile("Patient.id") is not fhirpath.compile("Patient.id", model="r5")
    engine = fhirpath.Engine("r4")
    options = [{}, {"strict": True}, {"context": "Patient"}, {"variables": ["x"]}, {"variables": ["y"]}]
    compiled = [engine.compile("Patient.id", **given) for given in options]
    assert len({id(c) for c in compiled}) == len(options) == engine.stats()["cache"]["size"]
    assert [c.strict for c in compiled] == [False, True, False, False, False]
    assert all(engine.compile("Patient.id", **given) is c for given, c in zip(options, compiled))


def test_variables_become_percent_names():
    assert fhirpath.evaluate(PATIENT, "%who.given", variables={"who": PATIENT["name"][1]}) == ["Jim"]
    assert fhirpath.evaluate(None, "%x + 1", variables={"x": 41}) == [42]


def test_an_undefined_variable_is_a_compile_time_error_with_a_position():
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.evaluate(PATIENT, "name.given | %nope")
    assert raised.value.code == "undefined-variable"
    assert raised.value.position == "1:14"


def test_compile_takes_the_names_of_the_variables_evaluation_will_supply():
    expression = fhirpath.compile("%who.given", variables=["who"])
    assert expression.evaluate(PATIENT, {"who": PATIENT["name"][1]}) == ["Jim"]
    assert fhirpath.compile("%who.given", variables={"%who": None}) is expression


def test_a_declared_variable_missing_at_evaluation_is_an_evaluation_error():
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.compile("name.given | %who", variables=["who"]).evaluate(PATIENT)
    assert raised.value.code == "undefined-variable"
    assert raised.value.position == "1:14"


def test_unknown_functions_fail_at_compile_time_with_a_suggestion():
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile("Patient.name.frist()")
    error = raised.value
    assert error.code == "unknown-function"
    assert "did you mean 'first'" in error.message
    assert str(error).splitlines()[0].endswith("at 1:14")


def test_wrong_arity_is_a_compile_time_error():
    with pytest.raises(FHIRPathSemanticError) as raised:
        fhirpath.compile("Patient.name.where()")
    assert raised.value.code == "wrong-arity"


def test_evaluation_errors_name_the_function_and_its_position():
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.evaluate(PATIENT, "Patient.name.single()")
    assert raised.value.code == "not-a-singleton"
    assert raised.value.position == "1:14"


def test_without_a_model_paths_navigate_plain_json():
    assert fhirpath.evaluate(PATIENT, "name.given.first()", model=None) == ["Peter"]
    assert fhirpath.evaluate({"valueString": "x"}, "value", model=None) == ["x"]


def test_json_read_with_floats_still_gives_decimals():
    assert fhirpath.evaluate({"resourceType": "Observation", "valueQuantity": {"value": 1.5}}, "value.value") == [
        Decimal("1.5")
    ]


def test_engines_keep_their_own_caches():
    engine = fhirpath.Engine("r4", cache_size=2)
    for text in ("a", "b", "c"):
        engine.compile(text)
    stats = engine.stats()
    assert stats["cache"]["size"] == 2 and stats["cache"]["misses"] == 3


def test_stats_count_evictions_and_clearing_the_caches_empties_them():
    from fhirpath.ast import NODE_POOL

    gc.collect()
    pool_before = len(NODE_POOL)
    engine = fhirpath.Engine("r4", cache_size=2)
    for text in ("'stats a'", "'stats b'", "'stats c'"):
        engine.compile(text)
    full = engine.stats()
    assert full["cache"]["evictions"] == 1 and full["cache"]["approximate_bytes"] > 0
    assert "r4" in full["models_loaded"]
    engine.clear_caches()
    gc.collect()
    cleared = engine.stats()
    assert cleared["cache"] | {"max_size": 0} == {
        "size": 0, "max_size": 0, "hits": 0, "misses": 0, "evictions": 0, "approximate_bytes": 0
    }
    assert cleared["node_pool"]["size"] <= pool_before  # compiled expressions keep no syntax tree


def test_the_cache_evicts_the_least_recently_used_even_though_hits_take_no_lock():
    engine = fhirpath.Engine("r4", cache_size=2)
    a, b = engine.compile("'lru a'"), engine.compile("'lru b'")
    assert engine.compile("'lru a'") is a  # a hit: 'lru b' is now the least recent
    engine.compile("'lru c'")
    assert engine.compile("'lru a'") is a and engine.compile("'lru b'") is not b
    assert engine.stats()["cache"] | {"approximate_bytes": 0} == {
        "size": 2, "max_size": 2, "hits": 2, "misses": 4, "evictions": 2, "approximate_bytes": 0
    }


def test_a_cache_of_size_zero_keeps_nothing_and_a_bad_size_is_refused():
    engine = fhirpath.Engine("r4", cache_size=0)
    first = engine.compile("Patient.id")
    assert engine.compile("Patient.id") is not first and first.evaluate({"resourceType": "Patient", "id": "a"}) == ["a"]
    assert engine.stats()["cache"] | {"approximate_bytes": 0} == {
        "size": 0, "max_size": 0, "hits": 0, "misses": 2, "evictions": 0, "approximate_bytes": 0
    }
    for bad in (-1, 1.5, "10", None):
        with pytest.raises(ValueError, match="cache_size"):
            fhirpath.Engine("r4", cache_size=bad)


def test_hits_noted_for_the_lru_order_stay_bounded():
    engine = fhirpath.Engine("r4", cache_size=2)
    engine.compile("'bounded'")
    for _ in range(1_000):
        engine.compile("'bounded'")
    assert len(engine._cache.touched) <= engine._cache.replay_at


def test_corpus_evaluation_never_changes_its_input(shared):
    """2,000 real resources, every R4 search parameter of their type: byte-identical input."""
    parameters = search_expressions_by_base(shared)
    engine = fhirpath.Engine("r4")
    checked = evaluations = 0
    for resource in corpus_resources(shared, every=12):
        before = json.dumps(resource, sort_keys=True, default=str)
        for text in parameters.get(resource["resourceType"], []) + parameters["Resource"]:
            try:
                engine.compile(text).evaluate(resource)
            except FHIRPathError:
                pass  # e.g. resolve() is not in this engine yet; never another exception
            evaluations += 1
        assert json.dumps(resource, sort_keys=True, default=str) == before
        checked += 1
    assert checked >= 2000 and evaluations > 10_000


@pytest.mark.parametrize("expression, context_free", [
    ("Patient.name.given", True),
    ("name[1].given", True),
    ("'a literal'", True),
    ("name.given.first()", True),
    ("name.given.exists() and name.family.count() > 1", True),
    ("name.family.first().upper().startsWith('CH')", True),
    ("birthDate < @2000-01-01 or (gender is code)", True),
    ("Patient.name.where(use = 'usual').given", False),  # criteria run in a context
    ("name.given.exists($this = 'Jim')", False),
    ("%resource.name", False),
    ("name.given | name.family", False),  # union reads the active limits
    ("name.family.first() & '!'", True),  # the compiler gives & the engine's string limit
    ("name.family.first() + '!'", False),  # + reads the active one
    ("iif(active, 1, 2)", False),
])
def test_expressions_the_table_calls_context_free_are_evaluated_without_a_context(expression, context_free):
    compiled = fhirpath.compile(expression)
    assert compiled._context_free is context_free
    assert compiled.evaluate(PATIENT) == fhirpath.compile(f"({expression}).select($this)").evaluate(PATIENT)


def test_an_error_in_a_path_evaluated_without_a_context_still_names_expression_and_position():
    compiled = fhirpath.Engine(None).compile("letters[n]")
    assert compiled._context_free
    with pytest.raises(FHIRPathEvaluationError) as raised:
        compiled.evaluate({"letters": ["a", "b", "c"], "n": [1, 2]})
    error = raised.value
    assert (error.code, error.expression, error.start) == ("not-a-singleton", "letters[n]", 7)  # at the brackets


def test_a_whole_path_gives_the_values_its_closure_gives(shared):
    """evaluate() runs a whole path without closures and reads its last step as values
    only (`walk_values`): on real resources it must give what the closures give."""
    parameters = search_expressions_by_base(shared)
    engine = fhirpath.Engine("r4")
    compared = 0
    for resource in corpus_resources(shared, every=25):
        for text in parameters.get(resource["resourceType"], []) + ["Patient.name.given", "id", "text.div"]:
            try:
                compiled = engine.compile(text)
            except FHIRPathError:
                continue
            if compiled._path is None:
                continue
            closures = engine.compile(f"{text}.select($this)")  # the same path, as closures
            expected = closures.evaluate(resource, typed=True)
            assert compiled.evaluate(resource, typed=True) == expected, text
            assert compiled.evaluate(resource) == [value for _, value in expected], text
            compared += 1
    assert compared > 5_000


def test_a_whole_path_keeps_extended_primitives_and_reads_sidecar_members():
    patient = {"resourceType": "Patient", "name": [{"given": ["Peter", None, "Jim"],
                                                     "_given": [None, {"id": "g2"}, {"id": "g3"}]}]}
    assert fhirpath.evaluate(patient, "Patient.name.given") == ["Peter", None, "Jim"]
    assert fhirpath.evaluate(patient, "Patient.name.given.id") == ["g2", "g3"]
    assert fhirpath.compile("Patient.name.given.id")._path is not None


@pytest.mark.parametrize("resource", [
    {"resourceType": "Patient", "name": [{"given": ["a", None, "b"]}, None, {"family": "f"}]},
    {"resourceType": "Patient", "name": [{"given": ["a"], "_given": [{"id": "g"}]}]},  # an extended primitive
    {"resourceType": "Patient", "name": ["not an object", {"given": ["c"]}]},  # bad JSON: the general walk
    {"resourceType": "Patient", "name": {"given": "single, not a list"}},
    {"resourceType": "Patient", "birthDate": "1974-12-25", "_birthDate": {"extension": []}},
    {"resourceType": "Patient", "birthDate": "not a date"},
    {"resourceType": "Observation", "valueQuantity": {"value": 1.5}, "subject": {"reference": "Patient/1"}},
])
@pytest.mark.parametrize("expression", [
    "Patient.name.given", "name.given", "Resource.id", "DomainResource.text", "Patient.birthDate",
    "Observation.value.ofType(Quantity).value", "subject.reference", "Patient.name",
])
def test_a_path_the_model_fixes_reads_the_json_as_the_general_walk_does(resource, expression):
    """A whole path whose steps the model fixes for the resource's type is read straight
    from the JSON (`value_plan`); odd JSON falls back to the general walk, same answer."""
    compiled = fhirpath.compile(expression)
    closures = fhirpath.compile(f"({expression}).select($this)")
    assert compiled._path is not None and closures._path is None
    assert compiled.evaluate(resource) == closures.evaluate(resource)
    assert compiled.evaluate(resource, typed=True) == closures.evaluate(resource, typed=True)


FILTERED_PATHS = [
    "Patient.telecom.where(system = 'phone').value", "Patient.name.where(use = 'official').given.first()",
    "Encounter.type.coding.exists(system = 'http://snomed.info/sct')", "identifier.where(system != 'x').value.count()",
    "extension.where(url = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').exists()",
    "name.where(use = 'official').empty()", "Observation.code.coding.where(system = 'http://loinc.org').code",
    "telecom.where(rank = 1).value", "Patient.where(active = true).name.family", "'home' = address.where('home' = use).use",
    "communication.where(preferred = true).language.coding.code", "name.where(use = 'usual').where(family != 'x')",
    "Observation.component.where(code.coding.code = '8480-6').value.ofType(Quantity).value",
    "Patient.contact.where(gender = 'female').name.given.first()", "identifier.where(type.text = 'x').exists()",
    "Observation.subject.where(reference.startsWith('urn:uuid:')).reference", "telecom.where(value.endsWith('.com'))",
    "name.where(family.contains('a')).given", "identifier.where(system.contains('')).value.first()",
    "Patient.name.given.first()", "telecom.value.count()", "Patient.birthDate.exists()", "name.given.empty()",
    "Observation.value.ofType(Quantity).value.first()", "identifier.exists()",
]


def test_a_filtered_path_gives_the_values_its_closures_give(shared):
    """A path with where(path = literal) filters is read from the JSON along a plan
    (`read_filtered`): on real resources it must give what the closures give."""
    parameters = search_expressions_by_base(shared)
    engine = fhirpath.Engine("r4")
    compared = 0
    for resource in corpus_resources(shared, every=10):
        for text in parameters.get(resource["resourceType"], []) + FILTERED_PATHS:
            try:
                compiled = engine.compile(text)
            except FHIRPathError:
                continue
            if compiled._filtered is None:
                continue
            closures = engine.compile(f"({text}).select($this)")  # the same, as closures
            assert closures._filtered is None and closures._path is None
            assert compiled.evaluate(resource) == closures.evaluate(resource), text
            assert compiled.evaluate(resource, typed=True) == closures.evaluate(resource, typed=True), text
            compared += 1
    assert compared > 5_000


@pytest.mark.parametrize("resource", [
    {"resourceType": "Patient", "telecom": [{"system": "phone", "value": "1"}, {"system": "email", "value": "2"},
                                            {"value": "3"}, None, {"system": "phone", "rank": 1, "value": "4"}]},
    {"resourceType": "Patient", "telecom": [{"system": "phone", "_system": {"id": "x"}, "value": "1"}]},
    {"resourceType": "Patient", "telecom": [{"_system": {"extension": []}, "value": "1"}]},
    {"resourceType": "Patient", "telecom": [{"system": ["phone", "phone"], "value": "1"}]},  # a list for one value
    {"resourceType": "Patient", "telecom": [{"system": "phone", "rank": "1", "value": "1"}]},  # a string for an integer
    {"resourceType": "Patient", "telecom": ["not an object", {"system": "phone", "value": "1"}]},
    {"resourceType": "Patient", "telecom": {"system": "phone", "value": "a single object"}},
    {"resourceType": "Patient", "telecom": [{"system": "phone", "value": "1", "_value": {"id": "v"}}]},
    {"resourceType": "Patient", "active": True, "name": [{"use": "official", "given": ["a", None, "b"]}]},
    {"resourceType": "Patient", "active": "yes", "name": [{"use": "official", "given": ["a"], "_given": [{"id": "g"}]}]},
    {"resourceType": "Patient", "name": [{"given": [None, "b"], "_given": [{"id": "g"}, None]}],
     "telecom": [{"_system": {"id": "s"}}, {"_rank": {"id": "r"}}]},  # values that are only extensions
    {"resourceType": "Observation", "telecom": [{"system": "phone", "value": "1"}]},  # not a Patient
])
@pytest.mark.parametrize("expression", [
    "Patient.telecom.where(system = 'phone').value", "telecom.where(system != 'phone')", "telecom.where(rank = 1).value",
    "Patient.telecom.exists(system = 'phone')", "telecom.where(system = 'phone').where(value = '1').count()",
    "Patient.where(active = true).name.given.first()", "name.where(use = 'official').given.empty()",
    "telecom.where(value.startsWith('1')).system", "telecom.where(rank.startsWith('1'))",
    "telecom.where(system.endsWith('one')).value", "telecom.where(system.contains('hon')).count()",
    "Patient.telecom.system.first()", "telecom.rank.count()", "name.given.count()", "name.given.exists()",
    "telecom.system.empty()",
])
def test_a_filtered_path_reads_odd_json_as_the_closures_do(resource, expression):
    compiled = fhirpath.Engine("r4").compile(expression)
    closures = fhirpath.compile(f"({expression}).select($this)")
    assert compiled._filtered is not None and compiled._closure is None

    def outcome(expression, **options):
        try:
            return expression.evaluate(resource, **options)
        except FHIRPathEvaluationError as error:
            return error.code

    assert outcome(compiled) == outcome(closures)
    assert outcome(compiled, typed=True) == outcome(closures, typed=True)


def test_a_filtered_path_compiles_its_closure_again_only_when_its_plan_cannot_read_the_json():
    compiled = fhirpath.Engine("r4").compile("Patient.telecom.where(system = 'phone').value")
    assert compiled.evaluate({"resourceType": "Patient", "telecom": [{"system": "phone", "value": "1"}]}) == ["1"]
    assert compiled._closure is None
    odd = {"resourceType": "Patient", "telecom": [{"system": "phone", "_system": {"id": "s"}, "value": "1"}]}
    assert compiled.evaluate(odd) == ["1"]
    assert compiled._closure is not None


@pytest.mark.parametrize("expression", [
    "Patient.telecom.where(system = %x).value", "telecom.where($this.system = 'phone')", "telecom.where(system = 1.5)",
    "telecom.where(system.upper() = 'PHONE')", "telecom.where(Patient.id = 'x')", "telecom.first().where(system = 'a')",
    "telecom.exists(system = 'a').not()", "Patient.name.given", "telecom.where(value.startsWith(%x))",
    "telecom.where(value.startsWith('a').not())", "telecom.where(value.indexOf('a') = 1)", "telecom.where(startsWith('a'))",
    "telecom.exists(system = 'a').first()", "telecom.exists(system = 'a').exists()", "telecom.exists(system = 'a').count()",
])
def test_other_expressions_are_not_filtered_paths(expression):
    assert fhirpath.Engine("r4").compile(expression, variables=["x"])._filtered is None


def test_lenient_compile_skips_analysis_only_where_it_would_raise_nothing(shared):
    """A path, or a filtered path comparing with literals, from a type whose every step
    the model fixes compiles without analysis when lenient (`Engine._compile`; a
    filtered path without its closure too): analysis of each such corpus and suite
    expression must then find no error a lenient compile raises, nor compiling it."""
    from fhirpath.analyzer import first_error
    from fhirpath.parser import parse_located
    from tests.conformance.suite import load_cases

    def corpus(*names):
        return [json.loads(line)["expression"] for name in names
                for line in (shared / "corpus" / name).read_text(encoding="utf-8").splitlines()]

    choice_names = ["Observation.valueQuantity", "Observation.valueQuantity.value", "Patient.multipleBirthInteger",
                    "Patient.telecom.where(period.startsWith('x')).value", "Patient.name.where(period.contains('x'))",
                    "Patient.name.where(use = 'official').given.first()", "Patient.name.where(use = 1).exists()"]
    texts = {
        "r4": corpus("r4-search-parameters.jsonl", "r4-invariants.jsonl") + choice_names
        + [case.expression for case in load_cases(shared, "r4")],
        "r5": corpus("r5-search-parameters.jsonl") + choice_names + [case.expression for case in load_cases(shared, "r5")],
    }
    skipped = 0
    for release, expressions in texts.items():
        for typed_choices in (False, True):
            engine = fhirpath.Engine(release, typed_choices=typed_choices, cache_size=1)
            analyze = engine.analyzer.analyze
            analyzed = []
            engine.analyzer.analyze = lambda *args, **kwargs: analyzed.append(1) or analyze(*args, **kwargs)
            for text in expressions:
                analyzed.clear()
                try:
                    engine.compile(text)
                except FHIRPathError:
                    continue
                if analyzed:
                    continue
                skipped += 1
                tree, base = parse_located(text)
                assert first_error(analyze(tree, base).diagnostics, strict=False) is None, (release, text)
                engine._compiler(False).compile(tree, base)
    assert skipped > 2000


def _unfused_engine():
    """An engine whose where(), exists(), count(), empty() and first() are copies of the
    builtins: the same functions, which the compiler then does not read along plans."""
    import copy

    from fhirpath.functions.table import FUNCTIONS

    names = ("where", "exists", "count", "empty", "first")
    return fhirpath.Engine("r4", functions={name: copy.copy(FUNCTIONS[name]) for name in names})


def test_invariants_and_search_parameters_give_what_the_functions_give(shared):
    """Whatever the compiler reads along plans instead of calling where(), exists(),
    count(), empty() or first() (filtered paths...) must give what the functions give:
    the R4 invariants and search parameters that call them, on real resources."""
    invariants: dict[str, list] = {}
    for line in (shared / "corpus" / "r4-invariants.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        invariants.setdefault(record["context"].split(".")[0], []).append(record["expression"])
    parameters = search_expressions_by_base(shared)
    fused, unfused = fhirpath.Engine("r4"), _unfused_engine()
    extra = ["name.exists() and telecom.count() > 1", "identifier.where(system = 'x').empty()",
             "Patient.name.given.count()", "contained.exists()", "meta.tag.exists(code = 'x')", "Patient.exists()",
             "name.given.count() > 1 or telecom.value.empty()", "(code.coding.code.exists() | meta.tag.code.count())",
             "iif(identifier.type.text.exists(), 1, 2)", "name.where(given.count() = 1).family"]

    def outcome(engine, text, resource):
        try:
            return engine.evaluate(resource, text)
        except FHIRPathError as error:
            return error.code

    compared = 0
    for resource in corpus_resources(shared, every=10):
        kind = resource["resourceType"]
        for text in invariants.get(kind, []) + invariants.get("DomainResource", []) + parameters.get(kind, []) + extra:
            if not any(f".{name}(" in text for name in ("where", "count", "exists", "empty", "first")):
                continue
            assert outcome(fused, text, resource) == outcome(unfused, text, resource), (kind, text)
            compared += 1
    assert compared > 3_000
