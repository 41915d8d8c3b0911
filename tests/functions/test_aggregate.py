"""Aggregates (fhirpath/functions/aggregate.py): sum, min, max and avg through
expressions, with the spec's examples of §7 and the one-type rule."""

from decimal import Decimal as D

import pytest

import fhirpath
from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.aggregate import avg, max_, min_, sum_
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, Time


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("(1.0 | 2.0 | 3.0 | 4.0 | 5.0).sum()", [D("15.0")]),
        ("(1.0 'mg' | 2.0 'mg' | 3.0 'mg' | 4.0 'mg' | 5.0 'mg').sum()", [Quantity(D("15.0"), "mg")]),
        ("(1 | 2 | 3).sum()", [6]),
        ("(1 'g' | 500 'mg').sum()", [Quantity(D("1500"), "mg")]),
        ("(1 'g' | 1 'cm').sum()", []),
        ("(2 | 4 | 8 | 6).min()", [2]),
        ("(2L | 4L | 8L | 6L).min()", [2]),
        ("(@2012-12-31 | @2013-01-01 | @2012-01-01).min()", [Date.parse_literal("2012-01-01")]),
        ("(2 | 4 | 8 | 6).max()", [8]),
        ("(@2012-12-31 | @2013-01-01 | @2012-01-01).max()", [Date.parse_literal("2013-01-01")]),
        ("('b' | 'a' | 'c').max()", ["c"]),
        ("(1 'm' | 20 'cm').min()", [Quantity(D("20"), "cm")]),
        ("(@2012 | @2012-06-01).min()", []),
        ("(5.5 | 4.7 | 4.8).avg()", [D("5.0")]),
        ("(5.5 'cm' | 4.7 'cm' | 4.8 'cm').avg()", [Quantity(D("5.0"), "cm")]),
        ("(1 | 2).avg()", [D("1.5")]),
        ("{}.sum() | {}.min() | {}.max() | {}.avg()", []),
    ],
)
def test_aggregates_follow_the_spec_examples(expression, expected):
    assert fhirpath.evaluate(None, expression) == expected


@pytest.mark.parametrize(
    "function, focus",
    [
        (sum_, (1, D("2.0"))),
        (min_, (1, "a")),
        (max_, (Date.parse_literal("2012"), Time.parse_literal("T10:00"))),
        (avg, (1, Quantity(2, "mg"))),
        (sum_, ("a", "b")),
        (max_, (True, False)),
    ],
)
def test_aggregates_reject_items_of_mixed_or_unsupported_types(function, focus):
    # called directly: in an expression the static checks reject most of these first
    with pytest.raises(FHIRPathEvaluationError) as raised:
        function(None, focus)
    assert raised.value.code == "invalid-operand"


def test_min_and_max_return_the_fhir_element_itself():
    observation = {"resourceType": "Observation", "component": [{"valueInteger": 7}, {"valueInteger": 3}]}
    assert fhirpath.evaluate(observation, "component.value.min()", typed=True) == [("FHIR.integer", 3)]


def test_sum_reads_fhir_quantities_and_ignores_nothing_else():
    observation = {"resourceType": "Observation", "component": [
        {"valueQuantity": {"value": 1.5, "system": "http://unitsofmeasure.org", "code": "mg"}},
        {"valueQuantity": {"value": 2, "system": "http://unitsofmeasure.org", "code": "mg"}},
    ]}
    assert fhirpath.evaluate(observation, "component.value.sum()") == [Quantity(D("3.5"), "mg")]


def test_a_quantity_with_units_outside_ucum_makes_the_sum_empty():
    observation = {"resourceType": "Observation", "component": [
        {"valueQuantity": {"value": 1, "system": "http://example.org/units", "code": "x"}},
        {"valueQuantity": {"value": 2, "system": "http://unitsofmeasure.org", "code": "mg"}},
    ]}
    assert fhirpath.evaluate(observation, "component.value.sum()") == []


def test_aggregate_folds_with_total():
    assert fhirpath.evaluate(None, "(1 | 2 | 3).aggregate($this + $total, 0)") == [6]
