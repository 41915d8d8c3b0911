"""Math functions (fhirpath/functions/math.py), called directly: every official suite case
for them (empty inputs and arguments are the compiler's part), the spec's examples, and
the decisions where the spec is silent."""

from decimal import Decimal as D

import pytest

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.math import abs_, ceiling, exp, floor, ln, log, power, round_, sqrt, truncate
from fhirpath.runtime.quantity import Quantity

# (case, function, input, arguments, expected); None is the empty result. The suite
# compares with `=`, under which 1 = 1.0; here the result's type is checked as well.
SUITE = [
    ("testRound1", round_, 1, (), D(1)),
    ("testRound2", round_, D("3.14159"), (3,), D("3.142")),
    ("testDivide5", round_, D("0.6666666666666666666666666667"), (2,), D("0.67")),
    ("testSqrt1", sqrt, 81, (), D(9)),
    ("testSqrt2", sqrt, -1, (), None),
    ("testAbs1", abs_, -5, (), 5),
    ("testAbs2", abs_, D("-5.5"), (), D("5.5")),
    ("testAbs3", abs_, Quantity(D("-5.5"), "mg"), (), Quantity(D("5.5"), "mg")),
    ("testCeiling1", ceiling, 1, (), 1),
    ("testCeiling2", ceiling, D("-1.1"), (), -1),
    ("testCeiling3", ceiling, D("1.1"), (), 2),
    ("testExp1", exp, 0, (), D(1)),
    ("testExp2", exp, D("-0.0"), (), D(1)),
    ("testFloor1", floor, 1, (), 1),
    ("testFloor2", floor, D("2.1"), (), 2),
    ("testFloor3", floor, D("-2.1"), (), -3),
    ("testLn1", ln, 1, (), D(0)),
    ("testLn2", ln, D("1.0"), (), D(0)),
    ("testLog1", log, 16, (2,), D(4)),
    ("testLog2", log, D("100.0"), (D("10.0"),), D(2)),
    ("testPower1", power, 2, (3,), D(8)),
    ("testPower2", power, D("2.5"), (2,), D("6.25")),
    ("testPower3", power, -1, (D("0.5"),), None),
    ("testTruncate1", truncate, 101, (), 101),
    ("testTruncate2", truncate, D("1.00000001"), (), 1),
    ("testTruncate3", truncate, D("-1.56"), (), -1),
]

SPEC_EXAMPLES = [
    ("power to a negative exponent", power, 2, (-1,), D("0.5")),
    ("round half up", round_, D("0.5"), (), D(1)),
    ("round negative half away from zero", round_, D("-0.5"), (), D(-1)),
    ("round -2.5 away from zero", round_, D("-2.5"), (), D(-3)),
    ("ceiling of a Quantity keeps the unit", ceiling, Quantity(D("1.1"), "mg"), (), Quantity(D(2), "mg")),
    ("floor of a Quantity keeps the unit", floor, Quantity(D("-1.1"), "mg"), (), Quantity(D(-2), "mg")),
    ("truncate of a Quantity keeps the unit", truncate, Quantity(D("-1.9"), "mg"), (), Quantity(D(-1), "mg")),
    ("round of a Quantity keeps the unit", round_, Quantity(D("1.25"), "mg"), (1,), Quantity(D("1.3"), "mg")),
]


@pytest.mark.parametrize(
    "function, value, arguments, expected",
    [pytest.param(*row[1:], id=row[0]) for row in SUITE + SPEC_EXAMPLES],
)
def test_math_functions_give_the_suite_and_spec_results(function, value, arguments, expected):
    result = function(value, *arguments)
    assert result == expected
    assert type(result) is type(expected)
    if isinstance(expected, (D, Quantity)):
        assert str(result) == str(expected)  # same digits and unit


def test_inexact_results_have_28_significant_digits():
    assert exp(2) == D("7.389056098930650227230427461")
    assert sqrt(2) == D("1.414213562373095048801688724")
    assert ln(10) == D("2.302585092994045684017991455")
    assert log(10, 3) == D("2.095903274289384604296567522")


def test_exact_results_carry_no_trailing_zeros_or_exponent():
    assert str(sqrt(D("81.00"))) == "9"
    assert str(log(1000, 10)) == "3"
    assert str(power(10, 30)) == "1000000000000000000000000000000"
    assert str(power(D("2.50"), 2)) == "6.25"
    assert str(sqrt(D("-0.0"))) == "0"


def test_round_keeps_values_that_need_no_rounding_as_they_are():
    assert str(round_(D("1.5"), 3)) == "1.5"
    assert str(round_(D("1.5"), 10**9)) == "1.5"
    assert str(round_(D("-0.4"))) == "0"


def test_unrepresentable_results_are_empty():
    assert ln(0) is None
    assert ln(-1) is None
    assert power(0, -1) is None
    assert power(-8, D("0.5")) is None
    assert power(10, 10**9) is None  # overflow
    assert exp(10**7) is None
    assert log(5, 1) is None


def test_zero_to_the_power_zero_is_one():
    assert power(0, 0) == D(1)


def test_integer_inputs_of_ceiling_floor_and_truncate_are_returned_unchanged():
    big = 2**62
    assert ceiling(big) == floor(big) == truncate(big) == big


@pytest.mark.parametrize(
    "call",
    [
        lambda: abs_("5"),
        lambda: abs_(True),
        lambda: ceiling({"value": 1}),
        lambda: sqrt(Quantity(4, "m2")),
        lambda: exp("1"),
        lambda: round_("1.5"),
    ],
)
def test_a_non_numeric_input_is_an_invalid_operand_error(call):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        call()
    assert raised.value.code == "invalid-operand"


@pytest.mark.parametrize(
    "call",
    [
        lambda: log(0, 10),
        lambda: log(-1, 10),
        lambda: log(16, 0),
        lambda: log(16, -2),
        lambda: round_(D("1.5"), -1),
        lambda: round_(Quantity(D("1.5"), "mg"), -1),
        lambda: round_(D("1.5"), D(1)),
        lambda: power(2, "3"),
        lambda: log(16, True),
    ],
)
def test_a_bad_argument_is_an_invalid_argument_error(call):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        call()
    assert raised.value.code == "invalid-argument"
