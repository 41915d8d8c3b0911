"""Bulk evaluation through the real CLI: throughput with 1 and 2 jobs, and peak memory
against input size.

Run: python benches/bench_bulk.py [--expression TEXT] [--copies 4]

1. Throughput: `fhirpath eval EXPR corpus -j 1` and `-j 2`, best of two runs each, on the
   25,823-resource corpus; the two outputs must be byte-identical, and 2 jobs faster.
2. Memory: the same run on the corpus and on a file of `--copies` corpus copies; the peak
   RSS of the command (its largest process: the parent, or any worker) must not grow with
   the file (flat within 10%, plus 8 MB for allocator noise).

Exits non-zero when a check fails. Timings depend on what else the machine runs.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FHIRPATH_SHARED", ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus" / "resources-r4.ndjson"
RESOURCES = 25_823

# Runs the CLI in this process and reports peak RSS (KiB) of itself and of its reaped workers.
_MEASURED_RUN = """
import resource, sys
from fhirpath.cli import main
try:
    main(sys.argv[1:], prog_name="fhirpath")
except SystemExit as stop:
    code = stop.code
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{own} {workers} {code}", file=sys.stderr)
"""


def run(args: list[str], output: Path) -> tuple[float, int, int]:
    """(seconds, parent peak KiB, largest worker peak KiB) of one CLI run writing to `output`."""
    with output.open("wb") as out:
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-c", _MEASURED_RUN, *args], stdout=out, stderr=subprocess.PIPE, check=False
        )
        elapsed = time.perf_counter() - started
    own, workers, code = completed.stderr.decode().split()[-3:]
    if code not in ("0", "None"):
        sys.exit(f"fhirpath {' '.join(args)} exited with {code}")
    return elapsed, int(own), int(workers)


def throughput(expression: str, work: Path) -> bool:
    best: dict[int, float] = {}
    for jobs in (1, 2, 1, 2):
        out = work / f"jobs{jobs}.ndjson"
        seconds, _, _ = run(["eval", expression, str(CORPUS), "--jobs", str(jobs), "--quiet"], out)
        best[jobs] = min(best.get(jobs, seconds), seconds)
    for jobs, seconds in best.items():
        print(f"  jobs {jobs}: {seconds:6.2f} s  {RESOURCES / seconds:8,.0f} resources/s")
    same = filecmp.cmp(work / "jobs1.ndjson", work / "jobs2.ndjson", shallow=False)
    faster = best[2] < best[1]
    print(f"  outputs identical: {same}; 2 jobs / 1 job speed: {best[1] / best[2]:.2f}x")
    return same and faster


def memory(expression: str, copies: int, work: Path) -> bool:
    big = work / f"corpus-x{copies}.ndjson"
    with big.open("wb") as out:
        for _ in range(copies):
            with CORPUS.open("rb") as corpus:
                while block := corpus.read(1 << 20):
                    out.write(block)
    peaks = {}
    for jobs in (1, 2):
        for path, label in ((CORPUS, "1x"), (big, f"{copies}x")):
            seconds, own, workers = run(["eval", expression, str(path), "--jobs", str(jobs), "--quiet"], Path(os.devnull))
            peaks[jobs, label] = max(own, workers)
            print(
                f"  jobs {jobs}, {label:>3} ({path.stat().st_size / 1e6:5.0f} MB): {seconds:6.2f} s, "
                f"peak RSS parent {own / 1024:6.1f} MiB, largest worker {workers / 1024:6.1f} MiB"
            )
    big.unlink()
    flat = all(peaks[jobs, f"{copies}x"] <= peaks[jobs, "1x"] * 1.10 + 8 * 1024 for jobs in (1, 2))
    print(f"  peak RSS flat with input size: {flat}")
    return flat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expression", default="Patient.name.given | Observation.value.ofType(Quantity).value")
    parser.add_argument("--copies", type=int, default=4)
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; expression {options.expression!r}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        print("throughput on the corpus:")
        fast = throughput(options.expression, work)
        print(f"peak memory, corpus x1 and x{options.copies}:")
        flat = memory(options.expression, options.copies, work)
    sys.exit(0 if fast and flat else 1)


if __name__ == "__main__":
    main()
