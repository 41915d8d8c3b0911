"""Syntax tree to Python closures, once per expression.

Every node becomes a closure ``fn(ctx, this) -> tuple``: ``this`` is the
collection that names at the start of a path are resolved against (the root
context, or the item a scoped function such as ``where`` is looking at), ``ctx``
the evaluation's `EvalContext`. Functions and operators are looked up, arities
and type specifiers checked and literals parsed here, with the node's span on any
error; evaluation never looks a name up in a table.
"""

from __future__ import annotations

import operator
from functools import partial

from fhirpath import ast
from fhirpath.errors import FHIRPathEvaluationError, FHIRPathSemanticError, did_you_mean
from fhirpath.functions import types as type_ops
from fhirpath.functions.spec import EmptyRule, Flow, FunctionSpec, ParamKind, implementation
from fhirpath.functions.table import FUNCTIONS, OPERATORS, UNARY_OPERATORS
from fhirpath.functions.utility import define_variable, is_builtin_variable
from fhirpath.runtime.collection import EMPTY, FALSE, TRUE, system_value
from fhirpath.runtime.compare import unique
from fhirpath.runtime.context import DEFAULT_LIMITS, Limits
from fhirpath.runtime.element import SIDECAR_MEMBERS, Navigator, primitive_plan, read_from_item, walk_path
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Date, DateTime, Time

_new = object.__new__

#: 32-bit Integer and 64-bit Long literal ranges (spec §2.1.3)
INTEGER_RANGE = (-(2**31), 2**31 - 1)
LONG_RANGE = (-(2**63), 2**63 - 1)

_EMPTY_RESULTS = {
    EmptyRule.EMPTY: EMPTY,
    EmptyRule.TRUE: TRUE,
    EmptyRule.FALSE: FALSE,
    EmptyRule.ZERO: (0,),
}

#: environment variables every evaluation has (FHIR additions as constants)
CONSTANT_VARIABLES = {
    "ucum": ("http://unitsofmeasure.org",),
    "sct": ("http://snomed.info/sct",),
    "loinc": ("http://loinc.org",),
}

#: nodes whose closures never read the EvalContext nor call code that looks for the
#: active one (navigation, literals, indexes, type tests); calls and operators are so
#: when the table says (`Compiler.context_free`)
CONTEXT_FREE_NODES = frozenset({ast.Literal, ast.Identifier, ast.Member, ast.Index, ast.TypeOp})

#: the operators `Compiler._compare_path_to_literal` reads
_EQUALITY = frozenset({"=", "!="})

#: functions that may end a filtered path (`Compiler.filtered_path`)
_FINISHES = frozenset({"first", "count", "exists", "empty"})
#: those whose result the number of a path's values decides as its nodes' would
#: (`Compiler._path_finish`), from that number
_COUNT_FINISHES = {
    "exists": lambda count: TRUE if count else FALSE,
    "empty": lambda count: FALSE if count else TRUE,
    "count": lambda count: (count,),
}

#: string functions a filtered path's criterion may call, as the test of a str value
_STRING_TESTS = {"startsWith": str.startswith, "endsWith": str.endswith, "contains": operator.contains}
_COMPARISONS = (operator.eq, operator.ne)

#: functions whose result is empty for an empty input without evaluating an argument
#: (their arguments run per item, or are types)
_EMPTY_FOR_EMPTY = frozenset({"where", "select", "ofType", "as", "first", "last", "tail", "distinct"})

#: arguments that run in the function's own context: criteria, lazy branches, sort keys
_SCOPED_ARGUMENTS = frozenset({ParamKind.EXPR, ParamKind.LAZY, ParamKind.SORT_KEY})


#: (model, typed_choices) -> (navigators by name, root selects by type name); models
#: stay loaded once loaded, so this holds at most a few entries
_MODEL_DERIVED: dict = {}


class Compiler:
    """Compiles trees for one model and function table."""

    def __init__(self, model=None, functions=FUNCTIONS, *, strict: bool = False, typed_choices: bool = False,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.model = model
        self.functions = functions
        self.strict = strict
        self.limits = limits  # the engine's: what a closure that needs no context checks itself
        self.typed_choices = typed_choices  # lenient mode: Observation.valueQuantity navigates
        # what compiling derives from the model alone, shared by every compiler of the
        # same model and choice mode (so a new Engine starts warm; bounded by the model)
        derived = _MODEL_DERIVED.get((model, typed_choices))
        if derived is None:
            derived = _MODEL_DERIVED.setdefault((model, typed_choices), ({}, {}))
        self._navigators: dict[str, Navigator] = derived[0]
        self._root_selects: dict = derived[1]
        # Where compilation is: the caller's declared variables, the names
        # defineVariable() has made visible, and whether one computed at run time has
        # (then any %name may exist). Each compile() works on its own copy.
        self._declared: frozenset[str] = frozenset()
        self._defined: frozenset[str] = frozenset()
        self._open = False

    # ---- entry -------------------------------------------------------------------

    def compile(self, node: ast.Node, base: int = 0, *, variables=()):
        """The closure of a whole expression.

        ``variables`` names the %variables the caller will supply; a %name that is
        neither one of them, nor built in, nor defined by defineVariable() where it
        is used is a semantic error (``undefined-variable``)."""
        # scope state per compilation; the navigator cache is shared (a shallow copy by
        # hand: copy.copy goes through __reduce_ex__ and costs 2% of a compile)
        session = _new(Compiler)
        session.__dict__.update(self.__dict__)
        session._declared = frozenset(variables)
        return session._sub(node, base)

    def _compile(self, node: ast.Node, base: int):
        """A node that continues an invocation chain: what defineVariable() defines in
        it stays visible to the rest of the chain."""
        return _DISPATCH[type(node)](self, node, base)

    def _sub(self, node: ast.Node, base: int, values: bool = False):
        """A sub-expression (the whole expression, an operand, an argument, an index, an
        instance selector's value). It ends every chain inside it: variables defined
        there are not visible after it, and at run time they are dropped when it ends.
        ``values``: its consumer reads only its items' System values (`_values_of`)."""
        defined, is_open = self._defined, self._open
        closure = self._values_of(node, base) if values else self._compile(node, base)
        if self._defined is defined and self._open is is_open:
            return closure
        self._defined, self._open = defined, is_open
        return _variable_scope(closure)

    def context_free(self, node: ast.Node) -> bool:
        """Does this node's closure run without an EvalContext? An expression whose
        every node does is evaluated without one (`fhirpath.api.Expression`): making it
        and setting the thread's active one cost more than most small expressions."""
        kind = type(node)
        if kind in CONTEXT_FREE_NODES:
            return True
        if kind is ast.Call:
            spec = self.functions.get(node.name)
            if spec is None or not spec.context_free:
                return False
            params = spec.params
            return not any(index >= len(params) or params[index].kind in _SCOPED_ARGUMENTS
                           for index in range(len(node.args)))
        if kind is ast.Binary or kind is ast.Unary:
            spec = (OPERATORS if kind is ast.Binary else UNARY_OPERATORS).get(node.op)
            return spec is not None and spec.context_free
        return kind is ast.Special and node.name == "$this"

    # ---- helpers -----------------------------------------------------------------

    @staticmethod
    def _error(message: str, code: str, node: ast.Node, base: int) -> FHIRPathSemanticError:
        start, end = ast.span(node, base)
        return FHIRPathSemanticError(message, code=code, start=start, end=end)

    def _navigator(self, name: str, kept=None) -> Navigator:
        """The navigator of ``.name``, or of ``.name.ofType(kept)``."""
        key = name if kept is None else (name, kept)
        found = self._navigators.get(key)
        if found is None:
            keep = None if kept is None else partial(type_ops.matches, wanted=kept, exact_primitives=True)
            found = self._navigators[key] = Navigator(name, self.model, typed_choices=self.typed_choices, keep=keep)
        return found

    def _chain(self, node: ast.Node) -> tuple[list, ast.Node]:
        """The links of a member chain ``x.a.b.ofType(T).c`` in order, each (name, type
        kept or None): ``[(a, None), (b, T), (c, None)]``, and its target ``x``. A member
        and the ofType() after it are one navigation step (see `Navigator`)."""
        links = []
        while True:
            if type(node) is ast.Member:
                links.append((node.name, None))
                node = node.target
            elif type(node) is ast.Call and type(node.target) is ast.Member and (kept := self._kept_type(node)):
                links.append((node.target.name, kept))
                node = node.target.target
            else:
                break
        links.reverse()
        return links, node

    def _kept_type(self, call: ast.Call):
        """The model type ``T`` of a call ``x.ofType(T)`` that can be part of a
        navigation step: the builtin ofType() with a type the model defines."""
        if call.name != "ofType" or len(call.args) != 1 or self.model is None or not self._is_builtin("ofType"):
            return None
        name = ast.dotted_name(call.args[0])
        found = None if name is None else type_ops.resolve_type_name(name, self.model)
        return found if found is not None and found.namespace == "FHIR" else None

    def _type(self, name: str, node: ast.Node, base: int):
        """The type a specifier names.

        An unknown name is a compile-time error in strict mode. Otherwise the suites
        decide: ``Patient.is(System.Patient)`` is false (a qualified name that matches
        nothing) and ``gender.as(string1)`` is an execution error (`UnknownType`)."""
        found = type_ops.resolve_type_name(name, self.model)
        if found is not None:
            return found
        if self.strict:
            raise self._error(f"unknown type '{name}'", "unknown-type", node, base)
        namespace, dot, rest = name.partition(".")
        if dot and namespace in ("System", "FHIR"):
            return type_ops.NamedType(namespace, rest)
        return type_ops.UnknownType(name)

    # ---- leaves ------------------------------------------------------------------

    def _Literal(self, node: ast.Literal, base: int):
        kind, value = node.kind, node.value
        try:
            if kind == "empty":
                constant = EMPTY
            elif kind in ("boolean", "string", "decimal"):
                constant = (value,)
            elif kind in ("integer", "long"):
                low, high = INTEGER_RANGE if kind == "integer" else LONG_RANGE
                if not low <= value <= high:
                    raise self._error(
                        f"{kind} literal {value} is out of range", "literal-out-of-range", node, base
                    )
                constant = (value,)
            elif kind == "date":
                constant = (Date.parse_literal(value),)
            elif kind == "datetime":
                constant = (DateTime.parse_literal(value),)
            elif kind == "time":
                if value[-1] == "Z" or "+" in value or value.count("-"):
                    return _raise(FHIRPathEvaluationError(
                        f"a time has no time zone: '@{value}'", code="invalid-literal"
                    ), node, base)
                constant = (Time.parse_literal(value),)
            else:  # quantity
                constant = (Quantity(value, node.unit),)
        except ValueError as error:
            raise self._error(f"invalid {kind} literal: {error}", "invalid-literal", node, base) from None
        return lambda ctx, this: constant

    def _root_type(self, name: str):
        """The type a name at the start of a path names, if it is one (spec §3)."""
        if not name[:1].isupper():  # element names are lower case
            return None
        wanted = type_ops.resolve_type_name(name, self.model)
        if wanted is not None and self.model is not None and wanted.namespace != "FHIR":
            return None  # String, Integer... are not roots of paths
        return wanted

    def _Identifier(self, node: ast.Identifier, base: int):
        _, select, steps = self._path([], node)
        return _path_closure(select, steps)

    def path(self, node: ast.Node) -> tuple | None:
        """``(root type, select, navigators)`` of a path from the focus (``a.b.c``,
        ``Patient.name``, ``Observation.value.ofType(Quantity)``): ``select(this)`` picks
        the items of the type a leading type name stands for (both None: no type name),
        then the navigators walk. None for any other node."""
        links, target = self._chain(node)
        return self._path(links, target) if type(target) is ast.Identifier else None

    def _path(self, links: list, root: ast.Identifier) -> tuple:
        select = self._typed_root(root.name)
        if select is None:  # a plain name: one step more
            links.insert(0, (root.name, None))
        root_type = None if select is None else self._root_type(root.name)
        return root_type, select, tuple(self._navigator(name, kept) for name, kept in links)

    def _typed_root(self, name: str):
        """``select(this)`` for a name at the start of a path that names a type (spec §3:
        ``Patient.name`` on a Patient), else None. One per type name, shared by every
        expression of this compiler (bounded by the model)."""
        select = self._root_selects.get(name)
        if select is None:
            wanted = self._root_type(name)
            if wanted is None:
                return None
            select = self._root_selects[name] = self._select_root(name, wanted)
        return select

    def _select_root(self, name: str, wanted):
        steps = (self._navigator(name),)
        matches = type_ops.matches
        known: dict = {}  # item type -> does it match (a type test per evaluation adds up)

        def select(this):
            if len(this) == 1:  # the usual root: one resource
                item = this[0]
                t = item[1] if type(item) is tuple else None
                if t is None:
                    return this if matches(item, wanted, exact_primitives=False) else walk_path(steps, this)
                found = known.get(t)
                if found is None:
                    found = known[t] = matches(item, wanted, exact_primitives=False)
                # A typed item of another type: no FHIR element has a capitalised name,
                # so navigating by the name would only look in vain.
                return this if found else EMPTY
            selected = tuple(item for item in this if matches(item, wanted, exact_primitives=False))
            return selected if selected else walk_path(steps, this)

        return select

    def _Variable(self, node: ast.Variable, base: int):
        name = node.name
        if name in ("resource", "rootResource", "context"):
            # the same collection: an evaluation has one root, never a contained resource
            return lambda ctx, this: ctx.root
        constant = CONSTANT_VARIABLES.get(name)
        if constant is None:
            if name.startswith("vs-"):
                constant = ("http://hl7.org/fhir/ValueSet/" + name[3:],)
            elif name.startswith("ext-"):
                constant = ("http://hl7.org/fhir/StructureDefinition/" + name[4:],)
        if constant is not None:
            # a caller's variable of the same name wins
            return lambda ctx, this: ctx.variables.get(name, constant)
        if name not in self._declared and name not in self._defined and not self._open:
            raise self._error(
                f"undefined variable '%{name}': declare it (compile(..., variables=['{name}'])) "
                "or define it with defineVariable() earlier in this chain",
                "undefined-variable", node, base,
            )
        start, end = ast.span(node, base)

        def variable(ctx, this):
            found = ctx.variables.get(name)
            if found is None:
                raise FHIRPathEvaluationError(
                    f"undefined variable '%{name}'", code="undefined-variable", start=start, end=end
                )
            return found

        return variable

    def _Special(self, node: ast.Special, base: int):
        if node.name == "$this":
            return lambda ctx, this: this
        if node.name == "$index":
            return lambda ctx, this: EMPTY if ctx.index is None else (ctx.index,)
        return lambda ctx, this: EMPTY if ctx.total is None else ctx.total

    # ---- paths -----------------------------------------------------------------------

    def _Member(self, node: ast.Member | ast.Call, base: int):
        """A chain ``a.b.c`` is one closure looping over its navigators (a closure per
        step would cost a call and a tuple per step, and memory per node)."""
        links, target = self._chain(node)  # the target of a member starts where it does
        if type(target) is ast.Identifier:  # a path from the focus
            _, select, steps = self._path(links, target)
            return _path_closure(select, steps)
        steps = tuple(self._navigator(name, kept) for name, kept in links)
        if (links[0][0] not in SIDECAR_MEMBERS and type(target) is ast.Call and target.name == "descendants"
                and not target.args and self._is_builtin("descendants")):
            return self._descendants_members(target, steps, base)
        root = self._compile(target, base)
        return lambda ctx, this: walk_path(steps, root(ctx, this))

    def _descendants_members(self, call: ast.Call, steps: tuple, base: int):
        """``x.descendants().a.b``: the first member is read only on the descendants that
        can have one (objects), so the primitives, most of them, are never made."""
        from fhirpath.functions.navigation import descendants_with_members

        source = None if call.target is None else self._compile(call.target, base)
        span = ast.span(call, base)
        first = steps[0]

        def members_of_descendants(ctx, this):
            try:
                holders = descendants_with_members(ctx, this if source is None else source(ctx, this), first)
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise
            return walk_path(steps, holders)

        return members_of_descendants

    def _is_builtin(self, name: str) -> bool:
        """Does ``name`` call the builtin function (not one the caller's table replaced)?"""
        spec = self.functions.get(name)
        return spec is not None and spec is FUNCTIONS.get(name)

    def _Index(self, node: ast.Index, base: int):
        target = self._compile(node.target, base)
        index = self._sub(node.index, base + node.index_at)
        start, end = ast.span(node, base)

        def indexer(ctx, this):
            items = target(ctx, this)
            position = index(ctx, this)
            if not position or not items:
                return EMPTY
            if len(position) > 1:
                raise FHIRPathEvaluationError(
                    "an index must be a single Integer", code="not-a-singleton", start=start, end=end
                )
            at = system_value(position[0])
            if type(at) is not int:
                raise FHIRPathEvaluationError(
                    f"an index must be an Integer, not {at!r}", code="invalid-operand", start=start, end=end
                )
            return (items[at],) if 0 <= at < len(items) else EMPTY

        return indexer

    def _Instance(self, node: ast.Instance, base: int):
        wanted = self._type(node.type_name, node, base)
        values = [self._sub(value, base + at) for value, at in zip(node.values, node.values_at)]
        from fhirpath.functions.instances import instance_selector  # rare: loaded when used

        span = ast.span(node, base)
        try:
            select = instance_selector(wanted, node.names, values, self.model)
        except FHIRPathSemanticError as error:
            error.locate(*span)
            raise

        def instance(ctx, this):
            try:
                return select(ctx, this)
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise

        return instance

    # ---- operators -----------------------------------------------------------------------

    def _Unary(self, node: ast.Unary, base: int):
        spec = UNARY_OPERATORS.get(node.op)
        if spec is None:
            raise self._error(f"operator '{node.op}' is not available", "unknown-operator", node, base)
        operand = self._sub(node.operand, base + node.operand_at, spec.reads_values)
        impl = implementation(spec.impl)
        if isinstance(node.operand, ast.Literal) and node.operand.kind in ("integer", "long", "decimal", "quantity"):
            folded = impl(operand(None, EMPTY))  # constant: negative numbers are literals in effect
            return lambda ctx, this: folded
        span = ast.span(node, base)

        def unary(ctx, this):
            try:
                return impl(operand(ctx, this))
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise

        return unary

    def _Binary(self, node: ast.Binary, base: int):
        if node.op == "|":
            return self._union(node, base)
        if node.op == "&":
            return self._concatenation(node, base)
        if node.op in _EQUALITY:
            binary = self._compare_path_to_literal(node, base)
            if binary is not None:
                return binary
        spec = OPERATORS.get(node.op)
        if spec is None:
            raise self._error(f"operator '{node.op}' is not available", "unknown-operator", node, base)
        left = self._sub(node.left, base, spec.reads_values)
        right = self._sub(node.right, base + node.right_at, spec.reads_values)
        impl = implementation(spec.impl)
        span = ast.span(node, base)
        if spec.lazy_right:
            def lazy(ctx, this):
                try:
                    return impl(left(ctx, this), right, ctx, this)  # no thunk to make
                except FHIRPathEvaluationError as error:
                    error.locate(*span)
                    raise

            return lazy

        def binary(ctx, this):
            try:
                return impl(left(ctx, this), right(ctx, this))
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise

        return binary

    def _compare_path_to_literal(self, node: ast.Binary, base: int):
        """``path = 'literal'`` (or ``!=``, either side; a String, Integer or Boolean):
        the criterion of most where() and exists() calls. When the model fixes the
        path's steps for the item's type, its values are read from the JSON along a
        plan and compared as they are, making no nodes; anything else (no single value
        of the literal's type, odd JSON) goes the general way, with the same result."""
        found = self._path_and_literal(node)
        if found is None:
            return None
        (root_type, select, navigators), value = found
        left = _path_closure(select, navigators)  # what compiling the path gives
        impl = implementation(OPERATORS[node.op].impl)
        span = ast.span(node, base)
        # one cell for the plan's data: a closure cell per value costs memory per expression
        plan_data = ({}, root_type, navigators, value, type(value), node.op == "=")
        constant = (value,)

        def compare_path(ctx, this):
            plans, root_type, navigators, value, kind, equal = plan_data
            values = read_from_item(this, plans, root_type, navigators)
            if values is not None:
                if not values:
                    return EMPTY
                if len(values) == 1 and type(values[0]) is kind:
                    return TRUE if (values[0] == value) is equal else FALSE
            try:
                return impl(left(ctx, this), constant)  # = and != are symmetric
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise

        return compare_path

    def _path_and_literal(self, node: ast.Binary) -> tuple | None:
        """(`path` of the path, the literal's value) of ``path = literal`` or ``!=``, either
        side, with a String, Integer (in range) or Boolean literal; else None."""
        if node.op not in _EQUALITY:
            return None
        path, literal = node.left, node.right
        if type(path) is ast.Literal:
            path, literal = literal, path
        if type(literal) is not ast.Literal or literal.kind not in ("string", "integer", "boolean"):
            return None
        if literal.kind == "integer" and not INTEGER_RANGE[0] <= literal.value <= INTEGER_RANGE[1]:
            return None  # the general way reports it
        found = self._model_path(path)
        return None if found is None else (found, literal.value)

    def _model_path(self, node: ast.Node) -> tuple | None:
        """`path` of ``node`` when it is a path of at least one step and a model types it."""
        found = None if self.model is None else self.path(node)
        return found if found is not None and found[2] else None

    def filtered_path(self, node: ast.Node, base: int = 0) -> tuple | None:
        """A path with where() filters, as `fhirpath.runtime.element.filtered_plan` reads
        it: ``Patient.telecom.where(system = 'phone').value``, optionally ending in
        ``first()``, ``count()``, ``exists()`` (with or without a criterion) or
        ``empty()``; or a path without filters that ends so (``Patient.name.exists()``);
        or a path from a type name, filtered or not, that ends in a function of one
        value whose arguments are literals (``Patient.name.family.upper()``).

        Returns ``(root type, select, stages, finish)``: ``stages`` are (navigators,
        criterion or None) from the root, a criterion being a `_criterion`; ``finish``
        is the function's name, a `_value_finish` or None. None for any other expression."""
        finish = last = None  # last: an exists(criterion) that ends the expression
        if (type(node) is ast.Call and node.target is not None and self._is_builtin(node.name)
                and self.functions[node.name].scalar):
            finish = self._value_finish(node, base)
            if finish is None:
                return None
            node = node.target
        elif (type(node) is ast.Call and node.target is not None and node.name in _FINISHES
                and self._is_builtin(node.name)):
            if not node.args:
                finish, node = node.name, node.target
            elif node.name == "exists" and len(node.args) == 1:  # exists(c) is where(c).exists()
                finish, last = "exists", node
            else:
                return None
        wheres = []  # from the end: (criterion, the members after that where())
        while True:
            links, target = self._chain(node)
            if type(target) is ast.Identifier:
                break
            if (type(target) is not ast.Call or target.name not in ("where", "exists") or target.target is None
                    or len(target.args) != 1 or not self._is_builtin(target.name)
                    or (target.name == "exists" and target is not last)):  # exists(c) only at the end
                return None
            criterion = self._criterion(target.args[0])
            if criterion is None:
                return None
            wheres.append((criterion, links))
            node = target.target
        if not wheres and finish is None:
            return None  # a whole path: `path`
        root_type, select, navigators = self._path(links, target)
        if callable(finish) and root_type is None:
            return None  # its plan, which must read primitives, is made when compiled
        stages = [(navigators, None)]
        for criterion, links in reversed(wheres):  # a criterion joins the stage before it
            if stages[-1][1] is None:
                stages[-1] = (stages[-1][0], criterion)
            else:
                stages.append(((), criterion))
            if links:
                stages.append((tuple(self._navigator(name, kept) for name, kept in links), None))
        return root_type, select, tuple(stages), finish

    def _value_finish(self, node: ast.Call, base: int):
        """The call ``node`` of a function of one value (``upper()``, ``substring(0,
        3)``) whose arguments are literals, as `_scalar_call` compiles it without a
        target: ``finish(None, values)`` applies it to the System values of its input
        (its empty and singleton rules, its errors placed at the call). None if an
        argument is not a literal."""
        spec = self.functions[node.name]
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            return None  # compiling the call raises the error
        if any(type(arg) is not ast.Literal for arg in node.args):
            return None  # (checked first: compiling a %variable needs the caller's names)
        args = [self._argument(spec, index, arg, base + at)
                for index, (arg, at) in enumerate(zip(node.args, node.args_at))]
        constants = _literal_values(node.args, args) if args else ()
        if constants is None:
            return None
        return _scalar_call(spec, None, args, ast.span(node, base), constants)

    @staticmethod
    def compares_only(stages: tuple) -> bool:
        """Is every criterion of a `filtered_path`'s stages ``path = literal`` or ``!=``?
        Lenient analysis raises nothing about those (it may about a string test, whose
        input must be a String)."""
        return all(criterion is None or criterion[3] in _COMPARISONS for _, criterion in stages)

    def _criterion(self, node: ast.Node) -> tuple | None:
        """(navigators from the item, literal value, its type, test of the one value
        and the literal) of ``path = literal``, ``!=``, or ``path.startsWith('text')``,
        ``endsWith()`` or ``contains()``; else None."""
        if type(node) is ast.Binary:
            found = self._path_and_literal(node)
            test = _COMPARISONS[node.op != "="]
        elif (type(node) is ast.Call and node.name in _STRING_TESTS and node.target is not None
              and len(node.args) == 1 and type(node.args[0]) is ast.Literal and node.args[0].kind == "string"
              and self._is_builtin(node.name)):
            found = self._model_path(node.target)
            found = None if found is None else (found, node.args[0].value)
            test = _STRING_TESTS[node.name]
        else:
            return None
        if found is None or found[0][1] is not None:  # a type named first: not from the item
            return None
        (_, _, navigators), value = found
        return navigators, value, type(value), test

    def _union(self, node: ast.Binary, base: int):
        """``a | b | c ...`` as one union of all operands: search parameters join dozens
        of paths this way, and a binary union per operator would deduplicate each time.
        (Same result: union keeps first occurrences, so it is associative.) Most of
        those operands start with a type name (``Patient.name | Practitioner.name``):
        on a typed resource, an operand whose type name it is not gives nothing, so per
        resource type the union runs only the others."""
        operands = []
        while isinstance(node, ast.Binary) and node.op == "|":
            operands.append((node.right, base + node.right_at))
            node = node.left  # the left operand starts where the operator node does
        operands.append((node, base))
        operands.reverse()
        closures = tuple(self._sub(operand, at) for operand, at in operands)
        roots = tuple(self._selecting_root(operand) for operand, _ in operands)
        typed = any(roots)
        matches = type_ops.matches
        by_type: dict = {}  # item type -> the closures that may give something (bounded by the model)

        def union(ctx, this):
            running = closures
            if typed and len(this) == 1:
                item = this[0]
                if type(item) is tuple and item[1] is not None:
                    running = by_type.get(item[1])
                    if running is None:
                        running = by_type[item[1]] = tuple(
                            closure for closure, root in zip(closures, roots)
                            if root is None or matches(item, root, exact_primitives=False))
            items: list = []
            for operand in running:
                found = operand(ctx, this)
                if found:
                    items += found
            return unique(items) if items else EMPTY

        return union

    def _selecting_root(self, node: ast.Node):
        """The type a leading type name of ``node`` stands for, when ``node`` gives
        nothing once that name selects nothing: a path (``Patient.name``), and as,
        where(), select()... on one. Else None."""
        while True:
            if type(node) is ast.TypeOp and node.op == "as":
                node = node.target
            elif (type(node) is ast.Call and node.target is not None and node.name in _EMPTY_FOR_EMPTY
                  and self._is_builtin(node.name) and not self._kept_type(node)):
                node = node.target
            else:
                break
        _, target = self._chain(node)
        if type(target) is not ast.Identifier or self._typed_root(target.name) is None:
            return None
        return self._root_type(target.name)

    def _concatenation(self, node: ast.Binary, base: int):
        """``a & b & c ...`` as one join: a chain of ``&`` (a code and its display, a
        name's parts) made no closure and no call per operator. Same result, same errors
        in the same order: each ``&`` evaluates both of its operands before checking
        them, and an error is placed at the ``&`` that took the operand."""
        links = []  # the & nodes, innermost first (the left operand starts where its & does)
        while type(node) is ast.Binary and node.op == "&":
            links.append(node)
            node = node.left
        links.reverse()
        first = self._sub(node, base, True)
        operands = tuple(self._sub(link.right, base + link.right_at, True) for link in links)
        spans = tuple(ast.span(link, base) for link in links)
        impl = implementation(OPERATORS["&"].impl)
        max_string = self.limits.max_string

        def concatenation(ctx, this):
            at = 0
            try:
                text = first(ctx, this)
                for at, operand in enumerate(operands):
                    text = impl(text, operand(ctx, this), max_string)
                return text
            except FHIRPathEvaluationError as error:
                error.locate(*spans[at])
                raise

        return concatenation

    def _TypeOp(self, node: ast.TypeOp, base: int):
        target = self._sub(node.target, base)
        wanted = self._type(node.type_name, node, base)
        operation = type_ops.is_ if node.op == "is" else type_ops.as_
        span = ast.span(node, base)

        def type_operation(ctx, this):
            try:
                return operation(target(ctx, this), wanted)
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise

        return type_operation

    def _SortKey(self, node: ast.SortKey, base: int):
        raise self._error("'asc' and 'desc' are only allowed in sort()", "unexpected-sort-key", node, base)

    # ---- function calls ----------------------------------------------------------------------

    def _Call(self, node: ast.Call, base: int, values: bool = False):
        """``values``: a builtin first() or last() whose consumer reads only System values
        (`_values_of`): its input may then be read as values too."""
        if type(node.target) is ast.Member and self._kept_type(node):  # a.b.ofType(T): a path
            return self._Member(node, base)
        spec = self.functions.get(node.name)
        if spec is None:
            raise self._unknown_function(node, base)
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise self._error(_arity_message(spec, count), "wrong-arity", node, base)
        if not count and node.name in _COUNT_FINISHES and node.target is not None and self._is_builtin(node.name):
            target = node.target
            if (type(target) is ast.Call and target.name == "descendants" and not target.args
                    and self._is_builtin("descendants")):
                return self._descendants_finish(node, base)
            finished = self._path_finish(node, spec, base)
            if finished is not None:
                return finished
        if node.target is None:
            target = None
        elif spec.scalar or values:  # its input's System values only (values: `_values_of`)
            target = self._values_of(node.target, base)
        else:
            target = self._compile(node.target, base)
        args = [
            self._argument(spec, index, arg, base + at)
            for index, (arg, at) in enumerate(zip(node.args, node.args_at))
        ]
        if implementation(spec.impl) is define_variable:
            self._define(node.args[0], base + node.args_at[0])
        if spec.scalar:
            return _scalar_call(spec, target, args, ast.span(node, base), _literal_values(node.args, args))
        return _collection_call(spec, target, args, ast.span(node, base))

    def _path_finish(self, node: ast.Call, spec: FunctionSpec, base: int):
        """``path.exists()``, ``empty()`` or ``count()`` on a path of two steps or more the
        model types: its values read from the JSON along a plan decide, making no nodes
        for the steps between; the call on the nodes when the plan cannot read them.
        (On one step, the nodes cost no more than the read, and memory less.)"""
        found = self._model_path(node.target)
        if found is None or len(found[2]) < 2:
            return None
        general = _collection_call(spec, self._compile(node.target, base), [], ast.span(node, base))
        plan_data = ({}, found[0], found[2])  # plans by item type, root type, navigators
        finish = _COUNT_FINISHES[node.name]

        def path_finish(ctx, this):
            values = read_from_item(this, *plan_data)
            return general(ctx, this) if values is None else finish(len(values))

        return path_finish

    def _descendants_finish(self, node: ast.Call, base: int):
        """``x.descendants().count()`` (or ``exists()``, ``empty()``): the descendants are
        counted without making their nodes."""
        from fhirpath.functions.navigation import count_descendants

        call = node.target
        source = None if call.target is None else self._compile(call.target, base)
        span = ast.span(call, base)
        finish = _COUNT_FINISHES[node.name]

        def descendants_finish(ctx, this):
            try:
                return finish(count_descendants(ctx, this if source is None else source(ctx, this)))
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise

        return descendants_finish

    def _values_of(self, node: ast.Node, base: int):
        """``node`` compiled for a consumer that reads only the System values of its items
        (a scalar function's input, an operand of arithmetic or ``&``). A path to
        primitive elements then reads them from the JSON along a plan, as plain values
        (the System value of a primitive's node is its value), making no nodes; the nodes
        when the plan cannot read them (extensions, odd JSON, other types). first() and
        last() pass such values through."""
        if type(node) is ast.Call and node.target is not None and self._is_builtin(node.name):
            if self.functions[node.name].flow is Flow.PICK:  # a caller's own may look at the nodes
                return self._Call(node, base, values=True)
        nodes = self._compile(node, base)
        found = self._model_path(node)
        if found is None:
            return nodes
        plan_data = ({}, found[0], found[2])  # plans by item type, root type, navigators

        def values(ctx, this):
            read = read_from_item(this, *plan_data, primitive_plan)
            return nodes(ctx, this) if read is None else read

        return values

    def _unknown_function(self, node: ast.Call, base: int) -> FHIRPathSemanticError:
        message = f"unknown function '{node.name}'" + did_you_mean(node.name, self.functions, cutoff=0.75)
        return self._error(message, "unknown-function", node, base)

    def _argument(self, spec: FunctionSpec, index: int, arg: ast.Node, base: int):
        """(kind, compiled form) of one argument."""
        param = spec.params[min(index, len(spec.params) - 1)]
        kind = param.kind
        if kind is ParamKind.SORT_KEY:
            descending = False
            if isinstance(arg, ast.SortKey):
                descending, arg, base = arg.descending, arg.key, base
            elif isinstance(arg, ast.Unary) and arg.op == "-":
                descending, base, arg = True, base + arg.operand_at, arg.operand
            return kind, (self._sub(arg, base), descending)
        if isinstance(arg, ast.SortKey):
            raise self._error("'asc' and 'desc' are only allowed in sort()", "unexpected-sort-key", arg, base)
        if kind is ParamKind.TYPE:
            name = ast.dotted_name(arg)
            if name is None:
                raise self._error(f"{spec.name}() expects a type name", "expected-type", arg, base)
            return kind, self._type(name, arg, base)
        if kind is ParamKind.NAME:
            # a bare name (functions.json) or a String literal (the spec's examples: 'week')
            if isinstance(arg, ast.Identifier):
                return kind, arg.name
            if isinstance(arg, ast.Literal) and arg.kind == "string":
                return kind, arg.value
            raise self._error(f"{spec.name}() expects a name", "expected-name", arg, base)
        return kind, self._sub(arg, base)

    def _define(self, name: ast.Node, base: int) -> None:
        """After defineVariable(name, ...): %name is visible to the rest of the chain.

        The name is normally a String literal, checked here. The suites also compute
        one (``defineVariable(defineVariable('p', 'x').select(%p))``): then the rest of
        the chain accepts any %name, and evaluation checks it."""
        if not isinstance(name, ast.Literal):
            self._open = True
            return
        if name.kind != "string":
            raise self._error("defineVariable() expects the name as a String", "invalid-argument", name, base)
        text = name.value
        if is_builtin_variable(text) or text in self._declared or text in self._defined:
            raise self._error(f"variable '%{text}' is already defined", "variable-redefined", name, base)
        self._defined = self._defined | {text}


#: node class -> compiling method (a table: getattr with a built name would leave the
#: name strings in CPython's method cache, ~450 bytes per compiled expression)
_DISPATCH = {cls: getattr(Compiler, "_" + cls.__name__) for cls in ast.NODE_CLASSES}


def _arity_message(spec: FunctionSpec, count: int) -> str:
    low, high = spec.min_args, spec.max_args
    if high is None:
        wanted = f"at least {low}"
    elif low == high:
        wanted = f"{low}"
    else:
        wanted = f"{low} to {high}"
    plural = "" if (high == 1 and low == 1) else "s"
    return f"{spec.name}() takes {wanted} argument{plural} but got {count}; {spec.signature()}"


def _variable_scope(fn):
    """``fn`` with the variables restored when it returns: what defineVariable() binds
    inside lives until the sub-expression ends (siblings and outer chains never see it)."""

    def scoped(ctx, this):
        outer = ctx.variables
        ctx.variables = dict(outer)
        try:
            return fn(ctx, this)
        finally:
            ctx.variables = outer

    return scoped


def _path_closure(select, steps: tuple):
    if select is None:
        return lambda ctx, this: walk_path(steps, this)
    if not steps:
        return lambda ctx, this: select(this)
    return lambda ctx, this: walk_path(steps, select(this))


def _literal_values(nodes: list, args: list) -> tuple | None:
    """The values of a call's arguments when each is a literal of one value, read from
    their compiled forms; else None (also for ``{}``, whose empty the call's rules
    decide, and for a literal that is an error when evaluated)."""
    if not nodes or any(type(node) is not ast.Literal or node.kind == "empty" for node in nodes):
        return None
    try:
        return tuple(closure(None, None)[0] for _, closure in args)
    except FHIRPathEvaluationError:
        return None


def _raise(error: FHIRPathEvaluationError, node: ast.Node, base: int):
    error.locate(*ast.span(node, base))

    def fail(ctx, this):
        raise error

    return fail


def _single(collection: tuple, spec: FunctionSpec, param: str | None = None):
    """The System value of the one item of ``collection``: the input (``param`` None) or
    an argument's (the message is built only when there is more than one)."""
    if len(collection) > 1:
        what = "input item" if param is None else f"'{param}' value"
        raise FHIRPathEvaluationError(
            f"{spec.name}() expects a single {what} but got {len(collection)} items", code="not-a-singleton"
        )
    return system_value(collection[0])


def _scalar_call(spec: FunctionSpec, target, args, span: tuple[int, int], constants: tuple | None = None):
    """``impl(value, *values)`` wrapped in FHIRPath's empty and singleton rules; errors
    are placed at the call's span. ``constants``: the arguments' values, when every one is
    a literal (``substring(0, 3)``), passed as they are instead of evaluated per call."""
    impl = implementation(spec.impl)
    on_empty = _EMPTY_RESULTS.get(spec.on_empty, EMPTY)
    if constants is not None or not args:  # upper(), length(), substring(0, 3)...
        constants = constants or ()

        def call_constants(ctx, this):
            try:
                focus = this if target is None else target(ctx, this)
                if not focus:
                    return on_empty
                result = impl(_single(focus, spec), *constants)
                return EMPTY if result is None else (result,)
            except FHIRPathEvaluationError as error:
                error.locate(*span)
                raise

        return call_constants

    arguments = tuple((closure, param.name, param.optional) for (_, closure), param in zip(args, spec.params))

    def call(ctx, this):
        try:
            focus = this if target is None else target(ctx, this)
            if not focus:
                return on_empty
            value = _single(focus, spec)
            values = []
            for closure, name, optional in arguments:
                argument = closure(ctx, this)
                if not argument:
                    if optional:
                        values.append(None)
                        continue
                    return EMPTY
                values.append(_single(argument, spec, name))
            result = impl(value, *values)
            return EMPTY if result is None else (result,)
        except FHIRPathEvaluationError as error:
            error.locate(*span)
            raise

    return call


#: argument kinds known at compile time: the implementation gets the compiled form itself
_STATIC = (ParamKind.EXPR, ParamKind.SORT_KEY, ParamKind.TYPE, ParamKind.NAME)


def _collection_call(spec: FunctionSpec, target, args, span: tuple[int, int]):
    """``impl(ctx, focus, *args)`` with each argument shaped by its ParamKind; errors
    are placed at the call's span."""
    impl = implementation(spec.impl)
    count = len(spec.params)
    if not spec.variadic and all(kind in _STATIC for kind, _ in args):
        fixed = tuple(compiled for _, compiled in args) + (None,) * (count - len(args))
        if target is None:
            def static_call(ctx, this):
                try:
                    return impl(ctx, this, *fixed)
                except FHIRPathEvaluationError as error:
                    error.locate(*span)
                    raise
        else:
            def static_call(ctx, this):
                try:
                    return impl(ctx, target(ctx, this), *fixed)
                except FHIRPathEvaluationError as error:
                    error.locate(*span)
                    raise
        return static_call

    plan = tuple(
        (kind, compiled, spec.params[min(index, count - 1)].name) for index, (kind, compiled) in enumerate(args)
    )
    variadic = spec.variadic
    missing = () if variadic else (None,) * (count - len(args))

    def call(ctx, this):
        try:
            focus = this if target is None else target(ctx, this)
            values = []
            for kind, compiled, name in plan:
                if kind is ParamKind.VALUE:
                    found = compiled(ctx, this)
                    values.append(_single(found, spec, name) if found else None)
                elif kind is ParamKind.COLLECTION:
                    values.append(compiled(ctx, this))
                elif kind is ParamKind.LAZY:
                    values.append(partial(compiled, ctx, this))
                else:
                    values.append(compiled)
            if variadic:
                fixed = count - 1
                return impl(ctx, focus, *values[:fixed], *((None,) * (fixed - len(values))), tuple(values[fixed:]))
            return impl(ctx, focus, *values, *missing)
        except FHIRPathEvaluationError as error:
            error.locate(*span)
            raise

    return call
