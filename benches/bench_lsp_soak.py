"""The language server under a long editing session: its memory must stop growing.

Run: python -m benches.bench_lsp_soak [--edits 10000] [--cycles 200]

The real server (`python -m fhirpath.lsp`) is driven over stdio by a bare client
(`benches/lsp_client.py`). One document is edited keystroke by keystroke: ten typical
Patient expressions are typed one character per didChange, each followed by a
completion request at the cursor (and every tenth by a hover and a signature-help
request), then erased, and again; every hundredth edit waits for the debounced
diagnostics. Then `--cycles` documents are opened, diagnosed, completed in and closed.

Warm-up is two rounds of the ten expressions and 20 open/close cycles, so that every
lazily loaded type and cached lookup the workload touches is loaded; the resident set
(RSS) is measured then, every 1,000 edits, and at the end. Checks:

1. growth: the RSS at the end is at most 1 MiB over the RSS after warm-up;
2. total: the RSS at the end is at most 10 MiB over an idle Python that has imported
   pygls.lsp.server (itself ~39 MiB, about half of it lsprotocol's types).

Prints a JSON report; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from benches.installed import environment
from benches.lsp_client import Client, baseline_rss_kib, rss_kib

GROWTH_BUDGET_KIB = 1024
TOTAL_BUDGET_KIB = 10 * 1024
URI = "file:///soak/patient.fhirpath"
HEADER = "// context: Patient\n"
EXPRESSIONS = (
    "name.where(use = 'official').given.first()",
    "telecom.where(system = 'phone' and use = 'mobile').value",
    "Patient.birthDate <= today() - 18 years",
    "contact.where(relationship.coding.exists(code = 'N')).name.family",
    "identifier.where(system = 'urn:oid:1.2.36.146.595.217.0.1').value.startsWith('1')",
    "address.where(period.end.empty()).city | address.district",
    "extension('http://hl7.org/fhir/StructureDefinition/patient-birthPlace').value.ofType(Address).country",
    "generalPractitioner.resolve().ofType(Practitioner).name.text",
    "(name.given | name.family).count() > 2 and active",
    "iif(deceased.exists(), 'deceased', gender)",
)


class Session:
    """The one document being typed into, line 1 after the header."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.version = 1
        self.line = ""
        self.edits = 0
        self.requests = 0
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": URI, "languageId": "fhirpath", "version": 1, "text": HEADER}})

    def change(self, start: int, end: int, text: str) -> None:
        self.version += 1
        self.edits += 1
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": URI, "version": self.version},
            "contentChanges": [{"range": {"start": {"line": 1, "character": start},
                                          "end": {"line": 1, "character": end}}, "text": text}],
        })
        self.line = self.line[:start] + text + self.line[end:]
        if self.edits % 100 == 0:
            self.client.wait_for("textDocument/publishDiagnostics")

    def at_cursor(self, method: str) -> None:
        self.requests += 1
        self.client.request(method, {"textDocument": {"uri": URI},
                                     "position": {"line": 1, "character": len(self.line)}})

    def type_round(self, limit: int) -> None:
        """Type each expression and erase it, stopping after ``limit`` edits in all."""
        for expression in EXPRESSIONS:
            for ch in expression:
                if self.edits >= limit:
                    return
                self.change(len(self.line), len(self.line), ch)
                self.at_cursor("textDocument/completion")
                if self.edits % 10 == 0:
                    self.at_cursor("textDocument/hover")
                    self.at_cursor("textDocument/signatureHelp")
            if self.edits >= limit:
                return
            self.change(0, len(self.line), "")


def open_close(client: Client, count: int, first: int) -> None:
    for n in range(first, first + count):
        uri = f"file:///soak/opened-{n}.fhirpath"
        text = HEADER + EXPRESSIONS[n % len(EXPRESSIONS)] + "."
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "fhirpath", "version": 1, "text": text}})
        client.wait_for("textDocument/publishDiagnostics")
        client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                   "position": {"line": 1, "character": len(text) - len(HEADER)}})
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        client.wait_for("textDocument/publishDiagnostics")  # the clearing one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10_000, help="didChange edits after warm-up")
    parser.add_argument("--cycles", type=int, default=200, help="open/close cycles after the edits")
    args = parser.parse_args(argv)

    env = environment()
    baseline = baseline_rss_kib(env)
    client = Client(env)
    started = time.perf_counter()
    client.initialize()
    session = Session(client)
    warm_up_edits = 2 * sum(len(e) + 1 for e in EXPRESSIONS)
    while session.edits < warm_up_edits:
        session.type_round(warm_up_edits)
    open_close(client, 20, 0)
    warm = rss_kib(client.pid)

    checkpoints = []
    limit = warm_up_edits + args.edits
    next_checkpoint = warm_up_edits + 1000
    while session.edits < limit:
        session.type_round(min(limit, next_checkpoint))
        if session.edits >= next_checkpoint:
            checkpoints.append(rss_kib(client.pid))
            next_checkpoint += 1000
    open_close(client, args.cycles, 20)
    final = rss_kib(client.pid)
    client.close()

    report = {
        "edits": session.edits - warm_up_edits,
        "requests": session.requests,
        "open_close_cycles": args.cycles,
        "seconds": round(time.perf_counter() - started, 1),
        "baseline_rss_kib": baseline,
        "warm_rss_kib": warm,
        "checkpoint_rss_kib": checkpoints,
        "final_rss_kib": final,
        "growth_kib": final - warm,
        "growth_budget_kib": GROWTH_BUDGET_KIB,
        "over_baseline_kib": final - baseline,
        "over_baseline_budget_kib": TOTAL_BUDGET_KIB,
    }
    print(json.dumps(report, indent=2))
    failed = []
    if final - warm > GROWTH_BUDGET_KIB:
        failed.append(f"RSS grew {final - warm} KiB after warm-up (budget {GROWTH_BUDGET_KIB})")
    if final - baseline > TOTAL_BUDGET_KIB:
        failed.append(f"RSS is {final - baseline} KiB over bare pygls (budget {TOTAL_BUDGET_KIB})")
    for message in failed:
        print("FAIL:", message, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
