"""Read the official HL7 FHIRPath suites (XML) into plain records."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

SUITE_FILES = {"r4": "r4/tests-fhir-r4.xml", "r5": "r5/tests-fhir-r5.xml"}


@dataclass(frozen=True)
class Output:
    type: str | None  # FHIR type name ('string', 'code', 'Quantity'...) or None (implied by the literal)
    text: str  # the FHIRPath literal text, e.g. '@2014-01-25', "1.58 'cm'"


@dataclass(frozen=True)
class Case:
    release: str
    group: str
    name: str
    expression: str
    invalid: str | None  # 'syntax' | 'semantic' | 'execution' | 'true' | None
    inputfile: str | None
    outputs: tuple[Output, ...]
    mode: str | None = None
    predicate: bool = False
    ordered: bool = True
    attributes: dict = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return f"{self.release}/{self.group}/{self.name}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def load_cases(shared: Path, release: str) -> list[Case]:
    """Every test of one release's suite, in file order; duplicate names get a #n suffix."""
    root = ET.parse(shared / "fhirpath-tests" / SUITE_FILES[release]).getroot()
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for group in root:
        if _local(group.tag) != "group":
            continue
        for test in group:
            if _local(test.tag) != "test":
                continue
            expression = next(child for child in test if _local(child.tag) == "expression")
            outputs = tuple(
                Output(child.get("type"), child.text or "") for child in test if _local(child.tag) == "output"
            )
            name = test.get("name")
            key = f"{group.get('name')}/{name}"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                name = f"{name}#{seen[key]}"
            cases.append(
                Case(
                    release=release,
                    group=group.get("name"),
                    name=name,
                    expression=expression.text or "",
                    invalid=expression.get("invalid"),
                    inputfile=test.get("inputfile"),
                    outputs=outputs,
                    mode=test.get("mode") or expression.get("mode"),  # r4 testIif6 puts it there
                    predicate=test.get("predicate") == "true",
                    ordered=test.get("ordered") != "false",
                    attributes=dict(test.attrib),
                )
            )
    return cases
