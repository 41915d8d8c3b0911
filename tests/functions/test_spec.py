"""The metadata types of the table (fhirpath/functions/spec.py)."""

from fhirpath.functions.spec import OperatorSpec, pairs


def test_pairs_read_left_right_and_result_with_a_default_result():
    assert pairs("Integer-Decimal:Decimal String-String", "Boolean") == (
        ("Integer", "Decimal", "Decimal"),
        ("String", "String", "Boolean"),
    )


def test_unary_pairs_have_no_left_operand():
    assert pairs("-Integer:Integer") == ((None, "Integer", "Integer"),)


def test_an_operator_gives_the_result_of_a_listed_pair_only():
    plus = OperatorSpec("+", lambda left, right: left, type_pairs=pairs("Date-Quantity:Date Integer-Integer:Integer"))
    assert plus.result_type("Date", "Quantity") == "Date"
    assert plus.result_type("Quantity", "Date") is None
    assert plus.result_type("Date", "Integer") is None
