"""Math functions: spec §5.8.

All scalar. Numbers are Python ``int`` (Integer, Long) and ``Decimal``, never float:
exp(), ln(), log(), power() and sqrt() compute in `decimal` to 28 significant digits
and drop trailing zeros, so ``81.sqrt()`` is 9 and ``16.log(2)`` is 4. A result
that cannot be represented (the square root of -1, an overflow) is empty.
"""

from __future__ import annotations

from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    Overflow,
)
from functools import wraps

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.model import system_type
from fhirpath.runtime import quantity, quantity_math
from fhirpath.runtime.quantity import Quantity, exact_context

_DIGITS = 28
# Inexact results: 28 significant digits; the default traps (invalid operation,
# division by zero, overflow) turn unrepresentable results into exceptions.
_CONTEXT = Context(prec=_DIGITS, rounding=ROUND_HALF_UP)
# log() divides two logarithms: compute them with guard digits, then round once.
_GUARDED = Context(prec=_DIGITS + 12, rounding=ROUND_HALF_UP)
# Exact up to quantity.MAX_DIGITS digits (quantize() may round): a longer result, such
# as the integer 1E+999999999 stands for, is an overflow, and the function gives empty.
_EXACT = exact_context(rounding=True)


def _overflow_is_empty(function):
    """``function`` giving empty (None) where a result needs more than `quantity.MAX_DIGITS`
    digits or overflows (spec §6.6)."""

    @wraps(function)
    def checked(*values):
        try:
            return function(*values)
        except DecimalException:
            return None

    return checked


def _type_name(value) -> str:
    found = system_type(value)
    if found is not None:
        return found.name
    return "a FHIR element" if isinstance(value, dict) else type(value).__name__


def _number(value, function: str, *, quantities: bool = False, role: str = "input"):
    """`value` if it is an Integer, Long or Decimal (or, if allowed, a Quantity); else the
    spec's error for an item "not compatible with the expected type"."""
    if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if quantities and isinstance(value, Quantity):
        return value
    expected = "an Integer, Long, Decimal or Quantity" if quantities else "an Integer, Long or Decimal"
    raise FHIRPathEvaluationError(
        f"{function} expects {expected} {role}, not {_type_name(value)}",
        code="invalid-operand" if role == "input" else "invalid-argument",
    )


def _decimal(value, function: str, role: str = "input") -> Decimal:
    """An Integer or Long is converted implicitly (spec §5.8: "via implicit conversion")."""
    number = _number(value, function, role=role)
    return number if isinstance(number, Decimal) else Decimal(number)


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros, exponent or sign of zero: 9.000 is 9, 1.5E+3 is 1500."""
    if value.is_zero():
        return Decimal(0)
    value = value.normalize(_CONTEXT)
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=_EXACT)
    return value


def _integer(value: Decimal) -> int:
    """An integral Decimal as an int; one of more than `quantity.MAX_DIGITS` digits
    (1E+999999999 from the data) is an overflow rather than a billion-digit int."""
    if value.adjusted() >= quantity.MAX_DIGITS:
        raise Overflow("integer too large")
    return int(value)


@_overflow_is_empty
def abs_(value):
    """Same type as the input; a Quantity keeps its unit."""
    value = _number(value, "abs()", quantities=True)
    if isinstance(value, Quantity):
        return quantity_math.abs_(value)
    return value.copy_abs() if isinstance(value, Decimal) else abs(value)


@_overflow_is_empty
def ceiling(value):
    """The least Integer not below the input; a Quantity keeps its unit."""
    value = _number(value, "ceiling()", quantities=True)
    if isinstance(value, Quantity):
        return quantity_math.ceiling(value)
    return _integer(value.to_integral_value(ROUND_CEILING, _EXACT)) if isinstance(value, Decimal) else value


@_overflow_is_empty
def floor(value):
    """The greatest Integer not above the input; a Quantity keeps its unit."""
    value = _number(value, "floor()", quantities=True)
    if isinstance(value, Quantity):
        return quantity_math.floor(value)
    return _integer(value.to_integral_value(ROUND_FLOOR, _EXACT)) if isinstance(value, Decimal) else value


@_overflow_is_empty
def truncate(value):
    """The integer part (towards zero) as an Integer; a Quantity keeps its unit."""
    value = _number(value, "truncate()", quantities=True)
    if isinstance(value, Quantity):
        return quantity_math.truncate(value)
    return _integer(value.to_integral_value(ROUND_DOWN, _EXACT)) if isinstance(value, Decimal) else value


@_overflow_is_empty
def round_(value, precision=None):
    """Half away from zero to `precision` decimal places (default 0), as a Decimal.

    A value with no more places than asked for is returned as it is rather than padded
    with zeros, so a huge precision cannot build a huge number."""
    value = _number(value, "round()", quantities=True)
    places = 0 if precision is None else precision
    if isinstance(places, bool) or not isinstance(places, int):
        raise FHIRPathEvaluationError(
            f"round() expects an Integer precision, not {_type_name(places)}", code="invalid-argument"
        )
    if places < 0:
        raise FHIRPathEvaluationError(
            f"round() precision must be 0 or more, not {places}", code="invalid-argument"
        )
    if isinstance(value, Quantity):
        return quantity_math.round_(value, places)
    value = value if isinstance(value, Decimal) else Decimal(value)
    if -value.as_tuple().exponent <= places:  # type: ignore[operator]
        return value
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_EXACT)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # -0.4 rounds to 0, not -0


@_overflow_is_empty
def exp(value) -> Decimal | None:
    try:
        return _plain(_CONTEXT.exp(_decimal(value, "exp()")))
    except DecimalException:  # overflow
        return None


@_overflow_is_empty
def ln(value) -> Decimal | None:
    """Empty for 0 and negative numbers, whose logarithm is not a number."""
    number = _decimal(value, "ln()")
    if number <= 0:
        return None
    return _plain(_CONTEXT.ln(number))


@_overflow_is_empty
def log(value, base) -> Decimal | None:
    """An input or base of 0 or less is an error (spec §5.8.6); base 1 gives empty."""
    number = _decimal(value, "log()")
    base = _decimal(base, "log()", "base")
    if number <= 0 or base <= 0:
        raise FHIRPathEvaluationError(
            f"log() needs a positive input and base, not {number} and {base}", code="invalid-argument"
        )
    if base == 1:
        return None
    quotient = _GUARDED.divide(_GUARDED.ln(number), _GUARDED.ln(base))
    return _plain(_CONTEXT.plus(quotient))


@_overflow_is_empty
def power(value, exponent) -> Decimal | None:
    """Always a Decimal (spec §5.8.7: 2.power(-1) is 0.5); empty when the result is not
    a real number ((-1).power(0.5), 0.power(-1)) or overflows. 0.power(0) is 1."""
    number = _decimal(value, "power()")
    exponent = _decimal(exponent, "power()", "exponent")
    if not exponent:
        return Decimal(1)
    try:
        result = _CONTEXT.power(number, exponent)
    except DecimalException:
        return None
    return _plain(result) if result.is_finite() else None  # 0 to a negative power is infinite


@_overflow_is_empty
def sqrt(value) -> Decimal | None:
    """Empty for negative numbers."""
    number = _decimal(value, "sqrt()")
    if number < 0:
        return None
    return _plain(_CONTEXT.sqrt(number))
