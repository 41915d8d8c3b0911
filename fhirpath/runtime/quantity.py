"""FHIRPath Quantity values: the value itself, its literals, and FHIR Quantity JSON.

Values are exact `Decimal`s and keep the scale they were written with. Units are
UCUM codes or the calendar duration keywords (normalised to the singular).
Converting, comparing and calculating with quantities is `quantity_math`, loaded by
the first expression that needs it, so that compiling and evaluating expressions
without quantities never loads it (about 50 KB of code), nor the UCUM tables.
"""

from __future__ import annotations

import re
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from typing import Any

from fhirpath.errors import FHIRPathEvaluationError

__all__ = [
    "CALENDAR_NAMES",
    "CALENDAR_SYSTEM",
    "CALENDAR_UNITS",
    "MAX_DIGITS",
    "UCUM_SYSTEM",
    "Quantity",
    "exact_context",
    "in_range",
    "to_fhir",
]

UCUM_SYSTEM = "http://unitsofmeasure.org"
CALENDAR_SYSTEM = "http://hl7.org/fhirpath/CodeSystem/calendar-units"

#: FHIRPath's calendar duration units
CALENDAR_UNITS = ("year", "month", "week", "day", "hour", "minute", "second", "millisecond")
#: each calendar keyword, singular or plural, to its singular
CALENDAR_NAMES: dict[str, str] = {name: name for name in CALENDAR_UNITS}
CALENDAR_NAMES.update({name + "s": name for name in CALENDAR_UNITS})

#: significant digits an exact Decimal result may have. FHIRPath needs 28; a result
#: needing more (chained products, 1E+999999999 from the data made an integer) raises
#: a DecimalException, which arithmetic reports as an overflow: empty (spec §6.6).
MAX_DIGITS = 1_000


def exact_context(*, rounding: bool = False) -> Context:
    """Exact arithmetic up to `MAX_DIGITS` digits: a result that would need rounding is an
    error, not a guess. With ``rounding``, for quantize(): it may round (half up unless
    told otherwise), but a result longer than `MAX_DIGITS` is still an error."""
    traps = [InvalidOperation, DivisionByZero, Overflow] + ([] if rounding else [Inexact])
    return Context(prec=MAX_DIGITS, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_UP, traps=traps)


_LITERAL = re.compile(r"\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*(?:'((?:[^'\\]|\\.)*)'|([A-Za-z]+))?\s*")
_STRING = re.compile(r"([+-]?[0-9]+(?:\.[0-9]+)?)\s*(?:'([^']+)'|([a-zA-Z]+))?")
_FHIR_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ESCAPES = {"'": "'", '"': '"', "`": "`", "\\": "\\", "/": "/", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


class Quantity:
    """An immutable FHIRPath Quantity: an exact Decimal and a UCUM or calendar unit.

    Python `==` and `hash` are structural (same number, same unit string) so
    quantities can live in sets and dicts; FHIRPath's `=`, `~` and `<` with unit
    conversion are `quantity_math.equals`, `equivalent` and `compare`.
    """

    __slots__ = ("value", "unit")

    value: Decimal
    unit: str

    def __init__(self, value: Decimal | int, unit: str = "1") -> None:
        if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
            raise TypeError(f"a Quantity value must be a Decimal or an int, not {type(value).__name__}")
        if isinstance(value, int):
            value = Decimal(value)
        elif not value.is_finite():
            raise ValueError(f"a Quantity value must be finite, not {value}")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "unit", CALENDAR_NAMES.get(unit, unit))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Quantity is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Quantity is immutable")

    def __reduce__(self) -> tuple[type[Quantity], tuple[Decimal, str]]:
        return Quantity, (self.value, self.unit)

    @property
    def is_calendar(self) -> bool:
        """The unit is a calendar duration keyword (year ... millisecond)."""
        return self.unit in CALENDAR_UNITS

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.unit == other.unit and self.value == other.value

    def __hash__(self) -> int:
        return hash((self.value, self.unit))

    def __repr__(self) -> str:
        return f"Quantity(Decimal('{self.value}'), {self.unit!r})"

    def __str__(self) -> str:
        """The FHIRPath literal: `4.5 'mg'`, and `1 week` / `4 days` for calendar units.

        Calendar units print unquoted and plural unless the value is ±1, as in
        the spec's toString() table and the suites' `1 week.toString()`.
        """
        number = format(self.value, "f")
        if self.unit in CALENDAR_UNITS:
            return f"{number} {self.unit}{'' if abs(self.value) == 1 else 's'}"
        unit = self.unit.replace("\\", "\\\\").replace("'", "\\'")
        return f"{number} '{unit}'"

    @staticmethod
    def parse_literal(text: str) -> Quantity:
        """Parse literal text such as `4.5 'mg'`, `5 days` or `3` (unit '1').

        A quoted calendar keyword (`1 'month'`) is read as the calendar unit, as
        the suites' `@1974-12-25 - 1 'month'` requires. Raises ValueError.
        """
        match = _LITERAL.fullmatch(text)
        if match is None:
            raise ValueError(f"not a quantity literal: {text!r}")
        number, quoted, keyword = match.groups()
        if keyword is not None:
            if keyword not in CALENDAR_NAMES:
                raise ValueError(f"{keyword!r} is not a calendar duration keyword")
            return Quantity(Decimal(number), keyword)
        if quoted is None:
            return Quantity(Decimal(number))
        unit = _unescape(quoted)
        if not unit:
            raise ValueError(f"empty unit in quantity literal {text!r}")
        return Quantity(Decimal(number), unit)

    @staticmethod
    def parse_string(text: str) -> Quantity | None:
        """A String converted by toQuantity()/convertsToQuantity() (spec §5.5.7.1).

        The whole string must match the spec's pattern; an unquoted unit must be
        a calendar keyword (`'1 wk'` is not convertible, `'1 \\'wk\\''` is).
        Units are not checked against UCUM here, as with literals.
        """
        match = _STRING.fullmatch(text)
        if match is None:
            return None
        number, quoted, keyword = match.groups()
        if keyword is not None:
            return Quantity(Decimal(number), keyword) if keyword in CALENDAR_NAMES else None
        return Quantity(Decimal(number), quoted if quoted is not None else "1")

    @staticmethod
    def from_fhir(obj: dict[str, Any]) -> Quantity | None:
        """A FHIR Quantity (or Age, Duration, ...) JSON object as a System.Quantity.

        The UCUM `code` is used when `system` is UCUM; with no system, `code`
        then `unit` then '1' (as FHIRHelpers.ToQuantity does); calendar-units
        codes become calendar keywords. Other code systems, or a missing or
        invalid value, give None: those units cannot take part in FHIRPath
        quantity operations. A `comparator` makes the value a bound, not a
        value, so converting it is an evaluation error (as in fhirpath.js and
        CQL's FHIRHelpers).
        """
        if obj.get("comparator") is not None:
            raise FHIRPathEvaluationError(
                f"a Quantity with comparator {obj['comparator']!r} is a bound, not a value",
                code="quantity-comparator",
            )
        value = _decimal_of(obj.get("value"))
        if value is None:
            return None
        system, code, unit = obj.get("system"), obj.get("code"), obj.get("unit")
        if system is not None and system not in (UCUM_SYSTEM, CALENDAR_SYSTEM):
            return None
        text = code if code is not None else unit
        if text is None and system is None:
            text = "1"  # a bare number
        if not isinstance(text, str) or not text:
            return None
        if system == CALENDAR_SYSTEM and text not in CALENDAR_NAMES:
            return None
        return Quantity(value, text)


def to_fhir(quantity: Quantity) -> dict[str, Any]:
    """The FHIR Quantity JSON of a System Quantity; `Quantity.from_fhir` reads it back.

    Calendar keywords are coded in the FHIRPath calendar-units system, other units
    in UCUM (instance selectors build FHIR data with it)."""
    system = CALENDAR_SYSTEM if quantity.unit in CALENDAR_UNITS else UCUM_SYSTEM
    return {"value": quantity.value, "unit": quantity.unit, "system": system, "code": quantity.unit}


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] == "u" and len(escape) == 5:
            return chr(int(escape[1:], 16))
        if escape not in _ESCAPES:
            raise ValueError(f"invalid escape \\{escape} in quantity unit")
        return _ESCAPES[escape]

    return _ESCAPE.sub(replace, text)


def _decimal_of(value: object) -> Decimal | None:
    """JSON number or string as an exact Decimal (a float through its repr)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        if not _FHIR_DECIMAL.fullmatch(value):
            return None
        value = Decimal(value)
    if isinstance(value, Decimal) and in_range(value):
        return value
    return None


def in_range(value: Decimal) -> bool:
    """Finite, and neither so large nor so small that writing it exactly (as digits, or as
    an integer ratio) would take more than `MAX_DIGITS` digits: 1E+999999999 in the data
    is no number FHIRPath computes with."""
    return value.is_finite() and -MAX_DIGITS < value.adjusted() < MAX_DIGITS
