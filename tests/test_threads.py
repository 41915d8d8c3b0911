"""One Engine shared by 8 threads gives the results one thread gets: the expression cache,
the node pool, the parser, the analyzer and the per-type navigation plans are shared."""

from __future__ import annotations

import json
import random
import sys
import threading

from fhirpath import Engine, FHIRPathError
from tests.conformance.suite import load_cases

THREADS = 8


def _outcome(engine: Engine, expression: str, resource) -> str:
    try:
        return json.dumps(engine.evaluate(resource, expression), default=str, sort_keys=True)
    except FHIRPathError as error:
        return f"error[{error.code}]"


def _workload(shared) -> list[tuple[str, dict]]:
    inputs = {path.name: json.loads(path.read_text()) for path in (shared / "fhirpath-tests" / "r4" / "input").glob("*.json")}
    cases = [case for case in load_cases(shared, "r4") if case.inputfile in inputs]
    corpus = [json.loads(line)["expression"] for line in (shared / "corpus" / "r4-invariants.jsonl").read_text().splitlines()]
    patient = inputs["patient-example.json"]
    return [(case.expression, inputs[case.inputfile]) for case in cases] + [(text, patient) for text in corpus]


def test_eight_threads_on_one_engine_get_the_serial_results(shared):
    work = _workload(shared)
    expected = [_outcome(Engine("r4"), expression, resource) for expression, resource in work]

    engine = Engine("r4", cache_size=32)  # small: threads evict each other's entries all the time
    engine.clear_caches()
    mismatches: list = []
    crashes: list = []
    start = threading.Barrier(THREADS)

    def run(seed: int) -> None:
        order = list(range(len(work)))
        random.Random(seed).shuffle(order)
        start.wait()
        try:
            for _ in range(2):
                for index in order:
                    expression, resource = work[index]
                    got = _outcome(engine, expression, resource)
                    if got != expected[index]:
                        mismatches.append((expression, got, expected[index]))
        except Exception as error:  # noqa: BLE001 - a race shows up as anything
            crashes.append(repr(error))

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(THREADS)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert not crashes, crashes[:3]
    assert not mismatches, mismatches[:3]
    stats = engine.stats()["cache"]
    assert stats["size"] <= 32 and stats["evictions"] > 0
