"""Profile memory with memray over a realistic workload: a flame graph and the top allocators.

    python -m benches.profile_memory            # writes build/memray/

The workload, tracked from `import fhirpath` on: compile every distinct corpus expression
into one engine that keeps them all, then evaluate each R4 search parameter on the first
2,000 corpus resources of its base type (the resources are read before tracking starts).
Writes ``fhirpath.bin`` (memray's capture), ``flamegraph.html`` (memory at the high-water
mark, by stack) and ``top-allocators.txt``: what was alive at the high-water mark, by
the innermost fhirpath line that allocated it (else the innermost line), largest first.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from benches.memory_probe import RESOURCES, corpus_expressions, corpus_resources, search_parameters

OUT = Path("build") / "memray"


def workload(shared: str, resources: list[dict]) -> None:
    import fhirpath

    texts = list(dict.fromkeys(corpus_expressions(shared)))
    engine = fhirpath.Engine("r4", cache_size=len(texts))
    compiled = {}
    for text in texts:
        try:
            compiled[text] = engine.compile(text)
        except fhirpath.FHIRPathError:
            pass  # not every corpus function is implemented yet; R5 names what R4 lacks
    by_type = search_parameters(shared)
    for resource in resources:
        for text in by_type.get(resource["resourceType"], ()):
            if text in compiled:
                try:
                    compiled[text].evaluate(resource)
                except fhirpath.FHIRPathError:
                    pass


def top_allocators(capture: Path, count: int = 25) -> str:
    """What was alive at the high-water mark, grouped by allocating line."""
    import memray

    sites: dict[str, list[int]] = {}
    total = 0
    with memray.FileReader(capture) as reader:
        for record in reader.get_high_watermark_allocation_records(merge_threads=True):
            stack = record.stack_trace()  # innermost frame first
            frame = next((f for f in stack if "/fhirpath/" in f[1]), stack[0] if stack else ("?", "?", 0))
            site = f"{_short(frame[1])}:{frame[2]} ({frame[0]})"
            found = sites.setdefault(site, [0, 0])
            found[0] += record.size
            found[1] += record.n_allocations
            total += record.size
    lines = [f"high-water mark: {total / 1e6:.2f} MB, by allocating line (innermost fhirpath frame):", ""]
    for site, (size, blocks) in sorted(sites.items(), key=lambda item: -item[1][0])[:count]:
        lines.append(f"{size / 1e3:10.1f} KB {blocks:8d} blocks  {site}")
    return "\n".join(lines) + "\n"


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/fhirpath/", "/lib/python"):
        at = filename.rfind(marker)
        if at >= 0:
            return filename[at + 1 :] if marker == "/fhirpath/" else filename[at + len(marker) :]
    return filename


def main(argv=None) -> int:
    from tests.conftest import SHARED

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    parser.add_argument("--resources", type=int, default=RESOURCES)
    options = parser.parse_args(argv)
    try:
        import memray
    except ImportError:
        raise SystemExit("memray is not installed (pip install -e '.[dev]'; not available on Windows)") from None

    options.out.mkdir(parents=True, exist_ok=True)
    capture, flamegraph = options.out / "fhirpath.bin", options.out / "flamegraph.html"
    capture.unlink(missing_ok=True)
    resources = corpus_resources(str(SHARED), options.resources)
    with memray.Tracker(capture, trace_python_allocators=True):
        workload(str(SHARED), resources)
    subprocess.run(
        [sys.executable, "-m", "memray", "flamegraph", "--force", "--output", str(flamegraph), str(capture)],
        check=True, stdout=subprocess.DEVNULL,
    )
    summary = top_allocators(capture)
    (options.out / "top-allocators.txt").write_text(summary, encoding="utf-8")
    print(summary)
    print(f"flame graph: {flamegraph}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
