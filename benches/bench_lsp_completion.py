"""Completion latency of the language server on a 200-character expression.

Run: python -m benches.bench_lsp_completion [--requests 2000]

The real server (`python -m fhirpath.lsp`) holds one document: a 200-character
expression on a Patient. Completion is requested at every cursor position in it in turn
(after each '.', inside names, in arguments, in strings where the answer is empty),
`--requests` times after 200 warm-up requests, and each round trip over stdio is timed
on the client. The same positions are also timed in-process on
`fhirpath.lsp.features.completion`, to show what the server adds. Check: the 95th
percentile of the round trip is under 20 ms. Prints a JSON report; exits 1 when the
check fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from benches.installed import environment
from benches.lsp_client import Client

BUDGET_P95_MS = 20.0
EXPRESSION = (
    "Patient.name.where(use = 'official' and given.exists()).select(given.first() & ' ' & family)"
    " | Patient.telecom.where(system = 'phone' and use = 'mobile').value"
    " | Patient.address.where(use='home').city"
)
URI = "file:///bench/completion.fhirpath"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(cut[49], 2), "p95_ms": round(cut[94], 2), "p99_ms": round(cut[98], 2),
            "max_ms": round(ordered[-1], 2)}


def round_trips(requests: int) -> tuple[list[float], float]:
    """Milliseconds per completion round trip, and the mean number of items returned."""
    client = Client(environment())
    client.initialize({"context": "Patient"})
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": URI, "languageId": "fhirpath", "version": 1, "text": EXPRESSION}})
    client.wait_for("textDocument/publishDiagnostics")
    samples, items = [], []
    for n in range(200 + requests):
        position = {"line": 0, "character": n % (len(EXPRESSION) + 1)}
        started = time.perf_counter()
        result = client.request("textDocument/completion", {"textDocument": {"uri": URI}, "position": position})
        elapsed = (time.perf_counter() - started) * 1000
        if n >= 200:
            samples.append(elapsed)
            items.append(len(result["items"]) if result else 0)
    client.close()
    return samples, statistics.mean(items)


def in_process(requests: int) -> list[float]:
    from fhirpath.lsp.features import Options, completion

    options = Options(context="Patient")
    samples = []
    for n in range(200 + requests):
        offset = n % (len(EXPRESSION) + 1)
        started = time.perf_counter()
        completion(EXPRESSION, offset, options)
        if n >= 200:
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    assert len(EXPRESSION) == 200
    server, items = round_trips(args.requests)
    report = {
        "expression_length": len(EXPRESSION),
        "requests": args.requests,
        "items_per_completion": round(items, 1),
        "server_round_trip": percentiles(server),
        "features_in_process": percentiles(in_process(args.requests)),
        "budget_p95_ms": BUDGET_P95_MS,
    }
    print(json.dumps(report, indent=2))
    p95 = report["server_round_trip"]["p95_ms"]
    if p95 >= BUDGET_P95_MS:
        print(f"FAIL: completion p95 is {p95} ms (budget {BUDGET_P95_MS} ms)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
