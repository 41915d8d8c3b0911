"""The `fhirpath` command, driven as a user drives it: in a subprocess."""

import gzip
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/patients.ndjson"  # relative to ROOT, where the commands run
CORPUS_LINES = 25_823


def fhirpath(*args, stdin=None, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "fhirpath", *map(str, args)],
        input=stdin, capture_output=True, cwd=cwd, timeout=600,
    )


def records(completed) -> list[dict]:
    return [json.loads(line) for line in completed.stdout.splitlines()]


@pytest.fixture(scope="module")
def corpus(shared) -> Path:
    return shared / "corpus" / "resources-r4.ndjson"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, corpus) -> tuple[Path, dict[int, str], int]:
    """300 corpus lines with broken lines, blank lines and lines on which `Patient.name.given.single()`
    raises mixed in: (file, {line number: expected error code}, number of resources)."""
    with corpus.open("rb") as source:
        good = [next(source) for _ in range(300)]
    broken = [b'{"resourceType": "Patient", "name": [\n', b"not json at all\n", b'{"a": "\xff\xfe"}\n', b"[1, 2\n"]
    raising = b'{"resourceType": "Patient", "name": [{"given": ["Two", "Names"]}]}\n'
    lines, expected = [], {}
    for index, line in enumerate(good):
        if index % 50 == 7:
            lines.append(broken[len(expected) % len(broken)])
            expected[len(lines)] = "invalid-json"
        if index % 60 == 20:
            lines.append(raising)
            expected[len(lines)] = "not-a-singleton"
        if index % 97 == 3:
            lines.append(b"   \n")
        lines.append(line)
    path = tmp_path_factory.mktemp("mixed") / "mixed.ndjson"
    path.write_bytes(b"".join(lines))
    return path, expected, len(lines) - sum(1 for line in lines if line.isspace())


def test_every_corpus_line_gives_one_record_in_order_with_two_jobs(corpus):
    completed = fhirpath("eval", "Patient.name.given | Observation.value", corpus, "--jobs", "2", "-q")
    assert completed.returncode == 0, completed.stderr.decode()
    out = records(completed)
    assert [record["line"] for record in out] == list(range(1, CORPUS_LINES + 1))
    assert {record["file"] for record in out} == {str(corpus)}
    assert all(isinstance(record["result"], list) for record in out)
    assert completed.stderr == b""


def test_broken_lines_become_error_records_and_nothing_is_lost(mixed):
    path, expected, resources = mixed
    completed = fhirpath("eval", "Patient.name.given.single()", path, "-q")
    out = records(completed)
    assert len(out) == resources
    assert {record["line"]: record["error"]["code"] for record in out if "error" in record} == expected
    assert completed.returncode == 1


def test_one_and_two_jobs_give_the_same_bytes(mixed):
    path, _, _ = mixed
    one = fhirpath("eval", "descendants().count()", path, path, "-q", "--jobs", "1")
    two = fhirpath("eval", "descendants().count()", path, path, "-q", "--jobs", "2")
    assert one.stdout == two.stdout and one.returncode == two.returncode == 1


def test_decimals_keep_their_digits_and_dates_print_as_fhir_text():
    completed = fhirpath("eval", "Observation.value.value | Patient.birthDate", EXAMPLE, "-q")
    lines = completed.stdout.decode().splitlines()
    assert lines[2] == '{"file":"examples/patients.ndjson","line":3,"result":["1906-12"]}'
    assert lines[3] == '{"file":"examples/patients.ndjson","line":4,"result":[54.50]}'
    assert lines[4] == '{"file":"examples/patients.ndjson","line":5,"result":[1.750]}'


def test_typed_output_names_each_value_type():
    completed = fhirpath("eval", "Patient.gender | Patient.name.count()", EXAMPLE, "--typed", "--limit", "1", "-q")
    assert records(completed) == [
        {"file": "examples/patients.ndjson", "line": 1,
         "result": [{"type": "FHIR.code", "value": "female"}, {"type": "System.Integer", "value": 1}]},
    ]


def test_json_output_is_one_array_of_the_same_records():
    ndjson = fhirpath("eval", "name.family", EXAMPLE, "-q")
    array = fhirpath("eval", "name.family", EXAMPLE, "-q", "--output", "json")
    assert json.loads(array.stdout) == records(ndjson)


def test_text_output_is_one_readable_line_per_resource():
    completed = fhirpath("eval", "name.given", EXAMPLE, "-q", "--output", "text", "--limit", "4")
    assert completed.stdout.decode().splitlines() == [
        "examples/patients.ndjson:1: Ada, Augusta",
        "examples/patients.ndjson:2: Alan, Mathison, Prof",
        "examples/patients.ndjson:3: Grace",
        "examples/patients.ndjson:4: {}",
    ]


def test_variables_come_from_var_and_vars(tmp_path):
    variables = tmp_path / "vars.json"
    variables.write_text('{"weight": 54.50, "who": "ignored"}')
    completed = fhirpath(
        "eval", "%who & ': ' & (Observation.value.value = %weight).toString()", EXAMPLE,
        "--vars", variables, "--var", "who=Ada", "-q",
    )
    assert [record["result"] for record in records(completed)][3] == ["Ada: true"]


def test_json_files_gzip_directories_and_stdin_are_read(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"resourceType": "Patient", "id": "p1"}, indent=2))
    with gzip.open(tmp_path / "many.ndjson.gz", "wb") as file:
        file.write((ROOT / EXAMPLE).read_bytes())
    (tmp_path / "notes.txt").write_text("not a resource file")
    completed = fhirpath("eval", "id", tmp_path, "-", "-q", stdin=b'{"resourceType": "Basic", "id": "b1"}\n')
    assert [(Path(r["file"]).name, r["line"], r["result"]) for r in records(completed)] == [
        ("many.ndjson.gz", 1, ["ada"]),
        ("many.ndjson.gz", 2, ["alan"]),
        ("many.ndjson.gz", 3, ["grace"]),
        ("many.ndjson.gz", 4, ["ada-weight"]),
        ("many.ndjson.gz", 5, ["alan-height"]),
        ("one.json", 1, ["p1"]),
        ("<stdin>", 1, ["b1"]),
    ]


def test_unreadable_files_give_an_error_record_and_the_run_goes_on(tmp_path):
    corrupt = tmp_path / "corrupt.ndjson.gz"
    corrupt.write_bytes(b"this is not gzip")
    completed = fhirpath("eval", "id", tmp_path / "missing.ndjson", corrupt, EXAMPLE, "-q")
    out = records(completed)
    assert [(r["line"], r["error"]["code"]) for r in out[:2]] == [(None, "unreadable-file"), (1, "unreadable-file")]
    assert [record["result"] for record in out[2:]] == [["ada"], ["alan"], ["grace"], ["ada-weight"], ["alan-height"]]
    assert completed.returncode == 1


def test_an_expression_that_does_not_compile_exits_2_with_a_caret():
    completed = fhirpath("eval", "Patient.name.frist()", EXAMPLE)
    assert completed.returncode == 2 and completed.stdout == b""
    assert completed.stderr.decode().splitlines() == [
        "<expression>:1:14: semantic error[unknown-function] unknown function 'frist'; did you mean 'first'?",
        "  Patient.name.frist()",
        "               ^^^^^^^",
    ]


@pytest.mark.parametrize("arguments", [("--var", "novalue"), ("--output", "xml"), ("--jobs", "-1")])
def test_usage_errors_exit_2(arguments):
    assert fhirpath("eval", "id", EXAMPLE, *arguments).returncode == 2


def test_check_reports_each_error_at_file_line_and_column(tmp_path):
    listing = tmp_path / "expressions.txt"
    listing.write_text("Patient.name\n\nPatient.name.where(use = )\n")
    completed = fhirpath("check", "Patient.active", "1 +", "--file", listing, "-q")
    assert completed.returncode == 1
    assert completed.stdout.decode().splitlines() == [
        "<expression 2>:1:4: syntax error[unexpected-end] expected an expression, found end of input",
        "  1 +",
        "     ^",
        f"{listing}:3:26: syntax error[unexpected-token] expected an expression, found ')'",
        "  Patient.name.where(use = )",
        "                           ^",
    ]


def test_check_exits_0_when_every_expression_compiles():
    completed = fhirpath("check", "Patient.name.given", "today() - 1 year")
    assert completed.returncode == 0 and completed.stdout == b""
    assert completed.stderr == b"fhirpath: 2 expressions checked, 0 with errors\n"


def test_repl_prints_each_item_with_its_type_and_errors_with_a_caret(tmp_path):
    patient = tmp_path / "ada.json"
    patient.write_bytes((ROOT / EXAMPLE).read_bytes().splitlines()[0])
    typed = b"name.given\n\nname.frist()\nactive.not()\ngender.where(false)\n"
    completed = fhirpath("repl", patient, stdin=typed)
    assert completed.returncode == 0
    assert completed.stdout.decode().splitlines() == [
        "Ada (FHIR.string)",
        "Augusta (FHIR.string)",
        "<input>:1:6: semantic error[unknown-function] unknown function 'frist'; did you mean 'first'?",
        "  name.frist()",
        "       ^^^^^^^",
        "false (System.Boolean)",
        "{}",
    ]


def test_repl_refuses_a_resource_that_is_not_json():
    completed = fhirpath("repl", EXAMPLE, stdin=b"id\n")  # NDJSON: several documents
    assert completed.returncode == 2 and b"not JSON" in completed.stderr


def test_check_knows_the_variables_declared_with_var():
    assert fhirpath("check", "%who = 'x'", "-q").returncode == 1
    assert fhirpath("check", "%who = 'x'", "--var", "who", "-q").returncode == 0


def test_check_with_a_context_knows_the_elements_of_that_type():
    completed = fhirpath("check", "--context", "Patient.contact", "--strict", "name.family", "telecom.vaule", "-q")
    assert completed.returncode == 1
    assert completed.stdout.decode().splitlines()[0].startswith("<expression 2>:1:9: semantic error[unknown-element]")


def test_version_is_printed():
    completed = fhirpath("--version")
    assert completed.returncode == 0 and completed.stdout.decode().startswith("fhirpath 0.")


def test_the_console_script_is_the_click_entry_point():
    [script] = [e for e in entry_points(group="console_scripts") if e.name == "fhirpath"]
    assert script.value == "fhirpath.cli:main"


def on_a_terminal(*args, stdin=b"") -> tuple[subprocess.CompletedProcess, bytes]:
    """Run the command with standard error on a pseudo-terminal: (result, what the terminal got)."""
    pty = pytest.importorskip("pty", reason="needs a pseudo-terminal (POSIX)")
    leader, follower = pty.openpty()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "fhirpath", *map(str, args)],
            input=stdin, stdout=subprocess.PIPE, stderr=follower, cwd=ROOT, timeout=60,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    return completed, shown


def test_progress_on_a_terminal_shows_a_bar_and_resources_per_second():
    completed, shown = on_a_terminal("eval", "id", EXAMPLE, EXAMPLE)
    assert completed.returncode == 0
    assert b"]  100%  10 resources, " in shown


def test_progress_over_standard_input_counts_resources():
    completed, shown = on_a_terminal("eval", "id", "-", stdin=(ROOT / EXAMPLE).read_bytes())
    assert completed.returncode == 0 and b"\rfhirpath  5 resources, " in shown


def test_quiet_runs_write_nothing_to_a_terminal():
    completed, shown = on_a_terminal("eval", "id", EXAMPLE, EXAMPLE, "--quiet")
    assert completed.returncode == 0 and shown == b""


def test_truncated_non_json_non_object_and_gigantic_lines_each_give_one_error_record(tmp_path, corpus):
    with corpus.open("rb") as source:
        good = [next(source) for _ in range(40)]
    bad = {
        b'{"resourceType": "Patient", "name": [{"giv\n': "invalid-json",
        b"\x00\x01 garbage\n": "invalid-json",
        b"[1, 2, 3]\n": "not-a-resource",
        b'"a string"\n': "not-a-resource",
        b"42\n": "not-a-resource",
        b"null\n": "not-a-resource",
        b'{"resourceType": "Patient", "id": "' + b"x" * (65 << 20) + b'"}\n': "line-too-long",
    }
    lines, expected = [], {}
    for index, line in enumerate(good):
        lines.append(line)
        if index % 5 == 2 and len(expected) < len(bad):
            text, code = list(bad.items())[len(expected)]
            lines.append(text)
            expected[len(lines)] = code
    path = tmp_path / "bad.ndjson"
    path.write_bytes(b"".join(lines))
    for jobs in ("1", "2"):
        completed = fhirpath("eval", "id", path, "-q", "--jobs", jobs)
        out = records(completed)
        assert [record["line"] for record in out] == list(range(1, len(lines) + 1))
        assert {record["line"]: record["error"]["code"] for record in out if "error" in record} == expected
        assert all(record["result"] for record in out if "error" not in record)
        assert completed.returncode == 1


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")
def test_a_killed_worker_makes_the_run_fail_loudly_and_no_line_goes_missing_silently(corpus):
    import signal
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "fhirpath", "eval", "descendants().count()", str(corpus), "--jobs", "2", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while not workers and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = _children(process.pid)
    assert workers, "no worker process started"
    time.sleep(0.5)  # let it write some records first
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 3, stderr.decode()
    assert b"worker process died" in stderr and str(corpus).encode() in stderr
    lines = [json.loads(line)["line"] for line in stdout.splitlines()]
    assert lines == list(range(1, len(lines) + 1)) and len(lines) < CORPUS_LINES  # a prefix, then the error
