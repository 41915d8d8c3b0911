"""Build the committed type tables from the shared FHIR StructureDefinitions.

A development tool, never imported at runtime::

    python -m fhirpath.model.generate [--shared PATH] [--out DIR]

It reads the snapshots in ``PATH/fhir-definitions/{r4,r5}`` (default: ``$FHIRPATH_SHARED``,
else ``../shared`` beside the checkout) and writes ``DIR/<release>.txt`` (default: the
``data`` folder beside this file). The output is deterministic, so a test can regenerate it
and compare bytes.

File format (ASCII, one record per line, fields separated by one space, ``-`` = none)::

    fhirpath-model 1 <release> <fhirVersion>
    P <base type> <profile url, id or name (may contain spaces)>
    T <name> <kind> <abstract 0|1> <base> <system type> <interfaces> <elements>

``kind`` is primitive, complex, resource or backbone (a nested element with its own
children, named by its path: ``Patient.contact``). ``system type`` is the FHIRPath type of a
primitive's value (``String``, ``Integer``, ...). ``interfaces`` are comma-separated types
named by the ``structuredefinition-implements`` extension (R5 ``CanonicalResource``...).
``elements`` is ``=`` when the type has exactly its base's elements (``SimpleQuantity``,
``Age``), else ``;``-separated records in snapshot order, either a bare name (the base
type's element of that name, unchanged) or ``name,min,max,types[,targets]`` where
``name`` keeps ``[x]`` for choice elements, ``types`` and ``targets`` are ``|``-separated
type names, a ``contentReference`` names the referenced backbone type, and FHIRPath
system types are written ``System.String``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

FORMAT = "fhirpath-model 1"
RELEASES = ("r4", "r5")
CORE = "http://hl7.org/fhir/StructureDefinition/"
SYSTEM = "http://hl7.org/fhirpath/System."
IMPLEMENTS = CORE + "structuredefinition-implements"
KINDS = {"primitive-type": "primitive", "complex-type": "complex", "resource": "resource"}

FHIR_TYPE = CORE + "structuredefinition-fhir-type"

# Where a definition's own value type contradicts FHIRPath, and the fix. R5 types
# integer64.value as System.Integer (32-bit in FHIRPath); FHIRPath's 64-bit type is Long.
VALUE_TYPE_FIXES = {"integer64": ("Integer", "Long")}

# Elements whose FHIR type the definitions get wrong. R4 calls Resource.id a string;
# the R4 resource documentation, R5 and the official suite (testContainedId) say id.
ELEMENT_TYPE_FIXES = {"Resource.id": "id"}


@dataclass(frozen=True)
class Element:
    name: str  # with [x] for choice elements
    min: int
    max: str
    types: tuple[str, ...]
    targets: tuple[str, ...] = ()

    def record(self) -> str:
        fields = [self.name, str(self.min), self.max, "|".join(self.types)]
        if self.targets:
            fields.append("|".join(self.targets))
        return ",".join(fields)


@dataclass
class Type:
    name: str
    kind: str
    abstract: bool
    base: str | None
    elements: list[Element] | None  # None: exactly the base's (a constraint)
    system: str | None = None
    interfaces: tuple[str, ...] = ()


def read_definitions(folder: Path, stem: str) -> list[dict]:
    path = folder / f"{stem}.json"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        bundle = json.load(f)
    resources = (entry["resource"] for entry in bundle["entry"])
    return sorted(
        (r for r in resources if r["resourceType"] == "StructureDefinition"),
        key=lambda sd: sd["url"],
    )


def last_segment(url: str) -> str:
    return url.rsplit("/", 1)[1]


def element_types(el: dict, backbone_paths: set[str]) -> tuple[str, ...]:
    """The element's type names: its backbone type, a contentReference, or its codes."""
    if el["path"] in backbone_paths:
        return (el["path"],)
    if "contentReference" in el:
        return (el["contentReference"].split("#", 1)[1],)
    defined_at = el.get("base", {}).get("path", el["path"])  # inherited copies name their origin
    if defined_at in ELEMENT_TYPE_FIXES:
        return (ELEMENT_TYPE_FIXES[defined_at],)
    return tuple(type_name(t) for t in el["type"])


def type_name(t: dict) -> str:
    """A type code as a model type name. Elements such as Element.id and Extension.url
    have a System type code; the FHIR type they hold is in an extension (string, uri...)."""
    code = t["code"]
    if not code.startswith(SYSTEM):
        return code
    for extension in t.get("extension", ()):
        if extension.get("url") == FHIR_TYPE:
            return extension.get("valueUrl") or extension.get("valueUri")
    return "System." + code[len(SYSTEM):]


def element_targets(el: dict) -> tuple[str, ...]:
    """Type names of Reference/canonical target profiles, in definition order, once each."""
    names: dict[str, None] = {}
    for t in el.get("type", ()):
        for url in t.get("targetProfile", ()):
            names[last_segment(url)] = None
    return tuple(names)


def specialisation_types(sd: dict) -> list[Type]:
    """The type a specialisation defines, followed by its backbone types in snapshot order."""
    elements = sd["snapshot"]["element"]
    root = elements[0]["path"]
    children: dict[str, list[dict]] = {}
    for el in elements[1:]:
        children.setdefault(el["path"].rpartition(".")[0], []).append(el)
    backbone_paths = set(children) - {root}

    def own_elements(path: str) -> list[Element]:
        return [
            Element(
                name=el["path"][len(path) + 1:],
                min=el["min"],
                max=el["max"],
                types=element_types(el, backbone_paths),
                targets=element_targets(el),
            )
            for el in children.get(path, ())
        ]

    interfaces = tuple(
        last_segment(ext["valueUri"])
        for ext in sd.get("extension", ())
        if ext["url"] == IMPLEMENTS
    )
    system = None
    if sd["kind"] == "primitive-type":
        (value,) = (el for el in elements if el["path"] == root + ".value")
        (code,) = (t["code"] for t in value["type"])
        system = code[len(SYSTEM):]
    main = Type(
        name=sd["name"],
        kind=KINDS[sd["kind"]],
        abstract=sd["abstract"],
        base=last_segment(sd["baseDefinition"]) if sd.get("baseDefinition") else None,
        elements=own_elements(root),
        system=system,
        interfaces=interfaces,
    )
    types = [main]
    for el in elements[1:]:
        if el["path"] in backbone_paths:
            (code,) = (t["code"] for t in el["type"])
            types.append(Type(el["path"], "backbone", False, code, own_elements(el["path"])))
    return types


def fix_primitive_value_types(types: dict[str, Type]) -> None:
    """Give each primitive the FHIRPath value type FHIRPath expects, and its value element too.

    A primitive specialising another keeps its base's value type: R4 and R5 both type
    positiveInt.value and unsignedInt.value as System.String, but they derive from integer.
    """

    def settle(t: Type) -> str:
        base = types.get(t.base or "")
        if base is not None and base.kind == "primitive":
            inherited = settle(base)
            if t.system != inherited:
                note(f"{t.name}: value type {t.system} -> {inherited} (as its base {base.name})")
                t.system = inherited
        wrong, right = VALUE_TYPE_FIXES.get(t.name, (None, None))
        if t.system == wrong:
            note(f"{t.name}: value type {wrong} -> {right}")
            t.system = right
        return t.system

    for t in types.values():
        if t.kind == "primitive":
            settle(t)
            t.elements = [
                Element(e.name, e.min, e.max, ("System." + t.system,)) if e.name == "value" else e
                for e in t.elements
            ]


def note(message: str) -> None:
    print(f"generate: {message}", file=sys.stderr)


def build(folder: Path) -> tuple[str, dict[str, Type], dict[str, str]]:
    """The FHIR version, the types by name (in output order) and the profile map."""
    definitions = read_definitions(folder, "profiles-types") + read_definitions(
        folder, "profiles-resources"
    )
    (version,) = {sd["fhirVersion"] for sd in definitions}
    constraints = [sd for sd in definitions if sd.get("derivation") == "constraint"]
    found: list[Type] = []
    for sd in sorted(definitions, key=lambda sd: sd["name"]):
        if sd.get("derivation") == "constraint":
            found.append(Type(sd["name"], KINDS[sd["kind"]], sd["abstract"], sd["type"], None))
        else:
            found.extend(specialisation_types(sd))
    types = {t.name: t for t in found}
    if len(types) != len(found):
        raise SystemExit(f"{folder}: duplicate type names")
    fix_primitive_value_types(types)
    check(folder, types)
    profiles = profile_map(constraints + read_definitions(folder, "profiles-others"), types)
    return version, types, profiles


def check(folder: Path, types: dict[str, Type]) -> None:
    """Fail on any name the runtime could not resolve."""
    for t in types.values():
        for name in (t.base, *t.interfaces):
            if name is not None and name not in types:
                raise SystemExit(f"{folder}: {t.name} names unknown type {name}")
        for e in t.elements or ():
            for name in e.types + e.targets:
                if name not in types and not name.startswith("System."):
                    raise SystemExit(f"{folder}: {t.name}.{e.name} names unknown type {name}")


def profile_map(constraints: list[dict], types: dict[str, Type]) -> dict[str, str]:
    """Profile url, id and name -> the type it constrains; ids and names only if unambiguous."""
    bases: dict[str, set[str]] = {}
    for sd in constraints:
        if sd["type"] not in types:
            raise SystemExit(f"profile {sd['url']} constrains unknown type {sd['type']}")
        for key in (sd["url"], sd["id"], sd["name"]):
            bases.setdefault(key, set()).add(sd["type"])
    ambiguous = sorted(key for key, found in bases.items() if len(found) > 1)
    if ambiguous:
        note(f"profile keys left out as ambiguous: {', '.join(ambiguous)}")
    return {key: found.pop() for key, found in sorted(bases.items()) if len(found) == 1}


def elements_field(t: Type, types: dict[str, Type]) -> str:
    """The `elements` field: `=`, `-`, or records that name unchanged inherited elements only."""
    base = types.get(t.base or "")
    inherited = resolved_elements(base, types) if base is not None else []
    if t.elements is None or (base is not None and t.elements == inherited):
        return "="
    if not t.elements:
        return "-"
    by_name = {e.name: e for e in inherited}
    return ";".join(
        e.name.removesuffix("[x]") if by_name.get(e.name) == e else e.record() for e in t.elements
    )


def resolved_elements(t: Type, types: dict[str, Type]) -> list[Element]:
    if t.elements is None:
        return resolved_elements(types[t.base], types)
    return t.elements


def render(release: str, version: str, types: dict[str, Type], profiles: dict[str, str]) -> str:
    lines = [f"{FORMAT} {release} {version}"]
    lines.extend(f"P {base} {key}" for key, base in profiles.items())
    for t in types.values():
        fields = (
            "T",
            t.name,
            t.kind,
            "1" if t.abstract else "0",
            t.base or "-",
            t.system or "-",
            ",".join(t.interfaces) or "-",
            elements_field(t, types),
        )
        lines.append(" ".join(fields))
    return "\n".join(lines) + "\n"


def generate(shared: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for release in RELEASES:
        version, types, profiles = build(shared / "fhir-definitions" / release)
        path = out / f"{release}.txt"
        path.write_bytes(render(release, version, types, profiles).encode("ascii"))
        written.append(path)
    return written


def default_shared() -> Path:
    env = os.environ.get("FHIRPATH_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m fhirpath.model.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--shared", type=Path, default=default_shared(), help="the shared fixtures folder"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    args = parser.parse_args(argv)
    for path in generate(args.shared, args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
