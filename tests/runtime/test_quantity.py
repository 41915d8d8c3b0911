"""Quantity values (fhirpath/runtime/quantity.py, and quantity_math.py that calculates
with them): the official suites' quantity cases, the specification's examples, and the
modules' own promises."""

import pickle
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime.quantity import Quantity, to_fhir
from fhirpath.runtime.quantity_math import (
    abs_,
    add,
    ceiling,
    comparable,
    compare,
    convert,
    decimal_boundary,
    decimals_equivalent,
    div,
    equals,
    equivalent,
    floor,
    high_boundary,
    low_boundary,
    mul,
    negate,
    round_,
    sub,
    truncate,
)


def q(text: str) -> Quantity:
    return Quantity.parse_literal(text)


OBSERVATION_VALUE = {
    "value": 185,
    "unit": "lbs",
    "system": "http://unitsofmeasure.org",
    "code": "[lb_av]",
}


def observation() -> Quantity:
    quantity = Quantity.from_fhir(OBSERVATION_VALUE)
    assert quantity is not None
    return quantity


def literal(text: str) -> tuple[D, str, bool]:
    quantity = q(text)
    return quantity.value, quantity.unit, quantity.is_calendar


def to_string_quantity(text: str) -> Quantity | None:
    return Quantity.parse_string(text)


# Every quantity case of tests-fhir-r4.xml and tests-fhir-r5.xml, as the part
# this module answers: id -> (check, expected). Date/time arithmetic cases only
# depend on the literal's value, unit and kind here (temporal.py does the rest).
SUITE: dict[str, tuple] = {
    "testLiterals/testLiteralQuantityDecimal": (lambda: literal("10.1 'mg'"), (D("10.1"), "mg", False)),
    "testLiterals/testLiteralQuantityInteger": (lambda: literal("10 'mg'"), (D(10), "mg", False)),
    "testLiterals/testLiteralQuantityDay": (lambda: literal("4 days"), (D(4), "day", True)),
    "testTypes/testIntegerLiteralConvertsToQuantity": (lambda: str(Quantity(1)), "1 '1'"),
    "testTypes/testDecimalLiteralConvertsToQuantity": (lambda: str(Quantity(D("1.0"))), "1.0 '1'"),
    "testTypes/testStringIntegerLiteralConvertsToQuantity": (lambda: to_string_quantity("1") is not None, True),
    "testTypes/testStringQuantityLiteralConvertsToQuantity": (lambda: to_string_quantity("1 day") is not None, True),
    "testTypes/testStringQuantityWeekConvertsToQuantity": (lambda: to_string_quantity("1 'wk'") is not None, True),
    "testTypes/testStringQuantityWeekConvertsToQuantityFalse": (lambda: to_string_quantity("1 wk"), None),
    "testTypes/testStringDecimalLiteralConvertsToQuantityFalse": (lambda: to_string_quantity("1.a"), None),
    "testTypes/testStringDecimalLiteralConvertsToQuantity": (lambda: to_string_quantity("1.0") is not None, True),
    "testTypes/testBooleanLiteralConvertsToQuantity": (lambda: str(Quantity(D("1.0"))), "1.0 '1'"),
    "testTypes/testIntegerLiteralToQuantity": (lambda: equals(Quantity(1), q("1 '1'")), True),
    "testTypes/testDecimalLiteralToQuantity": (lambda: equals(Quantity(D("1.0")), q("1.0 '1'")), True),
    "testTypes/testStringIntegerLiteralToQuantity": (lambda: str(to_string_quantity("1")), "1 '1'"),
    "testTypes/testStringQuantityLiteralToQuantity": (lambda: equals(to_string_quantity("1 day"), q("1 day")), True),
    "testTypes/testStringQuantityDayLiteralToQuantity": (lambda: equals(to_string_quantity("1 day"), q("1 'd'")), True),
    "testTypes/testStringQuantityWeekLiteralToQuantity": (
        lambda: equals(to_string_quantity("1 'wk'"), q("1 week")),
        True,
    ),
    "testTypes/testStringQuantityMonthLiteralToQuantity": (
        lambda: equals(to_string_quantity("1 'mo'"), q("1 month")),
        None,
    ),
    "testTypes/testStringQuantityYearLiteralToQuantity": (
        lambda: equals(to_string_quantity("1 'a'"), q("1 year")),
        None,
    ),
    "testTypes/testStringDecimalLiteralToQuantity": (lambda: equivalent(to_string_quantity("1.0"), q("1 '1'")), True),
    "testTypes/testQuantityLiteralConvertsToString": (lambda: str(q("1 'wk'")), "1 'wk'"),
    "testTypes/testQuantityLiteralWkToString": (lambda: str(q("1 'wk'")), "1 'wk'"),
    "testTypes/testQuantityLiteralWeekToString": (lambda: str(q("1 week")), "1 week"),
    "testQuantity/testQuantity1": (lambda: equals(q("4.0000 'g'"), q("4000.0 'mg'")), True),
    "testQuantity/testQuantity2": (lambda: equivalent(q("4 'g'"), q("4000 'mg'")), True),
    "testQuantity/testQuantity3": (lambda: equals(q("4 'g'"), q("4040 'mg'")), False),
    "testQuantity/testQuantity4": (lambda: equivalent(q("4 'g'"), q("4040 'mg'")), True),
    "testQuantity/testQuantity5": (lambda: equals(q("7 days"), q("1 week")), True),
    "testQuantity/testQuantity6": (lambda: equals(q("7 days"), q("1 'wk'")), True),
    "testQuantity/testQuantity7": (lambda: compare(q("6 days"), q("1 week")), -1),
    "testQuantity/testQuantity8": (lambda: compare(q("8 days"), q("1 week")), 1),
    "testQuantity/testQuantity9": (lambda: equals(mul(q("2.0 'cm'"), q("2.0 'm'")), q("0.040 'm2'")), True),
    "testQuantity/testQuantity10": (lambda: equals(div(q("4.0 'g'"), q("2.0 'm'")), q("2 'g/m'")), True),
    "testQuantity/testQuantity11": (lambda: equals(div(q("1.0 'm'"), q("1.0 'm'")), q("1 '1'")), True),
    "testEquality/testEquality28": (lambda: equals(observation(), q("185 '[lb_av]'")), True),
    "testNEquality/testNEquality24": (lambda: equals(observation(), q("185 'kg'")), False),
    "testEquivalent/testEquivalent22": (lambda: equivalent(observation(), q("185 '[lb_av]'")), True),
    "testNotEquivalent/testNotEquivalent22": (lambda: equivalent(observation(), q("185 'kg'")), False),
    "testLessThan/testLessThan22": (lambda: compare(observation(), q("200 '[lb_av]'")), -1),
    "testLessOrEqual/testLessOrEqual22": (lambda: compare(observation(), q("200 '[lb_av]'")) <= 0, True),
    "testGreatorOrEqual/testGreatorOrEqual22": (lambda: compare(observation(), q("100 '[lb_av]'")) >= 0, True),
    "testGreaterThan/testGreaterThan22": (lambda: compare(observation(), q("100 '[lb_av]'")), 1),
    "testPlus/testPlusDate1": (lambda: literal("7 days"), (D(7), "day", True)),
    "testPlus/testPlusDate2": (lambda: literal("7.7 days"), (D("7.7"), "day", True)),
    "testPlus/testPlusDate3": (lambda: literal("7 days"), (D(7), "day", True)),
    "testPlus/testPlusDate4": (lambda: literal("7.7 days"), (D("7.7"), "day", True)),
    "testPlus/testPlusDate5": (lambda: literal("1 second"), (D(1), "second", True)),
    "testPlus/testPlusDate6": (lambda: literal("10 millisecond"), (D(10), "millisecond", True)),
    "testPlus/testPlusDate7": (lambda: literal("1 minute"), (D(1), "minute", True)),
    "testPlus/testPlusDate8": (lambda: literal("1 hour"), (D(1), "hour", True)),
    "testPlus/testPlusDate9": (lambda: literal("1 day"), (D(1), "day", True)),
    "testPlus/testPlusDate10": (lambda: literal("1 month"), (D(1), "month", True)),
    "testPlus/testPlusDate11": (lambda: literal("1 week"), (D(1), "week", True)),
    "testPlus/testPlusDate12": (lambda: literal("1 year"), (D(1), "year", True)),
    "testPlus/testPlusDate13": (lambda: literal("1 'd'"), (D(1), "d", False)),
    "testPlus/testPlusDate14": (lambda: literal("1 'mo'"), (D(1), "mo", False)),  # UCUM month: an error on dates
    "testPlus/testPlusDate15": (lambda: literal("1 'wk'"), (D(1), "wk", False)),
    "testPlus/testPlusDate16": (lambda: literal("1 'a'"), (D(1), "a", False)),  # UCUM year: an error on dates
    "testPlus/testPlusDate17": (lambda: literal("1 'a'"), (D(1), "a", False)),
    "testPlus/testPlusDate18": (lambda: literal("1 's'"), (D(1), "s", False)),
    "testPlus/testPlusDate19": (lambda: literal("0.1 's'"), (D("0.1"), "s", False)),
    "testPlus/testPlusDate20": (lambda: literal("10 'ms'"), (D(10), "ms", False)),
    "testPlus/testPlusDate21": (lambda: literal("1 'min'"), (D(1), "min", False)),
    "testPlus/testPlusDate22": (lambda: literal("1 'h'"), (D(1), "h", False)),
    "testPlus/testPlusTime1": (lambda: literal("2 hours"), (D(2), "hour", True)),
    "testPlus/testPlusTime2": (lambda: literal("2 hours"), (D(2), "hour", True)),
    "testPlus/testPlusTime3": (lambda: literal("50 hours"), (D(50), "hour", True)),
    # A quoted calendar keyword is the calendar unit: '1 month' before the date.
    "testMinus/testMinus5": (lambda: literal("1 'month'"), (D(1), "month", True)),
    "testMinus/testMinus6": (lambda: convert(q("1 'cm'"), "day"), None),  # not a duration: an error on dates
    "testMinus/testMinus7": (lambda: literal("1 hour"), (D(1), "hour", True)),
    "testMinus/testMinus8": (lambda: literal("2 hours"), (D(2), "hour", True)),
    "testAbs/testAbs3": (lambda: equals(abs_(negate(q("5.5 'mg'"))), q("5.5 'mg'")), True),
    "LowBoundary/LowBoundaryQuantity": (lambda: str(low_boundary(q("1.587 'cm'"), 8)), "1.58650000 'cm'"),
    "HighBoundary/HighBoundaryQuantity": (lambda: str(high_boundary(q("1.587 'm'"), 8)), "1.58750000 'm'"),
    "Comparable/Comparable1": (lambda: comparable(q("1 'cm'"), q("1 '[in_i]'")), True),
    "Comparable/Comparable2": (lambda: comparable(q("1 'cm'"), q("1 '[s]'")), False),
    "Comparable/Comparable3": (lambda: comparable(q("1 'cm'"), q("1 's'")), False),
}


@pytest.mark.parametrize(("check", "expected"), SUITE.values(), ids=SUITE.keys())
def test_official_suite_quantity_case(check, expected):
    assert check() == expected


# A quantity literal outside string literals, or a quantity function, or a
# Quantity output: the cases this module must answer for.
_SUITE_QUANTITY = re.compile(
    r"'(?:[^'\\]|\\.)*'|(?<![\w@:.-])([0-9]+(?:\.[0-9]+)?\s*(?:'(?:[^'\\]|\\.)*'"
    r"|(?:year|month|week|day|hour|minute|second|millisecond)s?\b))"
)
_SUITE_FUNCTIONS = re.compile(r"\b(?:toQuantity|convertsToQuantity|comparable)\(")


def _suite_quantity_cases(path) -> set[str]:
    found = set()
    for group in ET.parse(path).getroot().iter():
        if not group.tag.endswith("group"):
            continue
        for test in group:
            expression = next((child for child in test if child.tag.endswith("expression")), None)
            if expression is None:
                continue
            text = expression.text or ""
            outputs = [child.get("type") for child in test if child.tag.endswith("output")]
            literals = [m.group(1) for m in _SUITE_QUANTITY.finditer(text) if m.group(1)]
            if literals or _SUITE_FUNCTIONS.search(text) or "Quantity" in outputs:
                found.add(f"{group.get('name')}/{test.get('name')}")
    return found


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_every_quantity_case_of_the_official_suites_is_tabulated(shared, release):
    cases = _suite_quantity_cases(shared / "fhirpath-tests" / release / f"tests-fhir-{release}.xml")
    assert len(cases) > 60
    assert cases <= SUITE.keys(), sorted(cases - SUITE.keys())


# ------------------------------------------------------------ spec examples

EQUALITY = [
    ("1 'cm'", "10.0 'mm'", True),
    ("1 'cm'", "1 'm'", False),
    ("1 'cm'", "1 's'", None),
    ("23 'Cel'", "73.4 '[degF]'", True),
    ("1 'h'", "3600 's'", True),
    ("1 hour", "3600 's'", True),
    ("1 year", "1 'a'", None),
    ("1 year", "12 months", True),
    ("1 year", "12 'mo'", None),
    ("1 week", "1 'wk'", True),
    ("1 second", "1 's'", True),
    ("7 days", "1 'wk'", True),
    ("1 week", "7 'd'", True),
    ("1 'a'", "12 'mo'", True),
    ("1 year", "365 days", True),
    ("1 year", "360 days", False),  # calendar factors are not transitive
    ("1 month", "30 days", True),
    ("1 'a'", "365 days", None),  # the least granular unit is a year: not equal across systems
    ("30 days", "1 'mo'", None),
    ("1 day", "24 'h'", True),
    ("1.0 'g'", "1 'g'", True),
    ("1 'mg'", "1 'mg{total}'", True),  # annotations do not change the unit
    ("1 '[iU]'", "1 '[IU]'", True),
    ("1 '[iU]'", "1 '[arb\\'U]'", None),  # arbitrary units compare only with themselves
    ("1 'foo'", "1 'foo'", True),  # same unit string: no UCUM needed, even if invalid
    ("1 'foo'", "1 'bar'", None),
    ("7 '[pH]'", "7 '[pH]'", True),
    ("1 'B'", "10 'dB'", None),  # logarithmic units do not convert
    ("1 '1'", "100 '%'", True),
    ("1 'L'", "1 'dm3'", True),
    ("1 'mol'", "1000 'mmol'", True),
]


@pytest.mark.parametrize(("left", "right", "expected"), EQUALITY)
def test_equals_converts_to_a_common_unit_or_is_empty(left, right, expected):
    assert equals(q(left), q(right)) is expected
    assert equals(q(right), q(left)) is expected


@pytest.mark.parametrize(("left", "right", "expected"), EQUALITY)
def test_comparable_says_whether_equals_has_a_result(left, right, expected):
    assert comparable(q(left), q(right)) is (expected is not None)


EQUIVALENCE = [
    ("2.1 'cm'", "21 'mm'", True),
    ("21 'mm'", "2 'cm'", True),
    ("4 'g'", "4000 'mg'", True),
    ("4 'g'", "4040 'mg'", True),
    ("4 'g'", "4600 'mg'", False),
    ("1 '[in_i]'", "2.5 'cm'", True),
    ("23 'Cel'", "73.4 '[degF]'", True),
    ("1 year", "1 'a'", True),
    ("1 'a'", "1 year", True),
    ("1 year", "12 'mo'", True),
    ("1 'a'", "12 months", True),
    ("1 year", "11 months", True),
    ("1 year", "6 months", True),  # 0.5 year rounds to 1, as the spec's rule says
    ("1 year", "5 months", False),
    ("1 second", "1 's'", True),
    ("7 days", "1 'wk'", True),
    ("1.23 'cm'", "13 'mm'", False),  # precision of the converted value, not of the text
    ("1.0 'cm'", "1.04 'cm'", True),  # trailing zeros do not add precision
    ("1 'cm'", "1 's'", None),
    ("1 year", "1 'g'", None),
]


@pytest.mark.parametrize(("left", "right", "expected"), EQUIVALENCE)
def test_equivalent_rounds_to_the_least_precise_in_the_least_granular_unit(left, right, expected):
    assert equivalent(q(left), q(right)) is expected


ORDERING = [
    ("1 year", "1 'a'", None),
    ("10 seconds", "1 's'", 1),
    ("6 months", "1 year", -1),
    ("4 'm'", "4 'cm'", 1),
    ("1 day", "23 'h'", 1),
    ("2 'mg'", "2 'mg'", 0),
    ("1.50 'mg'", "1.5 'mg'", 0),
    ("0 'Cel'", "32 '[degF]'", 0),
    ("-40 'Cel'", "-40.0 '[degF]'", 0),
    ("100 'Cel'", "200 '[degF]'", 1),
    ("1 'kg'", "3 '[lb_av]'", -1),
    ("1 'cm'", "1 'cm2'", None),
]


@pytest.mark.parametrize(("left", "right", "expected"), ORDERING)
def test_compare_orders_after_conversion(left, right, expected):
    assert compare(q(left), q(right)) == expected


ARITHMETIC = [
    (add, "3 'm'", "3 'cm'", "303 'cm'"),
    (add, "3 'cm'", "3 'm'", "303 'cm'"),
    (add, "2", "2 'cm'", None),
    (add, "2", "2 '1'", "4 '1'"),
    (add, "2 minutes", "60 seconds", "180 seconds"),
    (add, "60 's'", "2 minutes", "180 seconds"),
    (add, "1 'wk'", "2 days", "9 days"),
    (add, "1 'd'", "1 day", "2 days"),  # mixed systems: the sum is in calendar units
    (add, "1 year", "12 months", None),
    (add, "1 year", "12 'mo'", None),
    (add, "1 week", "14 days", "21 days"),
    (add, "3 'd'", "1 'wk'", "10 'd'"),
    (add, "1 year", "1 year", "2 years"),
    (add, "1 'a'", "1 'mo'", "13 'mo'"),  # UCUM years and months are definite
    (add, "1 'us'", "1 second", "1000001 'us'"),  # no calendar microsecond: stays UCUM
    (add, "1 'g'", "1 'm'", None),
    (add, "20 'Cel'", "5 'Cel'", None),  # special units never add
    (add, "1.5 'mg'", "1.25 'mg'", "2.75 'mg'"),
    (sub, "3 'm'", "3 'cm'", "297 'cm'"),
    (sub, "3 'cm'", "3 'm'", "-297 'cm'"),
    # The spec's example says `0.5 minute`; its own rule (most granular) gives
    # the equal quantity below.
    (sub, "1 minute", "30 's'", "30 seconds"),
    (mul, "12 'cm'", "3 'cm'", "36 'cm2'"),
    (mul, "3 'cm'", "12 'cm2'", "36 'cm3'"),
    (mul, "10 'm/s'", "10 's'", "100 'm'"),
    (mul, "3", "2 'cm'", "6 'cm'"),
    (mul, "42", "1 'm'", "42 'm'"),
    (mul, "2 'cm'", "2", "4 'cm'"),
    (mul, "12 day", "45 'm'", None),
    (mul, "2 days", "3", "6 days"),
    (mul, "2 'Cel'", "3", None),
    (mul, "2.0 'cm'", "2.0 'm'", "4.00 'cm.m'"),
    (div, "12 'cm2'", "3 'cm'", "4 'cm'"),
    (div, "120 'm'", "60 's'", "2 'm/s'"),
    (div, "60", "1 's'", "60 '/s'"),
    (div, "60 's'", "2", "30 's'"),
    (div, "4.0 'g'", "2.0 'm'", "2 'g/m'"),
    (div, "1.0 'm'", "1.0 'm'", "1 '1'"),
    (div, "12", "0 'm'", None),
    (div, "0 'm'", "0", None),
    (div, "6 days", "2", "3 days"),
    (div, "6 days", "2 days", None),
    (div, "1 'm'", "3 's'", "0.3333333333333333333333333333 'm/s'"),
]


@pytest.mark.parametrize(("operation", "left", "right", "expected"), ARITHMETIC)
def test_arithmetic_follows_the_spec_examples(operation, left, right, expected):
    result = operation(q(left), q(right))
    assert (None if result is None else str(result)) == expected


CONVERSIONS = [
    ("52 'cm'", "m", "0.52 'm'"),
    ("45", "m", None),
    ("24 'm'", "kg", None),
    ("1 'a'", "d", "365.25 'd'"),
    ("1 'wk'", "d", "7 'd'"),
    ("42", "1", "42 '1'"),
    ("7 days", "wk", "1 'wk'"),
    ("182.5 days", "a", "0.5 'a'"),
    ("182.5 'd'", "a", "0.4996577686516084873374401095 'a'"),
    ("1 year", "a", "1 'a'"),
    ("1 year", "month", "12 months"),
    ("1 year", "months", "12 months"),
    ("1 year", "d", "365 'd'"),
    ("1 'a'", "day", "365.25 days"),
    ("12 'mo'", "year", "1 year"),
    ("1 week", "hour", "168 hours"),
    ("1 day", "ks", "86.4 'ks'"),
    ("1 year", "ks", "31557.6 'ks'"),
    ("10 'Cel'", "[degF]", "50 '[degF]'"),
    ("73.4 '[degF]'", "Cel", "23 'Cel'"),
    ("0 'Cel'", "K", "273.15 'K'"),
    ("2 '[in_i]'", "cm", "5.08 'cm'"),
    ("4.0000 'g'", "mg", "4000.0 'mg'"),
    ("4 'g'", "mg", "4000 'mg'"),
    ("4040 'mg'", "g", "4.040 'g'"),
    ("185 '[lb_av]'", "kg", "83.91458845 'kg'"),
    ("1 '[lb_av]'", "g", "453.59237 'g'"),
    ("1 '[gal_us]'", "L", "3.785411784 'L'"),
    ("100 'mg/dL'", "g/L", "1.00 'g/L'"),
    ("5 'mmol/L'", "mol/m3", "5 'mol/m3'"),
    ("1 '[IU]'", "m[iU]", "1000 'm[iU]'"),
    ("1 'B'", "dB", None),
    ("1 'm'", "foo", None),
    ("1 'foo'", "m", None),
    ("1 'g'", "day", None),
    ("1 day", "g", None),
    ("3 'mg'", "mg", "3 'mg'"),
]


@pytest.mark.parametrize(("source", "unit", "expected"), CONVERSIONS)
def test_convert_is_to_quantity_with_a_unit(source, unit, expected):
    result = convert(q(source), unit)
    assert (None if result is None else str(result)) == expected


def test_conversion_factors_are_exact_decimals():
    assert convert(q("1 '[in_i]'"), "cm").value == D("2.54")
    assert convert(q("1 '[ft_i]'"), "m").value == D("0.3048")
    assert convert(q("1 '[mi_i]'"), "km").value == D("1.609344")
    assert convert(q("1 'mm[Hg]'"), "Pa").value == D("133.322")
    assert convert(q("1 '[psi]'"), "Pa").value == D("6894.757293168361336722673445")


# ------------------------------------------------------------ literals and text

@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("4.5 'mg'", D("4.5"), "mg"),
        ("1.50 'mg'", D("1.50"), "mg"),
        ("100 '[degF]'", D(100), "[degF]"),
        ("2 years", D(2), "year"),
        ("5 days", D(5), "day"),
        ("1 year", D(1), "year"),
        ("3", D(3), "1"),
        ("10 'mm[Hg]'", D(10), "mm[Hg]"),
        ("-5.5 'mg'", D("-5.5"), "mg"),
        ("1 '\\''", D(1), "'"),
        ("1 '\\u0067'", D(1), "g"),
        ("4days", D(4), "day"),
    ],
)
def test_parse_literal_keeps_the_written_scale(text, value, unit):
    quantity = q(text)
    assert (str(quantity.value), quantity.unit) == (str(value), unit)


@pytest.mark.parametrize(
    "text", ["", "mg", "4.5 mg", "4 'mg", "4.'mg'", "4 wk", "4 Days", "1 ''", "1 '\\q'", "4 'a' 'b'"]
)
def test_parse_literal_rejects_malformed_text(text):
    with pytest.raises(ValueError):
        q(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.5 'mg'", "5.5 'mg'"),
        ("5 days", "5 days"),
        ("4", "4 '1'"),
        ("+4.0", "4.0 '1'"),
        ("-4", "-4 '1'"),
        ("10 'mm[Hg]'", "10 'mm[Hg]'"),
        ("10'mg'", "10 'mg'"),
        ("1 day", "1 day"),
        ("1 'wk'", "1 'wk'"),
        ("1 wk", None),
        ("1.a", None),
        ("1.", None),
        (".5", None),
        (" 1", None),
        ("1 'mg' ", None),
        ("one", None),
        ("1 'm'g'", None),
        ("\u0661", None),  # only ASCII digits
    ],
)
def test_parse_string_follows_the_spec_pattern(text, expected):
    result = Quantity.parse_string(text)
    assert (None if result is None else str(result)) == expected


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (Quantity(D(53), "km"), "53 'km'"),
        (Quantity(D(4), "days"), "4 days"),
        (Quantity(D(1), "week"), "1 week"),
        (Quantity(D("1.0"), "year"), "1.0 year"),
        (Quantity(D(-1), "day"), "-1 day"),
        (Quantity(D("0.5"), "minute"), "0.5 minutes"),
        (Quantity(D("1.58650000"), "cm"), "1.58650000 'cm'"),
        (Quantity(D("4E+3"), "mg"), "4000 'mg'"),
        (Quantity(D(1), "'"), "1 '\\''"),
        (Quantity(5), "5 '1'"),
    ],
)
def test_str_is_the_fhirpath_literal(quantity, expected):
    assert str(quantity) == expected
    assert Quantity.parse_literal(str(quantity)) == quantity


# ------------------------------------------------------------ FHIR Quantity

@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (OBSERVATION_VALUE, "185 '[lb_av]'"),
        ({"value": 1.0, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"}, "1.0 'mg/dL'"),
        ({"value": 0.1, "code": "mg"}, "0.1 'mg'"),
        ({"value": D("1.50"), "unit": "mg"}, "1.50 'mg'"),
        ({"value": "2.50", "code": "g"}, "2.50 'g'"),
        ({"value": 3}, "3 '1'"),
        ({"value": 5, "unit": "years"}, "5 years"),
        ({"value": 5, "system": "http://hl7.org/fhirpath/CodeSystem/calendar-units", "code": "year"}, "5 years"),
        ({"value": 5, "system": "http://hl7.org/fhirpath/CodeSystem/calendar-units", "code": "a"}, None),
        ({"value": 5, "system": "http://snomed.info/sct", "code": "258684004"}, None),
        ({"unit": "mg"}, None),
        ({"value": True, "unit": "mg"}, None),
        ({"value": "1.a", "unit": "mg"}, None),
        ({"value": float("nan"), "unit": "mg"}, None),
        ({"value": 1, "code": ""}, None),
        ({"value": 1, "system": "http://unitsofmeasure.org"}, None),
        ({"value": 1, "code": ["mg"]}, None),
        ({"value": 1, "system": "http://hl7.org/fhirpath/CodeSystem/calendar-units", "code": ["a"]}, None),
    ],
)
def test_from_fhir_reads_a_fhir_quantity(obj, expected):
    result = Quantity.from_fhir(obj)
    assert (None if result is None else str(result)) == expected


def test_from_fhir_keeps_floats_exact_through_their_shortest_repr():
    assert Quantity.from_fhir({"value": 0.1, "code": "mg"}).value == D("0.1")
    assert Quantity.from_fhir({"value": 1e-7, "code": "mg"}).value == D("1e-7")


def test_from_fhir_refuses_a_bound_with_a_comparator():
    with pytest.raises(FHIRPathEvaluationError) as raised:
        Quantity.from_fhir({"value": 1, "comparator": ">", "code": "min", "system": "http://unitsofmeasure.org"})
    assert raised.value.code == "quantity-comparator"


# ------------------------------------------------------------ math functions


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (abs_, "-5.5 'mg'", "5.5 'mg'"),
        (negate, "5.5 'mg'", "-5.5 'mg'"),
        (negate, "2 days", "-2 days"),
        (ceiling, "1.1 'mg'", "2 'mg'"),
        (ceiling, "-1.1 'mg'", "-1 'mg'"),
        (floor, "2.1 'mg'", "2 'mg'"),
        (floor, "-2.1 'mg'", "-3 'mg'"),
        (truncate, "1.00000001 'mg'", "1 'mg'"),
        (truncate, "-1.9 'mg'", "-1 'mg'"),
        (round_, "1.5 'mg'", "2 'mg'"),
        (round_, "-1.5 'mg'", "-2 'mg'"),
        (round_, "2.4 days", "2 days"),
    ],
)
def test_math_functions_keep_the_unit(function, text, expected):
    assert str(function(q(text))) == expected


def test_round_takes_a_precision_that_must_not_be_negative():
    assert str(round_(q("3.14159 'm'"), 3)) == "3.142 'm'"
    with pytest.raises(FHIRPathEvaluationError):
        round_(q("3.14159 'm'"), -1)


BOUNDARIES = [
    ("1.587", None, "1.58650000", "1.58750000"),
    ("1.587", 6, "1.586500", "1.587500"),
    ("1.587", 2, "1.58", "1.59"),
    ("1.587", 0, "1", "2"),
    ("1.587", -1, None, None),
    ("1.587", 32, None, None),
    ("1.587", 39, None, None),
    ("-1.587", None, "-1.58750000", "-1.58650000"),
    ("-1.587", 6, "-1.587500", "-1.586500"),
    ("-1.587", 2, "-1.59", "-1.58"),
    ("-1.587", 0, "-2", "-1"),
    ("1", None, "0.50000000", "1.50000000"),
    ("1", 0, "0", "2"),
    ("1", 5, "0.50000", "1.50000"),
    ("12.587", 2, "12.58", "12.59"),
    ("12.500", 4, "12.4995", "12.5005"),
    ("120", 2, "119.50", "120.50"),
    ("-120", 2, "-120.50", "-119.50"),
    ("0.0034", 1, "0.0", "0.0"),
    ("-0.0034", 1, "-0.0", "-0.0"),
    ("1.123456789", None, "1.1234567885", "1.1234567895"),
]


@pytest.mark.parametrize(("value", "precision", "low", "high"), BOUNDARIES)
def test_decimal_boundaries_match_the_suites(value, precision, low, high):
    result_low = decimal_boundary(D(value), precision, high=False)
    result_high = decimal_boundary(D(value), precision, high=True)
    assert (None if result_low is None else str(result_low)) == low
    assert (None if result_high is None else str(result_high)) == high


def test_quantity_boundaries_keep_the_unit_and_are_empty_out_of_range():
    assert str(low_boundary(q("1.587 'cm'"))) == "1.58650000 'cm'"
    assert str(high_boundary(q("2 days"), 1)) == "2.5 days"
    assert low_boundary(q("1.587 'cm'"), 40) is None


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        ("1.10", "1.1", True),
        ("0.0", "0", True),
        ("0.6666666667", "0.67", True),
        ("1.2", "1.3", False),
        ("2.5", "3", True),
    ],
)
def test_decimals_equivalent_rounds_to_the_least_precise(x, y, expected):
    assert decimals_equivalent(D(x), D(y)) is expected


@pytest.mark.parametrize(("x", "y", "expected"), [("NaN", "1", False), ("NaN", "NaN", False),
                                                   ("Infinity", "Infinity", True), ("-Infinity", "1E+9", False)])
def test_decimals_equivalent_of_non_finite_values_never_raises(x, y, expected):
    """A float NaN or infinity from the data meets `~` as a Decimal (fuzz finding)."""
    assert decimals_equivalent(D(x), D(y)) is expected


# ------------------------------------------------------------ the value itself


def test_quantity_is_immutable_hashable_and_slotted():
    quantity = q("4.5 'mg'")
    with pytest.raises(AttributeError):
        quantity.value = D(1)
    with pytest.raises(AttributeError):
        del quantity.unit
    assert not hasattr(quantity, "__dict__")
    assert {quantity, q("4.50 'mg'")} == {quantity}
    assert quantity != q("4.5 'g'")
    assert pickle.loads(pickle.dumps(quantity)) == quantity


def test_quantity_normalises_plural_calendar_keywords_to_the_singular():
    assert Quantity(D(2), "weeks").unit == "week"
    assert Quantity(D(2), "weeks").is_calendar
    assert not Quantity(D(2), "wk").is_calendar


def test_quantity_refuses_floats_and_non_finite_values():
    with pytest.raises(TypeError):
        Quantity(0.1, "mg")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Quantity(True, "mg")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Quantity(D("Infinity"), "mg")


def test_every_ucum_special_unit_is_caught_by_the_markers_that_avoid_loading_ucum():
    from fhirpath.runtime import quantity_math, ucum

    for code in [*ucum._AFFINE, *ucum._OPAQUE]:
        assert quantity_math._is_special(code), code


def _run(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_quantity_math_does_not_load_the_ucum_tables():
    _run("import fhirpath.runtime.quantity_math, sys; assert 'fhirpath.runtime.ucum' not in sys.modules")


def test_same_unit_operations_do_not_load_the_ucum_tables():
    _run(
        "import sys\n"
        "from fhirpath.runtime.quantity import Quantity as Q\n"
        "from fhirpath.runtime.quantity_math import equals, equivalent, compare, comparable, add, sub, mul, div\n"
        "a, b = Q.parse_literal(\"4.5 'mg'\"), Q.parse_literal(\"4.50 'mg'\")\n"
        "assert equals(a, b) and equivalent(a, b) and compare(a, b) == 0 and comparable(a, b)\n"
        "assert add(a, b) and sub(a, b) and mul(a, Q(2)) and div(a, Q(2))\n"
        "assert equals(Q.parse_literal('7 days'), Q.parse_literal('1 week'))\n"
        "assert 'fhirpath.runtime.ucum' not in sys.modules"
    )


@pytest.mark.parametrize(
    "text, system",
    [("5.0 'mg'", "http://unitsofmeasure.org"), ("2 weeks", "http://hl7.org/fhirpath/CodeSystem/calendar-units"),
     ("3", "http://unitsofmeasure.org")],
)
def test_to_fhir_writes_json_that_from_fhir_reads_back(text, system):
    quantity = q(text)
    written = to_fhir(quantity)
    assert written["system"] == system and written["value"] == quantity.value
    assert Quantity.from_fhir(written) == quantity


def test_expressions_without_quantities_do_not_load_quantity_math():
    _run(
        "import sys, fhirpath\n"
        "patient = {'resourceType': 'Patient', 'name': [{'given': ['Ann']}], 'multipleBirthInteger': 2}\n"
        "fhirpath.compile(\"Patient.name.where(given = 'Ann').given | Patient.multipleBirth + 1\")"
        ".evaluate(patient)\n"
        "assert 'fhirpath.runtime.quantity_math' not in sys.modules\n"
        "assert fhirpath.compile('4 days + 3 days').evaluate(patient)\n"
        "assert 'fhirpath.runtime.quantity_math' in sys.modules"
    )
