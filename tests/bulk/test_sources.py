import gzip
import json

import pytest

from fhirpath.bulk import sources
from fhirpath.bulk.sources import Chunk, ReadFailure

LINES = [json.dumps({"resourceType": "Patient", "id": f"p{n}"}).encode() + b"\n" for n in range(1, 8)]


def lines_of(items) -> list[tuple[int, bytes]]:
    return [pair for item in items if isinstance(item, Chunk) for pair in item.lines]


def test_directories_expand_to_their_resource_files_sorted_and_recursively(tmp_path):
    for name in ["b.ndjson", "a.json", "sub/c.jsonl.gz", "sub/d.json.gz", "notes.txt", "e.ndjson.bak"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    found = sources.expand([tmp_path, "-", "named.txt"])
    assert [path.removeprefix(f"{tmp_path}/") for path in found] == [
        "a.json", "b.ndjson", "sub/c.jsonl.gz", "sub/d.json.gz", "-", "named.txt",
    ]


def test_ndjson_lines_come_in_numbered_chunks_without_blank_lines(tmp_path):
    path = tmp_path / "p.ndjson"
    path.write_bytes(b"".join(LINES[:3]) + b"\n  \n" + b"".join(LINES[3:]))
    chunks = list(sources.read(str(path), max_lines=3))
    assert [[number for number, _ in chunk.lines] for chunk in chunks] == [[1, 2, 3], [6, 7, 8], [9]]
    assert sum(chunk.consumed for chunk in chunks) == path.stat().st_size
    assert {chunk.file for chunk in chunks} == {str(path)}


def test_chunks_are_also_cut_by_size(tmp_path):
    path = tmp_path / "p.ndjson"
    path.write_bytes(b"".join(LINES))
    chunks = list(sources.read(str(path), max_bytes=2 * len(LINES[0])))
    assert [len(chunk.lines) for chunk in chunks] == [2, 2, 2, 1]


def test_a_json_file_is_one_resource_at_line_1(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "entry": []}, indent=2))
    assert lines_of(sources.read(str(path))) == [(1, path.read_bytes())]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"".join(LINES[:2]), [(1, LINES[0]), (2, LINES[1])]),  # first line is a whole value: NDJSON
        (b'\n{\n  "resourceType": "Patient"\n}\n', [(1, b'{\n  "resourceType": "Patient"\n}\n')]),
        (b"\n\n", []),
    ],
)
def test_other_names_and_stdin_are_ndjson_when_the_first_line_is_a_whole_value(tmp_path, content, expected):
    path = tmp_path / "input.data"
    path.write_bytes(content)
    assert lines_of(sources.read(str(path))) == expected


def test_gzipped_files_are_read_and_progress_counts_compressed_bytes(tmp_path):
    path = tmp_path / "p.ndjson.gz"
    path.write_bytes(gzip.compress(b"".join(LINES)))
    chunks = list(sources.read(str(path)))
    assert lines_of(chunks) == list(enumerate(LINES, 1))
    assert sum(chunk.consumed for chunk in chunks) == path.stat().st_size


def test_a_missing_file_is_a_read_failure():
    [failure] = sources.read("/no/such/file.ndjson")
    assert isinstance(failure, ReadFailure) and failure.line is None and "No such file" in failure.message


def test_a_truncated_gzip_keeps_the_lines_read_and_fails_where_it_stops(tmp_path):
    path = tmp_path / "p.ndjson.gz"
    body = b"".join(json.dumps({"id": str(n), "pad": "x" * (n % 50)}).encode() + b"\n" for n in range(2000))
    path.write_bytes(gzip.compress(body)[:-100])
    items = list(sources.read(str(path), max_lines=100))
    read = lines_of(items)
    assert 0 < len(read) < 2000 and read == list(enumerate(body.splitlines(keepends=True), 1))[: len(read)]
    assert isinstance(items[-1], ReadFailure) and items[-1].line == len(read) + 1


def test_sizes_are_known_for_files_only(tmp_path):
    path = tmp_path / "p.ndjson"
    path.write_bytes(LINES[0])
    assert (sources.size(str(path)), sources.size("-"), sources.size(str(tmp_path / "gone"))) == (len(LINES[0]), None, None)


def test_a_line_longer_than_the_limit_is_skipped_without_being_held_and_the_next_lines_are_read(tmp_path):
    from fhirpath.bulk.records import LineTooLong

    path = tmp_path / "big.ndjson"
    path.write_bytes(b'{"a": 1}\n' + b'{"b": "' + b"x" * 5_000 + b'"}\n' + b'{"c": 3}\n' + b"y" * 3_000)
    [chunk] = sources.read(str(path), max_line_bytes=1_000)
    assert [number for number, _ in chunk.lines] == [1, 2, 3, 4]
    assert chunk.lines[1][1] == LineTooLong(5_010, 1_000)
    assert chunk.lines[3][1] == LineTooLong(3_000, 1_000)
    assert (chunk.lines[0][1], chunk.lines[2][1]) == (b'{"a": 1}\n', b'{"c": 3}\n')


@pytest.mark.parametrize("name", ["big.json", "big.txt"])
def test_a_json_document_longer_than_the_limit_is_skipped_too(tmp_path, name):
    from fhirpath.bulk.records import LineTooLong

    path = tmp_path / name
    path.write_bytes(b'{\n  "id": "' + b"x" * 5_000 + b'"\n}\n')
    [chunk] = sources.read(str(path), max_line_bytes=1_000)
    [(number, data)] = chunk.lines
    assert number == 1 and type(data) is LineTooLong and data.size == 5_015
