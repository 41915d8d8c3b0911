"""Memory budgets of the type model, measured with tracemalloc in a fresh interpreter."""

import json
import subprocess
import sys

import pytest

MEASURE = """
import gc, json, sys, tracemalloc
import fhirpath.model as model
tracemalloc.start()
m = model.load_model(sys.argv[1])
gc.collect()
loaded = tracemalloc.get_traced_memory()[0]
for t in m.all_types():
    t.elements()
gc.collect()
materialised = tracemalloc.get_traced_memory()[0]
print(json.dumps({"loaded": loaded, "materialised": materialised}))
"""

MB = 1_000_000
BUDGETS = {"r4": 1.5 * MB, "r5": 2.0 * MB}  # r4 is the product's promise; r5 a regression guard


def measure(release: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, release], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_a_loaded_model_with_every_type_materialised_stays_within_budget(release):
    found = measure(release)
    assert found["loaded"] < found["materialised"] <= BUDGETS[release], found


def test_loading_r4_keeps_elements_as_text_until_used():
    found = measure("r4")
    assert found["loaded"] <= 0.6 * MB, found
