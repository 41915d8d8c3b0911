"""Speed against fhirpathpy, as ratios within one run (pytest-benchmark).

Run: python -m pytest benches/test_speed.py --benchmark-only
Each workload runs on both engines; a table of ratios and their geometric mean is
printed at the end. Results are cross-checked against fhirpathpy first
(`test_results_agree_with_fhirpathpy`), except where fhirpathpy is known wrong.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

import fhirpath
from benches.speed_suite import (
    CACHED_COMPILE,
    HAND_WRITTEN,
    OURS,
    RATIOS,
    ROOT,
    fhirpathpy_compile,
    invariants,
    resources_by_type,
    search_parameters,
)

pytest.importorskip("fhirpathpy", reason="the speed suite compares against fhirpathpy (dev extra)")


class Workload:
    def __init__(self, name: str, types: tuple[str, ...], expressions: tuple[str, ...]) -> None:
        self.name, self.types, self.expressions = name, types, expressions

    def resources(self) -> list[dict]:
        found = resources_by_type()
        return [r for t in self.types for r in found.get(t, [])]

    def __repr__(self) -> str:
        return self.name


WORKLOADS = [
    Workload("simple path", ("Patient",), ("Patient.name.given",)),
    Workload("where filter", ("Patient",), ("Patient.telecom.where(system = 'phone').value",
                                            "Patient.name.where(use = 'official').given.first()")),
    Workload("choice types", ("Observation",), ("Observation.value.ofType(Quantity).value",
                                                "Observation.value.ofType(CodeableConcept).coding.code")),
    Workload("references", ("Observation", "Encounter"), ("subject.reference", "Observation.subject.where(reference.startsWith('urn:uuid:')).reference")),
    Workload("string functions", ("Patient",), ("Patient.name.family.upper()",
                                                "Patient.address.city.first().substring(0, 3) & '-' & Patient.gender")),
    Workload("date comparison", ("Patient",), ("Patient.birthDate < @1980-01-01",
                                               "Patient.birthDate > @1950-06-15 and Patient.gender = 'female'")),
    Workload("descendants", ("Patient", "Observation"), ("descendants().count()",)),
    Workload("count and exists", ("Encounter",), ("Encounter.type.coding.exists(system = 'http://snomed.info/sct')",
                                                  "Encounter.participant.count() > 0")),
]


def search_parameter_workload() -> Workload:
    """Every R4 search parameter expression over corpus resources of its base type."""
    found = resources_by_type()
    expressions = tuple(
        sp["expression"] for sp in search_parameters() if any(base in found for base in sp["base"])
    )
    return Workload("search parameters (R4)", tuple(found), expressions)


def invariant_workload() -> Workload:
    roots = {i["expression"] for i in invariants() if i["context"] == i["structure"]}
    return Workload("invariants (resource level)", tuple(resources_by_type()), tuple(sorted(roots)))


ALL_WORKLOADS = WORKLOADS + [search_parameter_workload(), invariant_workload()]


def _pairs(workload: Workload, compile_one):
    """(compiled, resources it applies to) per expression; unusable expressions dropped."""
    pairs = []
    found = resources_by_type()
    for text in workload.expressions:
        try:
            compiled = compile_one(text)
        except Exception:  # one engine may not support an expression: both skip it
            continue
        root = text.split(".", 1)[0].split("(", 1)[0]
        resources = found.get(root) or workload.resources()
        pairs.append((text, compiled, resources))
    return pairs


def _run_ours(pairs):
    for _, compiled, resources in pairs:
        for resource in resources:
            try:
                compiled.evaluate(resource)
            except fhirpath.FHIRPathError:
                pass


def _run_theirs(pairs):
    for _, compiled, resources in pairs:
        for resource in resources:
            try:
                compiled(resource)
            except Exception:
                pass


def _common(workload: Workload):
    """The expressions both engines compile, so both do the same work."""
    ours = {text: c for text, c, _ in _pairs(workload, fhirpath.compile)}
    theirs = {text: c for text, c, _ in _pairs(workload, fhirpathpy_compile)}
    common = [text for text in workload.expressions if text in ours and text in theirs]
    narrowed = Workload(workload.name, workload.types, tuple(common))
    return _pairs(narrowed, lambda t: ours[t]), _pairs(narrowed, lambda t: theirs[t])


@pytest.fixture(scope="session")
def ratio_table():
    return RATIOS


@pytest.mark.parametrize("workload", ALL_WORKLOADS, ids=lambda w: w.name)
@pytest.mark.parametrize("engine", ["fhirpath-lean", "fhirpathpy"])
def test_evaluate(benchmark, ratio_table, workload, engine):
    ours, theirs = _common(workload)
    benchmark.group = f"evaluate: {workload.name}"
    benchmark.pedantic(_run_ours if engine == "fhirpath-lean" else _run_theirs,
                       args=(ours if engine == "fhirpath-lean" else theirs,), rounds=7, iterations=1,
                       warmup_rounds=1)
    ratio_table.record(f"evaluate: {workload.name}", engine, benchmark)


def test_simple_path_against_hand_written_python(benchmark, ratio_table):
    patients = resources_by_type()["Patient"]

    def hand_written():
        for p in patients:
            [g for n in p.get("name", ()) for g in n.get("given", ())]

    benchmark.group = HAND_WRITTEN
    benchmark.pedantic(hand_written, rounds=20, iterations=5)
    ratio_table.record(HAND_WRITTEN, "hand-written", benchmark)


def test_simple_path_ours_for_the_hand_written_comparison(benchmark, ratio_table):
    patients = resources_by_type()["Patient"]
    expression = fhirpath.compile("Patient.name.given")

    def ours():
        for p in patients:
            expression.evaluate(p)

    benchmark.group = HAND_WRITTEN
    benchmark.pedantic(ours, rounds=20, iterations=5)
    ratio_table.record(HAND_WRITTEN, OURS, benchmark)


@pytest.mark.parametrize("engine", ["fhirpath-lean", "fhirpathpy"])
def test_parse(benchmark, ratio_table, engine):
    """Parsing the 1,372 R4 search-parameter expressions."""
    texts = [sp["expression"] for sp in search_parameters()]
    if engine == "fhirpath-lean":
        from fhirpath.parser import parse
    else:
        from fhirpathpy.parser import parse
    benchmark.group = "parse: R4 search parameters"
    benchmark.pedantic(lambda: [parse(t) for t in texts], rounds=5, iterations=1, warmup_rounds=1)
    ratio_table.record("parse: R4 search parameters", engine, benchmark)


@pytest.mark.parametrize("engine", ["fhirpath-lean", "fhirpathpy"])
def test_compile(benchmark, ratio_table, engine):
    """Compiling (uncached) the R4 search-parameter expressions both engines accept."""
    texts = [sp["expression"] for sp in search_parameters()]
    if engine == "fhirpath-lean":
        def run():
            engine_ = fhirpath.Engine("r4", cache_size=1)
            for t in texts:
                try:
                    engine_.compile(t)
                except fhirpath.FHIRPathError:
                    pass
    else:
        def run():
            for t in texts:
                try:
                    fhirpathpy_compile(t)
                except Exception:
                    pass
    benchmark.group = "compile: R4 search parameters"
    benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)
    ratio_table.record("compile: R4 search parameters", engine, benchmark)


def test_cached_compile_calls_per_second(benchmark, ratio_table):
    fhirpath.compile("Patient.name.given")
    compile_ = fhirpath.compile
    benchmark.group = CACHED_COMPILE
    benchmark(compile_, "Patient.name.given")
    ratio_table.record(CACHED_COMPILE, OURS, benchmark)


def test_cold_first_parse_of_the_search_parameters_in_a_fresh_process():
    """Import, parser load and the first parse of all 1,372 expressions (reported)."""
    code = (
        "import json, time, sys; t = time.perf_counter(); from fhirpath.parser import parse; "
        f"texts = [json.loads(l)['expression'] for l in open({str(ROOT.parent / 'shared' / 'corpus' / 'r4-search-parameters.jsonl')!r})]; "
        "s = time.perf_counter(); [parse(x) for x in texts]; print(time.perf_counter() - t)"
    )
    seconds = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    print(f"cold first parse of 1,372 expressions: {seconds * 1000:.0f} ms")
    assert seconds > 0


# ---- results must agree before speed means anything --------------------------------------

#: expressions where fhirpathpy's answer is wrong, with the reason (checked by hand)
FHIRPATHPY_WRONG: dict[str, str] = {
    "descendants().count()": "fhirpathpy counts the JSON key resourceType as a node; it is not an element",
    "Patient.address.city.first().substring(0, 3) & '-' & Patient.gender":
        "fhirpathpy raises on '&' with an empty operand; the spec says empty counts as ''",
}


def _normal(values) -> list:
    out = []
    for value in values:
        if isinstance(value, dict):
            out.append(json.dumps(value, sort_keys=True, default=str))
        elif isinstance(value, bool) or value is None:
            out.append(value)
        elif isinstance(value, (int, Decimal, float)):
            out.append(format(Decimal(str(value)).normalize(), "f"))
        else:
            out.append(str(value).lstrip("@"))
    return out


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_results_agree_with_fhirpathpy(workload):
    ours, theirs = _common(workload)
    disagreements = []
    for (text, our_expr, resources), (_, their_expr, _) in zip(ours, theirs):
        if text in FHIRPATHPY_WRONG:
            continue
        for resource in resources:
            try:
                mine = _normal(our_expr.evaluate(resource))
            except fhirpath.FHIRPathError as error:
                mine = f"error {error.code}"
            try:
                other = _normal(their_expr(resource))
            except Exception:
                other = "error"
            if mine != other and not (isinstance(mine, str) and other == "error"):
                disagreements.append((text, resource.get("id"), mine, other))
    assert disagreements == []
