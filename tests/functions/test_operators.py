"""The operators of spec §6 as the table gives them to the compiler (fhirpath.functions.operators).

Row ids are the FHIRPath the row stands for; most rows encode a case of the official
suites (r4 and r5 groups testEquality ... testMod, testConcatenate, testUnion, testIn,
testContainsCollection, testBoolean*, testLiterals) or an example of the spec text."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.spec import implementation
from fhirpath.functions.table import OPERATORS, UNARY_OPERATORS
from fhirpath.model import load_model
from fhirpath.runtime import compare
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

R4 = load_model("r4")
E = EMPTY


class Error:
    """An expected evaluation error, by code."""

    def __init__(self, code):
        self.code = code

    def __repr__(self):
        return f"Error({self.code!r})"


def date(text):
    return Date.parse_literal(text)


def dt(text):
    return DateTime.parse_literal(text)


def tm(text):
    return Time.parse_literal(text)


def q(text):
    return Quantity.parse_literal(text)


def node(value, type_name, key="value"):
    return (value, R4.type(type_name), None, key, None)


WEIGHT = node({"value": 185, "unit": "lbs", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
              "Quantity", "valueQuantity")
OFFICIAL = node({"use": "official", "family": "Chalmers", "given": ["Peter", "James"]}, "HumanName", "name")
USUAL = node({"use": "usual", "given": ["Jim"]}, "HumanName", "name")
BIRTH_DATE = node(date("1974-12-25"), "date", "birthDate")
TABLETS = node({"value": 5, "unit": "tablet", "system": "http://snomed.info/sct", "code": "385055001"}, "Quantity")


def run(symbol, left, right):
    spec = OPERATORS[symbol]
    if spec.lazy_right:  # the right operand's closure, evaluated in (ctx, this)
        return implementation(spec.impl)(left, lambda ctx, this: right, None, ())
    return implementation(spec.impl)(left, right)


def same(result, expected):
    """Equal collections whose items also have the expected Python types."""
    if len(result) != len(expected):
        return False
    for got, want in zip(result, expected):
        if type(got) is not type(want):
            return False
        if type(want) is Quantity:
            if compare.item_equals(got, want) is not True:
                return False
        elif type(want) in (Date, DateTime, Time):
            if str(got) != str(want):
                return False
        elif got != want:
            return False
    return True


def check(symbol, left, right, expected):
    if isinstance(expected, Error):
        with pytest.raises(FHIRPathEvaluationError) as caught:
            run(symbol, left, right)
        assert caught.value.code == expected.code
    else:
        result = run(symbol, left, right)
        assert same(result, expected), result


def rows(table):
    return pytest.mark.parametrize("left, right, expected", [row[1:] for row in table],
                                   ids=[row[0] for row in table])


# ---- 6.1 Equality -----------------------------------------------------------------------

EQUALS = [
    ("1 = 1", (1,), (1,), TRUE),
    ("{} = {}", E, E, E),
    ("true = {}", (True,), E, E),
    ("(1) = (1)", (1,), (1,), TRUE),
    ("(1 | 2) = (1 | 2)", (1, 2), (1, 2), TRUE),
    ("(1 | 2 | 3) = (1 | 2 | 3)", (1, 2, 3), (1, 2, 3), TRUE),
    ("(1 | 1) = (1 | 2 | {})", (1,), (1, 2), FALSE),
    ("1 = 2", (1,), (2,), FALSE),
    ("'a' = 'a'", ("a",), ("a",), TRUE),
    ("'a' = 'A'", ("a",), ("A",), FALSE),
    ("'a' = 'b'", ("a",), ("b",), FALSE),
    ("1.1 = 1.1", (D("1.1"),), (D("1.1"),), TRUE),
    ("1.1 = 1.2", (D("1.1"),), (D("1.2"),), FALSE),
    ("1.10 = 1.1", (D("1.10"),), (D("1.1"),), TRUE),
    ("0 = 0", (0,), (0,), TRUE),
    ("0.0 = 0", (D("0.0"),), (0,), TRUE),
    ("@2012-04-15 = @2012-04-15", (date("2012-04-15"),), (date("2012-04-15"),), TRUE),
    ("@2012-04-15 = @2012-04-16", (date("2012-04-15"),), (date("2012-04-16"),), FALSE),
    ("@2012-04-15 = @2012-04-15T10:00:00", (date("2012-04-15"),), (dt("2012-04-15T10:00:00"),), E),
    ("@2012-04-15T15:00:00 = @2012-04-15T10:00:00", (dt("2012-04-15T15:00:00"),), (dt("2012-04-15T10:00:00"),),
     FALSE),
    ("@2012-04-15T15:30:31 = @2012-04-15T15:30:31.0", (dt("2012-04-15T15:30:31"),), (dt("2012-04-15T15:30:31.0"),),
     TRUE),
    ("@2012-04-15T15:30:31 = @2012-04-15T15:30:31.1", (dt("2012-04-15T15:30:31"),), (dt("2012-04-15T15:30:31.1"),),
     FALSE),
    ("@2012-04-15T15:00:00Z = @2012-04-15T10:00:00", (dt("2012-04-15T15:00:00Z"),), (dt("2012-04-15T10:00:00"),),
     E),
    ("@2012-04-15T15:00:00+02:00 = @2012-04-15T16:00:00+03:00", (dt("2012-04-15T15:00:00+02:00"),),
     (dt("2012-04-15T16:00:00+03:00"),), TRUE),
    ("name = name", (OFFICIAL, USUAL), (OFFICIAL, USUAL), TRUE),
    ("name.take(2) = name.take(2).first() | name.take(2).last()", (OFFICIAL, USUAL), (OFFICIAL, USUAL), TRUE),
    ("name.take(2) = name.take(2).last() | name.take(2).first()", (OFFICIAL, USUAL), (USUAL, OFFICIAL), FALSE),
    ("Observation.value = 185 '[lb_av]'", (WEIGHT,), (q("185 '[lb_av]'"),), TRUE),
    ("1 'cm' = 1 's'", (q("1 'cm'"),), (q("1 's'"),), E),
    ("23 = 23 '1'", (23,), (q("23 '1'"),), TRUE),
    ("'1' = 1", ("1",), (1,), FALSE),
    ("Patient.telecom.system = 'phone' with two telecoms", ("phone", "email"), ("phone",), FALSE),
]


@rows(EQUALS)
def test_equals_compares_items_in_order(left, right, expected):
    check("=", left, right, expected)


NOT_EQUALS = [
    ("1 != 1", (1,), (1,), FALSE),
    ("{} != {}", E, E, E),
    ("{} != 'dummy'", E, ("dummy",), E),
    ("1 != 2", (1,), (2,), TRUE),
    ("'a' != 'a'", ("a",), ("a",), FALSE),
    ("'a' != 'b'", ("a",), ("b",), TRUE),
    ("1.1 != 1.1", (D("1.1"),), (D("1.1"),), FALSE),
    ("1.1 != 1.2", (D("1.1"),), (D("1.2"),), TRUE),
    ("1.10 != 1.1", (D("1.10"),), (D("1.1"),), FALSE),
    ("0 != 0", (0,), (0,), FALSE),
    ("0.0 != 0", (D("0.0"),), (0,), FALSE),
    ("-3 != 3", (-3,), (3,), TRUE),
    ("@2012-04-15 != @2012-04-15", (date("2012-04-15"),), (date("2012-04-15"),), FALSE),
    ("@2012-04-15 != @2012-04-16", (date("2012-04-15"),), (date("2012-04-16"),), TRUE),
    ("@2012-04-15 != @2012-04-15T10:00:00", (date("2012-04-15"),), (dt("2012-04-15T10:00:00"),), E),
    ("@2012-04-15T15:00:00 != @2012-04-15T10:00:00", (dt("2012-04-15T15:00:00"),), (dt("2012-04-15T10:00:00"),),
     TRUE),
    ("@2012-04-15T15:30:31 != @2012-04-15T15:30:31.0", (dt("2012-04-15T15:30:31"),),
     (dt("2012-04-15T15:30:31.0"),), FALSE),
    ("@2012-04-15T15:30:31 != @2012-04-15T15:30:31.1", (dt("2012-04-15T15:30:31"),),
     (dt("2012-04-15T15:30:31.1"),), TRUE),
    ("@2012-04-15T15:00:00Z != @2012-04-15T10:00:00", (dt("2012-04-15T15:00:00Z"),), (dt("2012-04-15T10:00:00"),),
     E),
    ("@2012-04-15T15:00:00+02:00 != @2012-04-15T16:00:00+03:00", (dt("2012-04-15T15:00:00+02:00"),),
     (dt("2012-04-15T16:00:00+03:00"),), FALSE),
    ("name != name", (OFFICIAL, USUAL), (OFFICIAL, USUAL), FALSE),
    ("name.take(2) != name.take(2).first() | name.take(2).last()", (OFFICIAL, USUAL), (OFFICIAL, USUAL), FALSE),
    ("name.take(2) != name.take(2).last() | name.take(2).first()", (OFFICIAL, USUAL), (USUAL, OFFICIAL), TRUE),
    ("(1.2 / 1.8).round(2) != 0.6666667", (D("0.67"),), (D("0.6666667"),), TRUE),
    ("(1.2 / 1.8).round(2) != 0.67", (D("0.67"),), (D("0.67"),), FALSE),
    ("Observation.value != 185 'kg'", (WEIGHT,), (q("185 'kg'"),), TRUE),
    ("4 'g' != 4040 'mg'", (q("4 'g'"),), (q("4040 'mg'"),), TRUE),
    ("Patient.name.given != {}", ("Peter", "James"), E, E),
    ("Patient.birthDate != @1974-12-25T12:34:00", (BIRTH_DATE,), (dt("1974-12-25T12:34:00"),), E),
    ("Patient.birthDate != @1974-12-25T12:34:00-10:00", (BIRTH_DATE,), (dt("1974-12-25T12:34:00-10:00"),), E),
    ("Patient.birthDate != @1974-12-25T12:34:00+10:00", (BIRTH_DATE,), (dt("1974-12-25T12:34:00+10:00"),), E),
    ("Patient.birthDate != @1974-12-25T12:34:00Z", (BIRTH_DATE,), (dt("1974-12-25T12:34:00Z"),), E),
    ("Patient.birthDate != @T12:14:15", (BIRTH_DATE,), (tm("T12:14:15"),), TRUE),
    ("Patient.birthDate != @T12:14", (BIRTH_DATE,), (tm("T12:14"),), TRUE),
]


@rows(NOT_EQUALS)
def test_not_equals_negates_equals_and_keeps_empty(left, right, expected):
    check("!=", left, right, expected)


EQUIVALENT = [
    ("1 ~ 1", (1,), (1,), TRUE),
    ("{} ~ {}", E, E, TRUE),
    ("1 ~ {}", (1,), E, FALSE),
    ("1 ~ 2", (1,), (2,), FALSE),
    ("'a' ~ 'a'", ("a",), ("a",), TRUE),
    ("'a' ~ 'A'", ("a",), ("A",), TRUE),
    ("'a' ~ 'b'", ("a",), ("b",), FALSE),
    ("1.1 ~ 1.1", (D("1.1"),), (D("1.1"),), TRUE),
    ("1.1 ~ 1.2", (D("1.1"),), (D("1.2"),), FALSE),
    ("1.10 ~ 1.1", (D("1.10"),), (D("1.1"),), TRUE),
    ("1.2 / 1.8 ~ 0.67", run("/", (D("1.2"),), (D("1.8"),)), (D("0.67"),), TRUE),
    ("0 ~ 0", (0,), (0,), TRUE),
    ("0.0 ~ 0", (D("0.0"),), (0,), TRUE),
    ("1.toDecimal() ~ 1.0", (D("1"),), (D("1.0"),), TRUE),
    ("@2012-04-15 ~ @2012-04-15", (date("2012-04-15"),), (date("2012-04-15"),), TRUE),
    ("@2012-04-15 ~ @2012-04-16", (date("2012-04-15"),), (date("2012-04-16"),), FALSE),
    ("@2012-04-15 ~ @2012-04-15T10:00:00", (date("2012-04-15"),), (dt("2012-04-15T10:00:00"),), FALSE),
    ("@2012-04-15T15:30:31 ~ @2012-04-15T15:30:31.0", (dt("2012-04-15T15:30:31"),), (dt("2012-04-15T15:30:31.0"),),
     TRUE),
    ("@2012-04-15T15:30:31 ~ @2012-04-15T15:30:31.1", (dt("2012-04-15T15:30:31"),), (dt("2012-04-15T15:30:31.1"),),
     FALSE),
    ("name ~ name", (OFFICIAL, USUAL), (OFFICIAL, USUAL), TRUE),
    ("name.take(2).given ~ name.take(2).first().given | name.take(2).last().given",
     ("Peter", "James", "Jim"), ("Peter", "James", "Jim"), TRUE),
    ("name.take(2).given ~ name.take(2).last().given | name.take(2).first().given",
     ("Peter", "James", "Jim"), ("Jim", "Peter", "James"), TRUE),
    ("Observation.value ~ 185 '[lb_av]'", (WEIGHT,), (q("185 '[lb_av]'"),), TRUE),
    ("(1 | 2 | 3) ~ (1 | 2 | 3)", (1, 2, 3), (1, 2, 3), TRUE),
    ("(1 | 2 | 3) ~ (3 | 2 | 1)", (1, 2, 3), (3, 2, 1), TRUE),
    ("4 'g' ~ 4000 'mg'", (q("4 'g'"),), (q("4000 'mg'"),), TRUE),
    ("4 'g' ~ 4040 'mg'", (q("4 'g'"),), (q("4040 'mg'"),), TRUE),
    ("'1.0'.toQuantity() ~ 1 '1'", (q("1.0 '1'"),), (q("1 '1'"),), TRUE),
]


@rows(EQUIVALENT)
def test_equivalent_is_never_empty_and_ignores_order(left, right, expected):
    check("~", left, right, expected)


NOT_EQUIVALENT = [
    ("1 !~ 1", (1,), (1,), FALSE),
    ("{} !~ {}", E, E, FALSE),
    ("{} !~ 1", E, (1,), TRUE),
    ("1 !~ 2", (1,), (2,), TRUE),
    ("'a' !~ 'a'", ("a",), ("a",), FALSE),
    ("'a' !~ 'A'", ("a",), ("A",), FALSE),
    ("'a' !~ 'b'", ("a",), ("b",), TRUE),
    ("1.1 !~ 1.1", (D("1.1"),), (D("1.1"),), FALSE),
    ("1.1 !~ 1.2", (D("1.1"),), (D("1.2"),), TRUE),
    ("1.10 !~ 1.1", (D("1.10"),), (D("1.1"),), FALSE),
    ("0 !~ 0", (0,), (0,), FALSE),
    ("0.0 !~ 0", (D("0.0"),), (0,), FALSE),
    ("1.2 / 1.8 !~ 0.6", run("/", (D("1.2"),), (D("1.8"),)), (D("0.6"),), TRUE),
    ("@2012-04-15 !~ @2012-04-15", (date("2012-04-15"),), (date("2012-04-15"),), FALSE),
    ("@2012-04-15 !~ @2012-04-16", (date("2012-04-15"),), (date("2012-04-16"),), TRUE),
    ("@2012-04-15 !~ @2012-04-15T10:00:00", (date("2012-04-15"),), (dt("2012-04-15T10:00:00"),), TRUE),
    ("@2012-04-15T15:30:31 !~ @2012-04-15T15:30:31.0", (dt("2012-04-15T15:30:31"),),
     (dt("2012-04-15T15:30:31.0"),), FALSE),
    ("@2012-04-15T15:30:31 !~ @2012-04-15T15:30:31.1", (dt("2012-04-15T15:30:31"),),
     (dt("2012-04-15T15:30:31.1"),), TRUE),
    ("name !~ name", (OFFICIAL, USUAL), (OFFICIAL, USUAL), FALSE),
    ("name.take(2).given !~ name.take(2).first().given | name.take(2).last().given",
     ("Peter", "James", "Jim"), ("Peter", "James", "Jim"), FALSE),
    ("name.take(2).given !~ name.take(2).last().given | name.take(2).first().given",
     ("Peter", "James", "Jim"), ("Jim", "Peter", "James"), FALSE),
    ("Observation.value !~ 185 'kg'", (WEIGHT,), (q("185 'kg'"),), TRUE),
]


@rows(NOT_EQUIVALENT)
def test_not_equivalent_negates_equivalent(left, right, expected):
    check("!~", left, right, expected)


# ---- 6.2 Comparison ---------------------------------------------------------------------

# One row per pair of operands, with the expected '<', '<=', '>', '>=': the four suite
# groups testLessThan, testLessOrEqual, testGreaterThan and testGreatorOrEqual use the
# same pairs (cases 1-27 and Empty1-3).
T, F = TRUE, FALSE
ORDER = [
    ("1 ? 2", (1,), (2,), T, T, F, F),
    ("1.0 ? 1.2", (D("1.0"),), (D("1.2"),), T, T, F, F),
    ("'a' ? 'b'", ("a",), ("b",), T, T, F, F),
    ("'A' ? 'a'", ("A",), ("a",), T, T, F, F),
    ("@2014-12-12 ? @2014-12-13", (date("2014-12-12"),), (date("2014-12-13"),), T, T, F, F),
    ("@2014-12-13T12:00:00 ? @2014-12-13T12:00:01", (dt("2014-12-13T12:00:00"),), (dt("2014-12-13T12:00:01"),),
     T, T, F, F),
    ("@T12:00:00 ? @T14:00:00", (tm("T12:00:00"),), (tm("T14:00:00"),), T, T, F, F),
    ("1 ? 1", (1,), (1,), F, T, F, T),
    ("1.0 ? 1.0", (D("1.0"),), (D("1.0"),), F, T, F, T),
    ("'a' ? 'a'", ("a",), ("a",), F, T, F, T),
    ("'A' ? 'A'", ("A",), ("A",), F, T, F, T),
    ("@2014-12-12 ? @2014-12-12", (date("2014-12-12"),), (date("2014-12-12"),), F, T, F, T),
    ("@2014-12-13T12:00:00 ? @2014-12-13T12:00:00", (dt("2014-12-13T12:00:00"),), (dt("2014-12-13T12:00:00"),),
     F, T, F, T),
    ("@T12:00:00 ? @T12:00:00", (tm("T12:00:00"),), (tm("T12:00:00"),), F, T, F, T),
    ("2 ? 1", (2,), (1,), F, F, T, T),
    ("1.1 ? 1.0", (D("1.1"),), (D("1.0"),), F, F, T, T),
    ("'b' ? 'a'", ("b",), ("a",), F, F, T, T),
    ("'B' ? 'A'", ("B",), ("A",), F, F, T, T),
    ("@2014-12-13 ? @2014-12-12", (date("2014-12-13"),), (date("2014-12-12"),), F, F, T, T),
    ("@2014-12-13T12:00:01 ? @2014-12-13T12:00:00", (dt("2014-12-13T12:00:01"),), (dt("2014-12-13T12:00:00"),),
     F, F, T, T),
    ("@T12:00:01 ? @T12:00:00", (tm("T12:00:01"),), (tm("T12:00:00"),), F, F, T, T),
    ("Observation.value ? 200 '[lb_av]'", (WEIGHT,), (q("200 '[lb_av]'"),), T, T, F, F),
    ("Observation.value ? 100 '[lb_av]'", (WEIGHT,), (q("100 '[lb_av]'"),), F, F, T, T),
    ("@2018-03 ? @2018-03-01", (date("2018-03"),), (date("2018-03-01"),), E, E, E, E),
    ("@2018-03-01T10:30 ? @2018-03-01T10:30:00", (dt("2018-03-01T10:30"),), (dt("2018-03-01T10:30:00"),),
     E, E, E, E),
    ("@T10:30 ? @T10:30:00", (tm("T10:30"),), (tm("T10:30:00"),), E, E, E, E),
    ("@2018-03-01T10:30:00 ? @2018-03-01T10:30:00.0", (dt("2018-03-01T10:30:00"),), (dt("2018-03-01T10:30:00.0"),),
     F, T, F, T),
    ("@T10:30:00 ? @T10:30:00.0", (tm("T10:30:00"),), (tm("T10:30:00.0"),), F, T, F, T),
    ("1 ? {}", (1,), E, E, E, E, E),
    ("{} ? 1", E, (1,), E, E, E, E),
    ("{} ? {}", E, E, E, E, E, E),
    ("10 ? 5.0", (10,), (D("5.0"),), F, F, T, T),
    ("'abc' ? 'ABC'", ("abc",), ("ABC",), F, F, T, T),
    ("4 'm' ? 4 'cm'", (q("4 'm'"),), (q("4 'cm'"),), F, F, T, T),
    ("6 days ? 1 week", (q("6 days"),), (q("1 week"),), T, T, F, F),
    ("8 days ? 1 week", (q("8 days"),), (q("1 week"),), F, F, T, T),
    ("1 year ? 1 'a'", (q("1 year"),), (q("1 'a'"),), E, E, E, E),
    ("@2017-11-05T01:30:00.0-04:00 ? @2017-11-05T01:15:00.0-05:00", (dt("2017-11-05T01:30:00.0-04:00"),),
     (dt("2017-11-05T01:15:00.0-05:00"),), T, T, F, F),
    ("@2018-01-01T16:00:00+11:00 ? @2018-01-01T15:00:00.0+10:00", (dt("2018-01-01T16:00:00+11:00"),),
     (dt("2018-01-01T15:00:00.0+10:00"),), F, T, F, T),
    ("@2018-01-01T16:00:00+12:00 ? @2018-01-01T15:00:00.0+10:00", (dt("2018-01-01T16:00:00+12:00"),),
     (dt("2018-01-01T15:00:00.0+10:00"),), T, T, F, F),
    ("Patient.name.given.count() ? -3", (5,), (-3,), F, F, T, T),
    ("1 ? -2", (1,), (-2,), F, F, T, T),
    ("Observation.value.value ? 180.0", (node(D("185"), "decimal"),), (D("180.0"),), F, F, T, T),
    ("Observation.value.value ? 0", (node(D("185"), "decimal"),), (0,), F, F, T, T),
    ("Observation.value.value ? 190", (node(D("185"), "decimal"),), (190,), T, T, F, F),
    ("Patient.birthDate ? today()", (BIRTH_DATE,), (date("2024-05-01"),), T, T, F, F),
    ("now() ? Patient.birthDate", (dt("2024-05-01T10:00:00.000+02:00"),), (BIRTH_DATE,), F, F, T, T),
    ("now() ? today()", (dt("2024-05-01T10:00:00.000+02:00"),), (date("2024-05-01"),), E, E, E, E),
    ("a Quantity in SNOMED units ? 5 'mg' (invalid units)", (TABLETS,), (q("5 'mg'"),), E, E, E, E),
]


@pytest.mark.parametrize("left, right, lt, le, gt, ge", [row[1:] for row in ORDER], ids=[row[0] for row in ORDER])
def test_comparison_operators_order_single_values(left, right, lt, le, gt, ge):
    check("<", left, right, lt)
    check("<=", left, right, le)
    check(">", left, right, gt)
    check(">=", left, right, ge)


BAD_ORDER = [
    ("Observation.value.value < 'test'", (node(D("185"), "decimal"),), ("test",), Error("incomparable")),
    ("1 > 2 is Boolean, i.e. 1 > false", (1,), (False,), Error("incomparable")),
    ("true < false", (True,), (False,), Error("incomparable")),
    ("@2012 < @T10", (date("2012"),), (tm("T10"),), Error("incomparable")),
    ("name < name", (OFFICIAL,), (OFFICIAL,), Error("incomparable")),
    ("(1 | 2) < 3", (1, 2), (3,), Error("not-a-singleton")),
    ("3 < (1 | 2)", (3,), (1, 2), Error("not-a-singleton")),
    ("(1 | 2) < {}", (1, 2), E, Error("not-a-singleton")),
]


@rows(BAD_ORDER)
def test_comparison_operators_reject_mixed_types_and_collections(left, right, expected):
    for symbol in ("<", "<=", ">", ">="):
        check(symbol, left, right, expected)


# ---- 6.4 Collections --------------------------------------------------------------------

UNION = [
    ("1 | 2 | 3", (1, 2), (3,), (1, 2, 3)),
    ("1 | 2 | 2", (1, 2), (2,), (1, 2)),
    ("1 | 1", (1,), (1,), (1,)),
    ("{} | {}", E, E, E),
    ("{} | (1 | 2)", E, (1, 2), (1, 2)),
    ("1.combine(1) | 2 (duplicates on one side go too)", (1, 1), (2,), (1, 2)),
    ("1 | 1.0 (equal values, first kept)", (1,), (D("1.0"),), (1,)),
    ("true | 'Peter'", (True,), ("Peter",), (True, "Peter")),
    ("use | given", (node("official", "code", "use"),), (node("Peter", "string"), node("James", "string")),
     (node("official", "code", "use"), node("Peter", "string"), node("James", "string"))),
    ("@2012 | @2012-01 (equality unknown: both kept)", (date("2012"),), (date("2012-01"),),
     (date("2012"), date("2012-01"))),
    ("1 'g' | 1000 'mg'", (q("1 'g'"),), (q("1000 'mg'"),), (q("1 'g'"),)),
]


@rows(UNION)
def test_union_merges_collections_without_duplicates(left, right, expected):
    assert run("|", left, right) == expected


MEMBERSHIP = [
    ("1 in (1 | 2 | 3)", "in", (1,), (1, 2, 3), TRUE),
    ("1 in (2 | 3)", "in", (1,), (2, 3), FALSE),
    ("'a' in ('a' | 'c' | 'd')", "in", ("a",), ("a", "c", "d"), TRUE),
    ("'b' in ('a' | 'c' | 'd')", "in", ("b",), ("a", "c", "d"), FALSE),
    ("('a' | 'c' | 'd') in 'b'", "in", ("a", "c", "d"), ("b",), Error("not-a-singleton")),
    ("1 in {}", "in", (1,), E, FALSE),
    ("{} in (1 | 2 | 3)", "in", E, (1, 2, 3), E),
    ("{} in {}", "in", E, E, E),
    ("'0215' in ('0215' | '0216')", "in", ("0215",), ("0215", "0216"), TRUE),
    ("code in ('vital-signs' | 'vital-signs2')", "in", (node("vital-signs", "code", "code"),),
     ("vital-signs", "vital-signs2"), TRUE),
    ("@2012 in @2012-01 (unknown is not a match)", "in", (date("2012"),), (date("2012-01"),), FALSE),
    ("(1 | 2 | 3) contains 1", "contains", (1, 2, 3), (1,), TRUE),
    ("(2 | 3) contains 1", "contains", (2, 3), (1,), FALSE),
    ("('a' | 'c' | 'd') contains 'a'", "contains", ("a", "c", "d"), ("a",), TRUE),
    ("('a' | 'c' | 'd') contains 'b'", "contains", ("a", "c", "d"), ("b",), FALSE),
    ("{} contains 1", "contains", E, (1,), FALSE),
    ("{} contains 'value'", "contains", E, ("value",), FALSE),
    ("{} contains true", "contains", E, (True,), FALSE),
    ("{} contains {}", "contains", E, E, E),
    ("{} contains @2023-01-01", "contains", E, (date("2023-01-01"),), FALSE),
    ("(1 | 2) contains {}", "contains", (1, 2), E, E),
    ("'b' contains ('a' | 'b')", "contains", ("b",), ("a", "b"), Error("not-a-singleton")),
]


@pytest.mark.parametrize("symbol, left, right, expected", [row[1:] for row in MEMBERSHIP],
                         ids=[row[0] for row in MEMBERSHIP])
def test_in_and_contains_test_membership_by_equality(symbol, left, right, expected):
    check(symbol, left, right, expected)


# ---- 6.5 Boolean logic ------------------------------------------------------------------

VALUES = {"true": TRUE, "false": FALSE, "{}": E}
TRUTH = {
    # left, right: and, or, xor, implies (spec §6.5 tables; suite testBooleanLogic*/Implies 1-9)
    ("true", "true"): (T, T, F, T),
    ("true", "false"): (F, T, T, F),
    ("true", "{}"): (E, T, E, E),
    ("false", "true"): (F, T, T, T),
    ("false", "false"): (F, F, F, T),
    ("false", "{}"): (F, E, E, T),
    ("{}", "true"): (E, T, E, T),
    ("{}", "false"): (F, E, E, E),
    ("{}", "{}"): (E, E, E, E),
}


@pytest.mark.parametrize("left, right", list(TRUTH), ids=[f"{a} op {b}" for a, b in TRUTH])
def test_boolean_operators_follow_three_valued_logic(left, right):
    for symbol, expected in zip(("and", "or", "xor", "implies"), TRUTH[left, right]):
        assert run(symbol, VALUES[left], VALUES[right]) == expected, symbol


@pytest.mark.parametrize("symbol, left", [("and", FALSE), ("or", TRUE), ("implies", FALSE)])
def test_and_or_implies_skip_the_right_operand_when_the_left_decides(symbol, left):
    def right(ctx, this):
        raise AssertionError("the right operand was evaluated")

    assert OPERATORS[symbol].lazy_right
    assert implementation(OPERATORS[symbol].impl)(left, right, None, ()) == (TRUE if symbol != "and" else FALSE)


def test_xor_evaluates_both_operands():
    assert not OPERATORS["xor"].lazy_right


BOOLEAN_SINGLETONS = [
    ("(true and 'foo') is true: a single non-Boolean counts as true", "and", (True,), ("foo",), TRUE),
    ("Patient.active and Patient.gender", "and", (node(True, "boolean", "active"),), (node("female", "code"),),
     TRUE),
    ("false or 1", "or", (False,), (1,), TRUE),
    ("(true | false) and true", "and", (True, False), (True,), Error("not-a-singleton")),
    ("true and (true | false)", "and", (True,), (True, False), Error("not-a-singleton")),
    ("true xor (1 | 2)", "xor", (True,), (1, 2), Error("not-a-singleton")),
    ("true implies (1 | 2)", "implies", (True,), (1, 2), Error("not-a-singleton")),
]


@pytest.mark.parametrize("symbol, left, right, expected", [row[1:] for row in BOOLEAN_SINGLETONS],
                         ids=[row[0] for row in BOOLEAN_SINGLETONS])
def test_boolean_operators_evaluate_operands_as_single_booleans(symbol, left, right, expected):
    check(symbol, left, right, expected)


# ---- 6.6 Math ---------------------------------------------------------------------------

PLUS = [
    ("1 + 1 = 2", (1,), (1,), (2,)),
    ("1 + 0 = 1", (1,), (0,), (1,)),
    ("1.2 + 1.8 = 3.0", (D("1.2"),), (D("1.8"),), (D("3.0"),)),
    ("'a' + 'b' = 'ab'", ("a",), ("b",), ("ab",)),
    ("'a' + {}", ("a",), E, E),
    ("1 + {}", (1,), E, E),
    ("{} + 1", E, (1,), E),
    ("{} + {}", E, E, E),
    ("1 + 5L = 6L", (1,), (5,), (6,)),
    ("5L + 4.5 = 9.5", (5,), (D("4.5"),), (D("9.5"),)),
    ("2147483647 + 1 is a Long", (2147483647,), (1,), (2147483648,)),
    ("9223372036854775807L + 1 overflows", (2**63 - 1,), (1,), E),
    ("3 'm' + 3 'cm' = 303 'cm'", (q("3 'm'"),), (q("3 'cm'"),), (q("303 'cm'"),)),
    ("3 'cm' + 3 'm' = 303 'cm'", (q("3 'cm'"),), (q("3 'm'"),), (q("303 'cm'"),)),
    ("2 + 2 'cm' (units differ)", (2,), (q("2 'cm'"),), E),
    ("2 + 2 '1' = 4 '1'", (2,), (q("2 '1'"),), (q("4 '1'"),)),
    ("1 year + 12 months (needs explicit conversion)", (q("1 year"),), (q("12 months"),), E),
    ("2 minutes + 60 seconds = 180 seconds", (q("2 minutes"),), (q("60 seconds"),), (q("180 seconds"),)),
    ("Observation.value.value + 1 (a System value)", (node(D("185"), "decimal"),), (1,), (D("186"),)),
    ("@1973-12-25 + 7 days", (date("1973-12-25"),), (q("7 days"),), (date("1974-01-01"),)),
    ("@1973-12-25 + 7.7 days", (date("1973-12-25"),), (q("7.7 days"),), (date("1974-01-01"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 7 days", (dt("1973-12-25T00:00:00.000+10:00"),), (q("7 days"),),
     (dt("1974-01-01T00:00:00.000+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 7.7 days", (dt("1973-12-25T00:00:00.000+10:00"),), (q("7.7 days"),),
     (dt("1974-01-01T00:00:00.000+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 1 second", (dt("1973-12-25T00:00:00.000+10:00"),), (q("1 second"),),
     (dt("1973-12-25T00:00:01.000+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 10 millisecond", (dt("1973-12-25T00:00:00.000+10:00"),),
     (q("10 millisecond"),), (dt("1973-12-25T00:00:00.010+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 1 minute", (dt("1973-12-25T00:00:00.000+10:00"),), (q("1 minute"),),
     (dt("1973-12-25T00:01:00.000+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 1 hour", (dt("1973-12-25T00:00:00.000+10:00"),), (q("1 hour"),),
     (dt("1973-12-25T01:00:00.000+10:00"),)),
    ("@1973-12-25 + 1 day", (date("1973-12-25"),), (q("1 day"),), (date("1973-12-26"),)),
    ("@1973-12-25 + 1 month", (date("1973-12-25"),), (q("1 month"),), (date("1974-01-25"),)),
    ("@1973-12-25 + 1 week", (date("1973-12-25"),), (q("1 week"),), (date("1974-01-01"),)),
    ("@1973-12-25 + 1 year", (date("1973-12-25"),), (q("1 year"),), (date("1974-12-25"),)),
    ("@1973-12-25 + 1 'd'", (date("1973-12-25"),), (q("1 'd'"),), (date("1973-12-26"),)),
    ("@1973-12-25 + 1 'mo'", (date("1973-12-25"),), (q("1 'mo'"),), Error("invalid-operand")),
    ("@1973-12-25 + 1 'wk'", (date("1973-12-25"),), (q("1 'wk'"),), (date("1974-01-01"),)),
    ("@1973-12-25 + 1 'a'", (date("1973-12-25"),), (q("1 'a'"),), Error("invalid-operand")),
    ("@1975-12-25 + 1 'a'", (date("1975-12-25"),), (q("1 'a'"),), Error("invalid-operand")),
    ("@1973-12-25T00:00:00.000+10:00 + 1 's'", (dt("1973-12-25T00:00:00.000+10:00"),), (q("1 's'"),),
     (dt("1973-12-25T00:00:01.000+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 0.1 's' (r5)", (dt("1973-12-25T00:00:00.000+10:00"),), (q("0.1 's'"),),
     (dt("1973-12-25T00:00:00.100+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 10 'ms'", (dt("1973-12-25T00:00:00.000+10:00"),), (q("10 'ms'"),),
     (dt("1973-12-25T00:00:00.010+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 1 'min'", (dt("1973-12-25T00:00:00.000+10:00"),), (q("1 'min'"),),
     (dt("1973-12-25T00:01:00.000+10:00"),)),
    ("@1973-12-25T00:00:00.000+10:00 + 1 'h'", (dt("1973-12-25T00:00:00.000+10:00"),), (q("1 'h'"),),
     (dt("1973-12-25T01:00:00.000+10:00"),)),
    ("@1974-12-25 + 7 (a number is no duration)", (date("1974-12-25"),), (7,), Error("invalid-operand")),
    ("@T01:00:00 + 2 hours", (tm("T01:00:00"),), (q("2 hours"),), (tm("T03:00:00"),)),
    ("@T23:00:00 + 2 hours", (tm("T23:00:00"),), (q("2 hours"),), (tm("T01:00:00"),)),
    ("@T23:00:00 + 50 hours", (tm("T23:00:00"),), (q("50 hours"),), (tm("T01:00:00"),)),
    ("7 days + @2012 (the date must come first)", (q("7 days"),), (date("2012"),), Error("invalid-operand")),
    ("'a' + 1", ("a",), (1,), Error("invalid-operand")),
    ("1 + 'a'", (1,), ("a",), Error("invalid-operand")),
    ("true + true", (True,), (True,), Error("invalid-operand")),
    ("name + name", (OFFICIAL,), (OFFICIAL,), Error("invalid-operand")),
    ("a Quantity in SNOMED units + 5 'mg' (invalid units)", (TABLETS,), (q("5 'mg'"),), E),
    ("(1 | 2) + 1", (1, 2), (1,), Error("not-a-singleton")),
    ("1 + (1 | 2)", (1,), (1, 2), Error("not-a-singleton")),
]


@rows(PLUS)
def test_plus_adds_numbers_quantities_and_durations_and_joins_strings(left, right, expected):
    check("+", left, right, expected)


MINUS = [
    ("1 - 1 = 0", (1,), (1,), (0,)),
    ("1 - 0 = 1", (1,), (0,), (1,)),
    ("1.8 - 1.2 = 0.6", (D("1.8"),), (D("1.2"),), (D("0.6"),)),
    ("'a' - 'b'", ("a",), ("b",), Error("invalid-operand")),
    ("@1974-12-25 - 1 'month'", (date("1974-12-25"),), (q("1 'month'"),), (date("1974-11-25"),)),
    ("@1974-12-25 - 1 'cm'", (date("1974-12-25"),), (q("1 'cm'"),), Error("invalid-operand")),
    ("@T00:30:00 - 1 hour", (tm("T00:30:00"),), (q("1 hour"),), (tm("T23:30:00"),)),
    ("@T01:00:00 - 2 hours", (tm("T01:00:00"),), (q("2 hours"),), (tm("T23:00:00"),)),
    ("@2019-03-01 - 24 months", (date("2019-03-01"),), (q("24 months"),), (date("2017-03-01"),)),
    ("1 - {}", (1,), E, E),
    ("{} - 1", E, (1,), E),
    ("{} - {}", E, E, E),
    ("3 'm' - 3 'cm' = 297 'cm'", (q("3 'm'"),), (q("3 'cm'"),), (q("297 'cm'"),)),
    ("3 'cm' - 3 'm' = -297 'cm'", (q("3 'cm'"),), (q("3 'm'"),), (q("-297 'cm'"),)),
    ("-9223372036854775807L - 2 overflows", (-(2**63) + 1,), (2,), E),
    ("1.0 - 1 = 0.0", (D("1.0"),), (1,), (D("0.0"),)),
]


@rows(MINUS)
def test_minus_subtracts_numbers_and_quantities_and_moves_dates_back(left, right, expected):
    check("-", left, right, expected)


MULTIPLY = [
    ("1 * 1 = 1", (1,), (1,), (1,)),
    ("1 * 0 = 0", (1,), (0,), (0,)),
    ("1.2 * 1.8 = 2.16", (D("1.2"),), (D("1.8"),), (D("2.16"),)),
    ("1 * {}", (1,), E, E),
    ("{} * 1", E, (1,), E),
    ("{} * {}", E, E, E),
    ("12 'cm' * 3 'cm' = 36 'cm2'", (q("12 'cm'"),), (q("3 'cm'"),), (q("36 'cm2'"),)),
    ("3 * 2 'cm' = 6 'cm'", (3,), (q("2 'cm'"),), (q("6 'cm'"),)),
    ("2 'cm' * 2 = 4 'cm'", (q("2 'cm'"),), (2,), (q("4 'cm'"),)),
    ("2.0 'cm' * 2.0 'm' = 0.040 'm2'", (q("2.0 'cm'"),), (q("2.0 'm'"),), (q("0.040 'm2'"),)),
    ("12 day * 45 'm' (calendar units)", (q("12 days"),), (q("45 'm'"),), E),
    ("Observation.value * 2", (WEIGHT,), (2,), (q("370 '[lb_av]'"),)),
    ("4294967296 * 4294967296 overflows", (2**32,), (2**32,), E),
    ("'a' * 2", ("a",), (2,), Error("invalid-operand")),
    ("2 * a Quantity in SNOMED units (invalid units)", (2,), (TABLETS,), E),
]


@rows(MULTIPLY)
def test_multiply_multiplies_numbers_and_quantities(left, right, expected):
    check("*", left, right, expected)


DIVIDE = [
    ("1 / 1 = 1", (1,), (1,), (D("1"),)),
    ("4 / 2 = 2", (4,), (2,), (D("2"),)),
    ("4.0 / 2.0 = 2.0", (D("4.0"),), (D("2.0"),), (D("2.0"),)),
    ("1 / 2 = 0.5", (1,), (2,), (D("0.5"),)),
    ("1.2 / 1.8 to 28 significant digits", (D("1.2"),), (D("1.8"),), (D("0.6666666666666666666666666667"),)),
    ("1.0 / 3", (D("1.0"),), (3,), (D("0.3333333333333333333333333333"),)),
    ("100 / 0.5 = 200 (no exponent)", (100,), (D("0.5"),), (D("200"),)),
    ("1 / 0", (1,), (0,), E),
    ("0 / 0", (0,), (0,), E),
    ("1.5 / 0.0", (D("1.5"),), (D("0.0"),), E),
    ("1 / {}", (1,), E, E),
    ("{} / 1", E, (1,), E),
    ("{} / {}", E, E, E),
    ("12 'cm2' / 3 'cm' = 4.0 'cm'", (q("12 'cm2'"),), (q("3 'cm'"),), (q("4.0 'cm'"),)),
    ("120 'm' / 60 's' = 2 'm/s'", (q("120 'm'"),), (q("60 's'"),), (q("2 'm/s'"),)),
    ("60 / 1 's' = 60 '/s'", (60,), (q("1 's'"),), (q("60 '/s'"),)),
    ("60 's' / 2 = 30 's'", (q("60 's'"),), (2,), (q("30 's'"),)),
    ("4.0 'g' / 2.0 'm' = 2 'g/m'", (q("4.0 'g'"),), (q("2.0 'm'"),), (q("2 'g/m'"),)),
    ("1.0 'm' / 1.0 'm' = 1 '1'", (q("1.0 'm'"),), (q("1.0 'm'"),), (q("1 '1'"),)),
    ("1 'm' / 0 'm'", (q("1 'm'"),), (q("0 'm'"),), E),
    ("'a' / 2", ("a",), (2,), Error("invalid-operand")),
]


@rows(DIVIDE)
def test_divide_gives_decimals_and_empty_for_zero(left, right, expected):
    check("/", left, right, expected)


DIV = [
    ("1 div 1 = 1", (1,), (1,), (1,)),
    ("4 div 2 = 2", (4,), (2,), (2,)),
    ("5 div 2 = 2", (5,), (2,), (2,)),
    ("2.2 div 1.8 = 1", (D("2.2"),), (D("1.8"),), (D("1"),)),
    ("5 div 0", (5,), (0,), E),
    ("-5.5 div 2 = -2 (toward zero)", (D("-5.5"),), (2,), (D("-2"),)),
    ("-5 div 2 = -2 (toward zero)", (-5,), (2,), (-2,)),
    ("5 div -2 = -2", (5,), (-2,), (-2,)),
    ("5.5 div 0.7 = 7", (D("5.5"),), (D("0.7"),), (D("7"),)),
    ("5L div 2 = 2L", (5,), (2,), (2,)),
    ("-9223372036854775808L div -1 overflows", (-(2**63),), (-1,), E),
    ("1 div {}", (1,), E, E),
    ("{} div 1", E, (1,), E),
    ("{} div {}", E, E, E),
    ("5 'm' div 2", (q("5 'm'"),), (2,), Error("invalid-operand")),
]


@rows(DIV)
def test_div_truncates_the_quotient(left, right, expected):
    check("div", left, right, expected)


MOD = [
    ("1 mod 1 = 0", (1,), (1,), (0,)),
    ("4 mod 2 = 0", (4,), (2,), (0,)),
    ("5 mod 2 = 1", (5,), (2,), (1,)),
    ("2.2 mod 1.8 = 0.4", (D("2.2"),), (D("1.8"),), (D("0.4"),)),
    ("5 mod 0", (5,), (0,), E),
    ("-5.5 mod 2 = -1.5 (sign of the dividend)", (D("-5.5"),), (2,), (D("-1.5"),)),
    ("-5 mod 3 = -2", (-5,), (3,), (-2,)),
    ("5 mod -3 = 2", (5,), (-3,), (2,)),
    ("5.5 mod 0.7 = 0.6", (D("5.5"),), (D("0.7"),), (D("0.6"),)),
    ("1 mod {}", (1,), E, E),
    ("{} mod 1", E, (1,), E),
    ("{} mod {}", E, E, E),
    ("'5' mod 2", ("5",), (2,), Error("invalid-operand")),
]


@rows(MOD)
def test_mod_gives_the_remainder_of_truncated_division(left, right, expected):
    check("mod", left, right, expected)


CONCATENATE = [
    ("'a' & 'b' = 'ab'", ("a",), ("b",), ("ab",)),
    ("'1' & {} = '1'", ("1",), E, ("1",)),
    ("{} & 'b' = 'b'", E, ("b",), ("b",)),
    ("{} & {} = ''", E, E, ("",)),
    ("(1 | 2 | 3) & 'b'", (1, 2, 3), ("b",), Error("not-a-singleton")),
    ("id & '-' (FHIR string nodes)", (node("example", "id", "id"),), ("-",), ("example-",)),
    ("1 & 'b'", (1,), ("b",), Error("invalid-operand")),
    ("'a' & true", ("a",), (True,), Error("invalid-operand")),
]


@rows(CONCATENATE)
def test_ampersand_joins_strings_treating_empty_as_blank(left, right, expected):
    check("&", left, right, expected)


# ---- 6.8 Unary --------------------------------------------------------------------------

UNARY = [
    ("-5", "-", (5,), (-5,)),
    ("-(-5)", "-", (-5,), (5,)),
    ("+5", "+", (5,), (5,)),
    ("-1.5", "-", (D("1.5"),), (D("-1.5"),)),
    ("-0.0 stays 0.0", "-", (D("0.0"),), (D("0.0"),)),
    ("+1.5", "+", (D("1.5"),), (D("1.5"),)),
    ("-Patient.name.given.count() = -5", "-", (5,), (-5,)),
    ("-Observation.value.value is a System Decimal", "-", (node(D("185"), "decimal"),), (D("-185"),)),
    ("-Observation.value is a Quantity", "-", (WEIGHT,), (q("-185 '[lb_av]'"),)),
    ("+Observation.value is a Quantity", "+", (WEIGHT,), (q("185 '[lb_av]'"),)),
    ("-(5 'mg')", "-", (q("5 'mg'"),), (q("-5 'mg'"),)),
    ("-{}", "-", E, E),
    ("-(a Quantity in SNOMED units)", "-", (TABLETS,), E),
    ("+{}", "+", E, E),
    ("-(-9223372036854775808L) cannot be represented", "-", (-(2**63),), E),
    ("-1.convertsToInteger(), i.e. -true", "-", (True,), Error("invalid-operand")),
    ("-'a'", "-", ("a",), Error("invalid-operand")),
    ("+'a'", "+", ("a",), Error("invalid-operand")),
    ("-@2012", "-", (date("2012"),), Error("invalid-operand")),
    ("-7.combine(3)", "-", (7, 3), Error("not-a-singleton")),
]


@pytest.mark.parametrize("symbol, operand, expected", [row[1:] for row in UNARY], ids=[row[0] for row in UNARY])
def test_unary_operators_negate_or_keep_numbers_and_quantities(symbol, operand, expected):
    impl = implementation(UNARY_OPERATORS[symbol].impl)
    if isinstance(expected, Error):
        with pytest.raises(FHIRPathEvaluationError) as caught:
            impl(operand)
        assert caught.value.code == expected.code
    else:
        result = impl(operand)
        assert same(result, expected), result


# ---- the table --------------------------------------------------------------------------

def test_errors_name_the_operator_and_the_operand_types():
    with pytest.raises(FHIRPathEvaluationError, match=r"'\+' cannot be applied to String and Integer"):
        run("+", ("a",), (1,))
    with pytest.raises(FHIRPathEvaluationError, match="'-' cannot be applied to HumanName and Integer"):
        run("-", (OFFICIAL,), (1,))
    with pytest.raises(FHIRPathEvaluationError, match="'<' expects a single item"):
        run("<", (1, 2), (1,))


def test_operators_leave_their_operands_alone():
    name = {"use": "official", "given": ["Peter"]}
    operands = [(node(name, "HumanName"),), (node(dict(name), "HumanName"),)]
    for symbol in ("=", "!=", "~", "!~", "|", "in", "contains"):
        run(symbol, *operands)
    assert name == {"use": "official", "given": ["Peter"]}


def test_the_table_has_every_operator_of_chapter_6_except_the_type_operators():
    assert set(OPERATORS) >= {"=", "~", "!=", "!~", ">", "<", "<=", ">=", "|", "in", "contains", "and", "or",
                              "xor", "implies", "*", "/", "+", "-", "div", "mod", "&"}
    assert set(UNARY_OPERATORS) == {"+", "-"}
    lazy = {symbol for symbol, spec in OPERATORS.items() if spec.lazy_right}
    assert lazy == {"and", "or", "implies"}
