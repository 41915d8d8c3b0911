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
    """Collects median times per (group, engine) and prints ours/theirs ratios."""

    def __init__(self) -> None:
        self.medians: dict[str, dict[str, float]] = {}

    def record(self, group: str, engine: str, benchmark) -> None:
        stats = getattr(benchmark, "stats", None)
        if stats is None:  # --benchmark-disable
            return
        self.medians.setdefault(group, {})[engine] = stats.stats.median

    def lines(self) -> list[str]:
        rows = []
        ratios = []
        for group, by_engine in sorted(self.medians.items()):
            ours, theirs = by_engine.get("fhirpath-lean"), by_engine.get("fhirpathpy")
            if ours and theirs:
                ratio = theirs / ours
                ratios.append(ratio)
                rows.append(f"  {group:<44} {ours * 1e6:12.1f} us {theirs * 1e6:12.1f} us   x{ratio:7.1f}")
            for engine, median in by_engine.items():
                if engine not in ("fhirpath-lean", "fhirpathpy"):
                    rows.append(f"  {group + ' / ' + engine:<44} {median * 1e6:12.3f} us")
        if not rows:
            return []
        header = f"  {'workload':<44} {'fhirpath-lean':>15} {'fhirpathpy':>15}   ratio"
        out = ["", "speed: fhirpathpy time / fhirpath-lean time, medians of this run", header, *rows]
        if ratios:
            geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            out.append(f"  geometric mean over {len(ratios)} workloads: x{geomean:.1f}; lowest x{min(ratios):.1f}")
        return out
