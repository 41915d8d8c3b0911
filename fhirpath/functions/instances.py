"""Instance selectors (spec "Instance Selector/Object Creation", STU):
``Coding { system: 'http://loinc.org', code: '8480-6' }``, ``Period {:}``,
``code { value: 'final' }``.

The compiler hands over the type and the element names, which are checked once,
here; evaluation builds a new JSON object and returns it as a FHIR node of that
type, the same shape navigation produces, so the result navigates, compares and
converts like data read from a resource. Complex values are put in by reference,
never copied; the input is never changed.

Following the spec: the selector is evaluated on its input like any term, so an
empty input gives empty and more than one item is an error; an element whose value
is empty is left out; several values need a list element (else an error); a choice
element (``Observation { value: 5 'mg' }``) takes the JSON name of the value's type.
"""

from __future__ import annotations

from decimal import Decimal

from fhirpath.errors import FHIRPathEvaluationError, FHIRPathSemanticError
from fhirpath.functions.types import NamedType, UnknownType, item_type
from fhirpath.runtime import calendar, quantity
from fhirpath.runtime.collection import EMPTY
from fhirpath.runtime.element import sidecar
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

#: System values each System type of a FHIR primitive accepts (implicit conversions included)
_ACCEPTS = {
    "String": (str,),
    "Boolean": (bool,),
    "Integer": (int,),
    "Long": (int,),
    "Decimal": (Decimal, int),
    "Date": (Date,),
    "DateTime": (DateTime, Date),
    "Time": (Time,),
}


def instance_selector(wanted, names: tuple[str, ...], values: list, model):
    """The closure ``fn(ctx, this) -> tuple`` building a `wanted` from ``names`` and
    the compiled ``values``; FHIRPathSemanticError when the type or a name is wrong."""
    if type(wanted) is UnknownType or (type(wanted) is NamedType and model is not None):
        raise FHIRPathSemanticError(f"unknown type '{wanted.name}'", code="unknown-type")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FHIRPathSemanticError(f"element '{repeated[0]}' is set twice", code="invalid-instance")
    if type(wanted) is NamedType:
        return _untyped(names, values)
    if wanted.namespace == "System" or wanted.abstract:
        raise FHIRPathSemanticError(
            f"an instance selector cannot create {'abstract ' if wanted.abstract else ''}type {wanted.qualified}",
            code="invalid-instance",
        )
    if wanted.kind == "primitive":
        if any(name != "value" for name in names):
            raise FHIRPathSemanticError(
                f"only 'value' can be set on the primitive type {wanted.name}", code="unknown-element"
            )
        return _primitive(wanted, values[0] if values else None)
    fields = []
    for name, value in zip(names, values):
        element = wanted.element(name)
        if element is None:
            raise FHIRPathSemanticError(f"{wanted.name} has no element '{name}'", code="unknown-element")
        fields.append((element, value))
    return _complex(wanted, fields)


def _input_is_single(this: tuple) -> bool:
    if len(this) > 1:
        raise FHIRPathEvaluationError(
            f"an instance selector expects a single input item but got {len(this)}", code="not-a-singleton"
        )
    return bool(this)


def _complex(wanted, fields: list):
    start = {"resourceType": wanted.name} if wanted.kind == "resource" else {}

    def select(ctx, this):
        if not _input_is_single(this):
            return EMPTY
        obj = dict(start)
        for element, value in fields:
            items = value(ctx, this)
            if items:
                _set(obj, wanted, element, items)
        return ((obj, wanted, None, None, None),)

    return select


def _set(obj: dict, wanted, element, items: tuple) -> None:
    if len(items) > 1 and not element.is_list:
        raise FHIRPathEvaluationError(
            f"{wanted.name}.{element.name} takes one value but got {len(items)}", code="not-a-singleton"
        )
    texts, extras = [], []
    for item in items:
        key, text = _json(item, element)  # one key for all: list elements are never choices
        if key is None:
            raise FHIRPathEvaluationError(
                f"{wanted.name}.{element.name} cannot hold {_describe(item)}", code="invalid-instance-value"
            )
        texts.append(text)
        extras.append(sidecar(item) if type(item) is tuple and type(item[0]) is not dict else None)
    if element.is_list:
        obj[key] = texts
        if any(extra is not None for extra in extras):
            obj["_" + key] = extras
        return
    if texts[0] is not None:
        obj[key] = texts[0]
    if extras[0] is not None:
        obj["_" + key] = extras[0]


def _json(item, element) -> tuple[str | None, object]:
    """(JSON name, JSON value) of one item in `element`; (None, None) if it does not fit."""
    node_type = None
    value = item
    if type(item) is tuple:
        value, node_type = item[0], item[1]
    choices = element.choices
    if type(value) is dict:
        for key, choice in choices:
            if choice.kind != "primitive" and (node_type is None or node_type.is_subtype_of(choice)):
                return key, value
        return None, None
    if node_type is not None:
        # a FHIR primitive goes to the choice of its own type first (code -> valueCode)
        for key, choice in choices:
            if choice is node_type:
                return key, _primitive_json(value)
    if value is None:  # a value-less primitive node: only its extensions travel
        for key, choice in choices:
            if choice.kind == "primitive":
                return key, None
        return None, None
    for key, choice in choices:
        if choice.kind == "primitive":
            if choice.system is not None and type(value) in _ACCEPTS.get(choice.system.name, ()):
                return key, _primitive_json(value)
        elif type(value) is Quantity and choice.is_subtype_of("FHIR.Quantity"):
            return key, quantity.to_fhir(value)
    return None, None


def _primitive_json(value):
    """A System value as FHIR JSON writes it (dates and times as text)."""
    if type(value) in (Date, DateTime, Time):
        return str(value)
    return value


def _primitive(wanted, value):
    accepted = _ACCEPTS.get(wanted.system.name, ()) if wanted.system is not None else ()

    def select(ctx, this):
        if not _input_is_single(this) or value is None:
            return EMPTY
        items = value(ctx, this)
        if not items:
            return EMPTY
        if len(items) > 1:
            raise FHIRPathEvaluationError(
                f"{wanted.name}.value takes one value but got {len(items)}", code="not-a-singleton"
            )
        item = items[0]
        found = item[0] if type(item) is tuple else item
        if type(found) not in accepted:
            raise FHIRPathEvaluationError(
                f"a {wanted.name} cannot hold {_describe(item)}", code="invalid-instance-value"
            )
        if wanted.system.name == "Decimal" and type(found) is int:
            found = Decimal(found)
        elif wanted.system.name == "DateTime" and type(found) is Date:
            found = calendar.to_datetime(found)
        return ((found, wanted, None, None, None),)

    return select


def _untyped(names: tuple[str, ...], values: list):
    """Without a model: a plain JSON object, one value or a list per name."""

    def select(ctx, this):
        if not _input_is_single(this):
            return EMPTY
        obj = {}
        for name, value in zip(names, values):
            texts = [_untyped_json(item) for item in value(ctx, this)]
            if texts:
                obj[name] = texts if len(texts) > 1 else texts[0]
        return ((obj, None, None, None, None),)

    return select


def _untyped_json(item):
    value = item[0] if type(item) is tuple else item
    if type(value) is Quantity:
        return quantity.to_fhir(value)
    return _primitive_json(value)


def _describe(item) -> str:
    """'a value of type String'... for messages."""
    found = item_type(item)
    return f"a value of type {found.name}" if found is not None else "this value"
