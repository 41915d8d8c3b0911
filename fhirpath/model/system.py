"""The FHIRPath System types, which Python classes carry them, and implicit conversions.

System types are shared by every Model: `System.String` is one object in r4 and r5.
All derive from System.Any. FHIR types do not derive from System types; a FHIR
primitive names the System type of its value in `TypeInfo.system`.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from fhirpath.model.typeinfo import TypeInfo

ANY = TypeInfo("Any", "System", "system", abstract=True)

SYSTEM_TYPES: MappingProxyType[str, TypeInfo] = MappingProxyType(
    {"Any": ANY}
    | {
        name: TypeInfo(name, "System", "system", base=ANY)
        for name in (
            "Boolean",
            "String",
            "Integer",
            "Long",
            "Decimal",
            "Date",
            "DateTime",
            "Time",
            "Quantity",
        )
    }
)

# The spec's conversion table (section "Conversion"): the targets each type converts to
# implicitly. Integer and Long convert to Quantity with the unit '1'.
IMPLICIT_CONVERSIONS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "Integer": ("Long", "Decimal", "Quantity"),
        "Long": ("Decimal", "Quantity"),
        "Decimal": ("Quantity",),
        "Date": ("DateTime",),
    }
)

# Exact classes only, so bool (an int subclass) never reads as Integer.
_BY_CLASS: dict[type, TypeInfo] = {
    bool: SYSTEM_TYPES["Boolean"],
    int: SYSTEM_TYPES["Integer"],
    Decimal: SYSTEM_TYPES["Decimal"],
    str: SYSTEM_TYPES["String"],
}


def _system(name: str) -> TypeInfo:
    """A System type by its name, qualified (`System.Date`) or not."""
    found = SYSTEM_TYPES.get(name.removeprefix("System."))
    if found is None:
        raise KeyError(f"no System type {name!r}")
    return found


def register_system_class(cls: type, type_name: str) -> None:
    """Declare that instances of `cls` are values of the System type `type_name`.

    The runtime registers its Date, DateTime, Time and Quantity classes this way.
    """
    _BY_CLASS[cls] = _system(type_name)


def system_type(value: object) -> TypeInfo | None:
    """The System type of a Python value, or None if its class is not a System value."""
    cls = value.__class__
    found = _BY_CLASS.get(cls)
    if found is None:
        for parent in cls.__mro__[1:-1]:  # subclasses (an enum of str...), never object
            found = _BY_CLASS.get(parent)
            if found is not None:
                break
    return found


def converts_implicitly(source: TypeInfo | str, target: TypeInfo | str) -> bool:
    """True if FHIRPath converts a `source` value to `target` without being asked."""
    source_name = (source if isinstance(source, str) else source.qualified).removeprefix("System.")
    target_name = (target if isinstance(target, str) else target.qualified).removeprefix("System.")
    return target_name in IMPLICIT_CONVERSIONS.get(source_name, ())
