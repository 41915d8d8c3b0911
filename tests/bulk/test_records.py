from decimal import Decimal

import pytest

from fhirpath.bulk import records
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

OBSERVATION = b'{"resourceType": "Observation", "valueQuantity": {"value": 1.50, "unit": "kg"}, "status": "final"}'


@pytest.mark.parametrize("text", ["1.50", "0.000", "-0.0", "1E+2", "12345678901234567890.123456789012345678901"])
def test_decimals_are_read_exactly_and_written_back_unchanged(text):
    value = records.decode(f'{{"v": {text}}}'.encode())["v"]
    assert value == Decimal(text) and str(value) == str(Decimal(text))
    assert records.encode({"v": value}) == f'{{"v":{Decimal(text)}}}'.encode()


def test_integers_of_any_size_stay_integers():
    assert records.decode(b"[123456789012345678901234567890]") == [123456789012345678901234567890]


@pytest.mark.parametrize("data", [b"", b"{", b"not json", b'{"a": "\xff"}', b"[" * 100_000 + b"]" * 100_000])
def test_what_is_not_json_raises_invalid_json(data):
    with pytest.raises(records.InvalidJSON):
        records.decode(data)


def test_a_byte_order_mark_is_ignored():
    assert records.decode(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Date(2020, 1), b'"2020-01"'),
        (DateTime(2020, 1, 2, 10, 30, 0, "120", zulu=True), b'"2020-01-02T10:30:00.120Z"'),
        (Time(9, 5), b'"09:05"'),
        (Quantity(Decimal("4.50"), "mg"), b"\"4.50 'mg'\""),
    ],
)
def test_engine_values_are_written_as_their_fhir_text(value, written):
    assert records.encode(value) == written


def test_a_value_json_cannot_hold_is_refused():
    with pytest.raises(TypeError):
        records.encode({"v": object()})


def test_a_record_holds_each_expression_result_under_its_name():
    evaluator = records.Evaluator({"value": "Observation.value.value", "status": "status"})
    assert evaluator.record("obs.ndjson", 3, OBSERVATION) == {
        "file": "obs.ndjson", "line": 3, "value": [Decimal("1.50")], "status": ["final"],
    }


def test_typed_records_pair_types_and_values():
    evaluator = records.Evaluator({"result": "Observation.value.value"}, typed=True)
    record = evaluator.record("f", 1, OBSERVATION)
    assert record["result"] == [{"type": "FHIR.decimal", "value": Decimal("1.50")}]


def test_a_line_that_is_not_json_gives_an_invalid_json_record():
    record = records.Evaluator({"result": "id"}).record("f", 7, b'{"resourceType": ')
    assert record == {"file": "f", "line": 7, "error": {"code": "invalid-json", "message": "Input data was truncated"}}


def test_an_expression_that_raises_gives_its_error_with_span_and_name():
    evaluator = records.Evaluator({"status": "status", "unit": "(status | Observation.value.unit).single()"})
    error = evaluator.record("f", 1, OBSERVATION)["error"]
    assert error["code"] == "not-a-singleton" and error["expression"] == "unit"
    assert (error["start"], error["end"]) == (34, 42)


def test_any_other_exception_becomes_an_internal_error_record(monkeypatch):
    evaluator = records.Evaluator({"result": "id"})

    class Exploding:
        def evaluate(self, *args, **kwargs):
            raise ZeroDivisionError("boom")

    monkeypatch.setattr(evaluator, "_compiled", [("result", Exploding())])
    error = evaluator.record("f", 1, b"{}")["error"]
    assert error == {"code": "internal-error", "message": "ZeroDivisionError: boom"}


def test_field_names_of_records_cannot_name_expressions():
    with pytest.raises(ValueError, match="reserved"):
        records.Evaluator({"line": "id"})


def test_variables_reach_the_expressions():
    evaluator = records.Evaluator({"result": "%limit > 1"}, variables={"limit": Decimal("1.5")})
    assert evaluator.record("f", 1, b"{}")["result"] == [True]


@pytest.mark.parametrize(
    ("record", "line"),
    [
        ({"file": "a.ndjson", "line": 2, "result": ["x", True, Decimal("1.50")]}, "a.ndjson:2: x, true, 1.50"),
        ({"file": "a.ndjson", "line": 2, "result": []}, "a.ndjson:2: {}"),
        ({"file": "a.ndjson", "line": 2, "result": [{"value": Decimal("1.0")}]}, 'a.ndjson:2: {"value":1.0}'),
        ({"file": "a", "line": 1, "result": [{"type": "System.Date", "value": Date(2020)}]}, "a:1: 2020 (System.Date)"),
        ({"file": "a", "line": 1, "x": [1], "y": []}, "a:1: x=1; y={}"),
        ({"file": "a", "line": None, "error": {"code": "unreadable-file", "message": "gone"}}, "a: error[unreadable-file] gone"),
    ],
)
def test_text_lines_read_as_file_line_and_values(record, line):
    assert records.text_line(record) == line


@pytest.mark.parametrize("line, found", [
    (b"[1, 2]", "an array"), (b'"text"', "a str"), (b"42", "a int"), (b"1.5", "a Decimal"), (b"null", "null"),
    (b"true", "a bool"),
])
def test_a_line_that_is_not_a_json_object_is_an_error_record(line, found):
    record = records.Evaluator({"id": "id"}).record("f", 3, line)
    assert record == {"file": "f", "line": 3, "error": {
        "code": "not-a-resource", "message": f"expected a JSON object (a resource), not {found}"}}


def test_a_line_too_long_to_read_is_an_error_record():
    record = records.Evaluator({"id": "id"}).record("f", 4, records.LineTooLong(5_000, 1_000))
    assert record["error"] == {"code": "line-too-long", "message": "5,000 bytes or more; the limit is 1,000 (max_line_bytes)"}
