"""Benchmarks find the shared fixtures as the tests do: $FHIRPATH_SHARED, else ../shared."""

from pathlib import Path

import pytest

from tests.conftest import SHARED, shared  # noqa: F401  (the `shared` fixture, as in tests/)


@pytest.fixture(scope="session")
def corpus(shared: Path) -> Path:  # noqa: F811
    """The corpus folder: expressions (JSONL) and R4 resources (NDJSON)."""
    return shared / "corpus"



@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter) -> None:
    """The speed suite's ratio table, after pytest-benchmark's own tables."""
    from benches.speed_suite import RATIOS

    for line in RATIOS.lines():
        terminalreporter.write_line(line)
