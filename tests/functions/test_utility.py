"""Utility functions (fhirpath/functions/utility.py): lowBoundary, highBoundary,
precision, comparable and pathname. defineVariable's scoping is the compiler's and is
tested in tests/test_compiler.py."""

from decimal import Decimal as D

import pytest

import fhirpath
from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.utility import comparable, high_boundary, low_boundary, precision
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

BOUNDARIES = [
    # (input, precision, low, high); the spec's examples and the suites' Integer cases
    (D("1.587"), None, D("1.58650000"), D("1.58750000")),
    (D("1.587"), 6, D("1.586500"), D("1.587500")),
    (D("1.587"), 2, D("1.58"), D("1.59")),
    (D("1.587"), 0, D("1"), D("2")),
    (D("-1.587"), None, D("-1.58750000"), D("-1.58650000")),
    (D("-1.587"), 2, D("-1.59"), D("-1.58")),
    (D("1.587"), -1, None, None),
    (D("1.587"), 29, None, None),
    (1, None, D("0.50000000"), D("1.50000000")),
    (1, 0, D("0"), D("2")),
    (120, 2, D("119.50"), D("120.50")),
    (D("12.500"), 4, D("12.4995"), D("12.5005")),
    (Quantity(D("1.587"), "cm"), 8, Quantity(D("1.58650000"), "cm"), Quantity(D("1.58750000"), "cm")),
    (Date.parse_literal("2014"), 6, DateTime.parse_literal("2014-01T"), DateTime.parse_literal("2014-12T")),
    (Time.parse_literal("T10:30"), 9, Time.parse_literal("T10:30:00.000"), Time.parse_literal("T10:30:59.999")),
    (DateTime.parse_literal("2014-01-01T08:05+08:00"), 17,
     DateTime.parse_literal("2014-01-01T08:05:00.000+08:00"), DateTime.parse_literal("2014-01-01T08:05:59.999+08:00")),
]


@pytest.mark.parametrize("value, digits, low, high", BOUNDARIES)
def test_boundaries_are_the_least_and_greatest_values_the_input_stands_for(value, digits, low, high):
    args = () if digits is None else (digits,)
    assert low_boundary(value, *args) == low
    assert high_boundary(value, *args) == high
    if low is not None:
        assert type(low_boundary(value, *args)) is type(low)


def test_boundaries_of_a_date_are_date_times_as_the_r5_suite_types_them():
    # r5 LowBoundaryDateMonth / HighBoundaryDateMonth: <output type="dateTime">@2014-01</output>
    for function in (low_boundary, high_boundary):
        for digits in (4, 6, 8):
            assert type(function(Date.parse_literal("2014-05-17"), digits)) is DateTime


@pytest.mark.parametrize("bad", ["1", D("1.5"), True])
def test_a_boundary_precision_must_be_an_integer(bad):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        low_boundary(D("1.5"), bad)
    assert raised.value.code == "invalid-argument"


@pytest.mark.parametrize("function", [low_boundary, high_boundary, precision])
def test_boundaries_and_precision_reject_strings_and_booleans(function):
    for value in ("1.5", True):
        with pytest.raises(FHIRPathEvaluationError) as raised:
            function(value)
        assert raised.value.code == "invalid-operand"


@pytest.mark.parametrize(
    "value, expected",
    [
        (D("1.58700"), 5),
        (100, 0),
        (Date.parse_literal("2014"), 4),
        (DateTime.parse_literal("2014-01-05T10:30:00.000"), 17),
        (Time.parse_literal("T10:30"), 4),
        (Time.parse_literal("T10:30:00.000"), 9),
    ],
)
def test_precision_counts_the_digits_written(value, expected):
    assert precision(value) == expected


@pytest.mark.parametrize(
    "value, other, expected",
    [
        (Quantity(1, "mg"), Quantity(2, "mg"), True),
        (Quantity(1, "m"), Quantity(20, "cm"), True),
        (Quantity(2, "1"), 3, True),
        (1, 2, True),
        (Quantity(1, "cm"), Quantity(1, "s"), False),
        (Quantity(1, "cm"), Quantity(1, "[s]"), False),
        ("a", Quantity(1, "cm"), None),
        (Quantity(1, "cm"), "b", None),
    ],
)
def test_comparable_says_whether_units_convert(value, other, expected):
    assert comparable(value, other) is expected


PATIENT = {
    "resourceType": "Patient",
    "birthDate": "1974-12-25",
    "_birthDate": {"extension": [{"url": "http://example.org/time", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
    "name": [{"given": ["Peter", "James"]}, {"given": ["Jim"]}],
    "multipleBirthInteger": 2,
}


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("Patient.pathname()", ["Patient"]),
        ("name.given.pathname()", ["Patient.name[0].given[0]", "Patient.name[0].given[1]", "Patient.name[1].given[0]"]),
        ("name.given.pathname(true)",
         ["Patient.name[0].given[0]", "Patient.name[0].given[1]", "Patient.name[1].given[0]"]),
        ("multipleBirth.pathname()", ["Patient.multipleBirth[0]"]),
        ("multipleBirth.pathname(true)", ["Patient.multipleBirth"]),
        ("birthDate.extension.value.pathname(true)", ["Patient.birthDate.extension[0].value"]),
        ("(name.given.first() + 'x').pathname()", []),
        ("(1 | 2).pathname()", []),
    ],
)
def test_pathname_is_the_path_from_the_root_resource(expression, expected):
    assert fhirpath.evaluate(PATIENT, expression) == expected


def test_pathname_leaves_out_items_from_outside_the_resource():
    other = {"resourceType": "Patient", "name": [{"family": "X"}]}
    assert fhirpath.evaluate(PATIENT, "%other.name.pathname()", variables={"other": other}) == []
