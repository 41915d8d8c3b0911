"""Benchmarks find the shared fixtures as the tests do: $FHIRPATH_SHARED, else ../shared."""

from pathlib import Path

import pytest

from tests.conftest import SHARED, shared  # noqa: F401  (the `shared` fixture, as in tests/)


@pytest.fixture(scope="session")
def corpus(shared: Path) -> Path:  # noqa: F811
    """The corpus folder: expressions (JSONL) and R4 resources (NDJSON)."""
    return shared / "corpus"

