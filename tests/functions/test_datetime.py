"""Date/time component and interval functions (fhirpath/functions/datetime.py): the
spec's examples of §5.10.8 and §5.11, called directly and through expressions."""

from decimal import Decimal as D

import pytest

import fhirpath
from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions import datetime as fn
from fhirpath.runtime.temporal import Date, DateTime, Time

NOON = DateTime.parse_literal("2012-01-01T12:30:40.002-07:00")

COMPONENTS = [
    (fn.year_of, DateTime.parse_literal("2014-01-05T10:30:00.000"), 2014),
    (fn.month_of, DateTime.parse_literal("2014-01-05T10:30:00.000"), 1),
    (fn.month_of, Date.parse_literal("2012"), None),
    (fn.day_of, Date.parse_literal("2014-01-05"), 5),
    (fn.hour_of, NOON, 12),
    (fn.hour_of, Time.parse_literal("T16:30"), 16),
    (fn.hour_of, Date.parse_literal("2014-01-05"), None),
    (fn.minute_of, NOON, 30),
    (fn.second_of, NOON, 40),
    (fn.second_of, Time.parse_literal("T16:30"), None),
    (fn.millisecond_of, NOON, 2),
    (fn.timezone_offset_of, NOON, D("-7.0")),
    (fn.timezone_offset_of, DateTime.parse_literal("2012-01-01T12:30:00.000+08:45"), D("8.75")),
    (fn.timezone_offset_of, DateTime.parse_literal("2012-01-01T12:30"), None),
    (fn.timezone_offset_of, Date.parse_literal("2012-01-01"), None),
    (fn.date_of, NOON, Date.parse_literal("2012-01-01")),
    (fn.date_of, Date.parse_literal("2012-01"), Date.parse_literal("2012-01")),
    (fn.time_of, DateTime.parse_literal("2012-01-01T12:30:00.000-07:00"), Time.parse_literal("T12:30:00.000")),
    (fn.time_of, DateTime.parse_literal("2012-01-01T"), None),
    (fn.time_of, Time.parse_literal("T12:30"), None),
]


@pytest.mark.parametrize("function, value, expected", COMPONENTS)
def test_component_functions_give_the_field_or_empty(function, value, expected):
    assert function(value) == expected


@pytest.mark.parametrize("function", [fn.year_of, fn.hour_of, fn.date_of, fn.timezone_offset_of])
def test_component_functions_give_empty_for_values_that_are_not_dates(function):
    assert function("2014-01-05") is None
    assert function(2014) is None


def test_a_component_of_a_fhir_date_element_reads_its_value():
    patient = {"resourceType": "Patient", "birthDate": "1974-12-25"}
    assert fhirpath.evaluate(patient, "birthDate.yearOf() | birthDate.dayOf()") == [1974, 25]


def test_component_functions_reject_more_than_one_input():
    with pytest.raises(FHIRPathEvaluationError) as raised:
        fhirpath.evaluate(None, "(@2014 | @2015).yearOf()")
    assert raised.value.code == "not-a-singleton"


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("@2025-01-02.duration(@2025-01-07, 'week')", [0]),
        ("@2025-01-01.duration(@2025-09-01, 'year')", [0]),
        ("@2024-12-01.duration(@2025-09-01, 'year')", [0]),
        ("@2025-01-02.difference(@2025-01-07, 'week')", [1]),
        ("@2025-01-01.difference(@2025-09-01, 'year')", [0]),
        ("@2024-12-01.difference(@2025-09-01, 'year')", [1]),
        ("@2025-09-01.difference(@2024-12-01, 'year')", [-1]),
        ("@2025-01-02.difference(@2025-01-07, week)", [1]),
        ("@T10:00.duration(@T12:30, minutes)", [150]),
        ("@2025-01.duration(@2025-09-01, 'day')", []),
        ("{}.duration(@2025-09-01, 'day')", []),
        ("@2025-01-01.duration({}, 'day')", []),
    ],
)
def test_duration_and_difference_follow_the_spec_examples(expression, expected):
    assert fhirpath.evaluate(None, expression) == expected


JAN_1 = Date.parse_literal("2025-01-01")


@pytest.mark.parametrize(
    "function, focus, other, precision, code",
    [
        (fn.duration, ("2025",), JAN_1, "day", "invalid-operand"),
        (fn.difference, (JAN_1,), "2025", "day", "invalid-argument"),
        (fn.duration, (JAN_1,), JAN_1, "hour", "invalid-operand"),
        (fn.duration, (JAN_1,), Time.parse_literal("T10:00"), "hour", "invalid-operand"),
        (fn.difference, (JAN_1,), JAN_1, "fortnight", "invalid-operand"),
        (fn.duration, (JAN_1, JAN_1), JAN_1, "year", "not-a-singleton"),
    ],
)
def test_interval_functions_reject_incompatible_items(function, focus, other, precision, code):
    # called directly: in an expression the static checks reject literal mismatches first
    with pytest.raises(FHIRPathEvaluationError) as raised:
        function(None, focus, other, precision)
    assert raised.value.code == code


def test_the_interval_precision_must_be_a_name_or_a_string_literal():
    with pytest.raises(fhirpath.FHIRPathSemanticError) as raised:
        fhirpath.compile("@2025.duration(@2026, 1)")
    assert raised.value.code == "expected-name"
