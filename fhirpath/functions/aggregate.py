"""Aggregates (spec §7): aggregate(), sum(), min(), max() and avg().

sum() and avg() add with the `+` operator's rules and min() and max() order with the
comparison operators' (`fhirpath.runtime.compare`), so units convert and partial
dates compare exactly as they do in expressions. Every item must be of one type
(§7: "otherwise an exception is thrown"); items without a value (a primitive that
only has extensions) are left out.
"""

from __future__ import annotations

from decimal import Decimal

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions import operators
from fhirpath.model import system_type
from fhirpath.runtime import compare
from fhirpath.runtime.collection import EMPTY, system_value
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time


def aggregate(ctx, focus: tuple, aggregator, init) -> tuple:
    """Fold the input: $this is each item, $total the running result (starting at init)."""
    saved_index, saved_total = ctx.index, ctx.total
    total = EMPTY if init is None else init
    ctx.spend(len(focus))
    try:
        for index, item in enumerate(focus):
            ctx.index, ctx.total = index, total
            total = aggregator(ctx, (item,))
    finally:
        ctx.index, ctx.total = saved_index, saved_total
    return total


_SUMMABLE = (int, Decimal, Quantity)
_ORDERED = (int, Decimal, Quantity, Date, DateTime, Time, str)


def _values(focus: tuple, function: str, accepted: tuple) -> list | None:
    """(item, value) pairs of one accepted type; an error for any other mix. None when
    an item is a FHIR Quantity FHIRPath cannot compute with (its unit system is not
    UCUM): as with `+` and `<`, the result is then empty."""
    pairs = []
    kind = None
    for item in focus:
        value = system_value(item)
        if value is None:
            continue
        if type(value) is dict and compare.opaque_quantity(item):
            return None
        if type(value) not in accepted:
            found = system_type(value)
            raise FHIRPathEvaluationError(
                f"{function}() cannot take {found.name if found is not None else 'a complex value'} items",
                code="invalid-operand",
            )
        if kind is None:
            kind = type(value)
        elif type(value) is not kind:
            raise FHIRPathEvaluationError(
                f"{function}() needs items of one type, not {system_type(value).name} with "
                f"{system_type(pairs[0][1]).name}",
                code="invalid-operand",
            )
        pairs.append((item, value))
    return pairs


def _total(values: list) -> tuple:
    total = (values[0],)
    for value in values[1:]:
        total = operators.plus(total, (value,))
        if not total:  # overflow, or quantities that do not add
            break
    return total


def sum_(ctx, focus: tuple) -> tuple:
    """The items added up with `+`, in their own type."""
    pairs = _values(focus, "sum", _SUMMABLE)
    return _total([value for _, value in pairs]) if pairs else EMPTY


def _extreme(focus: tuple, function: str, wanted: int) -> tuple:
    pairs = _values(focus, function, _ORDERED)
    if not pairs:
        return EMPTY
    best = pairs[0][0]
    for item, _ in pairs[1:]:
        order = compare.item_compare(item, best)
        if order is None:
            return EMPTY  # e.g. @2012 against @2012-06-01: which is smaller is unknown
        if order == wanted:
            best = item
    return (best,)


def min_(ctx, focus: tuple) -> tuple:
    """The least item (as the comparison operators order them)."""
    return _extreme(focus, "min", -1)


def max_(ctx, focus: tuple) -> tuple:
    """The greatest item (as the comparison operators order them)."""
    return _extreme(focus, "max", 1)


def avg(ctx, focus: tuple) -> tuple:
    """The mean: the sum divided by the count; Integers count as Decimals."""
    pairs = _values(focus, "avg", _SUMMABLE)
    if not pairs:
        return EMPTY
    values = [Decimal(value) if type(value) is int else value for _, value in pairs]
    return operators.divide(_total(values), (len(values),))
