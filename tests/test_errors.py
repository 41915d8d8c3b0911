import pickle

import pytest

from fhirpath.errors import (
    FHIRPathError,
    FHIRPathSemanticError,
    FHIRPathSyntaxError,
    line_and_column,
    render_caret,
)


def test_line_and_column_are_one_based_and_count_lines():
    text = "Patient\n  .name.frist()"
    assert line_and_column(text, 0) == (1, 1)
    assert line_and_column(text, 8) == (2, 1)
    assert line_and_column(text, 16) == (2, 9)


def test_str_shows_message_position_and_carets_under_the_span():
    text = "Patient.name.frist()"
    error = FHIRPathSemanticError(
        "unknown function 'frist'", code="unknown-function", start=13, end=18, expression=text
    )
    assert str(error) == (
        "unknown function 'frist' at 1:14\n"
        "  Patient.name.frist()\n"
        "               ^^^^^"
    )
    assert error.position == "1:14"
    assert error.span == (13, 18)


def test_error_without_expression_is_just_its_message():
    error = FHIRPathError("boom", code="x", start=3, end=4)
    assert str(error) == "boom"
    assert error.line is None


def test_locate_keeps_the_first_span():
    error = FHIRPathError("boom")
    error.locate(1, 2)
    error.locate(5, 9)
    assert error.span == (1, 2)


def test_caret_at_end_of_input_points_past_the_last_character():
    assert render_caret("Patient.", 8) == "  Patient.\n          ^"


def test_errors_survive_pickling_for_process_pools():
    error = FHIRPathSyntaxError("bad", code="unexpected-token", start=1, end=2, expression="a b")
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is FHIRPathSyntaxError
    assert (clone.code, clone.start, clone.end, clone.expression) == ("unexpected-token", 1, 2, "a b")


@pytest.mark.parametrize("cls,kind", [(FHIRPathSyntaxError, "syntax"), (FHIRPathSemanticError, "semantic")])
def test_to_dict_is_a_json_record_with_kind(cls, kind):
    assert cls("m", code="c", start=0, end=1).to_dict() == {
        "code": "c", "kind": kind, "message": "m", "start": 0, "end": 1
    }
