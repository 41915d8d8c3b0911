"""Where the shared, read-only fixtures live: $FHIRPATH_SHARED, else ../shared beside the checkout."""

import json
import os
from decimal import Decimal
from itertools import islice
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FHIRPATH_SHARED", ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared fixtures folder; a test needing it fails loudly when it is missing."""
    if not (SHARED / "fhirpath-tests").is_dir():
        pytest.fail(
            f"shared fixtures not found at {SHARED}: put the 'shared' folder beside the "
            "checkout or set FHIRPATH_SHARED"
        )
    return SHARED


def corpus_resources(shared, every: int):
    """Every ``every``-th R4 corpus resource, its decimals read as Decimal."""
    with (shared / "corpus" / "resources-r4.ndjson").open(encoding="utf-8") as lines:
        for line in islice(lines, 0, None, every):
            yield json.loads(line, parse_float=Decimal)


def search_expressions_by_base(shared) -> dict[str, list]:
    """The R4 search-parameter expressions of the corpus, by the type they are on."""
    parameters: dict[str, list] = {}
    for line in (shared / "corpus" / "r4-search-parameters.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for base in record["base"]:
            parameters.setdefault(base, []).append(record["expression"])
    return parameters
