import json
import multiprocessing
from decimal import Decimal
from itertools import islice

import pytest

from fhirpath.bulk import local
from fhirpath.errors import FHIRPathSyntaxError

EXPRESSIONS = {"given": "Patient.name.given", "count": "descendants().count()", "value": "Observation.value.value"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory, shared):
    """The first 400 corpus lines with a broken line after every 90th."""
    lines = []
    with (shared / "corpus" / "resources-r4.ndjson").open("rb") as corpus:
        for number, line in enumerate(islice(corpus, 400), 1):
            lines.append(line)
            if number % 90 == 0:
                lines.append(b'{"resourceType": \n')
    path = tmp_path_factory.mktemp("sample") / "sample.ndjson"
    path.write_bytes(b"".join(lines))
    return path


def test_records_come_in_input_order_whatever_the_number_of_workers(sample):
    one = list(local.evaluate([sample], EXPRESSIONS, jobs=1))
    two = list(local.evaluate([sample], EXPRESSIONS, jobs=2, chunk_lines=7))
    assert one == two
    assert [record["line"] for record in two] == list(range(1, 405))


def test_encoded_batches_match_the_records_they_encode(sample):
    payload = b"".join(batch.payload for batch in local.stream([sample], EXPRESSIONS, output="ndjson", jobs=2))
    decoded = [json.loads(line, parse_float=Decimal) for line in payload.splitlines()]
    assert decoded == list(local.evaluate([sample], EXPRESSIONS, jobs=1))


def test_batches_count_records_errors_and_input_bytes(sample):
    batches = list(local.stream([sample], {"id": "id"}, output="text", jobs=2, chunk_lines=50))
    assert sum(batch.records for batch in batches) == 404
    assert sum(batch.errors for batch in batches) == 4
    assert sum(batch.consumed for batch in batches) == sample.stat().st_size
    assert sum(batch.payload.count(b"\n") for batch in batches) == 404


def test_a_syntax_error_raises_before_any_input_is_read():
    with pytest.raises(FHIRPathSyntaxError):
        local.stream(["/no/such/file.ndjson"], {"bad": "Patient."})


def test_a_limit_stops_after_that_many_resources(sample):
    records = list(local.evaluate([sample, sample], {"id": "id"}, limit=410, jobs=2, chunk_lines=100))
    assert len(records) == 410 and records[-1]["file"] == str(sample) and records[-1]["line"] == 6


def test_an_unreadable_file_keeps_its_place_in_the_order(sample, tmp_path):
    records = list(local.evaluate([tmp_path / "missing.ndjson", sample], {"id": "id"}, jobs=2, chunk_lines=50))
    assert records[0]["error"]["code"] == "unreadable-file" and len(records) == 405


def test_stopping_early_leaves_no_work_behind(sample):
    batches = local.stream([sample] * 20, {"count": "descendants().count()"}, jobs=2, chunk_lines=20)
    first = next(batches)
    batches.close()
    assert first.records == 20 and multiprocessing.active_children() == []


def test_a_killed_worker_stops_the_run_with_worker_lost_naming_the_lines(sample):
    import os
    import signal

    batches = local.stream([sample] * 30, {"count": "descendants().count()"}, jobs=2, chunk_lines=20)
    first = next(batches)
    assert first.records == 20
    for worker in multiprocessing.active_children():
        os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(local.WorkerLost, match=r"worker process died .* lines \d+-\d+: the records from there on are missing"):
        for _ in batches:
            pass
