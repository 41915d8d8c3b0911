"""Types (spec §6.3, §10.2): is, as, ofType and type().

The official suites fix one subtlety: ``is`` follows the type hierarchy
(``Patient.gender.is(string)`` is true, code being a string), while ``as`` and
``ofType`` match FHIR primitive types exactly (``Patient.gender.ofType(string)``
is empty); complex types match their specialisations everywhere (an Age is a
Quantity).
"""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.model import SYSTEM_TYPES, system_type
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE


class NamedType:
    """A type known only by name: resource types without a model (matched against
    ``resourceType``), or names no model defines (which match nothing)."""

    __slots__ = ("namespace", "name", "qualified")

    kind = "named"

    def __init__(self, namespace: str, name: str) -> None:
        self.namespace, self.name = namespace, name
        self.qualified = f"{namespace}.{name}"

    def __repr__(self) -> str:
        return f"<NamedType {self.qualified}>"


class UnknownType(NamedType):
    """A type name nothing defines: using it is an evaluation error (official suites)."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__("", name)
        self.qualified = name

    def fail(self):
        raise FHIRPathEvaluationError(f"unknown type '{self.name}'", code="unknown-type")


def item_type(item):
    """The type of an item: a TypeInfo, a NamedType (untyped resources), or None."""
    if type(item) is tuple:
        t = item[1]
        if t is not None:
            return t
        value = item[0]
        if type(value) is dict:
            name = value.get("resourceType")
            return NamedType("FHIR", name) if type(name) is str else None
        return system_type(value)
    return system_type(item)


def matches(item, wanted, *, exact_primitives: bool) -> bool:
    """Is ``item`` of type ``wanted``? (``exact_primitives`` for as/ofType.)"""
    if type(wanted) is UnknownType:
        wanted.fail()
    actual = item_type(item)
    if actual is None:
        return False
    if type(wanted) is NamedType:
        return type(actual) is NamedType and actual.qualified == wanted.qualified
    if type(actual) is NamedType:
        return False
    if actual is wanted:
        return True
    if exact_primitives and actual.kind == "primitive":
        return False
    return actual.is_subtype_of(wanted)


def is_(focus: tuple, wanted) -> tuple:
    """``focus is Type``: empty for empty, an error for more than one item."""
    if not focus:
        return EMPTY
    if len(focus) > 1:
        raise FHIRPathEvaluationError(
            f"'is' expects a single item but got {len(focus)}", code="not-a-singleton"
        )
    return TRUE if matches(focus[0], wanted, exact_primitives=False) else FALSE


def as_(focus: tuple, wanted) -> tuple:
    """``focus as Type``: the item when it is of the type, else empty."""
    if not focus:
        return EMPTY
    if len(focus) > 1:
        raise FHIRPathEvaluationError(
            f"'as' expects a single item but got {len(focus)}", code="not-a-singleton"
        )
    return focus if matches(focus[0], wanted, exact_primitives=True) else EMPTY


def is_function(ctx, focus: tuple, wanted) -> tuple:
    return is_(focus, wanted)


def as_function(ctx, focus: tuple, wanted) -> tuple:
    return as_(focus, wanted)


def of_type(ctx, focus: tuple, wanted) -> tuple:
    """The items of the type (spec §5.2.4)."""
    out = []
    for item in focus:  # a loop: a generator costs more than the one or two items filtered
        if type(item) is tuple and item[1] is wanted or matches(item, wanted, exact_primitives=True):
            out.append(item)
    return tuple(out)


def type_(ctx, focus: tuple) -> tuple:
    """Reflection (spec §10.2): per item a SimpleTypeInfo/ClassInfo-like object with
    ``namespace`` and ``name``, navigable like JSON."""
    out = []
    for item in focus:
        t = item_type(item)
        if t is None:
            continue
        name = t.name
        if getattr(t, "kind", None) == "backbone":
            name = "BackboneElement"
        out.append(({"namespace": t.namespace, "name": name}, None, None, None, None))
    return tuple(out)


def resolve_type_name(name: str, model):
    """The type a type specifier names, or None when nothing by that name exists.

    With a model: its types, then System. Without: System, else a NamedType that
    matches resources by ``resourceType``."""
    if model is not None:
        return model.type(name)
    namespace, dot, rest = name.partition(".")
    if dot and namespace == "System":
        return SYSTEM_TYPES.get(rest)
    if not dot and name in SYSTEM_TYPES:
        return SYSTEM_TYPES[name]
    if dot and namespace != "FHIR":
        return None
    return NamedType("FHIR", rest if dot else name)
