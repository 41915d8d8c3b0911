"""Conversion functions (fhirpath/functions/conversion.py), called directly: every official
suite case for them (empty inputs are the compiler's part), the spec's examples, and the
decisions where the spec is silent."""

from decimal import Decimal as D

import pytest

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.conversion import (
    converts_to_boolean,
    converts_to_date,
    converts_to_date_time,
    converts_to_decimal,
    converts_to_integer,
    converts_to_long,
    converts_to_quantity,
    converts_to_string,
    converts_to_time,
    to_boolean,
    to_date,
    to_date_time,
    to_decimal,
    to_integer,
    to_long,
    to_quantity,
    to_string,
    to_time,
)
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

# (case, function, input, arguments, expected); None is the empty result. Where the suite
# compares with `=` (1 = 1.0), the row pins the exact value and type we return.
SUITE = [
    ("testLiteralInteger1", converts_to_integer, 1, (), True),
    ("testLiteralInteger0", converts_to_integer, 0, (), True),
    ("testLiteralIntegerNegative1", converts_to_integer, -1, (), True),
    ("testLiteralIntegerMax", converts_to_integer, 2147483647, (), True),
    ("testLiteralString2", converts_to_string, "test", (), True),
    ("testLiteralStringEscapes", converts_to_string, "\\/\f\r\n\t\"`'*", (), True),
    ("testLiteralBooleanTrue", converts_to_boolean, True, (), True),
    ("testLiteralBooleanFalse", converts_to_boolean, False, (), True),
    ("testLiteralDecimal10", converts_to_decimal, D("1.0"), (), True),
    ("testLiteralDecimal01", converts_to_decimal, D("0.1"), (), True),
    ("testLiteralDecimal00", converts_to_decimal, D("0.0"), (), True),
    ("testLiteralDecimalNegative01", converts_to_decimal, D("-0.1"), (), True),
    ("testLiteralDecimalMax", converts_to_decimal, D("1234567890987654321.0"), (), True),
    ("testLiteralDecimalStep", converts_to_decimal, D("0.00000001"), (), True),
    ("testLiteralQuantityDecimal", converts_to_quantity, Quantity(D("10.1"), "mg"), (), True),
    ("testLiteralQuantityInteger", converts_to_quantity, Quantity(10, "mg"), (), True),
    ("testLiteralQuantityDay", converts_to_quantity, Quantity(4, "days"), (), True),
    ("testStringYearConvertsToDate", converts_to_date, "2015", (), True),
    ("testStringMonthConvertsToDate", converts_to_date, "2015-02", (), True),
    ("testStringDayConvertsToDate", converts_to_date, "2015-02-04", (), True),
    ("testStringYearConvertsToDateTime", converts_to_date_time, "2015", (), True),
    ("testStringMonthConvertsToDateTime", converts_to_date_time, "2015-02", (), True),
    ("testStringDayConvertsToDateTime", converts_to_date_time, "2015-02-04", (), True),
    ("testStringHourConvertsToDateTime", converts_to_date_time, "2015-02-04T14", (), True),
    ("testStringMinuteConvertsToDateTime", converts_to_date_time, "2015-02-04T14:34", (), True),
    ("testStringSecondConvertsToDateTime", converts_to_date_time, "2015-02-04T14:34:28", (), True),
    ("testStringMillisecondConvertsToDateTime", converts_to_date_time, "2015-02-04T14:34:28.123", (), True),
    ("testStringUTCConvertsToDateTime", converts_to_date_time, "2015-02-04T14:34:28Z", (), True),
    ("testStringTZConvertsToDateTime", converts_to_date_time, "2015-02-04T14:34:28+10:00", (), True),
    ("testLiteralYearToDateTime", to_date_time, "2015", (), DateTime(2015)),
    ("testLiteralMonthToDateTime", to_date_time, "2015-02", (), DateTime(2015, 2)),
    ("testLiteralDayToDateTime", to_date_time, "2015-02-04", (), DateTime(2015, 2, 4)),
    ("testLiteralSecondToDateTime", to_date_time, "2015-02-04T14:34:28", (), DateTime(2015, 2, 4, 14, 34, 28)),
    (
        "testLiteralMillisecondToDateTime",
        to_date_time,
        "2015-02-04T14:34:28.123",
        (),
        DateTime(2015, 2, 4, 14, 34, 28, "123"),
    ),
    (
        "testLiteralUTCToDateTime",
        to_date_time,
        "2015-02-04T14:34:28Z",
        (),
        DateTime(2015, 2, 4, 14, 34, 28, zulu=True),
    ),
    (
        "testLiteralTZToDateTime",
        to_date_time,
        "2015-02-04T14:34:28+10:00",
        (),
        DateTime(2015, 2, 4, 14, 34, 28, tz=600),
    ),
    ("testStringHourConvertsToTime", converts_to_time, "14", (), True),
    ("testStringMinuteConvertsToTime", converts_to_time, "14:34", (), True),
    ("testStringSecondConvertsToTime", converts_to_time, "14:34:28", (), True),
    ("testStringMillisecondConvertsToTime", converts_to_time, "14:34:28.123", (), True),
    ("testStringLiteralConvertsToInteger", converts_to_integer, "1", (), True),
    ("testStringLiteralConvertsToIntegerFalse", converts_to_integer, "a", (), False),
    ("testStringDecimalConvertsToIntegerFalse", converts_to_integer, "1.0", (), False),
    ("testBooleanLiteralConvertsToInteger", converts_to_integer, True, (), True),
    ("testIntegerLiteralToInteger", to_integer, 1, (), 1),
    ("testStringIntegerLiteralToInteger", to_integer, "1", (), 1),
    ("testDecimalLiteralToInteger", to_integer, "1.1", (), None),
    ("testBooleanLiteralToInteger", to_integer, True, (), 1),
    ("testIntegerLiteralConvertsToDecimal", converts_to_decimal, 1, (), True),
    ("testStringIntegerLiteralConvertsToDecimal", converts_to_decimal, "1", (), True),
    ("testStringLiteralConvertsToDecimalFalse", converts_to_decimal, "1.a", (), False),
    ("testStringDecimalLiteralConvertsToDecimal", converts_to_decimal, "1.0", (), True),
    ("testBooleanLiteralConvertsToDecimal", converts_to_decimal, True, (), True),
    ("testIntegerLiteralToDecimal", to_decimal, 1, (), D("1")),
    ("testDecimalLiteralToDecimal", to_decimal, D("1.0"), (), D("1.0")),
    ("testDecimalLiteralToDecimalEqual", to_decimal, "1.1", (), D("1.1")),
    ("testBooleanLiteralToDecimal", to_decimal, True, (), D("1.0")),
    ("testIntegerLiteralConvertsToQuantity", converts_to_quantity, 1, (), True),
    ("testDecimalLiteralConvertsToQuantity", converts_to_quantity, D("1.0"), (), True),
    ("testStringIntegerLiteralConvertsToQuantity", converts_to_quantity, "1", (), True),
    ("testStringQuantityLiteralConvertsToQuantity", converts_to_quantity, "1 day", (), True),
    ("testStringQuantityWeekConvertsToQuantity", converts_to_quantity, "1 'wk'", (), True),
    ("testStringQuantityWeekConvertsToQuantityFalse", converts_to_quantity, "1 wk", (), False),
    ("testStringDecimalLiteralConvertsToQuantityFalse", converts_to_quantity, "1.a", (), False),
    ("testStringDecimalLiteralConvertsToQuantity", converts_to_quantity, "1.0", (), True),
    ("testBooleanLiteralConvertsToQuantity", converts_to_quantity, True, (), True),
    ("testIntegerLiteralToQuantity", to_quantity, 1, (), Quantity(1, "1")),
    ("testDecimalLiteralToQuantity", to_quantity, D("1.0"), (), Quantity(D("1.0"), "1")),
    ("testStringIntegerLiteralToQuantity", to_quantity, "1", (), Quantity(1, "1")),
    ("testStringQuantityLiteralToQuantity", to_quantity, "1 day", (), Quantity(1, "day")),
    ("testStringQuantityWeekLiteralToQuantity", to_quantity, "1 'wk'", (), Quantity(1, "wk")),
    ("testStringQuantityMonthLiteralToQuantity", to_quantity, "1 'mo'", (), Quantity(1, "mo")),
    ("testStringQuantityYearLiteralToQuantity", to_quantity, "1 'a'", (), Quantity(1, "a")),
    ("testStringDecimalLiteralToQuantity", to_quantity, "1.0", (), Quantity(D("1.0"), "1")),
    ("testIntegerLiteralConvertsToBoolean", converts_to_boolean, 1, (), True),
    ("testIntegerLiteralConvertsToBooleanFalse", converts_to_boolean, 2, (), False),
    ("testNegativeIntegerLiteralConvertsToBooleanFalse", converts_to_boolean, -1, (), False),
    ("testIntegerLiteralFalseConvertsToBoolean", converts_to_boolean, 0, (), True),
    ("testDecimalLiteralConvertsToBoolean", converts_to_boolean, D("1.0"), (), True),
    ("testStringTrueLiteralConvertsToBoolean", converts_to_boolean, "true", (), True),
    ("testStringFalseLiteralConvertsToBoolean", converts_to_boolean, "false", (), True),
    ("testStringFalseLiteralAlsoConvertsToBoolean", converts_to_boolean, "False", (), True),
    ("testIntegerLiteralToBoolean", to_boolean, 1, (), True),
    ("testIntegerLiteralToBooleanEmpty", to_boolean, 2, (), None),
    ("testIntegerLiteralToBooleanFalse", to_boolean, 0, (), False),
    ("testStringTrueToBoolean", to_boolean, "true", (), True),
    ("testStringFalseToBoolean", to_boolean, "false", (), False),
    ("testIntegerLiteralConvertsToString", converts_to_string, 1, (), True),
    ("testNegativeIntegerLiteralConvertsToString", converts_to_string, -1, (), True),
    ("testDecimalLiteralConvertsToString", converts_to_string, D("1.0"), (), True),
    ("testStringLiteralConvertsToString", converts_to_string, "true", (), True),
    ("testBooleanLiteralConvertsToString", converts_to_string, True, (), True),
    ("testQuantityLiteralConvertsToString", converts_to_string, Quantity(1, "wk"), (), True),
    ("testIntegerLiteralToString", to_string, 1, (), "1"),
    ("testNegativeIntegerLiteralToString", to_string, -1, (), "-1"),
    ("testDecimalLiteralToString", to_string, D("1.0"), (), "1.0"),
    ("testStringLiteralToString", to_string, "true", (), "true"),
    ("testBooleanLiteralToString", to_string, True, (), "true"),
    ("testQuantityLiteralWkToString", to_string, Quantity(1, "wk"), (), "1 'wk'"),
    ("testQuantityLiteralWeekToString", to_string, Quantity(1, "week"), (), "1 week"),
    ("testToInteger2", to_integer, "-1", (), -1),
    ("testToInteger3", to_integer, "0", (), 0),
    ("testToInteger4", to_integer, "0.0", (), None),
    ("testToInteger5", to_integer, "st", (), None),
    ("testToDecimal1", to_decimal, "1", (), D("1")),
    ("testToDecimal3", to_decimal, "0", (), D("0")),
    ("testToDecimal4", to_decimal, "0.0", (), D("0.0")),
    ("testToDecimal5", to_decimal, "st", (), None),
    ("testToString1", to_string, 1, (), "1"),
    ("testToString3", to_string, 0, (), "0"),
    ("testToString4", to_string, D("0.0"), (), "0.0"),
    ("testToString5", to_string, Date(2014, 12, 14), (), "2014-12-14"),
    ("testToday2", to_string, Date(2024, 1, 15), (), "2024-01-15"),
]

SPEC_EXAMPLES = [
    ("toBoolean of 'hello'", to_boolean, "hello", (), None),
    ("toBoolean ignores case", to_boolean, "T", (), True),
    ("toBoolean of 'yes'", to_boolean, "Yes", (), True),
    ("toBoolean of 'n'", to_boolean, "n", (), False),
    ("toBoolean of '1.0'", to_boolean, "1.0", (), True),
    ("toBoolean of '0.0'", to_boolean, "0.0", (), False),
    ("toBoolean of 0.00", to_boolean, D("0.00"), (), False),
    ("toBoolean of 1.5", to_boolean, D("1.5"), (), None),
    ("convertsToBoolean of 'abc'", converts_to_boolean, "abc", (), False),
    ("toInteger of 'st'", to_integer, "st", (), None),
    ("toInteger of a signed string", to_integer, "+42", (), 42),
    ("toLong of 42", to_long, 42, (), 42),
    ("toLong of '123'", to_long, "123", (), 123),
    ("toLong of 'abc'", to_long, "abc", (), None),
    ("convertsToLong of '123'", converts_to_long, "123", (), True),
    ("convertsToLong of 'abc'", converts_to_long, "abc", (), False),
    ("toDecimal of '1.1'", to_decimal, "1.1", (), D("1.1")),
    ("toDecimal of '42L'", to_decimal, "42L", (), D("42")),
    ("convertsToDecimal of '1.a'", converts_to_decimal, "1.a", (), False),
    ("toDate of a DateTime keeps its own date", to_date, DateTime(2024, 1, 15, 23, 30, 0, tz=-300), (), Date(2024, 1, 15)),
    ("toDate of a string", to_date, "2024-01-15", (), Date(2024, 1, 15)),
    ("toDate with ddMMyy", to_date, "150124", ("ddMMyy",), Date(2024, 1, 15)),
    ("toDate with dd-MM-yyyy", to_date, "15-01-2024", ("dd-MM-yyyy",), Date(2024, 1, 15)),
    ("toDate with MM-yy is partial", to_date, "12-27", ("MM-yy",), Date(2027, 12)),
    ("convertsToDate of 'not-a-date'", converts_to_date, "not-a-date", (), False),
    ("toDateTime of a partial datetime", to_date_time, "2012-01-01T10:00", (), DateTime(2012, 1, 1, 10, 0)),
    ("toDateTime of a Date has no time", to_date_time, Date(2012, 1, 1), (), DateTime(2012, 1, 1)),
    ("convertsToDateTime of 'not a datetime'", converts_to_date_time, "not a datetime", (), False),
    ("toTime of a string", to_time, "14:34:28", (), Time(14, 34, 28)),
    ("toTime keeps a partial time", to_time, "10:00", (), Time(10, 0)),
    ("convertsToTime of 'not a time'", converts_to_time, "not a time", (), False),
    ("toQuantity of a calendar duration string", to_quantity, "4 days", (), Quantity(4, "day")),
    ("toQuantity of a quoted UCUM unit", to_quantity, "10 'mm[Hg]'", (), Quantity(10, "mm[Hg]")),
    ("toQuantity converts to a unit", to_quantity, Quantity(52, "cm"), ("m",), Quantity(D("0.52"), "m")),
    ("toQuantity of a number has no length", to_quantity, 45, ("m",), None),
    ("toQuantity across dimensions", to_quantity, Quantity(24, "m"), ("kg",), None),
    ("toQuantity of years to days", to_quantity, Quantity(1, "a"), ("d",), Quantity(D("365.25"), "d")),
    ("toQuantity of weeks to days", to_quantity, Quantity(1, "wk"), ("d",), Quantity(7, "d")),
    ("toQuantity of a number", to_quantity, 42, (), Quantity(42, "1")),
    ("toQuantity of 7 days to weeks", to_quantity, Quantity(7, "days"), ("wk",), Quantity(1, "wk")),
    ("toQuantity of false", to_quantity, False, (), Quantity(D("0.0"), "1")),
    ("convertsToQuantity of 1 day", converts_to_quantity, "1 day", (), True),
    ("convertsToQuantity of inches to cm", converts_to_quantity, Quantity(2, "[in_i]"), ("cm",), True),
    ("convertsToQuantity of Cel to degF", converts_to_quantity, Quantity(10, "Cel"), ("[degF]",), True),
    ("convertsToQuantity of m to kg", converts_to_quantity, Quantity(5, "m"), ("kg",), False),
    ("toString of 3.14", to_string, D("3.14"), (), "3.14"),
    ("toString of 42L", to_string, 42, (), "42"),
    ("toString of 53 'km'", to_string, Quantity(53, "km"), (), "53 'km'"),
    ("toString of 4 days", to_string, Quantity(4, "days"), (), "4 days"),
    ("toString of a date", to_string, Date(2020, 1, 1), (), "2020-01-01"),
    (
        "toString of a datetime",
        to_string,
        DateTime(2020, 1, 1, 10, 0, 0, "000", tz=600),
        (),
        "2020-01-01T10:00:00.000+10:00",
    ),
    ("toString of a date-only datetime", to_string, DateTime(2025, 11, 1), (), "2025-11-01"),
    ("toString of a time", to_string, Time(10, 30, 0, "000"), (), "10:30:00.000"),
    ("toString of a partial time", to_string, Time(11, 45), (), "11:45"),
    ("convertsToString of a date", converts_to_string, Date(2025, 1, 15), (), True),
]


@pytest.mark.parametrize(
    "function, value, arguments, expected",
    [pytest.param(*row[1:], id=row[0]) for row in SUITE + SPEC_EXAMPLES],
)
def test_conversion_functions_give_the_suite_and_spec_results(function, value, arguments, expected):
    result = function(value, *arguments)
    assert result == expected
    assert type(result) is type(expected)
    if isinstance(expected, (D, Quantity, Date, DateTime, Time)):
        assert str(result) == str(expected)  # same digits, unit spelling and precision


def test_to_decimal_of_an_integer_keeps_no_decimal_places():
    # 1.toDecimal().lowBoundary() is 0.50000000 in the suite (LowBoundaryDecimal7): 1, not 1.0.
    assert str(to_decimal(1)) == "1"


def test_integers_outside_their_range_do_not_convert():
    assert to_integer(2**31 - 1) == 2**31 - 1
    assert to_integer(2**31) is None
    assert to_integer("-2147483649") is None
    assert not converts_to_integer(2**40)
    assert to_long(2**40) == 2**40
    assert to_long("9223372036854775808") is None
    assert converts_to_long("-9223372036854775808")


def test_a_decimal_never_converts_to_an_integer_or_long():
    assert to_integer(D("1.0")) is None
    assert not converts_to_long(D("1"))


@pytest.mark.parametrize("text", ["\u0661", "1_000", " 1", "1 ", "", "+", "1e3", "0x1"])
def test_only_plain_ascii_digit_strings_are_integers(text):
    assert to_integer(text) is None
    assert to_decimal(text) is None


@pytest.mark.parametrize("text", ["1.", ".5", "1.5L", "1,5", "1.5e2"])
def test_decimal_strings_need_digits_on_both_sides_of_the_point(text):
    assert to_decimal(text) is None


@pytest.mark.parametrize("value", [{"system": "x", "code": "y"}, Date(2020), Time(10)])
def test_items_of_other_types_are_empty_not_errors(value):
    assert to_boolean(value) is None
    assert to_integer(value) is None
    assert to_decimal(value) is None
    assert to_quantity(value) is None
    assert not converts_to_long(value)


def test_complex_values_do_not_convert_to_strings_or_dates():
    element = {"family": "Chalmers"}
    assert to_string(element) is None
    assert not converts_to_string(element)
    assert to_date(element) is None
    assert to_date_time(element) is None
    assert to_time(element) is None


def test_a_format_applies_to_strings_only():
    assert to_date(Date(2024, 1, 15), "ddMMyy") == Date(2024, 1, 15)
    assert to_date_time("15/01/2024 10:30", "dd/MM/yyyy HH:mm") == DateTime(2024, 1, 15, 10, 30)
    assert converts_to_date_time("2024", "ddMMyy") is False


@pytest.mark.parametrize(
    "call",
    [lambda: to_date("2024", 1), lambda: to_date_time("2024", True), lambda: to_quantity(1, 5)],
)
def test_a_non_string_format_or_unit_is_an_invalid_argument_error(call):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        call()
    assert raised.value.code == "invalid-argument"
