"""Terminology functions of FHIR's FHIRPath additions (fhirpath.html#functions): memberOf(),
subsumes() and subsumedBy(), answered from ValueSets and CodeSystems present in the input.

FHIR suggests a terminology service. This engine has none: a value set or code system is
found by canonical URL (or ``#id``) among the resources contained in the resource being
evaluated, the entries of the Bundle around it, and %rootResource itself (see
`fhirpath.functions.fhir.find_canonical`). When the answer needs something that is not
there (an unknown value set, a code system that is missing or not ``content = complete``,
a filter other than ``is-a``/``descendent-of``/``is-not-a``/``in`` on ``concept``) the
function raises ``terminology-unavailable``; it never guesses.

A value set with an ``expansion`` is read from it; otherwise its ``compose`` is evaluated
code by code. A code without a system (a ``code`` element or a string) is looked up only
when the value set draws on exactly one code system, else the result is empty. Empty
and multi-item inputs or arguments give empty, and so do codings of different systems
in subsumes()/subsumedBy() (the newer FHIR text; R5 says "error").
"""

from __future__ import annotations

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions.fhir import find_canonical
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE


def _unavailable(message: str) -> FHIRPathEvaluationError:
    return FHIRPathEvaluationError(message, code="terminology-unavailable")


def _codings(item) -> list | None:
    """(system or None, code) pairs an item stands for, or None if it is not coded."""
    if type(item) is not tuple:
        return [(None, item)] if type(item) is str else None
    value, t = item[0], item[1]
    if type(value) is str:
        return [(None, value)]
    if type(value) is not dict:
        return None
    name = t.name if t is not None else None
    if name == "CodeableConcept" or (name is None and "coding" in value):
        codings = value.get("coding")
        return [
            (coding.get("system"), coding.get("code"))
            for coding in (codings if type(codings) is list else ())
            if type(coding) is dict and type(coding.get("code")) is str
        ]
    if name == "Coding" or (name is None and "code" in value):
        code = value.get("code")
        return [(value.get("system"), code)] if type(code) is str else []
    return None


def _anchor(ctx, item):
    """Where to look for definitions from: the item's node, else %resource."""
    if type(item) is tuple:
        return item
    return ctx.root[0] if ctx.root and type(ctx.root[0]) is tuple else None


class _Lookup:
    """Value set and code system questions for one call, seen from one place in the input."""

    __slots__ = ("ctx", "origin", "_systems", "_open")

    def __init__(self, ctx, origin) -> None:
        self.ctx, self.origin = ctx, origin
        self._systems: dict = {}  # url -> (codes, parents)
        self._open: set = set()  # value sets being evaluated (import cycles)

    def value_set(self, url: str) -> dict:
        found = find_canonical(self.ctx, self.origin, url, "ValueSet")
        if found is None:
            raise _unavailable(f"value set '{url}' is not in the input and no terminology service is available")
        return found[0]

    def code_system(self, url: str):
        """(codes, parent map) of a complete code system in the input."""
        known = self._systems.get(url)
        if known is not None:
            return known
        found = find_canonical(self.ctx, self.origin, url, "CodeSystem")
        if found is None:
            raise _unavailable(f"code system '{url}' is not in the input and no terminology service is available")
        system = found[0]
        if system.get("content") != "complete":
            raise _unavailable(f"code system '{url}' in the input is not complete (content = {system.get('content')!r})")
        codes: set = set()
        parents: dict = {}
        stack = [(concept, None) for concept in system.get("concept") or () if type(concept) is dict]
        while stack:
            concept, parent = stack.pop()
            code = concept.get("code")
            if type(code) is not str:
                continue
            codes.add(code)
            if parent is not None:
                parents.setdefault(code, set()).add(parent)
            for prop in concept.get("property") or ():
                if type(prop) is dict and prop.get("code") == "parent" and type(prop.get("valueCode")) is str:
                    parents.setdefault(code, set()).add(prop["valueCode"])
                if type(prop) is dict and prop.get("code") == "child" and type(prop.get("valueCode")) is str:
                    parents.setdefault(prop["valueCode"], set()).add(code)
            stack += [(child, code) for child in concept.get("concept") or () if type(child) is dict]
        known = self._systems[url] = (codes, parents)
        return known

    def ancestors(self, system: str, code: str) -> set:
        _, parents = self.code_system(system)
        found: set = set()
        stack = [code]
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        return found

    # ---- value sets ----

    def systems_of(self, value_set: dict) -> set:
        """The code systems a value set draws on."""
        expansion = value_set.get("expansion")
        if type(expansion) is dict and expansion.get("contains") is not None:
            return {system for system, _, _ in _expansion(expansion)}
        found: set = set()
        compose = value_set.get("compose")
        includes = compose.get("include") if type(compose) is dict else None
        for include in includes or ():
            if type(include) is not dict:
                continue
            if include.get("system") is not None:
                found.add(include["system"])
            elif include.get("valueSet"):
                for url in include["valueSet"]:
                    found |= self.systems_of(self.value_set(url))
        return found

    def contains(self, value_set: dict, system, code: str) -> bool | None:
        """Is (system, code) in the value set? None when a system-less code is ambiguous."""
        if system is None:
            systems = self.systems_of(value_set)
            if len(systems) != 1:
                return None
            (system,) = systems
        expansion = value_set.get("expansion")
        if type(expansion) is dict and expansion.get("contains") is not None:
            return any(
                s == system and c == code and not abstract for s, c, abstract in _expansion(expansion)
            )
        compose = value_set.get("compose")
        if type(compose) is not dict:
            raise _unavailable(f"value set '{value_set.get('url')}' has neither an expansion nor a compose")
        key = id(value_set)
        if key in self._open:
            raise _unavailable(f"value set '{value_set.get('url')}' imports itself")
        self._open.add(key)
        try:
            included = any(self._selects(part, system, code) for part in compose.get("include") or ())
            return included and not any(self._selects(part, system, code) for part in compose.get("exclude") or ())
        finally:
            self._open.discard(key)

    def _selects(self, part, system: str, code: str) -> bool:
        """Does one include/exclude entry select (system, code)?"""
        if type(part) is not dict:
            return False
        part_system = part.get("system")
        imports = part.get("valueSet") or ()
        if part_system is None and not imports:
            return False
        if part_system is not None:
            if part_system != system:
                return False
            concepts = part.get("concept")
            filters = part.get("filter")
            if concepts:
                if not any(type(c) is dict and c.get("code") == code for c in concepts):
                    return False
            elif filters:
                if not all(self._passes(system, f, code) for f in filters):
                    return False
            elif code not in self.code_system(system)[0]:
                return False
        return all(self.contains(self.value_set(url), system, code) for url in imports)

    def _passes(self, system: str, rule, code: str) -> bool:
        rule = rule if type(rule) is dict else {}
        op, value = rule.get("op"), rule.get("value")
        if rule.get("property") != "concept" or type(value) is not str or op not in _FILTERS:
            raise _unavailable(f"value set filter {rule!r} needs a terminology service")
        codes, _ = self.code_system(system)
        if code not in codes:
            return False
        if op == "in":
            return code in {part.strip() for part in value.split(",")}
        is_a = code == value or value in self.ancestors(system, code)
        if op == "is-a":
            return is_a
        if op == "is-not-a":
            return not is_a
        return code != value and is_a  # descendent-of


_FILTERS = ("is-a", "descendent-of", "is-not-a", "in")


def _expansion(expansion: dict) -> list:
    """(system, code, abstract) of every entry of an expansion, nested ones included."""
    out = []
    stack = list(expansion.get("contains") or ())
    while stack:
        entry = stack.pop()
        if type(entry) is not dict:
            continue
        if type(entry.get("code")) is str:
            out.append((entry.get("system"), entry["code"], entry.get("abstract") is True))
        stack += entry.get("contains") or ()
    return out


def member_of(ctx, focus: tuple, valueset) -> tuple:
    """Is the single coded input (code, string, Coding, CodeableConcept) in the value set?"""
    if len(focus) != 1 or type(valueset) is not str:
        return EMPTY
    codings = _codings(focus[0])
    if codings is None:
        return EMPTY
    lookup = _Lookup(ctx, _anchor(ctx, focus[0]))
    value_set = lookup.value_set(valueset)
    unknown = False
    for system, code in codings:
        found = lookup.contains(value_set, system, code)
        if found:
            return TRUE
        unknown = unknown or found is None
    return EMPTY if unknown else FALSE


def _subsumption(ctx, focus: tuple, other, ancestor_first: bool) -> tuple:
    if len(focus) != 1 or other is None or len(other) != 1:
        return EMPTY
    left, right = _codings(focus[0]), _codings(other[0])
    if not left or not right:
        return EMPTY
    lookup = _Lookup(ctx, _anchor(ctx, focus[0]))
    compared = False
    for system, code in left:
        for other_system, other_code in right:
            if system is None or system != other_system:
                continue
            compared = True
            if code == other_code:
                return TRUE
            general, specific = (code, other_code) if ancestor_first else (other_code, code)
            codes, _ = lookup.code_system(system)
            if specific in codes and general in lookup.ancestors(system, specific):
                return TRUE
    return FALSE if compared else EMPTY


def subsumes(ctx, focus: tuple, code) -> tuple:
    """Is the input code the given code or an ancestor of it (same code system)?"""
    return _subsumption(ctx, focus, code, ancestor_first=True)


def subsumed_by(ctx, focus: tuple, code) -> tuple:
    """Is the input code the given code or a descendant of it (same code system)?"""
    return _subsumption(ctx, focus, code, ancestor_first=False)
