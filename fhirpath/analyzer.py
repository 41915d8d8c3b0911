"""Static analysis: the type of every node, and findings as `Diagnostic`s, never raised.

Types come from the same places the compiler reads: the function table
(`FunctionSpec.input`, ``params``, ``returns``, ``singleton_input``, ``flow``,
``ordered_input``, ``unordered_result``), the operator specs (``left``/``right``/
``returns`` and ``type_pairs``) and the FHIR model (element types, choice elements,
backbone types, abstract resources standing for any resource type). The analyzer
keeps no lists of functions or operators of its own; it names only defineVariable(),
which changes the scope of the rest of its chain.

A node's type is a `StaticType`: the set of types its items may have (None when
unknown), whether it holds at most one item, and a few facts the checks need. Nodes
are pooled and shared between expressions (`fhirpath.ast`), so types live in a side
table keyed by ``(id(node), absolute start of its extent)``, kept by the `Analysis`.

Severity follows certainty: "error" for what can never work under FHIRPath's typing
(an element the focus type does not have, a String function applied to an
Identifier), "warning" for what may fail on some data (several items where one is
required) or is allowed but pointless (a type name that never matches the context).
``compile(strict=True)`` raises every error; a plain ``compile()`` raises only the
codes in `ALWAYS_RAISED` (see there).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Mapping, NamedTuple

from fhirpath import ast
from fhirpath.errors import Diagnostic, FHIRPathSemanticError, did_you_mean
from fhirpath.functions.spec import SAME_AS_INPUT, Flow, FunctionSpec, OperatorSpec, ParamKind
from fhirpath.functions.table import FUNCTIONS, OPERATORS, UNARY_OPERATORS
from fhirpath.functions.types import resolve_type_name
from fhirpath.model import IMPLICIT_CONVERSIONS, SYSTEM_TYPES, TypeInfo

#: Error codes a non-strict compile raises too: exactly what the official suites mark
#: invalid="semantic" outside strict mode. A typed choice name (`valueQuantity`,
#: r5 polymorphics/testPolymorphicsB); a function input or argument that can never have
#: the type the function takes (`Appointment.identifier.startsWith('rand')`,
#: testStartsWithNonString1); two operands the operator takes one by one but never
#: together (`@1974-12-25 + 7`, testPlus6); several items for a criterion
#: (`iif(1 | 2 | 3, ...)`, testCollectionBoolean1). The suites keep the rest for
#: evaluation time (`'a' - 'b'` and `1 > (2 is Boolean)` are execution errors there),
#: so other errors wait for ``strict=True``.
ALWAYS_RAISED = frozenset(
    {"choice-suffix", "wrong-input-type", "wrong-argument-type", "incompatible-operands", "argument-not-a-singleton"}
)

_LITERAL_TYPES = {
    "boolean": "Boolean", "string": "String", "integer": "Integer", "long": "Long", "decimal": "Decimal",
    "date": "Date", "datetime": "DateTime", "time": "Time", "quantity": "Quantity",
}
_STRING = SYSTEM_TYPES["String"]
_BOOLEAN = SYSTEM_TYPES["Boolean"]
_INTEGER = SYSTEM_TYPES["Integer"]


class StaticType(NamedTuple):
    """What is known about a collection before evaluation."""

    #: the types its items may have; None when unknown (anything)
    types: frozenset | None
    #: holds at most one item
    single: bool = False
    #: the exact items (as hashable keys) when made of literals only, e.g. ``1 | 2 | 3``
    constant: tuple | None = None
    #: the choice element (``Observation.value[x]``) the items come from, until narrowed
    choice: object = None
    #: the order of the items is undefined (children(), descendants())
    unordered: bool = False

    def describe(self) -> str:
        """``FHIR.HumanName [0..*]``, ``System.Boolean [0..1]``: for hover and messages."""
        if self.types is None:
            names = "Any"
        else:
            names = " | ".join(sorted(t.qualified for t in self.types)) or "empty"
        return f"{names} [0..{'1' if self.single else '*'}]"


UNKNOWN = StaticType(None)
_UNKNOWN_ITEM = StaticType(None, True)
_EMPTY = StaticType(frozenset(), True, ())


class Candidate:
    """A name completion may offer after ``focus.``: an element or a function. (This and
    `_Scope` are plain classes with slots: a NamedTuple class costs 3-5 KB more in every
    process that analyses.)"""

    __slots__ = ("name", "kind", "detail")

    def __init__(self, name: str, kind: str, detail: str) -> None:
        self.name = name
        self.kind = kind  # "element" | "function"
        self.detail = detail  # the element's type, or the function's signature

    def __repr__(self) -> str:
        return f"Candidate({self.name!r}, {self.kind!r}, {self.detail!r})"


class _Scope:
    __slots__ = ("this", "variables")

    def __init__(self, this: StaticType, variables: Mapping[str, StaticType]) -> None:
        self.this = this
        self.variables = variables  # %names defined so far on this chain (defineVariable)


class Analysis:
    """The outcome of analysing one tree: diagnostics, the result type, and the type of
    every node (for hover and completion)."""

    __slots__ = ("tree", "base", "diagnostics", "result", "_types", "_this")

    def __init__(self, tree, base: int, diagnostics: list, result: StaticType, types: dict, this: dict) -> None:
        self.tree = tree
        self.base = base
        self.diagnostics = diagnostics
        self.result = result
        self._types = types
        self._this = this

    @classmethod
    def failed(cls, diagnostic: Diagnostic) -> Analysis:
        """The analysis of text that does not parse: its syntax error, and no types."""
        return cls(None, 0, [diagnostic], UNKNOWN, {}, {})

    def __repr__(self) -> str:
        return f"<Analysis {self.result.describe()}, {len(self.diagnostics)} diagnostics>"

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def type_of(self, node: ast.Node, at: int) -> StaticType | None:
        """The type of ``node`` whose extent starts at absolute offset ``at``."""
        return self._types.get((id(node), at))

    def type_at(self, offset: int) -> tuple[int, int, StaticType] | None:
        """(start, end, type) of the innermost node whose own span holds ``offset`` (hover)."""
        if self.tree is None:
            return None
        found = ast.node_at(self.tree, offset, self.base)
        if found is None:
            return None
        node, at = found
        static = self._types.get((id(node), at))
        if static is None:
            return None
        start, end = ast.span(node, at)
        return start, end, static

    def focus_at(self, offset: int) -> StaticType | None:
        """The type a name at ``offset`` is looked up on (completion): the target of
        ``a.name``/``a.name()``, or ``$this`` for a name that starts a path."""
        if self.tree is None:
            return None
        found = ast.node_at(self.tree, offset, self.base)
        if found is None:
            return None
        node, at = found
        target = getattr(node, "target", None)
        if isinstance(node, (ast.Member, ast.Call)) and target is not None:
            return self._types.get((id(target), at))
        return self._this.get((id(node), at))


class Analyzer:
    """Analyses trees for one model and function table. Stateless between calls apart
    from per-model lookups it keeps (bounded by the model's size), so one instance can
    serve many threads."""

    def __init__(self, model=None, functions: Mapping[str, FunctionSpec] = FUNCTIONS, *,
                 typed_choices: bool = False) -> None:
        self.model = model
        self.functions = functions
        #: lenient mode: a typed choice name (Observation.valueQuantity) is only a warning
        self.typed_choices = typed_choices
        #: abstract resource type -> {element name: (types, is_list)} over its concrete subtypes
        self._subtype_elements: dict[TypeInfo, dict[str, tuple[frozenset, bool]]] = {}
        #: (type, element name) -> `element()` for the elements the model has
        self._elements: dict[tuple[TypeInfo, str], tuple] = {}
        #: resource type a path starts with -> its StaticType as the root context
        self._roots: dict[TypeInfo, StaticType] = {}

    def analyze(
        self,
        tree: ast.Node,
        base: int = 0,
        *,
        context: str | None = None,
        variables: Iterable[str] | None = None,
    ) -> Analysis:
        """Analyse ``tree`` (positions relative to ``base``, see `fhirpath.ast`).

        ``context`` names the type the expression is evaluated on: a type
        (``Patient``) or an element path (``Patient.contact``). Without it, a path that
        starts with a resource type name (``Patient.name``) fixes it. ``variables``
        names the %variables the caller will pass; without it an unknown one is only
        a warning."""
        walk = _Walk(self, self._environment(tree, context), variables)
        result, _ = walk.visit(tree, base, walk.root)
        return Analysis(tree, base, walk.diagnostics, result, walk.types, walk.this)

    def candidates(self, focus: StaticType) -> list[Candidate]:
        """Elements of the focus types, then the functions whose input accepts the focus."""
        out: dict[str, Candidate] = {}
        for t in focus.types or ():
            for element in self._elements_of(t):
                if element.name not in out:
                    types = frozenset(choice for _, choice in element.choices)
                    detail = StaticType(types, not element.is_list).describe()
                    out[element.name] = Candidate(element.name, "element", detail)
        elements = sorted(out.values(), key=lambda candidate: candidate.name)
        functions = [
            Candidate(name, "function", spec.signature())
            for name, spec in sorted(self.functions.items())
            if _accepts_focus(spec, focus)
        ]
        return elements + functions

    # ---- the model ---------------------------------------------------------------

    def context_type(self, context: str) -> tuple[StaticType, StaticType]:
        """(type of the context, type of its resource) for a type name, an element path
        (``Patient.contact``) or several of them joined by ``|`` (a search parameter's
        bases). The resource of a data type context is any resource."""
        these, resources = set(), set()
        for part in context.split("|"):
            types, resource = self._one_context(part.strip())
            these |= types
            resources.add(resource)
        return StaticType(frozenset(these), True), StaticType(frozenset(resources), True)

    def _one_context(self, context: str) -> tuple[frozenset, TypeInfo]:
        model = self.model
        head, *steps = context.removeprefix("FHIR.").split(".")
        start = model.type(head)
        if start is None or start.namespace != "FHIR":
            raise FHIRPathSemanticError(f"unknown context type '{context}'", code="unknown-type")
        resource = start if start.kind == "resource" else model.type("Resource")
        found = model.type(context)  # backbone types are named by their path
        if found is not None and found.namespace == "FHIR":
            return frozenset({found}), resource
        types = frozenset({start})
        for step in steps:
            hits = [self.element(t, step.removesuffix("[x]")) for t in types]
            if None in hits:
                raise FHIRPathSemanticError(f"unknown context type '{context}'", code="unknown-type")
            types = frozenset().union(*(hit[0] for hit in hits))
        return types, resource

    def element(self, t: TypeInfo, name: str) -> tuple[frozenset, bool, object] | None:
        """(types, is_list, choice element or None) of element ``name`` of ``t``. An
        abstract resource type stands for every resource type derived from it."""
        key = (t, name)
        found = self._elements.get(key)
        if found is not None:
            return found
        element = t.element(name)
        if element is not None:
            if element.type is not None:
                found = frozenset({element.type}), element.is_list, None
            else:
                found = frozenset(choice for _, choice in element.choices), element.is_list, element
        elif t.kind == "resource" and t.abstract:
            hit = self._subtypes_of(t).get(name)
            if hit is not None:
                found = hit[0], hit[1], None
        if found is not None:  # only what the model has: bounded by its size
            self._elements[key] = found
        return found

    def _elements_of(self, t: TypeInfo):
        if t.namespace != "FHIR":
            return ()
        return t.elements()

    def _subtypes_of(self, t: TypeInfo) -> dict[str, tuple[frozenset, bool]]:
        found = self._subtype_elements.get(t)
        if found is None:
            merged: dict[str, tuple[frozenset, bool]] = {}
            for s in self.model.all_types():
                if s.kind == "resource" and not s.abstract and s.is_subtype_of(t):
                    for element in s.elements():
                        types = frozenset(choice for _, choice in element.choices)
                        known = merged.get(element.name)
                        if known is not None:
                            types, is_list = known[0] | types, known[1] or element.is_list
                        else:
                            is_list = element.is_list
                        merged[element.name] = (types, is_list)
            found = self._subtype_elements[t] = merged
        return found

    def element_names(self, types: Iterable[TypeInfo]) -> list[str]:
        names: set[str] = set()
        for t in types:
            names.update(element.name for element in self._elements_of(t))
            if t.kind == "resource" and t.abstract:
                names.update(self._subtypes_of(t))
        return sorted(names)

    def _environment(self, tree: ast.Node, context: str | None) -> dict[str, StaticType]:
        """Types of $this at the root and of %context, %resource and %rootResource."""
        this = resource = _UNKNOWN_ITEM
        if self.model is not None:
            if context is not None:
                this, resource = self.context_type(context)
            else:
                leading = _leading_type_name(tree)
                found = None if leading is None else self.model.type(leading)
                if found is not None and found.namespace == "FHIR" and found.kind == "resource":
                    this = self._roots.get(found)
                    if this is None:
                        this = self._roots[found] = StaticType(frozenset({found}), True)
                    resource = this
        return {"this": this, "context": this, "resource": resource, "rootResource": resource}


_TARGETED = (ast.Member, ast.Index, ast.TypeOp, ast.Call)


def _leading_type_name(node: ast.Node) -> str | None:
    """The name a path starts with (``Patient`` in ``Patient.name | Patient.alias``)."""
    while node is not None:
        kind = type(node)
        if kind is ast.Identifier:
            return node.name if node.name[:1].isupper() else None
        node = node.left if kind is ast.Binary else node.target if kind in _TARGETED else None
    return None


@lru_cache(maxsize=256)
def _names(text: str) -> frozenset[str]:
    """``'Integer | Long|Decimal'`` -> {'Integer', 'Long', 'Decimal'} (table type strings)."""
    return frozenset(part.strip().removeprefix("System.") for part in text.split("|"))


def _system_name(t: TypeInfo) -> str | None:
    """The System type a value of ``t`` is an operand as: FHIR primitives by their
    value, FHIR Quantity (and Age, Duration...) as System.Quantity, else None."""
    if t.namespace == "System":
        return t.name
    if t.system is not None:
        return t.system.name
    if t.kind == "complex" and t.is_subtype_of("FHIR.Quantity"):
        return "Quantity"
    return None


def _accepts(expected: frozenset[str], t: TypeInfo) -> bool:
    """Can an item of type ``t`` be used where one of ``expected`` is (with implicit
    conversions, spec §4.5)?"""
    if "Any" in expected:
        return True
    if t.namespace == "FHIR":  # FHIR type names (FHIR additions take Coding, Resource...)
        for wanted in expected:
            if wanted not in SYSTEM_TYPES and t.is_subtype_of("FHIR." + wanted):
                return True
    name = _system_name(t)
    if name is None:
        return False
    if name == "Any" or name in expected:
        return True
    return any(target in expected for target in IMPLICIT_CONVERSIONS.get(name, ()))


def _never(expected: frozenset[str], static: StaticType) -> bool:
    """True when no item of ``static`` can be of the expected types (known and non-empty)."""
    types = static.types
    return bool(types) and not any(_accepts(expected, t) for t in types)


def _accepts_focus(spec: FunctionSpec, focus: StaticType) -> bool:
    return spec.input == "Any" or not _never(_names(spec.input), focus)


def _system_types(names: Iterable[str]) -> frozenset | None:
    found = [SYSTEM_TYPES.get(name) for name in names]
    if not found or None in found or SYSTEM_TYPES["Any"] in found:
        return None
    return frozenset(found)


def _constant_key(kind: str, value):
    """A literal as a key that is equal exactly when FHIRPath's ``=`` is true for it."""
    if kind == "boolean":
        return ("Boolean", value)
    if kind == "string":
        return ("String", value)
    if kind in ("integer", "long", "decimal"):
        return ("Number", Decimal(value))
    return None


def _union_constants(left: tuple, right: tuple) -> tuple:
    out = list(left)
    for key in right:
        if key not in out:
            out.append(key)
    return tuple(out)


class _Walk:
    """One analysis: visits the tree once, filling the side tables and diagnostics."""

    def __init__(self, analyzer: Analyzer, environment: dict[str, StaticType], declared) -> None:
        self.analyzer = analyzer
        self.model = analyzer.model
        self.functions = analyzer.functions
        self.environment = environment
        self.declared = None if declared is None else frozenset(name.removeprefix("%") for name in declared)
        self.root = _Scope(environment["this"], {})
        self.diagnostics: list[Diagnostic] = []
        self.types: dict[tuple[int, int], StaticType] = {}
        self.this: dict[tuple[int, int], StaticType] = {}

    # ---- plumbing --------------------------------------------------------------------

    def visit(self, node: ast.Node, at: int, scope: _Scope) -> tuple[StaticType, _Scope]:
        static, out = _VISITORS[type(node)](self, node, at, scope)
        self.types[(id(node), at)] = static
        return static, out

    def report(self, code: str, severity: str, message: str, node: ast.Node, at: int, *, whole: bool = False):
        start, end = ast.extent(node, at) if whole else ast.span(node, at)
        self.diagnostics.append(Diagnostic(code, severity, message, start, end))

    def check_single(self, static: StaticType, what: str, node: ast.Node, at: int, *, code="not-a-singleton",
                     whole: bool = False) -> None:
        """Several items where one is required: certain (error) or possible (warning)."""
        if static.single:
            return
        if static.constant is not None and len(static.constant) > 1:
            self.report(code, "error", f"{what} must be a single item, but it has {len(static.constant)}",
                        node, at, whole=whole)
        elif static.types:  # unknown types stay quiet: too many false alarms
            self.report(code, "warning", f"{what} may have more than one item ({static.describe()})",
                        node, at, whole=whole)

    def resolve_type(self, name: str, node: ast.Node, at: int) -> TypeInfo | None:
        found = resolve_type_name(name, self.model)
        if isinstance(found, TypeInfo):
            return found
        if found is None:
            message = f"unknown type '{name}'"
            if self.model is not None:
                message += did_you_mean(name, self.model.type_names() + list(SYSTEM_TYPES))
            self.report("unknown-type", "error", message, node, at)
        return None

    # ---- leaves ----------------------------------------------------------------------

    def _Literal(self, node: ast.Literal, at: int, scope: _Scope):
        if node.kind == "empty":
            return _EMPTY, scope
        key = _constant_key(node.kind, node.value)
        t = SYSTEM_TYPES[_LITERAL_TYPES[node.kind]]
        return StaticType(frozenset({t}), True, None if key is None else (key,)), scope

    def _Identifier(self, node: ast.Identifier, at: int, scope: _Scope):
        self.this[(id(node), at)] = scope.this
        name = node.name
        if name[:1].isupper() and self.model is not None:
            t = self.model.type(name)
            if t is not None and t.namespace == "FHIR":
                return self.path_root(t, node, at, scope.this), scope
        return self.member(scope.this, name, node, at), scope

    def path_root(self, t: TypeInfo, node: ast.Node, at: int, this: StaticType) -> StaticType:
        """``Patient`` at the start of a path: the context when it is a Patient."""
        if this.types is None:
            return StaticType(frozenset({t}), this.single)
        if t in this.types and len(this.types) == 1:  # the usual case: `Patient` on a Patient
            return this
        kept = set()
        for c in this.types:
            if c is t or c.is_subtype_of(t):
                kept.add(c)
            elif t.is_subtype_of(c):
                kept.add(t)
        if not kept:
            self.report("wrong-context", "warning",
                        f"'{t.name}' never matches the context ({this.describe()}), so this path is always empty",
                        node, at)
            kept.add(t)
        return StaticType(frozenset(kept), this.single)

    def _Variable(self, node: ast.Variable, at: int, scope: _Scope):
        name = node.name
        found = scope.variables.get(name)
        if found is not None:
            return found, scope
        if self.declared is not None and name in self.declared:
            return UNKNOWN, scope
        if name in ("resource", "rootResource", "context"):
            return self.environment[name], scope
        if name in ("ucum", "sct", "loinc") or name.startswith(("vs-", "ext-")):
            return StaticType(frozenset({_STRING}), True), scope
        severity = "warning" if self.declared is None else "error"
        message = f"unknown variable '%{name}'"
        known = list(scope.variables) + list(self.declared or ()) + ["resource", "rootResource", "context"]
        suggestion = did_you_mean(name, known, prefix="%")
        message += suggestion
        if not suggestion and self.declared is None:
            message += " (unless the caller passes it)"
        self.report("unknown-variable", severity, message, node, at)
        return UNKNOWN, scope

    def _Special(self, node: ast.Special, at: int, scope: _Scope):
        if node.name == "$this":
            return scope.this, scope
        if node.name == "$index":
            return StaticType(frozenset({_INTEGER}), True), scope
        return UNKNOWN, scope  # $total: the aggregate's running value

    # ---- paths -----------------------------------------------------------------------

    def _Member(self, node: ast.Member, at: int, scope: _Scope):
        target, out = self.visit(node.target, at, scope)
        return self.member(target, node.name, node, at), out

    def member(self, focus: StaticType, name: str, node: ast.Node, at: int) -> StaticType:
        types = focus.types
        if types is None:
            return StaticType(None, False, unordered=focus.unordered)
        if not types:
            return _EMPTY
        analyzer = self.analyzer
        if len(types) == 1:  # the usual case, without the sets
            for t in types:
                hit = analyzer.element(t, name) if t.namespace == "FHIR" else None
                if hit is None:
                    return self.unknown_member(focus, name, node, at)
                return StaticType(hit[0], focus.single and not hit[1], None, hit[2], focus.unordered)
        found: set = set()
        single = focus.single
        choice = None
        missing = []
        for t in types:
            hit = analyzer.element(t, name) if t.namespace == "FHIR" else None
            if hit is None:
                missing.append(t)
                continue
            found |= hit[0]
            single = single and not hit[1]
            if hit[2] is not None:
                choice = hit[2]
        if missing and not found:
            return self.unknown_member(focus, name, node, at)
        if missing and focus.choice is not None:
            having = sorted(t.name for t in types if t not in missing)
            self.report(
                "choice-needs-type", "error",
                f"'{name}' exists only on {' and '.join(having)} of the choice '{focus.choice.path}'; "
                f"narrow it first, e.g. {focus.choice.name}.ofType({having[0]}).{name}",
                node, at,
            )
        return StaticType(frozenset(found), single, choice=choice, unordered=focus.unordered)

    def unknown_member(self, focus: StaticType, name: str, node: ast.Node, at: int) -> StaticType:
        """``name`` is on none of the focus types: a typed choice name, or unknown."""
        for t in focus.types:
            if t.namespace != "FHIR":
                continue
            hit = t.child_by_key(name)
            if hit is not None and hit[0].is_choice:
                element, chosen = hit
                self.report(
                    "choice-suffix", "warning" if self.analyzer.typed_choices else "error",
                    f"'{name}' is not an element: the choice '{element.path}' is '{element.name}' "
                    f"(write {element.name}.ofType({chosen.name}))",
                    node, at,
                )
                return StaticType(frozenset({chosen}), focus.single and not element.is_list)
        message = f"unknown element '{name}' for {' | '.join(sorted(t.name for t in focus.types))}"
        message += did_you_mean(name, self.analyzer.element_names(focus.types))
        self.report("unknown-element", "error", message, node, at)
        return _EMPTY

    def _Index(self, node: ast.Index, at: int, scope: _Scope):
        target, out = self.visit(node.target, at, scope)
        index, _ = self.visit(node.index, at + node.index_at, scope)
        if _never(frozenset({"Integer"}), index):
            self.report("wrong-argument-type", "error", f"an index must be an Integer, not {index.describe()}",
                        node.index, at + node.index_at, whole=True)
        self.check_single(index, "an index", node.index, at + node.index_at, code="argument-not-a-singleton",
                          whole=True)
        if target.unordered:
            self.report("undefined-order", "error",
                        "indexing depends on order, but the order of these items is undefined", node, at)
        return StaticType(target.types, True, choice=target.choice), out

    def _Instance(self, node: ast.Instance, at: int, scope: _Scope):
        for value, offset in zip(node.values, node.values_at):
            self.visit(value, at + offset, scope)
        t = self.resolve_type(node.type_name, node, at)
        return StaticType(None if t is None else frozenset({t}), True), scope

    def _SortKey(self, node: ast.SortKey, at: int, scope: _Scope):
        self.report("unexpected-sort-key", "error", "'asc' and 'desc' are only allowed in sort()", node, at)
        key, _ = self.visit(node.key, at, scope)
        return key, scope

    # ---- operators -------------------------------------------------------------------

    def _Unary(self, node: ast.Unary, at: int, scope: _Scope):
        operand, _ = self.visit(node.operand, at + node.operand_at, scope)
        spec = UNARY_OPERATORS.get(node.op)
        if spec is None:
            return UNKNOWN, scope
        accepted = _names(spec.right)
        if _never(accepted, operand):
            self.report("wrong-operand-type", "error",
                        f"'{node.op}' takes {spec.right}, not {operand.describe()}", node, at)
            return _EMPTY, scope
        self.check_single(operand, f"the operand of '{node.op}'", node, at)
        names = {_system_name(t) for t in operand.types} if operand.types else accepted
        results = {spec.result_type(None, name) for name in names} - {None}
        return StaticType(_system_types(results), True), scope

    def _Binary(self, node: ast.Binary, at: int, scope: _Scope):
        left, _ = self.visit(node.left, at, scope)
        right, _ = self.visit(node.right, at + node.right_at, scope)
        spec = OPERATORS.get(node.op)
        if spec is None:
            return UNKNOWN, scope
        if spec.left == "collection" and spec.right == "collection":  # |
            return _union(left, right), scope
        boolean = StaticType(frozenset({_BOOLEAN}), True)
        if spec.left == "Boolean" and spec.right == "Boolean":  # and, or, xor, implies
            for side, name in ((left, "left"), (right, "right")):
                if _never(frozenset({"Boolean"}), side):
                    self.report("not-a-boolean", "warning",
                                f"the {name} operand of '{node.op}' is {side.describe()}, not a Boolean "
                                "(a single item of another type counts as true)", node, at)
                self.check_single(side, f"the {name} operand of '{node.op}'", node, at)
            return boolean, scope
        if spec.left == "Any" and spec.right == "Any":  # = != ~ !~
            if not _comparable(spec, left, right):
                self.report("incompatible-operands", "warning",
                            f"'{node.op}' compares {left.describe()} with {right.describe()}: never equal",
                            node, at)
            return boolean, scope
        if spec.right == "collection":  # in
            self.check_single(left, f"the left operand of '{node.op}'", node, at)
            return boolean, scope
        if spec.left == "collection":  # contains
            self.check_single(right, f"the right operand of '{node.op}'", node, at)
            return boolean, scope
        return self.typed_operator(spec, node, at, left, right), scope

    def typed_operator(self, spec: OperatorSpec, node: ast.Binary, at: int, left: StaticType,
                       right: StaticType) -> StaticType:
        """Comparison, arithmetic and '&': each side, then the pair, then the result."""
        left_names, right_names = _names(spec.left), _names(spec.right)
        bad = False
        for side, names, which in ((left, left_names, "left"), (right, right_names, "right")):
            if _never(names, side):
                self.report("wrong-operand-type", "error",
                            f"the {which} operand of '{node.op}' is {side.describe()}; it takes "
                            f"{' | '.join(sorted(names))}", node, at)
                bad = True
        if bad:
            return _EMPTY
        for side, which in ((left, "left"), (right, "right")):
            self.check_single(side, f"the {which} operand of '{node.op}'", node, at)
        returns = _names(spec.returns)
        if not left.types or not right.types:
            return StaticType(_system_types(returns), True)
        results = set()
        for lt in left.types:
            for rt in right.types:
                ln, rn = _system_name(lt), _system_name(rt)
                if ln is None or rn is None or not (_accepts(left_names, lt) and _accepts(right_names, rt)):
                    continue
                result = _pair_result(spec, ln, rn)
                if result is not None:
                    results.add(result)
        if not results:
            self.report("incompatible-operands", "error",
                        f"'{node.op}' cannot combine {left.describe()} with {right.describe()}", node, at)
            return _EMPTY
        return StaticType(_system_types(results), True)

    def _TypeOp(self, node: ast.TypeOp, at: int, scope: _Scope):
        target, _ = self.visit(node.target, at, scope)
        wanted = self.resolve_type(node.type_name, node, at)
        self.check_single(target, f"the operand of '{node.op}'", node, at)
        if node.op == "is":
            return StaticType(frozenset({_BOOLEAN}), True), scope
        narrowed = self.narrow(target, wanted, node, at)
        return narrowed._replace(single=True), scope

    def narrow(self, focus: StaticType, wanted: TypeInfo | None, node: ast.Node, at: int) -> StaticType:
        """The items of ``focus`` that are ``wanted`` (as/ofType: FHIR primitives exactly)."""
        if wanted is None:
            return StaticType(None, focus.single)
        if focus.types is None:
            return StaticType(frozenset({wanted}), focus.single)
        kept = set()
        for t in focus.types:
            if t is wanted or (t.kind != "primitive" and t.is_subtype_of(wanted)):
                kept.add(t)
            elif wanted.is_subtype_of(t) and wanted is not t:
                kept.add(wanted)
        if focus.types and not kept:
            self.report("impossible-type", "warning",
                        f"{focus.describe()} is never a {wanted.qualified}: the result is always empty", node, at)
        return StaticType(frozenset(kept), focus.single, unordered=focus.unordered)

    # ---- function calls --------------------------------------------------------------

    def _Call(self, node: ast.Call, at: int, scope: _Scope):
        if node.target is None:
            focus, out = scope.this, scope
            self.this[(id(node), at)] = scope.this
        else:
            focus, out = self.visit(node.target, at, scope)
        spec = self.functions.get(node.name)
        if spec is None:
            self.unknown_function(node, at)
            for arg, offset in zip(node.args, node.args_at):
                self.visit(arg, at + offset, _Scope(UNKNOWN, out.variables))
            return UNKNOWN, out
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            self.report("wrong-arity", "error", _arity_message(spec, count), node, at)
        self.check_input(spec, focus, node, at)
        arg_types, narrowed_to = self.arguments(spec, node, at, focus, scope.this, out)
        result = self.call_result(spec, focus, arg_types, narrowed_to, node, at)
        if spec.name == "defineVariable" and node.args:
            name = node.args[0]
            if isinstance(name, ast.Literal) and name.kind == "string":
                value = arg_types[1] if len(arg_types) > 1 else focus
                out = _Scope(out.this, {**out.variables, name.value: value})
        return result, out

    def unknown_function(self, node: ast.Call, at: int) -> None:
        message = f"unknown function '{node.name}'" + did_you_mean(node.name, self.functions, cutoff=0.75)
        self.report("unknown-function", "error", message, node, at)

    def check_input(self, spec: FunctionSpec, focus: StaticType, node: ast.Call, at: int) -> None:
        if spec.input != "Any":
            expected = _names(spec.input)
            if _never(expected, focus):
                if expected == {"Boolean"}:  # singleton evaluation: one item of any type is true
                    self.report("not-a-boolean", "warning",
                                f"{spec.name}() takes Booleans, not {focus.describe()}", node, at)
                else:
                    self.report("wrong-input-type", "error",
                                f"{spec.name}() takes {' | '.join(sorted(expected))}, not {focus.describe()}",
                                node, at)
        if spec.singleton_input:
            self.check_single(focus, f"the input of {spec.name}()", node, at)
        if spec.ordered_input and focus.unordered:
            self.report("undefined-order", "error",
                        f"{spec.name}() depends on order, but the order of these items is undefined "
                        "(children() and descendants() have none)", node, at)

    def arguments(self, spec: FunctionSpec, node: ast.Call, at: int, focus: StaticType, caller: StaticType,
                  out: _Scope) -> tuple[list[StaticType], TypeInfo | None]:
        """Visit each argument in the scope its kind gives it; check its type and size."""
        params = spec.params
        item = StaticType(focus.types, True, choice=focus.choice)
        types: list[StaticType] = []
        narrowed_to = None
        for index, (arg, offset) in enumerate(zip(node.args, node.args_at)):
            arg_at = at + offset
            if index >= len(params) and not spec.variadic:
                types.append(self.visit(arg, arg_at, _Scope(caller, out.variables))[0])
                continue
            param = params[min(index, len(params) - 1)]
            kind = param.kind
            if kind is ParamKind.TYPE:
                name = ast.dotted_name(arg)
                if name is None:
                    self.report("expected-type", "error", f"{spec.name}() expects a type name", arg, arg_at)
                else:
                    narrowed_to = self.resolve_type(name, arg, arg_at)
                types.append(UNKNOWN)
                continue
            if kind is ParamKind.NAME:
                types.append(UNKNOWN)
                continue
            if kind in (ParamKind.EXPR, ParamKind.SORT_KEY):
                this = focus if spec.name == "defineVariable" else item
                if kind is ParamKind.SORT_KEY and isinstance(arg, ast.SortKey):
                    arg = arg.key
            else:
                this = caller
            static = self.visit(arg, arg_at, _Scope(this, out.variables))[0]
            types.append(static)
            self.check_argument(spec, param, static, arg, arg_at)
        return types, narrowed_to

    def check_argument(self, spec: FunctionSpec, param, static: StaticType, arg: ast.Node, at: int) -> None:
        kind = param.kind
        if param.type != "Any" and kind in (ParamKind.VALUE, ParamKind.EXPR):
            expected = _names(param.type)
            if _never(expected, static):
                if expected == {"Boolean"}:
                    self.report("not-a-boolean", "error",
                                f"the {param.name} of {spec.name}() must be a Boolean, not {static.describe()}",
                                arg, at, whole=True)
                else:
                    self.report("wrong-argument-type", "error",
                                f"the {param.name} of {spec.name}() must be {' | '.join(sorted(expected))}, "
                                f"not {static.describe()}", arg, at, whole=True)
        if kind is ParamKind.VALUE or (kind is ParamKind.EXPR and param.type == "Boolean"):
            self.check_single(static, f"the {param.name} of {spec.name}()", arg, at,
                              code="argument-not-a-singleton", whole=True)

    def call_result(self, spec: FunctionSpec, focus: StaticType, args: list[StaticType],
                    narrowed_to: TypeInfo | None, node: ast.Call, at: int) -> StaticType:
        flow, returns = spec.flow, spec.returns
        if returns == SAME_AS_INPUT:
            if any(p.kind is ParamKind.TYPE for p in spec.params):  # ofType(), as()
                result = self.narrow(focus, narrowed_to, node, at)
            else:
                types = focus.types
                if spec.scalar and types:
                    types = _system_types({_system_name(t) for t in types})
                result = StaticType(types, focus.single, choice=focus.choice, unordered=focus.unordered)
            return result._replace(single=True) if flow is Flow.PICK or spec.singleton_input else result
        if flow is not None and flow is not Flow.SPLIT:
            return _flow(spec, focus, args)
        if returns == "Any":
            return StaticType(None, False, unordered=spec.unordered_result)
        # A named type: FHIR ones (extension(), resolve()) come one or more per input
        # item; System ones one per call (count, join), unless the flow splits the input
        # item into several (split, toChars).
        names = _names(returns)
        if all(name in SYSTEM_TYPES for name in names):
            return StaticType(_system_types(names), flow is not Flow.SPLIT)
        found = [self.model.type(name) for name in names] if self.model is not None else [None]
        return StaticType(None if None in found else frozenset(found), False)


def _flow(spec: FunctionSpec, focus: StaticType, args: list[StaticType]) -> StaticType:
    """The result of a function whose items come from its arguments (and input), by its flow."""
    flow = spec.flow
    if flow is Flow.CHOOSE:  # every argument but a Boolean criterion (iif's first)
        params = spec.params
        picked = [arg for index, arg in enumerate(args) if params[min(index, len(params) - 1)].type != "Boolean"]
    elif flow is Flow.MERGE:
        picked = [focus, *args[:1]]
    else:
        picked = args[:1]
    if not picked:
        return UNKNOWN
    merged = picked[0]
    for other in picked[1:]:
        merged = _union(merged, other)
    if flow is Flow.PROJECT:
        single = focus.single and merged.single
    elif flow is Flow.CHOOSE:
        single = all(p.single for p in picked)
    elif flow is Flow.REPEAT:
        single = False
    else:
        single = merged.single
    return StaticType(merged.types, single, unordered=merged.unordered or (flow is Flow.PROJECT and focus.unordered))


_VISITORS = {
    cls: getattr(_Walk, "_" + cls.__name__) for cls in ast.NODE_CLASSES
}


def _union(left: StaticType, right: StaticType) -> StaticType:
    if left.constant == ():
        return right
    if right.constant == ():
        return left
    types = None if left.types is None or right.types is None else left.types | right.types
    constant = None
    if left.constant is not None and right.constant is not None:
        constant = _union_constants(left.constant, right.constant)
    single = constant is not None and len(constant) <= 1
    return StaticType(types, single, constant, unordered=left.unordered or right.unordered)


def _comparable(spec: OperatorSpec, left: StaticType, right: StaticType) -> bool:
    """Could an item of ``left`` equal one of ``right`` by the operator's type pairs?
    (False only when sure; values of FHIR complex types are the pairs' "Complex".)"""
    if not left.types or not right.types:
        return True
    for lt in left.types:
        ln = _system_name(lt) or "Complex"
        for rt in right.types:
            rn = _system_name(rt) or "Complex"
            if "Any" in (ln, rn) or _pair_result(spec, ln, rn) is not None:
                return True
    return False


def _pair_result(spec: OperatorSpec, left: str, right: str) -> str | None:
    """The System type ``left op right`` gives by the operator's type pairs: the pair
    itself, else the pair one operand makes by converting implicitly to the other's
    type (spec §4.5: Integer to Decimal, Date to DateTime...). None when not allowed:
    `@1974-12-25 + 7` has no pair (the suite's testPlus6)."""
    found = spec.result_type(left, right)
    if found is None and right in IMPLICIT_CONVERSIONS.get(left, ()):
        found = spec.result_type(right, right)
    if found is None and left in IMPLICIT_CONVERSIONS.get(right, ()):
        found = spec.result_type(left, left)
    return found


def _arity_message(spec: FunctionSpec, count: int) -> str:
    low, high = spec.min_args, spec.max_args
    wanted = f"at least {low}" if high is None else (f"{low}" if low == high else f"{low} to {high}")
    plural = "" if high == 1 == low else "s"
    return f"{spec.name}() takes {wanted} argument{plural} but got {count}; {spec.signature()}"


def first_error(diagnostics: Iterable[Diagnostic], *, strict: bool) -> Diagnostic | None:
    """The diagnostic ``compile()`` raises: any error when strict, else the first in
    `ALWAYS_RAISED`."""
    for diagnostic in diagnostics:
        if diagnostic.severity == "error" and (strict or diagnostic.code in ALWAYS_RAISED):
            return diagnostic
    return None


def as_error(diagnostic: Diagnostic) -> FHIRPathSemanticError:
    return FHIRPathSemanticError(
        diagnostic.message, code=diagnostic.code, start=diagnostic.start, end=diagnostic.end
    )
