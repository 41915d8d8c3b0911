"""The FHIR XML converter of the harness (tests/conformance/fhir_xml.py).

Its main check: every suite XML input that has a JSON twin converts to that twin.
Two differences are allowed, both forced by XML itself and both narrow:

- the narrative ``div`` compares as XHTML with whitespace collapsed (the twins were
  chosen with the div ignored, and several are pretty-printed differently);
- a string may hold a space where the twin has a tab, newline or carriage return: an
  XML parser normalises those in attribute values (XML 1.0 §3.3.3), so a ``value``
  attribute cannot carry them unescaped (codesystem-example ``description``).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from tests.conftest import SHARED
from tests.conformance.fhir_xml import resource_from_xml


def xml_inputs_with_twins() -> list:
    params = []
    for release in ("r4", "r5"):
        folder = SHARED / "fhirpath-tests" / release / "input"
        for path in sorted(folder.glob("*.xml")):
            if path.with_suffix(".json").is_file():
                params.append(pytest.param(release, path, id=f"{release}/{path.name}"))
    return params or [pytest.param(None, None, id="shared-fixtures-missing")]


@pytest.mark.parametrize(("release", "path"), xml_inputs_with_twins())
def test_xml_input_converts_to_its_json_twin(shared, release, path):
    converted = resource_from_xml(path.read_text(encoding="utf-8"), release)
    twin = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"), parse_float=Decimal)
    assert differences(converted, twin) == []


def test_the_inputs_without_twin_convert(shared):
    html = resource_from_xml((shared / "fhirpath-tests/r5/input/parameters-example-html.xml").read_text(), "r5")
    assert html["parameter"][2] == {"name": "notString", "valueInteger": 5}
    conceptmap = resource_from_xml((shared / "fhirpath-tests/r5/input/conceptmap-example.xml").read_text(), "r5")
    assert [len(group["element"]) for group in conceptmap["group"]] == [3, 2, 2, 2]  # as the XML has them


def differences(converted, twin, path: str = "") -> list[str]:
    """Where ``converted`` and ``twin`` differ, beyond the two allowed differences."""
    if isinstance(converted, dict) and isinstance(twin, dict):
        found = []
        for key in sorted(set(converted) | set(twin)):
            if key not in converted or key not in twin:
                found.append(f"{path}.{key} only in the {'converted XML' if key in converted else 'twin'}")
            elif key == "div" and isinstance(twin[key], str):
                if xhtml_shape(converted[key]) != xhtml_shape(twin[key]):
                    found.append(f"{path}.div differs beyond whitespace")
            else:
                found += differences(converted[key], twin[key], f"{path}.{key}")
        return found
    if isinstance(converted, list) and isinstance(twin, list) and len(converted) == len(twin):
        return [d for i, (a, b) in enumerate(zip(converted, twin)) for d in differences(a, b, f"{path}[{i}]")]
    if isinstance(converted, str) and isinstance(twin, str):
        return [] if converted == re.sub(r"[\t\n\r]", " ", twin) else [f"{path}: {converted!r} != {twin!r}"]
    if typed(converted) != typed(twin):
        return [f"{path}: {converted!r} != {twin!r}"]
    return []


def typed(value):
    """A JSON value with its JSON kind: 1 and 1.0 differ, True and 1 differ."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        return ("number", str(value))
    return (type(value).__name__, value)


def xhtml_shape(text: str):
    """An XHTML fragment as nested (tag, attributes, text, children) with whitespace collapsed."""
    def shape(node):
        def words(text):
            return " ".join((text or "").split())
        children = tuple((shape(child), words(child.tail)) for child in node)
        return node.tag, tuple(sorted(node.attrib.items())), words(node.text), children
    return shape(ET.fromstring(text))


# ---- the rules, one by one, on small documents --------------------------------------

def fhir(body: str, root: str = "Patient") -> str:
    return f'<{root} xmlns="http://hl7.org/fhir">{body}</{root}>'


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (fhir('<id value="p1"/><active value="true"/>'), {"id": "p1", "active": True}),
        # a list element is an array even with one item; a single one never is
        (fhir('<name><given value="a"/></name>'), {"name": [{"given": ["a"]}]}),
        # numbers by the primitive type; a decimal keeps its text
        (fhir('<valueQuantity><value value="1.50"/></valueQuantity>', "Observation"),
         {"valueQuantity": {"value": Decimal("1.50")}}),
        (fhir('<multipleBirthInteger value="2"/>'), {"multipleBirthInteger": 2}),
        # a primitive's id and extensions go to _name, arrays kept parallel
        (fhir('<name><given value="a"/><given id="g2"><extension url="u"><valueCode value="c"/>'
              '</extension></given></name>'),
         {"name": [{"given": ["a", None], "_given": [None, {"id": "g2", "extension": [
             {"url": "u", "valueCode": "c"}]}]}]}),
        (fhir('<birthDate id="b"/>'), {"_birthDate": {"id": "b"}}),
        # a nested resource is the single child of its element
        (fhir('<contained><Organization><id value="o"/></Organization></contained>'),
         {"contained": [{"resourceType": "Organization", "id": "o"}]}),
        # the narrative div, as XHTML text with its namespace declared
        (fhir('<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">a &lt; b<br/>'
              '</div></text>'),
         {"text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">a &lt; b<br/></div>'}}),
    ],
)
def test_a_rule_of_the_xml_format(xml, expected):
    root = re.match(r"<(\w+)", xml).group(1)
    assert resource_from_xml(xml, "r4") == {"resourceType": root, **expected}


@pytest.mark.parametrize(
    "xml",
    [
        '<ClinicalDocument xmlns="urn:hl7-org:v3"/>',  # CDA is not FHIR
        fhir('<nickname value="x"/>'),  # no such element
        fhir('<gender value="male"/><gender value="female"/>'),  # repeats but is not a list
        fhir('<active value="yes"/>'),  # not a boolean
    ],
)
def test_what_the_model_does_not_allow_is_an_error(xml):
    with pytest.raises(ValueError):
        resource_from_xml(xml, "r4")
