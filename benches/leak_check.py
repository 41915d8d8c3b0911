"""No growth under load: one engine evaluates over more distinct expressions than its
cache holds, and what stays allocated must not grow.

    python -m benches.leak_check                       # the full run: 100,000 evaluations
    python -m benches.leak_check --evaluations 10000   # the size the budget tests run

The run repeats one seeded schedule of (expression, resource) pairs; the first round
warms up. Every round ends with the same accesses, so after each one the LRU cache holds
the same expressions and the node pool the same nodes: retained memory (tracemalloc,
after gc, over everything the engine made) may drift at most `MAX_DRIFT` from the first
measured round, the pool may not grow, and the cache must have evicted. Prints one JSON
object (with the sites that grew, if any); exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tracemalloc

from benches.memory_probe import corpus_resources, make_room_for_interned_strings, search_parameters

MAX_DRIFT = 0.01


def run(shared: str, *, evaluations: int, rounds: int, expressions: int, resources: int, seed: int = 5) -> dict:
    import fhirpath
    from fhirpath.errors import FHIRPathEvaluationError

    loaded = corpus_resources(shared, resources)
    by_type = search_parameters(shared)
    bases: dict[str, list[str]] = {}
    for base, texts in by_type.items():
        for text in texts:
            bases.setdefault(text, []).append(base)
    scratch = fhirpath.Engine("r4", cache_size=len(bases))  # also loads what the model loads on first use
    compilable = sorted(text for text in bases if _compiles(scratch, text))
    del scratch
    if len(compilable) < expressions:
        raise SystemExit(f"only {len(compilable)} corpus expressions compile; asked for {expressions}")

    rng = random.Random(seed)
    chosen = rng.sample(compilable, expressions)
    of_type: dict[str, list[int]] = {}
    for index, resource in enumerate(loaded):
        of_type.setdefault(resource["resourceType"], []).append(index)
    everything = range(len(loaded))
    targets = [[i for base in bases[text] for i in of_type.get(base, ())] or everything for text in chosen]
    schedule = []
    for _ in range(evaluations // rounds):
        pick = rng.randrange(expressions)
        schedule.append((chosen[pick], loaded[rng.choice(targets[pick])]))

    # Names interned while compiling die with their expression when it is evicted and are
    # interned again when it comes back: the table of interned strings then rebuilds now
    # and then, and may double, depending on its size when the run starts. Room first
    # (as every memory probe does), so that is not read as growth.
    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    gc.collect()
    tracemalloc.start()
    engine = fhirpath.Engine("r4")
    measured: list[dict] = []
    first = None
    snapshot_bytes = 0
    for round_number in range(rounds):
        for text, resource in schedule:
            try:
                engine.evaluate(resource, text)
            except FHIRPathEvaluationError:
                pass  # an error is a result too
        gc.collect()
        stats = engine.stats()
        measured.append({
            "retained": tracemalloc.get_traced_memory()[0] - snapshot_bytes,
            "pool": stats["node_pool"]["size"],
            "cache": stats["cache"]["size"],
            "rss": _current_rss(),
        })
        if round_number == 1:  # the first round after warming up: what later ones are held to
            before = tracemalloc.get_traced_memory()[0]
            first = tracemalloc.take_snapshot()
            gc.collect()
            snapshot_bytes = tracemalloc.get_traced_memory()[0] - before
    growth = []
    if first is not None:
        differences = tracemalloc.take_snapshot().compare_to(first, "lineno")
        growth = [str(stat) for stat in differences[:5] if stat.size_diff > 0]
    tracemalloc.stop()

    stats = engine.stats()["cache"]
    after_warm_up = measured[1:] or measured
    reference = after_warm_up[0]["retained"]
    drift = max(abs(m["retained"] - reference) for m in after_warm_up) / reference
    failures = []
    if drift > MAX_DRIFT:
        failures.append(f"retained memory drifted {drift:.2%} (limit {MAX_DRIFT:.0%})")
    if max(m["pool"] for m in after_warm_up) > after_warm_up[0]["pool"]:
        failures.append("the node pool grew")
    if stats["evictions"] == 0:
        failures.append("the cache never evicted")
    return {
        "evaluations": len(schedule) * rounds,
        "rounds": rounds,
        "expressions": expressions,
        "resources": len(loaded),
        "retained": [m["retained"] for m in measured],
        "pool": [m["pool"] for m in measured],
        "cache": [m["cache"] for m in measured],
        "rss": [m["rss"] for m in measured],
        "drift": round(drift, 5),
        "hits": stats["hits"],
        "misses": stats["misses"],
        "evictions": stats["evictions"],
        "growth": growth,
        "failures": failures,
    }


def _compiles(engine, text: str) -> bool:
    from fhirpath import FHIRPathError

    try:
        engine.compile(text)
    except FHIRPathError:
        return False  # not every corpus function is implemented yet
    return True


def _current_rss() -> int | None:
    """Resident set size now, in bytes (Linux only; None elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return None
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


def main(argv=None) -> int:
    from tests.conftest import SHARED

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--expressions", type=int, default=1_000)
    parser.add_argument("--resources", type=int, default=2_000)
    parser.add_argument("--shared", default=str(SHARED), help="the shared fixtures folder")
    options = parser.parse_args(argv)
    found = run(
        options.shared, evaluations=options.evaluations, rounds=options.rounds,
        expressions=options.expressions, resources=options.resources,
    )
    print(json.dumps(found))
    return 1 if found["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
