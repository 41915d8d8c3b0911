"""Where the shared, read-only fixtures live: $FHIRPATH_SHARED, else ../shared beside the checkout."""

import os
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
