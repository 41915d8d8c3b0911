"""The memory figures: what each one means, its budget, and its committed baseline.

Every figure comes from one component of `benches.memory_probe`, run in a fresh
interpreter. Budgets are the project's promises, in decimal units (1 KB = 1,000 bytes)
except where a promise is stated in MiB. A tracked figure also fails when it grows more
than `TOLERANCE` over `memory_baseline.json`, which holds one set of figures per
interpreter and platform (sizes differ between CPython versions).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PATH = Path(__file__).with_name("memory_baseline.json")
#: how much a tracked figure may grow over its baseline
TOLERANCE = 0.10
KB, MB, MIB = 1_000, 1_000_000, 1024 * 1024
#: the default expression cache holds 512 entries; its stated bound is that many
#: typical compiled expressions at their budget
CACHE_ENTRIES = 512
COMPILED_BUDGET = 4 * KB
#: the command that records new baselines (and rewrites README's Memory table)
UPDATE_COMMAND = "python -m benches.report --update-baseline"


@dataclass(frozen=True)
class Figure:
    name: str
    component: str  # the `benches.memory_probe` component that measures it
    meaning: str  # one line, for the README table
    budget: float | None = None  # fail above it; None: reported only
    unit: str = "bytes"  # "bytes", "rss" (bytes, shown in MiB), "ratio" or "count"
    tracked: bool = True  # held to its baseline (counts and other engines' figures are not)


HEADLINE = "`Patient.name.where(use='official').given.first()`"

FIGURES = (
    Figure("parser_bytes", "parser", "parser: retained after building it, over `import lark` and `import fhirpath` (target 500 KB)", 1 * MB),
    Figure("evaluator_baseline_bytes", "baseline", "`import fhirpath` + R4 model + one compiled expression, retained, over `import lark`", 2 * MB),
    Figure("evaluator_baseline_with_lark_bytes", "baseline", "the same, `import lark` included"),
    Figure("evaluator_baseline_general_bytes", "baseline", "the same, then a second expression that takes the general way (analysis, closures): the headline `\\| Patient.telecom.where(system = 'phone').value`", 2 * MB),
    Figure("ast_median_bytes", "ast", "syntax tree of a corpus expression, deep size unpooled (pympler): median of 2,841", 1 * KB),
    Figure("ast_max_bytes", "ast", "the same: largest", 64 * KB),
    Figure("ast_corpus_held_ratio", "ast", "whole corpus parsed and held at once with the node pool (tracemalloc) / sum of its unpooled trees", 0.60, "ratio"),
    Figure("ast_corpus_held_bytes", "ast", "whole corpus held at once with the node pool (pool index and new interned names included)"),
    Figure("ast_corpus_held_without_pool_bytes", "ast_unpooled", "whole corpus held at once without the node pool"),
    Figure("ast_corpus_unpooled_sum_bytes", "ast", "sum of the corpus's unpooled trees, each sized alone (pympler)"),
    Figure("compiled_headline_bytes", "compiled", f"compiled {HEADLINE}, retained (fhirpathpy: 12.6 KB)", COMPILED_BUDGET),
    Figure("compiled_typical_max_bytes", "compiled", "largest of 12 typical compiled expressions, each alone in a warm engine", COMPILED_BUDGET),
    Figure("compiled_corpus_median_bytes", "compiled", "median per distinct R4 search expression, all compiled into one engine"),
    Figure("compiled_corpus_mean_bytes", "compiled", "the same: mean"),
    Figure("evaluation_headline_peak_bytes", "evaluation", f"one evaluation of {HEADLINE} on Patient-example: peak allocation", 8 * KB),
    Figure("evaluation_typical_max_peak_bytes", "evaluation", "the same: largest of 12 typical expressions on Patient / Observation", 8 * KB),
    Figure("evaluation_corpus_max_peak_bytes", "evaluation", "the same: worst R4 search parameter on the first 2,000 corpus resources of its base", 1 * MB),
    Figure("cache_full_bytes", "cache", f"default expression cache ({CACHE_ENTRIES}) streamed with the corpus: most retained; stated bound {CACHE_ENTRIES} x 4 KB", CACHE_ENTRIES * COMPILED_BUDGET),
    Figure("cache_full_longest_bytes", "cache", "the same, longest expressions first (this corpus's worst case)"),
    Figure("cache_evictions", "cache", "evictions counted by `Engine.stats()` in that stream", unit="count", tracked=False),
    Figure("cache_estimate_ratio", "cache", "`Engine.stats()` approximate bytes / measured, full cache", unit="ratio", tracked=False),
    Figure("process_own_rss_bytes", "process", "peak RSS of `import fhirpath` + R4 model + one evaluation, over `import lark`", 5 * MIB, "rss"),
    Figure("process_total_rss_bytes", "process_total", "peak RSS of the same in a process that never imports lark, as a user's (stretch goal: below fhirpathpy's)", unit="rss"),
    Figure("fhirpathpy_process_total_rss_bytes", "process_fhirpathpy", "fhirpathpy's process total, measured the same way", unit="rss", tracked=False),
)
BY_NAME = {figure.name: figure for figure in FIGURES}
COMPONENTS = tuple(dict.fromkeys(figure.component for figure in FIGURES))


def measure_all(shared: Path, components=COMPONENTS) -> dict[str, dict]:
    """Run each component in its own interpreter, all at once, with the package's bytecode
    compiled as an installed package has it; component -> its output."""
    from benches.installed import environment

    env = environment()
    running = {
        component: subprocess.Popen(
            [sys.executable, "-m", "benches.memory_probe", component, str(shared)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for component in components
    }
    found = {}
    for component, process in running.items():
        out, err = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"memory probe {component!r} failed:\n{err}")
        found[component] = json.loads(out)
    return found


def figures_of(outputs: dict[str, dict]) -> dict[str, float]:
    """The figures of every probe output, in `FIGURES` order."""
    merged = {name: value for output in outputs.values() for name, value in output["figures"].items()}
    return {figure.name: merged[figure.name] for figure in FIGURES if figure.name in merged}


def interpreter() -> str:
    """The baseline key of this interpreter: ``cpython-3.11-linux``."""
    return f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-{sys.platform}"


def load_baseline() -> dict[str, float] | None:
    """This interpreter's baseline figures, or None when none was recorded."""
    if not BASELINE_PATH.exists():
        return None
    return json.loads(BASELINE_PATH.read_text(encoding="utf-8")).get(interpreter())


def write_baseline(figures: dict[str, float]) -> None:
    recorded = json.loads(BASELINE_PATH.read_text(encoding="utf-8")) if BASELINE_PATH.exists() else {}
    recorded[interpreter()] = figures
    BASELINE_PATH.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def grown(value: float, baseline: float) -> bool:
    """Whether ``value`` is more than `TOLERANCE` above ``baseline``."""
    return value > baseline * (1 + TOLERANCE)


def show(value: float | None, unit: str = "bytes") -> str:
    """A figure for people: ``7.9 KB``, ``6.5 MiB``, ``0.61``."""
    if value is None:
        return "–"
    if unit == "count":
        return f"{value:,}"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "rss":
        return f"{value / MIB:.2f} MiB"
    if value >= MB:
        return f"{value / MB:.2f} MB"
    if value >= KB:
        return f"{value / KB:.1f} KB"
    return f"{value:,.0f} B"
