"""FHIR additions about StructureDefinitions (FHIR "FHIRPath in FHIR", fhirpath.html#functions):
conformsTo(), elementDefinition() and slice().

All three answer from the engine's type model, which knows each core type's elements, their
cardinality, types and the type hierarchy, and for profiles only the type they constrain.
It does not hold invariants (constraint expressions), terminology bindings, fixed values,
patterns or slicing. So:

- ``conformsTo(core type URL)`` checks the type (a Patient conforms to DomainResource) and
  the structure the model describes: no unknown properties, required elements present,
  arrays exactly for repeating elements, one type per choice element, resources and
  complex values as objects, primitive values of the right JSON kind (dates that parse, no
  empty strings), no element without a value or children (ele-1). Invariants and bindings
  are not checked, so ``true`` means "structurally conformant".
- ``conformsTo(profile URL)`` answers ``false`` when the input fails its base type's checks
  (a profile only narrows its base); otherwise the answer depends on constraints the model
  does not have, and the function raises ``profile-unsupported`` rather than guess.
- ``elementDefinition()`` gives a minimal ElementDefinition per node: id, path, min, max,
  base (path, min, max), and type (or contentReference). Everything else an
  ElementDefinition can say (binding, constraint, short, definition...) is absent from it.
- ``slice()`` resolves the structure and raises: core types define no slices, and the model
  holds no profile's slices.

An unknown structure URL is an ``unknown-profile`` error, as the R5 page says (and the R5
suite's testConformsTo3 expects).
"""

from __future__ import annotations

from decimal import Decimal

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.types import item_type
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE, singleton
from fhirpath.runtime.element import resource_type, sidecar
from fhirpath.runtime.temporal import Date, DateTime, Time

CORE = "http://hl7.org/fhir/StructureDefinition/"
SYSTEM_TYPE_URL = "http://hl7.org/fhirpath/"


def _model(ctx, function: str):
    if ctx.model is None:
        raise FHIRPathEvaluationError(f"{function}() needs a FHIR model", code="model-required")
    return ctx.model


def _structure(ctx, function: str, url: str):
    """(the type the structure is about, whether it is that core type's own definition)."""
    model = _model(ctx, function)
    canonical, _, version = url.partition("|") if type(url) is str else (None, "", "")
    target = model.profile_base(canonical) if canonical else None
    core = target is not None and canonical == CORE + target.name
    if target is None or (core and version and version != model.fhir_version):
        raise FHIRPathEvaluationError(f"unknown structure definition '{url}'", code="unknown-profile")
    return target, core


# ---- conformsTo() -----------------------------------------------------------------------------


def conforms_to(ctx, focus: tuple, structure) -> tuple:
    """Does the single input conform to the structure? See the module docstring for how far
    the answer goes."""
    item = singleton(focus, "conformsTo()")
    if item is None or structure is None:
        return EMPTY
    target, core = _structure(ctx, "conformsTo", structure)
    actual = item_type(item)
    if type(item) is not tuple or actual is None or getattr(actual, "namespace", None) != "FHIR":
        return FALSE
    if not actual.is_subtype_of(target):
        return FALSE
    if actual.kind == "primitive":
        problem = primitive_problem(_raw(item), sidecar(item), actual, ctx.model)
    else:
        problem = structure_problem(item[0], actual, ctx.model)
    if problem is not None:
        return FALSE
    if core:
        return TRUE
    raise FHIRPathEvaluationError(
        f"conformance to the profile '{structure}' depends on constraints this engine does not have "
        f"(it checked the base type {target.name})",
        code="profile-unsupported",
    )


_JSON_KINDS = {
    "Boolean": lambda v: type(v) is bool,
    "Integer": lambda v: type(v) is int,
    "Long": lambda v: type(v) is int or (type(v) is str and v.lstrip("-").isdigit()),
    "Decimal": lambda v: type(v) in (int, float, Decimal),
    "String": lambda v: type(v) is str and v != "",
    "Date": lambda v: type(v) is str and Date.from_fhir(v) is not None,
    "DateTime": lambda v: type(v) is str and DateTime.from_fhir(v) is not None,
    "Time": lambda v: type(v) is str and Time.from_fhir(v) is not None,
}


def _primitive_problem(value, t) -> str | None:
    system = t.name if t.kind == "system" else (t.system.name if t.system is not None else "String")
    check = _JSON_KINDS.get(system)
    if check is not None and not check(value):
        return f"{value!r} is not a valid {t.name}"
    return None


def _raw(item):
    """A primitive node's JSON value as written (nodes hold it read: a date as a Date)."""
    parent, key, index = item[2], item[3], item[4]
    holder = parent[0] if parent is not None else None
    if type(holder) is not dict:
        return item[0]
    value = holder.get(key)
    if index is not None:
        return value[index] if type(value) is list and index < len(value) else None
    return value


def primitive_problem(value, extra, t, model) -> str | None:
    """How a primitive (its JSON value and ``_x`` sidecar) breaks its type, or None."""
    if value is None and extra is None:
        return f"{t.name}: a primitive needs a value or extensions"
    if value is not None:
        problem = _primitive_problem(value, t)
        if problem is not None:
            return problem
    if extra is not None:
        if type(extra) is not dict:
            return f"{t.name}: the '_' sidecar must be an object"
        return structure_problem(extra, model.type("Element"), model)
    return None


def _entries(value, extra) -> list:
    """(value, sidecar) pairs of one JSON property, lists aligned position by position."""
    if type(value) is list or type(extra) is list:
        values = value if type(value) is list else [value]
        extras = extra if type(extra) is list else [extra]
        return [
            (values[i] if i < len(values) else None, extras[i] if i < len(extras) else None)
            for i in range(max(len(values), len(extras)))
        ]
    return [(value, extra)]


#: TypeInfo -> (required elements, {element name or JSON key: (element, child type)})
_PLANS: dict = {}


def _plan(t) -> tuple:
    plan = _PLANS.get(t)
    if plan is None:
        elements = t.elements()
        by_key = {key: (element, child) for element in elements for key, child in element.choices}
        required = tuple(element for element in elements if element.min > 0)
        plan = _PLANS[t] = (required, by_key)
    return plan


def _render(path) -> str:
    """A path kept as nested (parent, segment) pairs, written out only for a message."""
    parts = []
    while path is not None:
        path, segment = path
        parts.append(segment)
    return "".join(reversed(parts))


def structure_problem(value, t, model) -> str | None:
    """The first way ``value`` (JSON of type ``t``) breaks the structure the model knows, or
    None. Iterative, so deep input cannot exhaust the Python stack."""
    element_type = model.type("Element")
    stack = [(value, t, (None, t.name))]
    while stack:
        value, t, path = stack.pop()
        if t.kind in ("primitive", "system"):
            problem = _primitive_problem(value, t)
            if problem is not None:
                return f"{_render(path)}: {problem}"
            continue
        if type(value) is not dict:
            return f"{_render(path)}: expected an object for {t.name}"
        if t.kind != "resource" and not value:
            return f"{_render(path)}: an element needs a value or children"
        required, by_key = _plan(t)
        seen: dict = {}  # element -> its JSON key
        for key in value:
            if key == "fhir_comments" or (key == "resourceType" and t.kind == "resource"):
                continue
            name = key[1:] if key[0] == "_" else key
            found = by_key.get(name)
            if found is None:
                return f"{_render(path)}: unknown element '{key}'"
            element, child = found
            if key[0] == "_" and child.kind != "primitive":
                return f"{_render(path)}: '{key}' is only allowed beside a primitive"
            other = seen.setdefault(element, name)
            if other != name:
                return f"{_render(path)}: {element.name}[x] has more than one type"
        for element in required:
            if element not in seen:
                return f"{_render(path)}: required element '{element.name}' is missing"
        for element, key in seen.items():
            child = by_key[key][1]
            found, extra = value.get(key), value.get("_" + key)
            if element.is_list != (type(found) is list or type(extra) is list):
                shape = "an array" if element.is_list else "a single value"
                return f"{_render(path)}: '{key}' must be {shape}"
            entries = _entries(found, extra)
            if (None, None) in entries:
                return f"{_render(path)}: '{key}' has a null without extensions"
            if len(entries) < element.min:
                return f"{_render(path)}: '{key}' needs at least {element.min} value(s)"
            for index, (item, sidecar) in enumerate(entries):
                where = (path, f".{key}[{index}]" if element.is_list else f".{key}")
                if child.kind == "primitive":
                    if sidecar is not None:
                        if type(sidecar) is not dict:
                            return f"{_render(where)}: '_{key}' must hold objects"
                        stack.append((sidecar, element_type, where))
                    if item is None:
                        continue
                if child.kind == "resource":
                    if type(item) is not dict:
                        return f"{_render(where)}: expected a resource"
                    actual = resource_type(item, model)
                    if actual is None or actual.abstract or not actual.is_subtype_of(child):
                        return f"{_render(where)}: unknown resource type {item.get('resourceType')!r}"
                    stack.append((item, actual, where))
                else:
                    stack.append((item, child, where))
    return None


# ---- elementDefinition() --------------------------------------------------------------------------


def _type_code(t) -> str:
    return SYSTEM_TYPE_URL + t.qualified if t.kind == "system" else t.name


def _definition(item) -> dict | None:
    """The minimal ElementDefinition of one node (see the module docstring), or None."""
    t, parent, key = item[1], item[2], item[3]
    if t is None:
        return None
    if parent is None or parent[1] is None:
        if t.kind != "resource":
            return None
        return {"id": t.name, "path": t.name, "min": 0, "max": "*",
                "base": {"path": t.name, "min": 0, "max": "*"}}
    owner = parent[1]
    found = owner.child_by_key(key)
    if found is None:
        return None
    element = found[0]
    suffix = "[x]" if element.is_choice else ""
    path = f"{owner.name}.{element.name}{suffix}"
    high = "*" if element.is_list else "1"
    definition = {"id": path, "path": path, "min": element.min, "max": high,
                  "base": {"path": element.path, "min": element.min, "max": high}}
    declared = element.type
    if declared is not None and declared.kind == "backbone":
        if declared.name == path:
            definition["type"] = [{"code": declared.base.name}]
        else:
            definition["contentReference"] = "#" + declared.name
    else:
        definition["type"] = [{"code": _type_code(choice)} for _, choice in element.choices]
    return definition


def element_definition(ctx, focus: tuple) -> tuple:
    """A minimal ElementDefinition for each node of the input (System values have none)."""
    if not focus:
        return EMPTY
    model = _model(ctx, "elementDefinition")
    definition_type = model.type("ElementDefinition")
    out = []
    for item in focus:
        if type(item) is tuple:
            found = _definition(item)
            if found is not None:
                out.append((found, definition_type, None, None, None))
    return tuple(out)


# ---- slice() ---------------------------------------------------------------------------------------


def slice_(ctx, focus: tuple, structure, name) -> tuple:
    """The items matching a named slice of a structure; the model holds no slices, so for a
    non-empty input this always ends in a typed error."""
    if not focus or structure is None or name is None:
        return EMPTY
    target, core = _structure(ctx, "slice", structure)
    if core:
        raise FHIRPathEvaluationError(
            f"the core definition of {target.name} defines no slice '{name}'", code="unknown-slice"
        )
    raise FHIRPathEvaluationError(
        f"the slices of the profile '{structure}' are not available to this engine",
        code="profile-unsupported",
    )
