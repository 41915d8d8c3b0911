"""Collections and the items in them.

A FHIRPath collection is a plain ``tuple``: immutable, so it is shared instead of
copied (copy-on-write by construction), and the cheapest sequence CPython builds.
The empty collection and the two booleans are preallocated.

An item is one of two things:

- a **System value**, the Python object itself: ``bool``, ``int`` (Integer and
  Long), ``decimal.Decimal``, ``str``, and the runtime's ``Date``, ``DateTime``,
  ``Time`` and ``Quantity``. Its type follows from its class.
- a **FHIR node**, a 5-tuple ``(value, type, parent, key, index)`` that points
  into the input JSON without copying it:

  - ``value``: the JSON value (a ``dict`` for complex types and resources) or, for
    a FHIR primitive, its System value (``"1974-12-25"`` read as a ``Date``,
    numbers in decimal elements as ``Decimal``); ``None`` for a primitive that has
    only an extension (``"_birthDate": {...}`` without ``"birthDate"``);
  - ``type``: the node's `TypeInfo`, or ``None`` without a model;
  - ``parent``, ``key``, ``index``: the node it was reached from, the JSON key,
    and the position in that key's list (``None`` for single values), so a
    primitive's ``_key`` extension and the node's path can be found when asked.

  A tuple, not an object: a slotted instance costs five times as much to create,
  and navigation creates one per element it visits.

No System value is a tuple, so ``type(item) is tuple`` tells the two apart.
"""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.model import register_system_class
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

for _cls, _name in ((Date, "Date"), (DateTime, "DateTime"), (Time, "Time"), (Quantity, "Quantity")):
    register_system_class(_cls, _name)

EMPTY: tuple = ()
TRUE: tuple = (True,)
FALSE: tuple = (False,)

VALUE, TYPE, PARENT, KEY, INDEX = range(5)


def boolean(flag: bool | None) -> tuple:
    """The collection for a three-valued boolean: ``None`` is empty."""
    if flag is None:
        return EMPTY
    return TRUE if flag else FALSE


def value_of(item):
    """The value an item stands for: a FHIR node's value, or the System value itself."""
    return item[0] if type(item) is tuple else item


def values(collection: tuple) -> list:
    return [item[0] if type(item) is tuple else item for item in collection]


def singleton(collection: tuple, what: str):
    """The only item, ``None`` when empty; an error naming ``what`` when there are more.

    Spec §4.5 "Singleton Evaluation of Collections"."""
    if not collection:
        return None
    if len(collection) > 1:
        raise FHIRPathEvaluationError(
            f"{what} expects a single item but got {len(collection)}", code="not-a-singleton"
        )
    return collection[0]


def singleton_value(collection: tuple, what: str):
    """The value of the only item (see `singleton`); ``None`` when empty."""
    item = singleton(collection, what)
    return item[0] if type(item) is tuple else item


def to_boolean(collection: tuple, what: str) -> bool | None:
    """Singleton evaluation to a boolean, for criteria and boolean operators.

    Empty is ``None``; a single ``bool`` is itself; any other single item is true
    (spec §4.5: "a single value that is not a Boolean is treated as true"); more
    than one item is an error."""
    if not collection:
        return None
    if len(collection) > 1:
        raise FHIRPathEvaluationError(
            f"{what} expects a single boolean but got {len(collection)} items", code="not-a-singleton"
        )
    item = collection[0]
    value = item[0] if type(item) is tuple else item
    if value is True or value is False:
        return value
    return True


_QUANTITY_TYPES: set = set()  # FHIR types known to be Quantity or a specialisation of it


def system_value(item):
    """The System value of an item, for functions and operators that compute with values:
    a FHIR Quantity (or Age, Duration...) becomes a `Quantity`; other nodes give their value."""
    if type(item) is not tuple:
        return item
    value = item[0]
    if type(value) is dict:
        t = item[1]
        if t is not None and (t in _QUANTITY_TYPES or t.is_subtype_of("FHIR.Quantity")):
            _QUANTITY_TYPES.add(t)
            quantity = Quantity.from_fhir(value)
            return value if quantity is None else quantity
    return value
