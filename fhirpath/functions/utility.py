"""Utility functions (spec §5.10): trace, pathname, the clock, defineVariable, the
boundaries and precision of a value; and comparable() (§6.2.5), the quantity
counterpart of precision.
"""

from __future__ import annotations

from decimal import Decimal

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.model import system_type
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

_TEMPORALS = (Date, DateTime, Time)


def trace(ctx, focus: tuple, name, projection) -> tuple:
    """Report the input (or a projection of it) to the trace hook; return the input."""
    if ctx.trace is not None:
        shown = focus
        if projection is not None:
            shown = tuple(item for item in focus for item in projection(ctx, (item,)))
        ctx.trace(name if name is not None else "", shown)
    return focus


def now(ctx, focus: tuple) -> tuple:
    from fhirpath.runtime import calendar  # loaded when an expression first calculates with dates
    return (calendar.now(ctx.now()),)


def today(ctx, focus: tuple) -> tuple:
    from fhirpath.runtime import calendar  # loaded when an expression first calculates with dates
    return (calendar.today(ctx.now()),)


def time_of_day(ctx, focus: tuple) -> tuple:
    from fhirpath.runtime import calendar  # loaded when an expression first calculates with dates
    return (calendar.time_of_day(ctx.now()),)


# ---- 5.10.2 pathname ----


def pathname(ctx, focus: tuple, short) -> tuple:
    """Each item's path from the root resource (``Patient.name[0].given[1]``).

    Items not reached by navigation from the root (computed values, nodes built
    by instance selectors or passed in as variables) have no path and are left
    out. Every step gets an indexer, ``[0]`` for a single value, unless `short`
    is true: then only steps into a JSON list have one."""
    roots = {id(item[0]) for item in ctx.root if type(item) is tuple}
    out = []
    for item in focus:
        if type(item) is tuple:
            path = _path(item, roots, short is True)
            if path is not None:
                out.append(path)
    return tuple(out)


def _path(node, roots: set, short: bool) -> str | None:
    steps = []
    while node[2] is not None:
        parent, key, index = node[2], node[3], node[4]
        name = key
        parent_type = parent[1]
        if parent_type is not None:
            found = parent_type.child_by_key(key)
            if found is not None:
                name = found[0].name  # valueQuantity is the element 'value'
        if index is not None:
            steps.append(f"{name}[{index}]")
        else:
            steps.append(name if short else f"{name}[0]")
        node = parent
    if id(node[0]) not in roots:
        return None
    root = node[1].name if node[1] is not None else None
    if root is None and type(node[0]) is dict:
        kind = node[0].get("resourceType")
        root = kind if type(kind) is str else None
    if root is not None:
        steps.append(root)
    return ".".join(reversed(steps))


# ---- 5.10.4 defineVariable ----

#: variables every evaluation has; defineVariable() cannot take these names
BUILTIN_VARIABLES = frozenset({"resource", "rootResource", "context", "ucum", "sct", "loinc"})


def is_builtin_variable(name: str) -> bool:
    """%resource, %ucum ... and the FHIR %vs-name and %ext-name families."""
    return name in BUILTIN_VARIABLES or name.startswith(("vs-", "ext-"))


def define_variable(ctx, focus: tuple, name, projection) -> tuple:
    """Bind %name to the projection (evaluated once, on the whole input) or to the
    input itself; return the input.

    The compiler decides where the name is visible (the rest of this invocation
    chain) and drops the binding when that chain ends; a name computed at run time
    is checked here instead."""
    if type(name) is not str or not name:
        raise FHIRPathEvaluationError(
            f"defineVariable() expects a name as a String, not {name!r}", code="invalid-argument"
        )
    if name in ctx.variables or is_builtin_variable(name):
        raise FHIRPathEvaluationError(f"variable '%{name}' is already defined", code="variable-redefined")
    ctx.variables[name] = focus if projection is None else projection(ctx, focus)
    return focus


# ---- 5.10.5 - 5.10.7 lowBoundary, highBoundary, precision ----


def _boundary(value, precision, high: bool):
    function = "highBoundary()" if high else "lowBoundary()"
    if precision is not None and type(precision) is not int:
        raise FHIRPathEvaluationError(
            f"{function} expects an Integer precision, not {precision!r}", code="invalid-argument"
        )
    kind = type(value)
    if kind is Decimal or kind is int or kind is Quantity:
        from fhirpath.runtime import quantity_math  # loaded when an expression first needs it
        if kind is Quantity:
            return (quantity_math.high_boundary if high else quantity_math.low_boundary)(value, precision)
        return quantity_math.decimal_boundary(Decimal(value), precision, high=high)
    if kind in _TEMPORALS:
        from fhirpath.runtime import calendar  # loaded when an expression first calculates with dates
        return calendar.high_boundary(value, precision) if high else calendar.low_boundary(value, precision)
    raise FHIRPathEvaluationError(
        f"{function} expects a Decimal, Date, DateTime, Time or Quantity, not {_type_name(value)}",
        code="invalid-operand",
    )


def low_boundary(value, precision=None):
    """The least value the input can stand for, at `precision` digits (Integers become Decimals)."""
    return _boundary(value, precision, high=False)


def high_boundary(value, precision=None):
    """The greatest value the input can stand for, at `precision` digits."""
    return _boundary(value, precision, high=True)


def precision(value) -> int:
    """Digits after the decimal point of a number; digits written of a date or time."""
    kind = type(value)
    if kind is Decimal:
        return max(0, -value.as_tuple().exponent)
    if kind is int:
        return 0
    if kind in _TEMPORALS:
        from fhirpath.runtime import calendar  # loaded when an expression first calculates with dates
        return calendar.precision_digits(value)
    raise FHIRPathEvaluationError(
        f"precision() expects a Decimal, Date, DateTime or Time, not {_type_name(value)}", code="invalid-operand"
    )


# ---- 6.2.5 comparable ----


def comparable(value, other) -> bool | None:
    """True when `=` and `<` between the two quantities would give an answer (numbers count
    as quantities with unit '1'); empty when either is not a quantity."""
    if type(value) is int or type(value) is Decimal:
        value = Quantity(value)
    if type(other) is int or type(other) is Decimal:
        other = Quantity(other)
    if type(value) is not Quantity or type(other) is not Quantity:
        return None
    from fhirpath.runtime import quantity_math  # loaded when an expression first needs it
    return quantity_math.comparable(value, other)


def _type_name(value) -> str:
    found = system_type(value)
    return found.name if found is not None else "a complex value"
