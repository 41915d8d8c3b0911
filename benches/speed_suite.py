"""Shared pieces of the speed benchmarks: corpus loading, the two engines, and the
ratio table printed at the end of a run.

Ratios are what we report, never absolute times: both engines run in the same
process, on the same inputs, one after the other, so the machine cancels out.
"""

from __future__ import annotations

import json
import math
import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FHIRPATH_SHARED", ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus"


@lru_cache(maxsize=None)
def resources_by_type(limit_per_type: int = 60) -> dict[str, list[dict]]:
    """Up to ``limit_per_type`` corpus resources of each type, read with exact decimals."""
    found: dict[str, list[dict]] = {}
    with (CORPUS / "resources-r4.ndjson").open(encoding="utf-8") as lines:
        for line in lines:
            resource = json.loads(line, parse_float=Decimal)
            bucket = found.setdefault(resource["resourceType"], [])
            if len(bucket) < limit_per_type:
                bucket.append(resource)
    return found


@lru_cache(maxsize=None)
def search_parameters() -> list[dict]:
    with (CORPUS / "r4-search-parameters.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@lru_cache(maxsize=None)
def invariants() -> list[dict]:
    with (CORPUS / "r4-invariants.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def fhirpathpy_compile(text: str):
    """fhirpathpy with its R4 model (so choice types resolve as in our engine)."""
    import fhirpathpy
    from fhirpathpy.models import models

    return fhirpathpy.compile(text, model=models["r4"])


class RatioTable:
    """Median times per (group, engine), printed at the end of the run (benches/conftest.py)
    as ratios against the issue's targets."""

    def __init__(self) -> None:
        self.medians: dict[str, dict[str, float]] = {}

    def record(self, group: str, engine: str, benchmark) -> None:
        stats = getattr(benchmark, "stats", None)
        if stats is None:  # --benchmark-disable
            return
        self.medians.setdefault(group, {})[engine] = stats.stats.median

    def lines(self) -> list[str]:
        rows, evaluation = [], []
        for group, by_engine in sorted(self.medians.items()):
            ours, theirs = by_engine.get(OURS), by_engine.get(THEIRS)
            if ours and theirs:
                ratio = theirs / ours
                if group.startswith("evaluate:"):
                    evaluation.append(ratio)
                rows.append(f"  {group:<44} {ours * 1e6:12.1f} us {theirs * 1e6:12.1f} us   x{ratio:7.1f}")
        if not rows and not self.medians:
            return []
        out = ["", "speed: fhirpathpy time / fhirpath-lean time, medians of this run",
               f"  {'workload':<44} {OURS:>15} {THEIRS:>15}   ratio", *rows]
        if evaluation:
            geomean = math.exp(sum(math.log(r) for r in evaluation) / len(evaluation))
            out.append(f"  evaluation: geometric mean over {len(evaluation)} workloads x{geomean:.1f} (target x20),"
                       f" lowest x{min(evaluation):.1f} (floor x5)")
        hand = self.medians.get(HAND_WRITTEN, {})
        if hand.get(OURS) and hand.get("hand-written"):
            out.append(f"  Patient.name.given: x{hand[OURS] / hand['hand-written']:.1f} the time of hand-written"
                       " dict/list code (target within x5)")
        cached = self.medians.get(CACHED_COMPILE, {}).get(OURS)
        if cached:
            out.append(f"  cached compile(): {1 / cached:,.0f} calls/s (target 1,000,000)")
        return out


OURS, THEIRS = "fhirpath-lean", "fhirpathpy"
HAND_WRITTEN = "Patient.name.given vs hand-written"
CACHED_COMPILE = "cached compile()"
#: the run's table: the benchmarks record into it, benches/conftest.py prints it
RATIOS = RatioTable()
