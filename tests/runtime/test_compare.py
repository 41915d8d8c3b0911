"""Equality, equivalence, order and hash keys of items (fhirpath.runtime.compare).

Rows cite the spec examples (§6.1, §6.2) and the official suites' cases they encode."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.model import load_model
from fhirpath.runtime import compare
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

R4 = load_model("r4")


def date(text):
    return Date.parse_literal(text)


def dt(text):
    return DateTime.parse_literal(text)


def tm(text):
    return Time.parse_literal(text)


def q(text):
    return Quantity.parse_literal(text)


def node(value, type_name, key="value", parent=None):
    return (value, R4.type(type_name), parent, key, None)


WEIGHT = node({"value": 185, "unit": "lbs", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
              "Quantity", "valueQuantity")
OFFICIAL = {"use": "official", "family": "Chalmers", "given": ["Peter", "James"]}
USUAL = {"use": "usual", "given": ["Jim"]}
NO_VALUE = node(None, "date", "birthDate")  # only "_birthDate": {"extension": [...]}
TABLETS = node({"value": 5, "unit": "tablet", "system": "http://snomed.info/sct", "code": "385055001"}, "Quantity")
AGE_WITHOUT_VALUE = node({"unit": "a", "system": "http://unitsofmeasure.org", "code": "a"}, "Age", "valueAge")


# ---- item_equals ------------------------------------------------------------------------

EQUALS = [
    ("1 = 1", 1, 1, True),
    ("1 = 2", 1, 2, False),
    ("'a' = 'a'", "a", "a", True),
    ("'a' = 'A' (case counts)", "a", "A", False),
    ("'a' = 'b'", "a", "b", False),
    ("1.1 = 1.1", D("1.1"), D("1.1"), True),
    ("1.1 = 1.2", D("1.1"), D("1.2"), False),
    ("1.10 = 1.1 (trailing zeros ignored)", D("1.10"), D("1.1"), True),
    ("0.0 = 0 (Integer converts to Decimal)", D("0.0"), 0, True),
    ("1 = 1.0", 1, D("1.0"), True),
    ("1 = 1.5", 1, D("1.5"), False),
    ("1.2 / 1.8 = 0.67 is false", D("0.6666666666666666666666666667"), D("0.67"), False),
    ("5L = 5 (Long and Integer)", 5, 5, True),
    ("true = true", True, True, True),
    ("true = false", True, False, False),
    ("true = 1 (different types)", True, 1, False),
    ("'1' = 1 (different types)", "1", 1, False),
    ("'2012' = @2012 (different types)", "2012", date("2012"), False),
    ("@2012-04-15 = @2012-04-15", date("2012-04-15"), date("2012-04-15"), True),
    ("@2012-04-15 = @2012-04-16", date("2012-04-15"), date("2012-04-16"), False),
    ("@2012-01 = @2012 (precision)", date("2012-01"), date("2012"), None),
    ("@2012-04-15 = @2012-04-15T10:00:00 (precision)", date("2012-04-15"), dt("2012-04-15T10:00:00"), None),
    ("@2012-04-15 = @2012-04-15T (Date converts to DateTime)", date("2012-04-15"), dt("2012-04-15T"), True),
    ("@2012-04-15T15:00:00 = @2012-04-15T10:00:00", dt("2012-04-15T15:00:00"), dt("2012-04-15T10:00:00"), False),
    ("@..T15:30:31 = @..T15:30:31.0", dt("2012-04-15T15:30:31"), dt("2012-04-15T15:30:31.0"), True),
    ("@..T15:30:31 = @..T15:30:31.1", dt("2012-04-15T15:30:31"), dt("2012-04-15T15:30:31.1"), False),
    ("@..T15:00:00Z = @..T10:00:00 (one offset unknown)", dt("2012-04-15T15:00:00Z"), dt("2012-04-15T10:00:00"),
     None),
    ("@..T15:00:00+02:00 = @..T16:00:00+03:00", dt("2012-04-15T15:00:00+02:00"), dt("2012-04-15T16:00:00+03:00"),
     True),
    ("@2017-11-05T01:30:00.0-04:00 = @2017-11-05T00:30:00.0-05:00", dt("2017-11-05T01:30:00.0-04:00"),
     dt("2017-11-05T00:30:00.0-05:00"), True),
    ("@T10:30 = @T10:30", tm("T10:30"), tm("T10:30"), True),
    ("@T10:30:00 = @T10:30:00.0", tm("T10:30:00"), tm("T10:30:00.0"), True),
    ("@T10 = @T10:30 (precision)", tm("T10"), tm("T10:30"), None),
    ("birthDate = @T12:14 (Date and Time differ)", date("1974-12-25"), tm("T12:14"), False),
    ("4.0000 'g' = 4000.0 'mg'", q("4.0000 'g'"), q("4000.0 'mg'"), True),
    ("4 'g' = 4040 'mg'", q("4 'g'"), q("4040 'mg'"), False),
    ("1 'cm' = 1 's' (not commensurable)", q("1 'cm'"), q("1 's'"), None),
    ("7 days = 1 week", q("7 days"), q("1 week"), True),
    ("7 days = 1 'wk'", q("7 days"), q("1 'wk'"), True),
    ("1 year = 1 'a' (not comparable)", q("1 year"), q("1 'a'"), None),
    ("23 = 23 '1' (Integer converts to Quantity)", 23, q("23 '1'"), True),
    ("2.5 '1' = 2.5", q("2.5 '1'"), D("2.5"), True),
    ("2 = 2 'cm'", 2, q("2 'cm'"), None),
    ("Observation.value = 185 '[lb_av]'", WEIGHT, q("185 '[lb_av]'"), True),
    ("Observation.value = 185 'kg'", WEIGHT, q("185 'kg'"), False),
    ("a code node = its text", node("female", "code", "gender"), "female", True),
    ("a string node = another string node", node("Jim", "string"), node("Jim", "string"), True),
    ("a decimal node = an Integer", node(D("185.0"), "decimal"), 185, True),
    ("name = name (complex, recursively)", node(OFFICIAL, "HumanName"), node(dict(OFFICIAL), "HumanName"), True),
    ("official name = usual name", node(OFFICIAL, "HumanName"), node(USUAL, "HumanName"), False),
    ("a complex value = a string", node(OFFICIAL, "HumanName"), "Chalmers", False),
    ("a value-less node = a date (empty)", NO_VALUE, date("1974-12-25"), None),
    ("a Quantity in SNOMED units = 5 'mg' (invalid units: empty)", TABLETS, q("5 'mg'"), None),
    ("a Quantity in SNOMED units = 5 (empty)", TABLETS, 5, None),
    ("an Age without value = 1 'a' (empty)", AGE_WITHOUT_VALUE, q("1 'a'"), None),
    ("two equal Quantities in SNOMED units", TABLETS, node(dict(TABLETS[0]), "Quantity"), True),
    ("a Quantity in SNOMED units = 'tablet'", TABLETS, "tablet", False),
    ("a value-less node = a value-less node (empty)", NO_VALUE, NO_VALUE, None),
]


@pytest.mark.parametrize("a, b, expected", [row[1:] for row in EQUALS], ids=[row[0] for row in EQUALS])
def test_item_equals_follows_the_equality_rules_of_each_type(a, b, expected):
    assert compare.item_equals(a, b) is expected
    assert compare.item_equals(b, a) is expected


# ---- item_equivalent --------------------------------------------------------------------

EQUIVALENT = [
    ("1 ~ 1", 1, 1, True),
    ("1 ~ 2", 1, 2, False),
    ("'a' ~ 'a'", "a", "a", True),
    ("'a' ~ 'A' (case ignored)", "a", "A", True),
    ("'a' ~ 'b'", "a", "b", False),
    ("'a b' ~ 'a\\tb' (whitespace normalised)", "a b", "a\tb", True),
    ("'a b' ~ 'A\\u00a0B' (no-break space is whitespace)", "a b", "A\u00a0B", True),
    ("'a     b' ~ 'a b' (not collapsed)", "a     b", "a b", False),
    ("'STRASSE' ~ 'straße' (full case folding)", "STRASSE", "straße", True),
    ("1.1 ~ 1.1", D("1.1"), D("1.1"), True),
    ("1.1 ~ 1.2", D("1.1"), D("1.2"), False),
    ("1.10 ~ 1.1", D("1.10"), D("1.1"), True),
    ("1.2 / 1.8 ~ 0.67 (rounded to 2 places)", D("0.6666666666666666666666666667"), D("0.67"), True),
    ("1.2 / 1.8 ~ 0.6", D("0.6666666666666666666666666667"), D("0.6"), False),
    ("0 ~ 0", 0, 0, True),
    ("0.0 ~ 0", D("0.0"), 0, True),
    ("1 ~ 1.0 (Integer converts to Decimal)", 1, D("1.0"), True),
    ("true ~ true", True, True, True),
    ("true ~ 1", True, 1, False),
    ("'1' ~ 1", "1", 1, False),
    ("@2012-04-15 ~ @2012-04-15", date("2012-04-15"), date("2012-04-15"), True),
    ("@2012-04-15 ~ @2012-04-16", date("2012-04-15"), date("2012-04-16"), False),
    ("@2012-04-15 ~ @2012-04-15T10:00:00 (precision: false)", date("2012-04-15"), dt("2012-04-15T10:00:00"),
     False),
    ("@2012-01 ~ @2012", date("2012-01"), date("2012"), False),
    ("@..T15:30:31 ~ @..T15:30:31.0", dt("2012-04-15T15:30:31"), dt("2012-04-15T15:30:31.0"), True),
    ("@..T15:30:31 ~ @..T15:30:31.1", dt("2012-04-15T15:30:31"), dt("2012-04-15T15:30:31.1"), False),
    ("4 'g' ~ 4000 'mg'", q("4 'g'"), q("4000 'mg'"), True),
    ("4 'g' ~ 4040 'mg' (rounded to grams)", q("4 'g'"), q("4040 'mg'"), True),
    ("1 year ~ 1 'a'", q("1 year"), q("1 'a'"), True),
    ("1 'cm' ~ 1 's' (not commensurable: false)", q("1 'cm'"), q("1 's'"), False),
    ("'1.0'.toQuantity() ~ 1 '1'", q("1.0 '1'"), q("1 '1'"), True),
    ("23 ~ 23 '1'", 23, q("23 '1'"), True),
    ("Observation.value ~ 185 '[lb_av]'", WEIGHT, q("185 '[lb_av]'"), True),
    ("Observation.value ~ 185 'kg'", WEIGHT, q("185 'kg'"), False),
    ("name ~ name", node(OFFICIAL, "HumanName"), node(OFFICIAL, "HumanName"), True),
    ("names differing in case and list order are equivalent", node(OFFICIAL, "HumanName"),
     node({"use": "OFFICIAL", "family": "chalmers", "given": ["James", "Peter"]}, "HumanName"), True),
    ("names with different children are not", node(OFFICIAL, "HumanName"), node(USUAL, "HumanName"), False),
    ("decimals inside complex values round like decimals",
     node({"value": D("1.10"), "unit": "mg"}, "SampledData"), node({"value": D("1.1"), "unit": "MG"}, "SampledData"),
     True),
    ("a value-less node ~ a date", NO_VALUE, date("1974-12-25"), False),
    ("two value-less nodes are both empty", NO_VALUE, NO_VALUE, True),
]


@pytest.mark.parametrize("a, b, expected", [row[1:] for row in EQUIVALENT], ids=[row[0] for row in EQUIVALENT])
def test_item_equivalent_follows_the_equivalence_rules_of_each_type(a, b, expected):
    assert compare.item_equivalent(a, b) is expected
    assert compare.item_equivalent(b, a) is expected


# ---- item_compare -----------------------------------------------------------------------

ORDER = [
    ("1 < 2", 1, 2, -1),
    ("1 = 1", 1, 1, 0),
    ("1.0 < 1.2", D("1.0"), D("1.2"), -1),
    ("1.0 = 1.00", D("1.0"), D("1.00"), 0),
    ("10 > 5.0 (Integer converts to Decimal)", 10, D("5.0"), 1),
    ("'a' < 'b'", "a", "b", -1),
    ("'A' < 'a' (code points)", "A", "a", -1),
    ("'abc' > 'ABC'", "abc", "ABC", 1),
    ("'B' > 'A'", "B", "A", 1),
    ("'Z' < 'a'", "Z", "a", -1),
    ("'é' > 'z' (code points, not locale)", "é", "z", 1),
    ("@2014-12-12 < @2014-12-13", date("2014-12-12"), date("2014-12-13"), -1),
    ("@2014-12-13T12:00:00 < @2014-12-13T12:00:01", dt("2014-12-13T12:00:00"), dt("2014-12-13T12:00:01"), -1),
    ("@T12:00:00 < @T14:00:00", tm("T12:00:00"), tm("T14:00:00"), -1),
    ("@T12:00:01 > @T12:00:00", tm("T12:00:01"), tm("T12:00:00"), 1),
    ("@2018-03 vs @2018-03-01 (precision)", date("2018-03"), date("2018-03-01"), None),
    ("@2018-03-01T10:30 vs @2018-03-01T10:30:00", dt("2018-03-01T10:30"), dt("2018-03-01T10:30:00"), None),
    ("@T10:30 vs @T10:30:00", tm("T10:30"), tm("T10:30:00"), None),
    ("@2018-03-01T10:30:00 = @2018-03-01T10:30:00.0", dt("2018-03-01T10:30:00"), dt("2018-03-01T10:30:00.0"), 0),
    ("@T10:30:00 = @T10:30:00.0", tm("T10:30:00"), tm("T10:30:00.0"), 0),
    ("@2017-11-05T01:30:00.0-04:00 < @2017-11-05T01:15:00.0-05:00", dt("2017-11-05T01:30:00.0-04:00"),
     dt("2017-11-05T01:15:00.0-05:00"), -1),
    ("@2018-01-01T16:00:00+11:00 = @2018-01-01T15:00:00.0+10:00", dt("2018-01-01T16:00:00+11:00"),
     dt("2018-01-01T15:00:00.0+10:00"), 0),
    ("today() vs now() (precision)", date("2024-05-01"), dt("2024-05-01T10:00:00+02:00"), None),
    ("a birth date < a later DateTime", date("1974-12-25"), dt("2024-05-01T10:00:00+02:00"), -1),
    ("Observation.value < 200 '[lb_av]'", WEIGHT, q("200 '[lb_av]'"), -1),
    ("Observation.value > 100 '[lb_av]'", WEIGHT, q("100 '[lb_av]'"), 1),
    ("4 'm' > 4 'cm'", q("4 'm'"), q("4 'cm'"), 1),
    ("6 days < 1 week", q("6 days"), q("1 week"), -1),
    ("8 days > 1 week", q("8 days"), q("1 week"), 1),
    ("6 months < 1 year", q("6 months"), q("1 year"), -1),
    ("1 year vs 1 'a' (not comparable)", q("1 year"), q("1 'a'"), None),
    ("2 < 3 '1'", 2, q("3 '1'"), -1),
    ("a decimal node > 180.0", node(D("185"), "decimal"), D("180.0"), 1),
    ("a value-less node vs a date", NO_VALUE, date("2000"), None),
    ("a Quantity in SNOMED units vs 5 'mg'", TABLETS, q("5 'mg'"), None),
    ("a Quantity in SNOMED units vs 5", TABLETS, 5, None),
    ("an Age without value vs another", AGE_WITHOUT_VALUE, AGE_WITHOUT_VALUE, None),
]


@pytest.mark.parametrize("a, b, expected", [row[1:] for row in ORDER], ids=[row[0] for row in ORDER])
def test_item_compare_orders_values_of_one_kind(a, b, expected):
    assert compare.item_compare(a, b) == expected
    assert compare.item_compare(b, a) == (None if expected is None else -expected)


INCOMPARABLE = [
    ("1 vs true (1 > 2 is Boolean)", 1, True),
    ("true vs false", True, False),
    ("a Decimal vs a String ('test')", D("185"), "test"),
    ("'1' vs 1", "1", 1),
    ("a Date vs a Time", date("2012-01-01"), tm("T10:00")),
    ("a Quantity vs a String", q("1 'mg'"), "1 mg"),
    ("two complex values", node(OFFICIAL, "HumanName"), node(USUAL, "HumanName")),
    ("a Quantity in SNOMED units vs a String", TABLETS, "5 tablets"),
]


@pytest.mark.parametrize("a, b", [row[1:] for row in INCOMPARABLE], ids=[row[0] for row in INCOMPARABLE])
def test_item_compare_raises_for_types_that_cannot_be_ordered(a, b):
    with pytest.raises(FHIRPathEvaluationError) as caught:
        compare.item_compare(a, b)
    assert caught.value.code == "incomparable"


# ---- collections ------------------------------------------------------------------------

COLLECTION_EQUALS = [
    ("{} = {}", (), (), EMPTY),
    ("true = {}", (True,), (), EMPTY),
    ("{} = 'dummy'", (), ("dummy",), EMPTY),
    ("(1) = (1)", (1,), (1,), TRUE),
    ("(1 | 2) = (1 | 2)", (1, 2), (1, 2), TRUE),
    ("(1 | 2 | 3) = (1 | 2 | 3)", (1, 2, 3), (1, 2, 3), TRUE),
    ("(1 | 2 | 3) = (3 | 2 | 1) (order counts)", (1, 2, 3), (3, 2, 1), FALSE),
    ("(1 | 1) = (1 | 2 | {}) (sizes differ)", (1, 1), (1, 2), FALSE),
    ("names = first | last", (node(OFFICIAL, "HumanName"), node(USUAL, "HumanName")),
     (node(OFFICIAL, "HumanName"), node(USUAL, "HumanName")), TRUE),
    ("names = last | first", (node(OFFICIAL, "HumanName"), node(USUAL, "HumanName")),
     (node(USUAL, "HumanName"), node(OFFICIAL, "HumanName")), FALSE),
    ("a pair that is unknown makes the result empty", (1, date("2012")), (1, date("2012-01"))
     , EMPTY),
    ("a false pair wins over an unknown one", (2, date("2012")), (1, date("2012-01")), FALSE),
]


@pytest.mark.parametrize("left, right, expected", [row[1:] for row in COLLECTION_EQUALS],
                         ids=[row[0] for row in COLLECTION_EQUALS])
def test_equals_compares_collections_in_order(left, right, expected):
    assert compare.equals(left, right) == expected


COLLECTION_EQUIVALENT = [
    ("{} ~ {}", (), (), TRUE),
    ("1 ~ {}", (1,), (), FALSE),
    ("{} ~ 1", (), (1,), FALSE),
    ("(1 | 2 | 3) ~ (1 | 2 | 3)", (1, 2, 3), (1, 2, 3), TRUE),
    ("(1 | 2 | 3) ~ (3 | 2 | 1) (order ignored)", (1, 2, 3), (3, 2, 1), TRUE),
    ("given names in either order", ("Peter", "James", "Jim"), ("Jim", "Peter", "James"), TRUE),
    ("(1 | 1 | 2) ~ (1 | 2 | 2) (each item matches once)", (1, 1, 2), (1, 2, 2), FALSE),
    ("('a' | 'B') ~ ('b' | 'A')", ("a", "B"), ("b", "A"), TRUE),
    ("sizes differ", (1, 2), (1,), FALSE),
]


@pytest.mark.parametrize("left, right, expected", [row[1:] for row in COLLECTION_EQUIVALENT],
                         ids=[row[0] for row in COLLECTION_EQUIVALENT])
def test_equivalent_compares_collections_in_any_order(left, right, expected):
    assert compare.equivalent(left, right) == expected


def test_equals_and_equivalent_leave_their_inputs_alone():
    name = {"use": "official", "given": ["Peter"]}
    left, right = (node(name, "HumanName"),), (node({"use": "official", "given": ["Peter"]}, "HumanName"),)
    assert compare.equals(left, right) == TRUE
    assert compare.equivalent(left, right) == TRUE
    assert name == {"use": "official", "given": ["Peter"]}


# ---- keys -------------------------------------------------------------------------------

SAMPLES = [
    1, 2, 0, -1, D("1.0"), D("1.00"), D("2.5"), D("0"), True, False, "1", "a", "A", "true", "",
    date("2012"), date("2012-01"), date("2012-01-01"), dt("2012-01-01T"), dt("2012-01-01T10:00"),
    dt("2012-01-01T10:00:00"), dt("2012-01-01T10:00:00.0"), dt("2012-01-01T10:00:00.000"),
    dt("2012-01-01T10:00:00.5"), dt("2012-01-01T10:00:00Z"), dt("2012-01-01T11:00:00+01:00"),
    dt("2012-01-01T10:30:00+00:30"), dt("2012-01-01T10:00:00.0-00:00"), dt("2012-01-01T10+01:00"),
    dt("2012-01-01T09+00:00"), dt("2012-01-01T10:00+01:00"), dt("2012-01-01T09:00Z"),
    dt("0001-01-01T00:30:00+01:00"), dt("0001-01-01T00:00:00+00:30"),
    dt("9999-12-31T23:00:00-05:00"), dt("9999-12-31T22:00:00-06:00"),
    tm("T10"), tm("T10:00"), tm("T10:00:00"), tm("T10:00:00.0"), tm("T10:00:00.001"),
    q("1 '1'"), q("1.0 '1'"), q("2.5 '1'"), q("100 '%'"), q("250 '%'"), q("1 'g'"), q("1000 'mg'"), q("1 day"),
    q("24 'h'"), q("1 year"),
    node("a", "string"), node("1", "code"), node(1, "integer"), node(D("2.50"), "decimal"),
    node(True, "boolean"), node(date("2012-01-01"), "date"), WEIGHT, node(OFFICIAL, "HumanName"),
    node(dict(OFFICIAL), "HumanName"), node(USUAL, "HumanName"), NO_VALUE, TABLETS, AGE_WITHOUT_VALUE,
]


def test_items_have_equal_keys_exactly_when_they_are_equal():
    for a, b in itertools.product(SAMPLES, repeat=2):
        key_a, key_b = compare.key(a), compare.key(b)
        equal = compare.item_equals(a, b) is True
        if key_a is None or key_b is None:
            assert not (equal and (key_a is None) != (key_b is None)), (a, b)
        else:
            assert (key_a == key_b) == equal, (a, b)
            if equal:
                assert hash(key_a) == hash(key_b)


def test_strings_and_integers_are_their_own_keys():
    assert compare.key("abc") == "abc"
    assert compare.key(42) == 42
    assert compare.key(node("abc", "string")) == "abc"


UNIQUE = [
    ("(1 | 2 | 3)", (1, 2, 3), (1, 2, 3)),
    ("(1 | 2 | 2)", (1, 2, 2), (1, 2)),
    ("(1 | 1)", (1, 1), (1,)),
    ("1 and 1.0 are one value, the first kept", (1, D("1.0")), (1,)),
    ("true and 1 are two values", (True, 1), (True, 1)),
    ("true | 'Peter'", (True, "Peter"), (True, "Peter")),
    ("dates of different precision are both kept", (date("2012"), date("2012-01")), (date("2012"), date("2012-01"))),
    ("one instant in two offsets is one value", (dt("2012-01-01T10:00:00Z"), dt("2012-01-01T11:00:00+01:00")),
     (dt("2012-01-01T10:00:00Z"),)),
    ("1 'g' and 1000 'mg' are one value", (q("1 'g'"), q("1000 'mg'"), q("2 'g'")), (q("1 'g'"), q("2 'g'"))),
    ("1 and 100 '%' are one value", (1, q("100 '%'")), (1,)),
    ("equal names are one value", (node(OFFICIAL, "HumanName"), node(dict(OFFICIAL), "HumanName")),
     (node(OFFICIAL, "HumanName"),)),
    ("value-less nodes are never duplicates", (NO_VALUE, NO_VALUE), (NO_VALUE, NO_VALUE)),
]


@pytest.mark.parametrize("items, expected", [row[1:] for row in UNIQUE], ids=[row[0] for row in UNIQUE])
def test_unique_drops_items_equal_to_an_earlier_one(items, expected):
    assert compare.unique(items) == expected


def test_opaque_quantity_names_fhir_quantities_without_a_usable_value_or_unit():
    assert compare.opaque_quantity(TABLETS)
    assert compare.opaque_quantity(AGE_WITHOUT_VALUE)
    assert not compare.opaque_quantity(WEIGHT)
    assert not compare.opaque_quantity(node(OFFICIAL, "HumanName"))
    assert not compare.opaque_quantity(q("5 'mg'"))


# ---- JSON values that are deep, cyclic or not JSON at all ------------------------------------


def _deep(depth: int, kind=dict):
    value: object = "leaf"
    for _ in range(depth):
        value = {"extension": [value]} if kind is dict else [value]
    return value


@pytest.mark.parametrize("kind", [dict, list])
def test_deeply_nested_json_has_a_key_and_equality_without_recursion_errors(kind):
    a, b = _deep(20_000, kind), _deep(20_000, kind)
    assert compare.key(a) == compare.key(b)
    assert compare.item_equals(a, b) is True
    c = _deep(19_999, kind)
    found = compare.unique([a, b, c])
    assert len(found) == 2 and found[0] is a and found[1] is c


def test_json_keys_ignore_member_order_and_keep_lists_in_order():
    assert compare.key({"a": 1, "b": [1, 2]}) == compare.key({"b": [1, 2], "a": 1})
    assert compare.key({"a": [1, 2]}) != compare.key({"a": [2, 1]})
    assert compare.key({"a": [1]}) != compare.key({"a": 1})


def test_comparing_cyclic_python_objects_stops_at_the_item_limit():
    from fhirpath.errors import FHIRPathLimitError

    a: dict = {"id": "a"}
    a["contained"] = [a]
    b: dict = {"id": "a"}
    b["contained"] = [b]
    with pytest.raises(FHIRPathLimitError) as raised:
        compare.item_equals(a, b)
    assert raised.value.code == "limit-items"
    with pytest.raises(FHIRPathLimitError) as raised:
        compare.item_equivalent(a, b)
    assert raised.value.code == "limit-depth"


@pytest.mark.parametrize("value", [{1, 2}, bytearray(b"x")])
def test_values_that_cannot_be_hashed_have_no_key_and_compare_pairwise(value):
    assert compare.key(value) is None
    assert compare.unique([value, value]) == (value,)


def test_a_signalling_nan_from_a_caller_is_not_equal_to_anything_and_never_raises():
    nan = D("sNaN")
    assert compare.item_equals(nan, D(1)) is None
    assert compare.item_compare(nan, D(1)) is None
    assert compare.item_equivalent(nan, nan) is False
    assert compare.unique([nan, D(1)]) == (nan, D(1))


def test_a_nan_against_a_quantity_is_unknown_not_an_exception():
    assert compare.item_equals(D("NaN"), Quantity(D(1), "mg")) is None
    assert compare.item_compare(Quantity(D(1), "mg"), D("sNaN")) is None
    assert compare.item_equivalent(D("NaN"), Quantity(D(1), "mg")) is False
