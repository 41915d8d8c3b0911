"""The operators of spec §6 on collections: ``impl(left, right) -> tuple``.

The compiler evaluates both operands with the same focus and calls these; `and`,
`or` and `implies` receive the right operand as a thunk so that it is evaluated
only when the left one does not decide. Equality, equivalence and order come from
`fhirpath.runtime.compare`.

Numbers: Integer and Long are both Python ints (their literals differ, their values
do not), so an int result outside the Long range is an overflow and gives empty
(spec §6.6: "overflow or underflow will result in empty"); a 32-bit Integer overflow
cannot be told from a Long result and is not reported. Decimal `+ - * div mod` are
exact; `/` is exact when the quotient terminates and otherwise has 28 significant
digits (half up), as Quantity division does, so `1.0 / 3` is 0.3333333333333333333333333333.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, DecimalException
from functools import wraps

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime import compare
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE, system_value, to_boolean
from fhirpath.runtime.context import DEFAULT_LIMITS, check_string, string_limit_error
from fhirpath.runtime.quantity import Quantity, exact_context
from fhirpath.runtime.temporal import Date, DateTime, Time

_EXACT = exact_context()  # exact up to quantity.MAX_DIGITS digits; beyond is an overflow
_DIVISION = Context(prec=28, rounding=ROUND_HALF_UP)
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1

_TEMPORALS = (Date, DateTime, Time)
_TYPE_NAMES = {bool: "Boolean", int: "Integer", Decimal: "Decimal", str: "String", Date: "Date",
               DateTime: "DateTime", Time: "Time", Quantity: "Quantity"}


def _operand(collection: tuple, symbol: str):
    """The single operand value (spec §4.5); None when empty or a value-less node."""
    if not collection:
        return None
    if len(collection) > 1:
        raise FHIRPathEvaluationError(
            f"operator '{symbol}' expects a single item on each side but got {len(collection)}",
            code="not-a-singleton",
        )
    item = collection[0]
    return system_value(item) if type(item) is tuple else item


def _type_name(collection: tuple) -> str:
    item = collection[0]
    if type(item) is tuple and item[1] is not None and type(item[0]) is dict:
        return item[1].name
    value = system_value(item) if type(item) is tuple else item
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _invalid(symbol: str, left: tuple, right: tuple | None = None) -> FHIRPathEvaluationError:
    what = _type_name(left) if right is None else f"{_type_name(left)} and {_type_name(right)}"
    return FHIRPathEvaluationError(
        f"operator '{symbol}' cannot be applied to {what}", code="invalid-operand"
    )


def _opaque(left: tuple, right: tuple) -> bool:
    """A FHIR Quantity without a usable value or unit takes part: the result is empty
    (spec §6.6: "operate on quantities with invalid units will result in empty")."""
    return compare.opaque_quantity(left[0]) or compare.opaque_quantity(right[0])


def _number(value) -> bool:
    t = type(value)
    return t is int or t is Decimal


def _long(value: int) -> tuple:
    """An int result, or empty when it overflows the Long range."""
    return (value,) if _LONG_MIN <= value <= _LONG_MAX else EMPTY


def _overflow_is_empty(operator):
    """``operator`` giving empty where a Decimal result would need more than
    `quantity.MAX_DIGITS` digits (spec §6.6: "overflow or underflow will result in empty")."""

    @wraps(operator)
    def checked(*operands) -> tuple:
        try:
            return operator(*operands)
        except DecimalException:
            return EMPTY

    return checked


def _decimal(value) -> Decimal:
    return value if type(value) is Decimal else Decimal(value)


def _quantity(value) -> Quantity:
    """A number as a Quantity with the unit '1' (the spec's implicit conversion)."""
    return value if type(value) is Quantity else Quantity(value)


def _quantity_result(value: Quantity | None) -> tuple:
    return EMPTY if value is None else (value,)


def _plain(value: Decimal) -> Decimal:
    """Without a positive exponent, so 2E+2 is written 200."""
    if value.as_tuple().exponent > 0:
        return value.quantize(Decimal(1), context=_EXACT)
    return value


# ---- 6.1 Equality --------------------------------------------------------------------


equals = compare.equals
equivalent = compare.equivalent


def not_equals(left: tuple, right: tuple) -> tuple:
    result = compare.equals(left, right)
    return result if not result else (FALSE if result[0] else TRUE)


def not_equivalent(left: tuple, right: tuple) -> tuple:
    return FALSE if compare.equivalent(left, right)[0] else TRUE


# ---- 6.2 Comparison ------------------------------------------------------------------


def _order(left: tuple, right: tuple, symbol: str) -> int | None:
    if len(left) == 1 and len(right) == 1:
        a, b = left[0], right[0]
        t = type(a)
        if t is type(b) and (t is str or t is int):
            return (a > b) - (a < b)
        return compare.item_compare(a, b)
    _operand(left, symbol)  # raises for several items
    _operand(right, symbol)
    return None


def greater_than(left: tuple, right: tuple) -> tuple:
    order = _order(left, right, ">")
    return EMPTY if order is None else (TRUE if order > 0 else FALSE)


def less_than(left: tuple, right: tuple) -> tuple:
    order = _order(left, right, "<")
    return EMPTY if order is None else (TRUE if order < 0 else FALSE)


def less_or_equal(left: tuple, right: tuple) -> tuple:
    order = _order(left, right, "<=")
    return EMPTY if order is None else (TRUE if order <= 0 else FALSE)


def greater_or_equal(left: tuple, right: tuple) -> tuple:
    order = _order(left, right, ">=")
    return EMPTY if order is None else (TRUE if order >= 0 else FALSE)


# ---- 6.4 Collections -----------------------------------------------------------------


def union(left: tuple, right: tuple) -> tuple:
    """Both collections without duplicates ('=' true), first occurrences in order."""
    return compare.unique(left + right)


def _member(item, collection: tuple) -> bool:
    equals = compare.item_equals
    return any(equals(item, other) is True for other in collection)


def in_(left: tuple, right: tuple) -> tuple:
    """Left is a single item: empty if it is missing, false if the right side is empty."""
    if not left:
        return EMPTY
    if len(left) > 1:
        raise FHIRPathEvaluationError(
            f"operator 'in' expects a single item on its left but got {len(left)}", code="not-a-singleton"
        )
    return TRUE if _member(left[0], right) else FALSE


def contains(left: tuple, right: tuple) -> tuple:
    """The converse of `in`: the right side is the single item looked for."""
    if not right:
        return EMPTY
    if len(right) > 1:
        raise FHIRPathEvaluationError(
            f"operator 'contains' expects a single item on its right but got {len(right)}",
            code="not-a-singleton",
        )
    return TRUE if _member(right[0], left) else FALSE


# ---- 6.5 Boolean logic (three-valued; empty is None) ----------------------------------


def and_(left: tuple, right, ctx, this) -> tuple:
    a = to_boolean(left, "operator 'and'")
    if a is False:
        return FALSE
    b = to_boolean(right(ctx, this), "operator 'and'")
    if b is False:
        return FALSE
    return TRUE if a and b else EMPTY


def or_(left: tuple, right, ctx, this) -> tuple:
    a = to_boolean(left, "operator 'or'")
    if a:
        return TRUE
    b = to_boolean(right(ctx, this), "operator 'or'")
    if b:
        return TRUE
    return FALSE if a is False and b is False else EMPTY


def xor(left: tuple, right: tuple) -> tuple:
    a = to_boolean(left, "operator 'xor'")
    b = to_boolean(right, "operator 'xor'")
    if a is None or b is None:
        return EMPTY
    return TRUE if a is not b else FALSE


def implies(left: tuple, right, ctx, this) -> tuple:
    a = to_boolean(left, "operator 'implies'")
    if a is False:
        return TRUE
    b = to_boolean(right(ctx, this), "operator 'implies'")
    if a:
        return EMPTY if b is None else (TRUE if b else FALSE)
    return TRUE if b else EMPTY


# ---- 6.6 Math ------------------------------------------------------------------------


@_overflow_is_empty
def plus(left: tuple, right: tuple) -> tuple:
    """Numbers add, Strings concatenate, quantities add in the finer unit, and a
    Date/DateTime/Time moves by a time-valued quantity (calendar arithmetic)."""
    a = _operand(left, "+")
    b = _operand(right, "+")
    if a is None or b is None:
        return EMPTY
    ta, tb = type(a), type(b)
    if ta is str and tb is str:
        check_string(len(a) + len(b), "operator '+'")
        return (a + b,)
    if ta is int and tb is int:
        return _long(a + b)
    if _number(a) and _number(b):
        return (_EXACT.add(_decimal(a), _decimal(b)),)
    if (ta is Quantity or _number(a)) and (tb is Quantity or _number(b)):
        from fhirpath.runtime import quantity_math  # loaded when an expression first calculates with quantities
        return _quantity_result(quantity_math.add(_quantity(a), _quantity(b)))
    if ta in _TEMPORALS and tb is Quantity:
        from fhirpath.runtime import calendar  # loaded when an expression first calculates with dates
        return (calendar.add(a, b.value, b.unit),)
    if _opaque(left, right):
        return EMPTY
    raise _invalid("+", left, right)


@_overflow_is_empty
def minus(left: tuple, right: tuple) -> tuple:
    """Numbers and quantities subtract; a Date/DateTime/Time moves back by a quantity."""
    a = _operand(left, "-")
    b = _operand(right, "-")
    if a is None or b is None:
        return EMPTY
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _long(a - b)
    if _number(a) and _number(b):
        return (_EXACT.subtract(_decimal(a), _decimal(b)),)
    if (ta is Quantity or _number(a)) and (tb is Quantity or _number(b)):
        from fhirpath.runtime import quantity_math  # loaded when an expression first calculates with quantities
        return _quantity_result(quantity_math.sub(_quantity(a), _quantity(b)))
    if ta in _TEMPORALS and tb is Quantity:
        from fhirpath.runtime import calendar  # loaded when an expression first calculates with dates
        return (calendar.sub(a, b.value, b.unit),)
    if _opaque(left, right):
        return EMPTY
    raise _invalid("-", left, right)


@_overflow_is_empty
def multiply(left: tuple, right: tuple) -> tuple:
    a = _operand(left, "*")
    b = _operand(right, "*")
    if a is None or b is None:
        return EMPTY
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _long(a * b)
    if _number(a) and _number(b):
        return (_EXACT.multiply(_decimal(a), _decimal(b)),)
    if (ta is Quantity or _number(a)) and (tb is Quantity or _number(b)):
        from fhirpath.runtime import quantity_math  # loaded when an expression first calculates with quantities
        return _quantity_result(quantity_math.mul(_quantity(a), _quantity(b)))
    if _opaque(left, right):
        return EMPTY
    raise _invalid("*", left, right)


@_overflow_is_empty
def divide(left: tuple, right: tuple) -> tuple:
    """Always a Decimal (or Quantity); division by zero gives empty."""
    a = _operand(left, "/")
    b = _operand(right, "/")
    if a is None or b is None:
        return EMPTY
    ta, tb = type(a), type(b)
    if _number(a) and _number(b):
        if not b:
            return EMPTY
        return (_plain(_DIVISION.divide(_decimal(a), _decimal(b))),)
    if (ta is Quantity or _number(a)) and (tb is Quantity or _number(b)):
        from fhirpath.runtime import quantity_math  # loaded when an expression first calculates with quantities
        return _quantity_result(quantity_math.div(_quantity(a), _quantity(b)))
    if _opaque(left, right):
        return EMPTY
    raise _invalid("/", left, right)


@_overflow_is_empty
def div(left: tuple, right: tuple) -> tuple:
    """Truncated division: the quotient rounded toward zero; by zero gives empty."""
    a = _operand(left, "div")
    b = _operand(right, "div")
    if a is None or b is None:
        return EMPTY
    if not (_number(a) and _number(b)):
        raise _invalid("div", left, right)
    if not b:
        return EMPTY
    if type(a) is int and type(b) is int:
        quotient = abs(a) // abs(b)
        return _long(quotient if (a < 0) == (b < 0) else -quotient)
    return (_EXACT.divide_int(_decimal(a), _decimal(b)),)


@_overflow_is_empty
def mod(left: tuple, right: tuple) -> tuple:
    """The remainder of truncated division: it takes the sign of the left operand."""
    a = _operand(left, "mod")
    b = _operand(right, "mod")
    if a is None or b is None:
        return EMPTY
    if not (_number(a) and _number(b)):
        raise _invalid("mod", left, right)
    if not b:
        return EMPTY
    if type(a) is int and type(b) is int:
        remainder = abs(a) % abs(b)
        return (-remainder if a < 0 else remainder,)
    return (_EXACT.remainder(_decimal(a), _decimal(b)),)


def concatenate(left: tuple, right: tuple, max_string: int = DEFAULT_LIMITS.max_string) -> tuple:
    """`&`: String concatenation where an empty operand counts as ''. ``max_string``: the
    engine's limit, which the compiler passes (so `&` needs no evaluation context)."""
    a = _operand(left, "&")
    b = _operand(right, "&")
    if a is None:
        a = ""
    elif type(a) is not str:
        raise _invalid("&", left)
    if b is None:
        b = ""
    elif type(b) is not str:
        raise _invalid("&", right)
    if len(a) + len(b) > max_string:
        raise string_limit_error(len(a) + len(b), "operator '&'", max_string)
    return (a + b,)


# ---- 6.8 Unary operators -------------------------------------------------------------


@_overflow_is_empty
def negate(operand: tuple) -> tuple:
    """Unary `-`: the number or quantity negated; empty when it cannot be represented."""
    value = _operand(operand, "-")
    if value is None:
        return EMPTY
    t = type(value)
    if t is int:
        return _long(-value)
    if t is Decimal:
        return (_EXACT.minus(value),)
    if t is Quantity:
        from fhirpath.runtime import quantity_math  # loaded when an expression first calculates with quantities
        return (quantity_math.negate(value),)
    if compare.opaque_quantity(operand[0]):
        return EMPTY
    raise _invalid("-", operand)


def positive(operand: tuple) -> tuple:
    """Unary `+`: the number or quantity unchanged (as a System value)."""
    value = _operand(operand, "+")
    if value is None:
        return EMPTY
    if _number(value) or type(value) is Quantity:
        return (value,)
    if compare.opaque_quantity(operand[0]):
        return EMPTY
    raise _invalid("+", operand)
