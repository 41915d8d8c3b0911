"""Equality (`=`), equivalence (`~`) and order (`<`) for every kind of item, in one place.

Operators, distinct(), union(), subsetOf() and sort() all decide "same" and "before"
here, so the rules of spec §6.1 and §6.2 hold everywhere alike:

- FHIR nodes compare by their value (`system_value`: a FHIR Quantity is a Quantity);
  a primitive node without a value (only an extension) counts as empty.
- Integer, Long and Decimal compare by value across types (`1 = 1.0`); a number
  meets a Quantity as a Quantity with unit '1' (spec §6.1.1 `23 = 23 '1'`).
- Date and DateTime compare with each other, Time only with Time (`temporal`);
  quantities convert units (`quantity`).
- Complex values (JSON objects) are equal when their children are, recursively.
- Items of different types are not equal (`'1' = 1` is false) and cannot be ordered
  (an error), except for the implicit conversions above.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from fhirpath.errors import FHIRPathEvaluationError, FHIRPathLimitError
from fhirpath.runtime import temporal
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE, system_value
from fhirpath.runtime.context import active_limits, items_error, spend
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

# `quantity_math` is imported where quantities (or decimals under `~`) are compared:
# expressions that compare neither never load it.

__all__ = [
    "equals",
    "equivalent",
    "item_compare",
    "item_equals",
    "item_equivalent",
    "key",
    "opaque_quantity",
    "unique",
]

# The kind of a value decides which rules apply; one dict lookup instead of an
# isinstance chain. Date and DateTime share a kind (they convert implicitly).
_STRING, _BOOLEAN, _NUMBER, _TEMPORAL, _QUANTITY, _COMPLEX, _NOTHING = range(7)
_KIND = {
    str: _STRING,
    bool: _BOOLEAN,
    int: _NUMBER,
    Decimal: _NUMBER,
    Date: _TEMPORAL,
    DateTime: _TEMPORAL,
    Time: _TEMPORAL,
    Quantity: _QUANTITY,
    dict: _COMPLEX,
    list: _COMPLEX,  # a list in a list: not FHIR, but JSON
    type(None): _NOTHING,
}
_NAMES = {str: "String", bool: "Boolean", int: "Integer", Decimal: "Decimal", Date: "Date",
          DateTime: "DateTime", Time: "Time", Quantity: "Quantity", dict: "a complex value"}

# Unicode White_Space (PropList.txt): all the same character for `~` (spec §6.1.2).
_WHITESPACE = dict.fromkeys(
    [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
     0x2028, 0x2029, 0x202F, 0x205F, 0x3000],
    " ",
)


def _value(item):
    """The value an item is compared by (see `system_value`), fast for primitives."""
    value = item[0]
    return system_value(item) if type(value) is dict else value


def _as_quantity(value) -> Quantity:
    return value if type(value) is Quantity else Quantity(value)


def item_equals(a, b) -> bool | None:
    """`a = b` for two items; None (empty) when unknown, e.g. dates of different precision."""
    try:
        item_a, item_b = a, b
        if type(a) is tuple:
            a = _value(a)
        if type(b) is tuple:
            b = _value(b)
        ta, tb = type(a), type(b)
        if ta is tb and (ta is str or ta is int or ta is Decimal):
            return a == b
        ka, kb = _KIND.get(ta, ta), _KIND.get(tb, tb)
        if ka == _NOTHING or kb == _NOTHING:
            return None
        if ka != kb:
            if (ka == _QUANTITY and kb == _NUMBER) or (ka == _NUMBER and kb == _QUANTITY):
                from fhirpath.runtime import quantity_math
                return quantity_math.equals(_as_quantity(a), _as_quantity(b))
            if _unit_unknown(item_a, kb) or _unit_unknown(item_b, ka):
                return None
            return False
        if ka == _TEMPORAL:
            return temporal.equals(a, b)
        if ka == _QUANTITY:
            from fhirpath.runtime import quantity_math
            return quantity_math.equals(a, b)
        if ka == _COMPLEX:
            return _json_equals(a, b)
        return a == b  # strings, numbers, booleans
    except (ArithmeticError, ValueError):  # a Decimal NaN put in the data by a caller: not a number
        return None


def item_equivalent(a, b) -> bool:
    """`a ~ b` for two items: strings ignore case and kinds of whitespace, decimals
    compare at the precision of the less precise one, dates of different precision differ."""
    try:
        if type(a) is tuple:
            a = _value(a)
        if type(b) is tuple:
            b = _value(b)
        ta, tb = type(a), type(b)
        if ta is tb and ta is int:
            return a == b
        ka, kb = _KIND.get(ta, ta), _KIND.get(tb, tb)
        if ka != kb:
            if (ka == _QUANTITY and kb == _NUMBER) or (ka == _NUMBER and kb == _QUANTITY):
                from fhirpath.runtime import quantity_math
                return quantity_math.equivalent(_as_quantity(a), _as_quantity(b)) is True
            return False
        if ka == _STRING:
            return a == b or _fold(a) == _fold(b)
        if ka == _NUMBER:
            from fhirpath.runtime import quantity_math
            return a == b or quantity_math.decimals_equivalent(Decimal(a), Decimal(b))
        if ka == _TEMPORAL:
            return temporal.equivalent(a, b)
        if ka == _QUANTITY:
            from fhirpath.runtime import quantity_math
            return quantity_math.equivalent(a, b) is True
        if ka == _COMPLEX:
            try:
                return _json_equivalent(a, b)
            except RecursionError:  # a cyclic Python object, or nesting deeper than Python's stack
                raise FHIRPathLimitError(
                    "JSON values nested too deeply (or cyclic) to compare with '~'", code="limit-depth"
                ) from None
        return a == b  # booleans; two value-less nodes are both "empty"
    except (ArithmeticError, ValueError):  # a Decimal NaN put in the data by a caller: not a number
        return False


def _fold(text: str) -> str:
    return text.casefold().translate(_WHITESPACE)


def _json_equivalent(a, b) -> bool:
    """`~` between JSON values inside complex values: children equivalent, lists in any order."""
    ta, tb = type(a), type(b)
    if ta is dict:
        return tb is dict and a.keys() == b.keys() and all(_json_equivalent(a[k], b[k]) for k in a)
    if ta is list:
        if tb is not list or len(a) != len(b):
            return False
        spend(len(a) * len(b))
        remaining = list(b)
        for x in a:
            for index, y in enumerate(remaining):
                if _json_equivalent(x, y):
                    del remaining[index]
                    break
            else:
                return False
        return True
    if ta is str:
        return tb is str and (a == b or _fold(a) == _fold(b))
    if ta is bool or tb is bool or a is None or b is None:
        return a is b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        x = Decimal(repr(a)) if ta is float else Decimal(a)
        y = Decimal(repr(b)) if tb is float else Decimal(b)
        from fhirpath.runtime import quantity_math
        return quantity_math.decimals_equivalent(x, y)
    return a == b


def item_compare(a, b) -> int | None:
    """-1, 0 or 1 ordering `a` and `b` (spec §6.2); None (empty) when the order is unknown:
    different date precisions, incommensurable or unusable units, a value-less node.

    Raises `FHIRPathEvaluationError` (code ``incomparable``) for types that cannot be
    ordered against each other: Booleans and complex values, or two different kinds
    (a String and an Integer, a Time and a Date)."""
    try:
        item_a, item_b = a, b
        if type(a) is tuple:
            a = _value(a)
        if type(b) is tuple:
            b = _value(b)
        ta, tb = type(a), type(b)
        if ta is tb and (ta is str or ta is int or ta is Decimal):
            return (a > b) - (a < b)
        ka, kb = _KIND.get(ta, ta), _KIND.get(tb, tb)
        if ka == _NOTHING or kb == _NOTHING:
            return None
        if ka == kb:
            if ka == _NUMBER or ka == _STRING:
                return (a > b) - (a < b)
            if ka == _TEMPORAL and (ta is Time) is (tb is Time):
                return temporal.compare(a, b)
            if ka == _QUANTITY:
                from fhirpath.runtime import quantity_math
                return quantity_math.compare(a, b)
        elif (ka == _QUANTITY and kb == _NUMBER) or (ka == _NUMBER and kb == _QUANTITY):
            from fhirpath.runtime import quantity_math
            return quantity_math.compare(_as_quantity(a), _as_quantity(b))
        if _unit_unknown(item_a, kb) or _unit_unknown(item_b, ka):
            return None
        raise FHIRPathEvaluationError(
            f"cannot compare {_type_name(a)} with {_type_name(b)}", code="incomparable"
        )
    except (ArithmeticError, ValueError):  # a Decimal NaN put in the data by a caller: not a number
        return None


def opaque_quantity(item) -> bool:
    """A FHIR Quantity (Age, Duration...) node FHIRPath cannot compute with: no value, or
    units from a system other than UCUM and the calendar. `system_value` leaves it a JSON
    object; operators treat it as a Quantity with invalid units, which gives empty
    (spec §6.1.1, §6.6: "Attempting to operate on quantities with invalid units")."""
    if type(item) is not tuple or type(item[0]) is not dict:
        return False
    t = item[1]
    return t is not None and t.is_subtype_of("FHIR.Quantity") and type(system_value(item)) is dict


def _unit_unknown(item, other_kind) -> bool:
    """`item` is an opaque quantity and the other side a quantity or a number."""
    return (other_kind == _QUANTITY or other_kind == _NUMBER or other_kind == _COMPLEX) and opaque_quantity(item)


def _type_name(value) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def equals(left: tuple, right: tuple) -> tuple:
    """`left = right` (spec §6.1.1): empty if either is empty; false if the sizes differ;
    else pairwise in order: any false gives false, all true gives true, otherwise empty."""
    if not left or not right:
        return EMPTY
    if len(left) == 1 and len(right) == 1:
        a, b = left[0], right[0]
        # where(code = 'x') runs this per item: settle two strings or ints right here.
        if type(a) is tuple and type(a[0]) is not dict:
            a = a[0]
        if type(b) is tuple and type(b[0]) is not dict:
            b = b[0]
        t = type(a)
        if t is type(b) and (t is str or t is int):
            return TRUE if a == b else FALSE
        result = item_equals(a, b)
        return EMPTY if result is None else (TRUE if result else FALSE)
    if len(left) != len(right):
        return FALSE
    unknown = False
    for a, b in zip(left, right):
        result = item_equals(a, b)
        if result is False:
            return FALSE
        if result is None:
            unknown = True
    return EMPTY if unknown else TRUE


def equivalent(left: tuple, right: tuple) -> tuple:
    """`left ~ right` (spec §6.1.2): never empty; two empties are equivalent; otherwise
    each item must be equivalent to a distinct item of the other, in any order."""
    if len(left) != len(right):
        return FALSE
    if len(left) == 1:
        return TRUE if item_equivalent(left[0], right[0]) else FALSE
    spend(len(left) * len(right))
    remaining = list(right)
    for a in left:
        for index, b in enumerate(remaining):
            if item_equivalent(a, b):
                del remaining[index]
                break
        else:
            return FALSE
    return TRUE


# Tags keep keys of different kinds apart; numbers and strings are their own keys
# (1 and 1.0 hash alike and are equal, as in FHIRPath), Booleans are tagged so
# that True is not the key of 1.
_TRUE_KEY, _FALSE_KEY = ("bool", True), ("bool", False)


def key(item):
    """A hashable key such that items with equal keys are '=' and items that are '='
    have equal keys; None when the item has none (compare it with `item_equals`).

    Items without a key are quantities with a dimension (units convert, so they have
    no canonical form here) and value-less nodes. No item with a key is '=' to one
    without, so callers can hash the keyed items and compare the rest pairwise, as
    `unique` does."""
    t = type(item)
    if t is str or t is int:
        return item
    if t is tuple:
        item = _value(item)
        t = type(item)
        if t is str or t is int:
            return item
    if t is bool:
        return _TRUE_KEY if item else _FALSE_KEY
    if t is Decimal:
        return item if not item.is_snan() else ("sNaN",)  # a signalling NaN cannot be hashed
    if t is Date or t is DateTime or t is Time:
        return _temporal_key(item)
    if t is Quantity:
        return _quantity_key(item)
    if t is dict or t is list:
        return _frozen(item)
    if item is None:
        return None
    try:
        hash(item)
    except TypeError:  # not JSON (a set, a list in a tuple...): compared pairwise
        return None
    return (t, item)


def _quantity_key(value: Quantity):
    """A dimensionless quantity is keyed by its value in unit '1' (so `1 | 100 '%'` is one
    item); others have no key, since their units convert into each other."""
    if value.unit != "1":
        if value.is_calendar:
            return None
        from fhirpath.runtime import quantity_math
        value = quantity_math.convert(value, "1")
        if value is None:
            return None
    return value.value


def _json_equals(a, b) -> bool:
    """`a == b` for JSON values; Python's recursive == gives up on deep nesting and cycles,
    the flat keys do not."""
    try:
        return a == b
    except RecursionError:
        return _frozen(a) == _frozen(b)


# Markers around the contents of objects and lists in a flat key: equal only to themselves.
_OBJECT, _LIST, _END = object(), object(), object()
_LEAVES = frozenset({str, int, float, bool, type(None), Decimal})


def _frozen(value):
    """A JSON value as a flat, hashable tuple that is equal exactly when the values are (==):
    an object is its members in key order between markers, a list (or tuple) its items.
    Built without recursion, so no nesting is too deep; walking more than Limits.max_items
    values (a Python object that contains itself) is an error. A leaf that cannot be
    hashed (not JSON) is keyed by its identity."""
    most = active_limits().max_items
    out = []
    pending = [value]
    while pending:
        value = pending.pop()
        t = type(value)
        if t in _LEAVES or value is _END:
            out.append(value if t is not Decimal or not value.is_snan() else ("sNaN",))
        elif t is dict:
            out.append(_OBJECT)
            pending.append(_END)
            try:
                names = sorted(value)
            except TypeError:  # keys of several types: not JSON, still an order
                names = sorted(value, key=repr)
            for name in reversed(names):
                pending.append(value[name])
                pending.append(name)
        elif t is list or t is tuple:
            out.append(_LIST)
            pending.append(_END)
            pending.extend(reversed(value))
        else:
            try:
                hash(value)
            except TypeError:
                value = ("unhashable", id(value))
            out.append(value)
        if len(out) > most:
            raise items_error(most, "comparing JSON values")
    spend(len(out))
    return tuple(out)


def _temporal_key(value):
    """Fields cut at the value's precision, seconds with a fraction (12:00:05 = 12:00:05.0),
    offsets applied: what `temporal.equals` compares. Date and DateTime share keys."""
    if type(value) is Time:
        fields = (value.hour, value.minute, value.second)[: value.precision - 2]
        if len(fields) == 3:
            fields += (_nanos(value.fraction),)
        return ("time", fields)
    fields = (value.year, value.month, value.day)[: value.precision + 1]
    if type(value) is Date:
        return ("date", fields)
    if len(fields) == 3:
        fields += (value.hour, value.minute, value.second)[: value.precision - 2]
    if len(fields) == 6:
        fields += (_nanos(value.fraction),)
    tz = value.tz
    if tz is None:
        return ("date", fields)
    if tz and len(fields) > 3:
        fields = _utc(fields, tz)
    return ("utc", fields)


def _nanos(fraction: str | None) -> int:
    return int(fraction[:9].ljust(9, "0")) if fraction else 0


def _utc(fields: tuple[int, ...], tz: int) -> tuple[int, ...]:
    """The same instant at offset zero. An hour-only value keeps only its hour, as
    `temporal.compare` does. Shifting by 400 years (a whole Gregorian cycle) keeps
    years 1 and 9999 inside the range Python's datetime accepts."""
    year, month, day, hour = fields[:4]
    minute = fields[4] if len(fields) > 4 else 0
    shift = 400 if year < 5000 else -400
    moment = datetime(year + shift, month, day, hour, minute) - timedelta(minutes=tz)
    utc = (moment.year - shift, moment.month, moment.day, moment.hour)
    if len(fields) == 4:
        return utc
    return utc + (moment.minute,) + fields[5:]


def unique(items) -> tuple:
    """The items without those '=' to an earlier one, in order (union, distinct()).

    Items are duplicates only when '=' is true; false and empty both keep them."""
    return tuple(unseen(items, set(), []))


def unseen(items, seen: set, keyless: list) -> list:
    """The items not '=' to one seen before (or earlier in ``items``), recorded as seen:
    hashable keys in ``seen``, the items that have none in ``keyless`` (compared pairwise)."""
    out = []
    for item in items:
        k = key(item)
        if k is None:
            spend(len(keyless))
            if any(item_equals(item, other) is True for other in keyless):
                continue
            keyless.append(item)
        elif k in seen:
            continue
        else:
            seen.add(k)
        out.append(item)
    return out
