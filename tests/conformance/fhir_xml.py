"""FHIR XML -> FHIR JSON, so the suite cases whose input has no JSON twin can run.

The harness reads JSON; three R5 inputs exist only as XML. This converter applies the
rules of FHIR's XML and JSON formats (FHIR spec, xml.html and json.html), with the
model (`fhirpath.model.load_model`) saying what the XML cannot:

- the root element names the resource (``resourceType``); a nested resource
  (``contained``, ``Bundle.entry.resource``, ``Parameters.parameter.resource``) is
  the single child of its element;
- an element the model marks ``is_list`` becomes an array, in document order;
- a primitive's ``value`` attribute becomes a JSON boolean, number or string by the
  primitive's FHIR type (a decimal keeps its exact text, as a `Decimal`); its ``id``
  attribute and ``extension`` children go to ``_name`` (arrays of primitives get a
  parallel ``_name`` array, with ``None`` where an item has neither);
- choice elements keep their typed name (``valueString``); ``Element.id`` and
  ``Extension.url`` are attributes;
- the xhtml ``div`` becomes its serialised XHTML text, with the XHTML namespace
  declared on the ``div``.

Anything the model does not know raises `ValueError`: the converter is checked against
every XML input that has a JSON twin (tests/conformance/test_fhir_xml.py), and a
silent guess would hide a difference there.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from fhirpath.model import load_model

FHIR = "{http://hl7.org/fhir}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML = "{http://www.w3.org/XML/1998/namespace}"

#: JSON representation of the primitives that are not strings (FHIR json.html);
#: integer64 is a string in JSON
_NUMBERS = {"integer": int, "positiveInt": int, "unsignedInt": int, "decimal": Decimal}


def resource_from_xml(text: str, release: str) -> dict:
    """The FHIR JSON (as Python values) of the resource ``text`` holds."""
    return _resource(ET.fromstring(text), load_model(release))


def _resource(node: ET.Element, model) -> dict:
    name = _fhir_name(node)
    t = model.type(name)
    if t is None or t.kind != "resource" or t.abstract:
        raise ValueError(f"<{name}> is not a FHIR resource type of {model.release}")
    out = {"resourceType": name}
    _fill(out, node, t, model)
    return out


def _fhir_name(node: ET.Element) -> str:
    if node.tag == XHTML + "div":  # Narrative.div, the one element in another namespace
        return "div"
    if not node.tag.startswith(FHIR):
        raise ValueError(f"{node.tag} is not in the FHIR namespace")
    return node.tag[len(FHIR):]


def _fill(out: dict, node: ET.Element, t, model) -> None:
    """Put the attributes and children of the complex element ``node`` (of type ``t``) into ``out``."""
    for attribute, text in node.attrib.items():
        if attribute.startswith("{"):  # xsi:schemaLocation and the like
            continue
        if t.child_by_key(attribute) is None:
            raise ValueError(f"{t.name} has no attribute {attribute!r}")
        out[attribute] = text
    # name -> [(json value or None, primitive extras or None)], in document order
    found: dict[str, list[tuple[object, dict | None]]] = {}
    lists: set[str] = set()
    for child in node:
        name = _fhir_name(child)
        hit = t.child_by_key(name)
        if hit is None:
            raise ValueError(f"{t.name} has no element {name!r}")
        element, child_type = hit
        if element.is_list:
            lists.add(name)
        elif name in found:
            raise ValueError(f"{t.name}.{name} repeats but is not a list")
        found.setdefault(name, []).append(_value(child, child_type, model))
    for name, items in found.items():
        values = [value for value, _ in items]
        extras = [extra for _, extra in items]
        if name not in lists:
            values, extras = values[0], extras[0]
            if values is not None:
                out[name] = values
            if extras is not None:
                out["_" + name] = extras
            continue
        if any(value is not None for value in values):
            out[name] = values
        if any(extra is not None for extra in extras):
            out["_" + name] = extras


def _value(node: ET.Element, t, model) -> tuple[object, dict | None]:
    """(JSON value, extras for ``_name``) of one element of type ``t``."""
    if t.kind == "resource":
        nested = list(node)
        if len(nested) != 1:
            raise ValueError(f"<{_fhir_name(node)}> must hold exactly one resource")
        return _resource(nested[0], model), None
    if t.kind != "primitive":
        out: dict = {}
        _fill(out, node, t, model)
        return out, None
    if t.name == "xhtml":
        return _xhtml(node, root=True), None
    extras: dict = {}
    value = None
    for attribute, text in node.attrib.items():
        if attribute == "value":
            value = _primitive(text, t.name)
        elif attribute == "id":
            extras["id"] = text
        else:
            raise ValueError(f"a {t.name} has no attribute {attribute!r}")
    extensions = []
    extension_type = model.type("Extension")
    for child in node:
        if _fhir_name(child) != "extension":
            raise ValueError(f"a {t.name} has only extensions as children, not {child.tag}")
        extensions.append(_value(child, extension_type, model)[0])
    if extensions:
        extras["extension"] = extensions
    return value, extras or None


def _primitive(text: str, type_name: str):
    if type_name == "boolean":
        if text not in ("true", "false"):
            raise ValueError(f"{text!r} is not a boolean")
        return text == "true"
    convert = _NUMBERS.get(type_name)
    return text if convert is None else convert(text)


def _xhtml(node: ET.Element, *, root: bool = False) -> str:
    """The element as XHTML text: the XHTML namespace as the default one, declared on the root."""
    if not node.tag.startswith(XHTML):
        raise ValueError(f"{node.tag} is not an XHTML element")
    name = node.tag[len(XHTML):]
    attributes = [' xmlns="http://www.w3.org/1999/xhtml"'] if root else []
    for attribute, text in node.attrib.items():
        if attribute.startswith(XML):
            attribute = "xml:" + attribute[len(XML):]
        elif attribute.startswith("{"):
            raise ValueError(f"attribute {attribute} in narrative: only XHTML and xml: attributes are expected")
        attributes.append(f" {attribute}={quoteattr(text)}")
    inner = escape(node.text or "") + "".join(_xhtml(child) + escape(child.tail or "") for child in node)
    opening = f"<{name}{''.join(attributes)}"
    return f"{opening}/>" if not inner else f"{opening}>{inner}</{name}>"
