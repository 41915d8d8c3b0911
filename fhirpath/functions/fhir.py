"""FHIR additions to FHIRPath (FHIR specification, "FHIRPath in FHIR", fhirpath.html#functions):
extension(), hasValue(), getValue(), resolve() and checkModifiers().

References are resolved inside the data the evaluation was given, never over the network:

- ``#id`` names a resource contained in the resource that holds the reference; inside a
  contained resource it names a sibling, so the container is searched ("#" alone is the
  container itself; references.html#contained);
- in a Bundle, an absolute reference (``http://...``, ``urn:uuid:...``) names the entry with
  that ``fullUrl``, and a relative one (``Patient/123``) is made absolute against the
  referring entry's ``fullUrl`` or, failing that, matched on the entry resource's type and
  id (bundle.html#references); ``/_history/v`` must match ``meta.versionId`` when present;
- a canonical URL (``url|version``) names a resource of that ``url`` in the Bundle or among
  the contained resources.

What does not resolve is left out: resolve() never fails.
"""

from __future__ import annotations

import re

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE, value_of
from fhirpath.runtime.element import Navigator

#: (model, element name) -> Navigator; at most a few names per model
_NAVIGATORS: dict = {}

#: ``Type/id`` with an optional ``/_history/version`` (FHIR's relative literal reference)
_RELATIVE = re.compile(r"([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/([A-Za-z0-9\-.]{1,64}))?")
#: a RESTful fullUrl: the server base, then ``Type/id``
_RESTFUL = re.compile(r"(.*/)[A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64}(?:/_history/[A-Za-z0-9\-.]{1,64})?")


def navigate(model, name: str, items: tuple) -> tuple:
    """``items.name`` as the compiler would navigate it (typed nodes, primitive sidecars)."""
    key = (model, name)
    navigator = _NAVIGATORS.get(key)
    if navigator is None:
        navigator = _NAVIGATORS[key] = Navigator(name, model)
    return navigator(items)


# ---- extension(), hasValue(), getValue() ----------------------------------------------------


def extension(ctx, focus: tuple, url) -> tuple:
    """The items' extensions with the given url; primitives' extensions live in their ``_x``
    sidecar, which navigation reads."""
    if url is None or not focus:
        return EMPTY
    return tuple(
        node for node in navigate(ctx.model, "extension", focus)
        if type(node[0]) is dict and node[0].get("url") == url
    )


def _primitive_value(focus: tuple):
    """The value of a single primitive that has one, else None.

    FHIR says "a FHIR primitive"; a System value (a literal, a computed string) is a
    primitive value too, so it counts, as it does in the Java and .NET engines."""
    if len(focus) != 1:
        return None
    item = focus[0]
    if type(item) is not tuple:
        return item
    value, t = item[0], item[1]
    if value is None:
        return None  # only an id or extensions
    if t is not None:
        return value if t.kind == "primitive" else None
    return None if type(value) in (dict, list) else value


def has_value(ctx, focus: tuple) -> tuple:
    """True for a single primitive with a value; false otherwise (an empty input, several
    items, a primitive carrying only extensions, a complex element)."""
    return FALSE if _primitive_value(focus) is None else TRUE


def get_value(ctx, focus: tuple) -> tuple:
    """The System value of a single primitive that has one, else empty."""
    value = _primitive_value(focus)
    return EMPTY if value is None else (value,)


# ---- resolve() --------------------------------------------------------------------------------


def _is_resource(node) -> bool:
    t = node[1]
    if t is not None:
        return t.kind == "resource"
    return type(node[0]) is dict and "resourceType" in node[0]


def _chain(node):
    """The node and its ancestors, nearest first."""
    while node is not None:
        yield node
        node = node[2]


def _origin(ctx, item):
    """(reference text, node the reference was found at) for one item, or (None, None).

    A System string has no place in the input: it is read against %resource."""
    if type(item) is tuple:
        value = item[0]
        if type(value) is dict:
            reference = value.get("reference")
            return (reference, item) if type(reference) is str else (None, None)
        return (value, item) if type(value) is str else (None, None)
    if type(item) is str:
        anchor = ctx.root[0] if ctx.root and type(ctx.root[0]) is tuple else None
        return item, anchor
    return None, None


def resolve(ctx, focus: tuple) -> tuple:
    """The resources the input's references (Reference items or reference/canonical/uri
    strings) point to, found in the input itself (see the module docstring)."""
    out = []
    for item in focus:
        reference, origin = _origin(ctx, item)
        if reference and origin is not None:
            found = find_reference(ctx, origin, reference)
            if found is not None:
                out.append(found)
    return tuple(out)


def find_reference(ctx, origin, reference: str):
    """The resource node ``reference`` names, as seen from the node ``origin``; None if absent."""
    if reference.startswith("#"):
        return _contained(ctx, origin, reference[1:])
    bundle, entry = _bundle_of(ctx, origin)
    if bundle is not None:
        found = _in_bundle(ctx, bundle, entry, reference)
        if found is not None:
            return found
    if "://" in reference or reference.startswith("urn:"):
        return find_canonical(ctx, origin, reference)
    return None


def _container(origin):
    """The resource holding ``origin`` and, when that one is contained, its container."""
    resource = next((node for node in _chain(origin) if _is_resource(node)), None)
    if resource is None:
        return None
    parent = resource[2]
    if resource[3] == "contained" and parent is not None and _is_resource(parent):
        return parent
    return resource


def _contained(ctx, origin, local_id: str):
    container = _container(origin)
    if container is None:
        return None
    if not local_id:
        return container
    for node in navigate(ctx.model, "contained", (container,)):
        if type(node[0]) is dict and node[0].get("id") == local_id:
            return node
    return None


def _is_bundle(node) -> bool:
    return type(node) is tuple and type(node[0]) is dict and node[0].get("resourceType") == "Bundle"


def _bundle_of(ctx, origin):
    """(the nearest Bundle above ``origin``, the entry node below it) or (%rootResource if
    it is a Bundle, None)."""
    below = None
    for node in _chain(origin):
        if _is_bundle(node):
            return node, below
        below = node
    root = ctx.root[0] if ctx.root else None
    return (root, None) if _is_bundle(root) else (None, None)


def _version_matches(resource: dict, version) -> bool:
    if version is None:
        return True
    meta = resource.get("meta")
    found = meta.get("versionId") if type(meta) is dict else None
    return found is None or found == version


def _in_bundle(ctx, bundle, entry, reference: str):
    entries = navigate(ctx.model, "entry", (bundle,))
    relative = _RELATIVE.fullmatch(reference)
    version = None
    if relative is not None:
        version = relative.group(3)
        wanted = None
        full_url = entry[0].get("fullUrl") if entry is not None and type(entry[0]) is dict else None
        restful = _RESTFUL.fullmatch(full_url) if type(full_url) is str else None
        if restful is not None:
            wanted = restful.group(1) + f"{relative.group(1)}/{relative.group(2)}"
    else:
        wanted, _, version = reference.partition("/_history/")
        version = version or None
    if wanted is not None:
        for candidate in entries:
            value = candidate[0]
            if type(value) is dict and value.get("fullUrl") == wanted:
                for resource in navigate(ctx.model, "resource", (candidate,)):
                    if _version_matches(resource[0], version):
                        return resource
    if relative is None:
        return None
    resource_type, resource_id = relative.group(1), relative.group(2)
    ending = f"/{resource_type}/{resource_id}"
    for candidate in entries:
        full_url = candidate[0].get("fullUrl") if type(candidate[0]) is dict else None
        for resource in navigate(ctx.model, "resource", (candidate,)):
            value = resource[0]
            same = value.get("resourceType") == resource_type and value.get("id") == resource_id
            if (same or (type(full_url) is str and full_url.endswith(ending))) and _version_matches(value, version):
                return resource
    return None


def find_canonical(ctx, origin, canonical: str, resource_type: str | None = None):
    """The resource whose ``url`` (and ``version`` after ``|``) is ``canonical``, searched
    among the contained resources of the resource holding ``origin``, that resource, the
    Bundle entries around it and %rootResource; ``#id`` names a contained resource."""
    if canonical.startswith("#"):
        found = _contained(ctx, origin, canonical[1:])
        if found is not None and resource_type is not None and found[0].get("resourceType") != resource_type:
            return None
        return found
    url, _, version = canonical.partition("|")
    candidates: list = []
    container = _container(origin) if origin is not None else None
    if container is not None:
        candidates += navigate(ctx.model, "contained", (container,))
        candidates.append(container)
    bundle, _ = _bundle_of(ctx, origin) if origin is not None else (None, None)
    if bundle is not None:
        candidates += navigate(ctx.model, "resource", navigate(ctx.model, "entry", (bundle,)))
    candidates += [node for node in ctx.root if type(node) is tuple]
    for node in candidates:
        value = node[0]
        if type(value) is not dict or value.get("url") != url:
            continue
        if resource_type is not None and value.get("resourceType") != resource_type:
            continue
        if version and value.get("version") != version:
            continue
        return node
    return None


# ---- checkModifiers() -------------------------------------------------------------------------


def check_modifiers(ctx, focus: tuple, modifiers) -> tuple:
    """The input unchanged when no item carries a modifierExtension other than the given
    urls; an error otherwise (a reader that does not know a modifier must not go on)."""
    urls = [value_of(item) for item in modifiers or ()]
    for url in urls:
        if type(url) is not str:
            raise FHIRPathEvaluationError(
                "checkModifiers() takes the urls (strings) of the expected modifiers; an argument item is not one",
                code="wrong-argument-type",
            )
    allowed = set(urls)
    for item in focus:
        value = value_of(item)
        if type(value) is not dict:
            continue
        for found in value.get("modifierExtension") or ():
            url = found.get("url") if type(found) is dict else None
            if url not in allowed:
                raise FHIRPathEvaluationError(
                    f"modifier extension '{url}' is not one of the expected modifiers",
                    code="unexpected-modifier",
                )
    return focus
