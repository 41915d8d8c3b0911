"""The public API: `Engine`, `Expression`, and `compile`/`evaluate` on a default engine.

An Engine owns a model choice, a function table and a bounded cache of compiled
expressions (cachetools LRU keyed by everything that changes the result). Compiled
expressions are immutable and can be evaluated from many threads at once.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from fhirpath.ast import size, walk
from fhirpath.errors import FHIRPathError, FHIRPathEvaluationError
from fhirpath.functions.spec import FunctionSpec
from fhirpath.model import SYSTEM_TYPES, load_model, system_type
from fhirpath.parser import parse_located
from fhirpath.runtime.collection import EMPTY
from fhirpath.runtime.context import ACTIVE, DEFAULT_LIMITS, EvalContext, Limits, system_clock
from fhirpath.runtime.element import (
    filtered_plan, plan_for, read_filtered, read_values, resource_type, value_plan, walk_path, walk_values,
)

DEFAULT_CACHE_SIZE = 512


class Expression:
    """A compiled FHIRPath expression: evaluate it as often as you like.

    It keeps the closures, not the syntax tree (`tree` parses the source again when
    asked): a cached expression then costs a few KB instead of twice that."""

    __slots__ = ("source", "strict", "nodes", "_closure", "_engine", "_context_free", "_path", "_filtered",
                 "__weakref__")

    def __init__(self, source: str, closure, strict: bool, engine: Engine, nodes: int,
                 context_free: bool = False, path: tuple | None = None, filtered: tuple | None = None) -> None:
        self.source = source
        self.strict = strict
        self.nodes = nodes  # syntax-tree size, for the cache's memory estimate
        self._closure = closure
        self._engine = engine
        # no closure reads the EvalContext or runs code that looks for the active one
        # (`Compiler.context_free`), so evaluate() makes none
        self._context_free = context_free
        # a whole expression that is a path: (root type, select, navigators, plans; see
        # `Compiler.path`) instead of a closure. evaluate() reads the JSON along the
        # path's plan (`value_plan`) for the resource's type: the root type's, or one per
        # type (`plan_for`) when no type is named first; else it walks the path and
        # reads the last step's values only (`walk_values`).
        self._path = path
        # a path with where() filters, or one ending in first(), count(), exists(),
        # empty() or a function of one value with literal arguments
        # (`Compiler.filtered_path`): (root type, stages, finishing function's name or
        # the function itself, plans as in a path's). evaluate() reads the JSON along
        # its plan (`read_filtered`); the closure, for whatever the plan cannot read,
        # is compiled again on first need (holding it would double what this costs)
        self._filtered = filtered

    def __repr__(self) -> str:
        return f"<Expression {self.source!r}>"

    @property
    def model(self):
        return self._engine._model

    @property
    def tree(self):
        """The syntax tree (`fhirpath.ast`); positions are relative to `located_tree`'s base."""
        return self.located_tree()[0]

    def located_tree(self):
        """(tree, absolute offset of its first character)."""
        return self._engine._parse(self.source)

    def evaluate(
        self,
        resource: Any = None,
        variables: Mapping[str, Any] | None = None,
        *,
        typed: bool = False,
    ) -> list:
        """The result for one resource, as a list of plain values.

        ``resource`` is parsed FHIR JSON (never copied or changed); ``variables``
        become ``%name``. With ``typed=True`` each item is ``(type name, value)``.
        """
        engine = self._engine
        t = None
        if type(resource) is dict:  # the usual case, without the general root()
            name = resource.get("resourceType")
            t = engine._root_types.get(name) if type(name) is str else None
            if t is None:
                t = engine.root_type(resource)
        path = self._path
        if path is not None and t is not None and not typed:  # the JSON read along a plan?
            plans = path[3]
            if type(plans) is dict:  # a path from the resource: a plan per type
                plan = plans.get(t)
                if plan is None:
                    plan = plan_for(plans, t, None, path[2])
            else:  # a path from a type named first: its plan, made when compiled
                plan = plans if t is path[0] else False
            if plan:
                values = read_values(plan, resource)
                if values is not None:
                    return values
        filtered = self._filtered
        if filtered is not None and t is not None and not typed:
            root_type, stages, finish, plans = filtered
            if type(plans) is dict:  # a path from the resource: a plan per type
                plan = plans.get(t)
                if plan is None:
                    plan = plan_for(plans, t, None, stages, filtered_plan)
            else:
                plan = plans if t is root_type else False
            if plan:
                values = read_filtered(plan, resource)
                if values is not None:
                    if finish is None:
                        return values
                    if type(finish) is not str:  # a function of the one value (`Compiler._value_finish`)
                        try:
                            return list(finish(None, values))
                        except FHIRPathEvaluationError as error:
                            error.expression = self.source
                            raise
                    if finish == "first":
                        return values[:1]
                    if finish == "count":
                        return [len(values)]
                    return [bool(values)] if finish == "exists" else [not values]
        root = ((resource, t, None, None, None),) if type(resource) is dict else engine.root(resource)
        if path is not None:  # no context, no error: walk, and keep only the values
            root_type, select, navigators, _ = path
            if select is not None and t is not root_type:  # else select() would pick the root
                root = select(root)
            if not typed:
                return walk_values(navigators[:-1], navigators[-1], root)
            result = walk_path(navigators, root)
        else:
            ctx = previous = None
            if not self._context_free:
                ctx = engine._context()  # inline: a method to do this cost 200 ns more
                ctx.variables = _variables(variables, engine._model) if variables else {}
                ctx.root = root
                previous = ACTIVE.ctx  # for the code that has no ctx argument (see runtime.context)
                ACTIVE.ctx = ctx
            closure = self._closure
            if closure is None:  # a filtered path the plan could not read
                closure = self._closure = engine._closure_of(self)
            try:
                result = closure(ctx, root)
            except FHIRPathEvaluationError as error:
                error.expression = self.source
                raise
            finally:
                if ctx is not None:
                    ACTIVE.ctx = previous
        if typed:
            return [(type_name(item), output_value(item)) for item in result]
        out = []
        for item in result:  # a loop: a comprehension costs a function call here
            out.append(item[0] if type(item) is tuple else item)
        return out

    __call__ = evaluate


class Engine:
    """Compiles and evaluates FHIRPath for one model ("r4", "r5" or None for plain JSON)."""

    def __init__(
        self,
        model: str | None = "r4",
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
        functions: Mapping[str, FunctionSpec] | None = None,
        clock: Callable = system_clock,
        limits: Limits = DEFAULT_LIMITS,
        typed_choices: bool = False,
    ) -> None:
        """``limits`` (`fhirpath.Limits`) bound what an expression and one evaluation may
        cost: expression length and nesting, steps, items, string sizes, wall time and
        regex time. Each has a safe default; exceeding one raises an error with its code.

        ``typed_choices=True`` is the lenient mode some engines have: a choice element
        may be named as in its JSON key (``Observation.valueQuantity``: the value when it
        is a Quantity, else empty). The spec allows only ``value`` (or
        ``value.ofType(Quantity)``), so by default such a name is a semantic error."""
        from fhirpath.functions.table import FUNCTIONS

        self.model_name = model
        self._model = None if model is None else load_model(model)
        table = dict(FUNCTIONS)
        for name, spec in (functions or {}).items():
            if not isinstance(spec, FunctionSpec):
                raise TypeError(f"functions[{name!r}] must be a FunctionSpec")
            table[name] = spec
        self._functions = table
        if not isinstance(limits, Limits):
            raise TypeError("limits must be a fhirpath.Limits")
        if type(cache_size) is not int or cache_size < 0:
            raise ValueError(f"cache_size must be a whole number of expressions, 0 or more (0: none kept), "
                             f"not {cache_size!r}")
        self.limits = limits
        self.typed_choices = typed_choices
        self._context = EvalContext.configured(self._model, clock, limits)
        # resourceType -> its type, for the types the model knows (bounded by the model)
        self._root_types: dict[str, Any] = {}
        self._cache = _expression_cache(cache_size)
        self._compilers: dict[bool, Any] = {}
        self._analyzer = None
        self.misses = 0

    # ---- compiling -----------------------------------------------------------------

    def compile(
        self,
        expression: str,
        *,
        strict: bool = False,
        context: str | None = None,
        variables: Iterable[str] | Mapping[str, Any] = (),
    ) -> Expression:
        """Compile ``expression`` (cached). Raises FHIRPathSyntaxError/SemanticError.

        ``variables`` declares the %variables evaluation will supply: their names, or a
        mapping whose keys are the names (a leading '%' is optional). A %name that is
        neither declared, nor built in (%resource, %context, %ucum, %`vs-...`...), nor
        defined by defineVariable() earlier in its chain is a semantic error
        (``undefined-variable``); a declared one missing at evaluation is an
        evaluation error.

        ``context`` names the type the expression will be evaluated on (``Patient``,
        or an element path such as ``Patient.contact``); the static checks use it.
        ``strict=True`` raises every error the analyzer finds (unknown elements,
        untyped choice access, order-dependent functions on unordered items...); without
        it only the checks listed in `fhirpath.analyzer.ALWAYS_RAISED` run.
        """
        names = declared_names(variables) if variables else _NO_NAMES
        # the default options key by the text alone (a str never equals a tuple): its hash
        # is kept in the str, and an entry keeps no tuple
        key = (expression, strict, context, names) if strict or context is not None or names else expression
        cache = self._cache
        found = cache.live.get(key)
        if found is not None:
            touched = cache.touched
            touched.append(key)  # the LRU order learns of the hit later (see _expression_cache)
            if len(touched) > cache.replay_at:
                cache.replay()
            return found  # counted as a hit when replayed
        self.misses += 1
        compiled = self._compile(expression, strict, context, names)
        cache.put(key, compiled)
        return compiled

    def _compile(self, expression: str, strict: bool, context: str | None, variables: frozenset[str]) -> Expression:
        try:
            # a dotted path compiles to a path, which keeps no tree: no node pool for it
            tree, base = self._parse(expression, pooled=False)
            compiler = self._compiler(strict)
            path = compiler.path(tree)
            plans = None
            if path is not None and path[2]:  # a whole path: what evaluate() runs, no closure
                root_type, select, navigators = path
                if root_type is None:
                    plans = {}
                else:  # no plan without a model: its steps are untyped JSON
                    plans = self._model is not None and value_plan(root_type, navigators) or False
                path = (root_type, select, navigators, plans)
            else:
                path = None
            filtered = None
            if path is None:
                filtered = compiler.filtered_path(tree, base)
                if filtered is not None:
                    root_type, _, stages, finish = filtered
                    plans = {} if root_type is None else filtered_plan(root_type, stages, callable(finish)) or False
                    filtered = None if plans is False else (root_type, stages, finish, plans)
            # Analysis comes before compiling: its messages carry suggestions the
            # compiler's lack. A lenient compile skips it for a path, or a filtered path
            # whose criteria are comparisons with literals, from a type whose every step
            # the model fixes (a plan): the errors lenient analysis raises
            # (`ALWAYS_RAISED`) are about calls, operators and typed choice names, and
            # such a path has none (tests/test_api.py checks this over the corpus and the
            # suites). Such a filtered path is not compiled either: it keeps no closure.
            settled = (not strict and context is None and bool(plans)
                       and (path is not None or (compiler.compares_only(filtered[1]) and not callable(filtered[2]))))
            if not settled:
                from fhirpath.analyzer import as_error, first_error

                found = first_error(self.analyzer.analyze(tree, base, context=context).diagnostics, strict=strict)
                if found is not None:
                    raise as_error(found)
            if path is not None:  # evaluated without a closure or a context
                nodes, context_free, closure = size(tree), True, None
            else:
                nodes = 0
                context_free = True
                for node, _ in walk(tree):
                    nodes += 1
                    if context_free and not compiler.context_free(node):
                        context_free = False
                closure = None
                if not settled:
                    closure = compiler.compile(tree, base, variables=variables)
                if filtered is not None:
                    # kept without one, compiled again if ever needed (`Expression._filtered`);
                    # compiling it above, when not settled, only checked it
                    closure = None
        except FHIRPathError as error:
            error.expression = expression
            raise error from None
        return Expression(expression, closure, strict, self, nodes, context_free, path, filtered)

    def _closure_of(self, expression: Expression):
        """The closure of a compiled expression that was kept without one: its source
        compiled again (it compiled before, so it does again; a filtered path has no
        %variables to declare)."""
        return self._compiler(expression.strict).compile(*expression.located_tree())

    def _parse(self, text: str, pooled: bool = True) -> tuple:
        """`fhirpath.parser.parse_located` within this engine's limits."""
        limits = self.limits
        return parse_located(text, max_length=limits.max_length, max_depth=limits.max_depth, pooled=pooled)

    def _compiler(self, strict: bool):
        compiler = self._compilers.get(strict)
        if compiler is None:
            from fhirpath.compiler import Compiler

            compiler = self._compilers[strict] = Compiler(
                self._model, self._functions, strict=strict, typed_choices=self.typed_choices, limits=self.limits
            )
        return compiler

    @property
    def analyzer(self):
        """The engine's `fhirpath.analyzer.Analyzer` (same model and function table)."""
        found = self._analyzer
        if found is None:
            from fhirpath.analyzer import Analyzer

            found = self._analyzer = Analyzer(self._model, self._functions, typed_choices=self.typed_choices)
        return found

    def analyze(self, expression: str, *, context: str | None = None, variables=None):
        """Static analysis of ``expression``: an `fhirpath.analyzer.Analysis` whose
        ``diagnostics`` report problems (syntax errors included) instead of raising."""
        from fhirpath.analyzer import Analysis
        from fhirpath.errors import Diagnostic, FHIRPathSyntaxError

        try:
            tree, base = self._parse(expression)
        except FHIRPathSyntaxError as error:
            start = error.start or 0
            end = start if error.end is None else error.end
            return Analysis.failed(Diagnostic(error.code, "error", error.message, start, end))
        return self.analyzer.analyze(tree, base, context=context, variables=variables)

    # ---- evaluating ----------------------------------------------------------------

    def evaluate(
        self,
        resource: Any,
        expression: str,
        variables: Mapping[str, Any] | None = None,
        *,
        strict: bool = False,
        typed: bool = False,
    ) -> list:
        """Compile (cached) and evaluate; the names of ``variables`` are declared."""
        compiled = self.compile(expression, strict=strict, variables=variables or ())
        return compiled.evaluate(resource, variables, typed=typed)

    def root_type(self, resource: dict):
        """The type of a resource as the root of an evaluation (remembered per resourceType)."""
        t = resource_type(resource, self._model)
        name = resource.get("resourceType")
        if t is not None and type(name) is str:
            self._root_types[name] = t
        return t

    def root(self, resource) -> tuple:
        """The collection a resource stands for as the root of an evaluation."""
        if resource is None:
            return EMPTY
        if isinstance(resource, dict):
            return ((resource, resource_type(resource, self._model), None, None, None),)
        if isinstance(resource, (list, tuple)):  # one level: a list in a list is one item
            return tuple(
                (element, resource_type(element, self._model), None, None, None)
                if isinstance(element, dict) else _system(element)
                for element in resource if element is not None
            )
        return (_system(resource),)

    def clear_caches(self) -> None:
        """Drop every compiled expression; pooled syntax nodes go with the last expression
        holding them. The model stays: it is shared by every engine of its release."""
        self._cache.drop_all()
        self.misses = 0

    def stats(self) -> dict:
        """Cache, node-pool and model figures, for monitoring."""
        from fhirpath.ast import NODE_POOL
        from fhirpath.model import loaded_releases

        cache = self._cache
        cached = list(cache.live.values())
        return {
            "cache": {
                "size": len(cached),
                "max_size": cache.maxsize,
                "hits": cache.hits,
                "misses": self.misses,
                "evictions": cache.evictions,
                # fitted on the R4 search expressions in a warm engine: about 50 bytes
                # per expression and 340 per syntax node, mostly the compiled closures
                "approximate_bytes": sum(50 + 340 * e.nodes for e in cached),
            },
            "node_pool": NODE_POOL.stats(),
            "model": self.model_name,
            "models_loaded": loaded_releases(),
        }


def _expression_cache(maxsize: int):
    return _expression_cache_class()(maxsize)


@lru_cache(maxsize=None)
def _expression_cache_class() -> type:
    """A cachetools LRU of compiled expressions whose hits take no lock.

    A hit reads ``live``, the plain dict of the entries (one dict read is atomic),
    and appends the key to ``touched``; the notes are replayed into the LRU order under the
    lock at the next insertion, or when they pile up, each key once at its last hit. The
    order is then what it would have been, and a hit costs a fraction of a locked LRU read
    (which must lock: a read reorders)."""
    from cachetools import LRUCache

    class ExpressionCache(LRUCache):
        def __init__(self, maxsize: int) -> None:
            super().__init__(maxsize=maxsize)
            # the cache's own dict of entries (cachetools.Cache keeps them in __data): a
            # mirror of our own would cost ~200 bytes an entry
            self.live: dict = self._Cache__data
            self.touched: list = []  # keys hit since the last replay, oldest first
            self.replay_at = 4 * maxsize + 64  # bounds touched
            self.lock = threading.Lock()
            self.added = self.replayed = 0  # keys put since the last drop_all, replayed hits

        @property
        def hits(self) -> int:
            return self.replayed + len(self.touched)

        @property
        def evictions(self) -> int:
            """Evicted keys: those put that are gone (nothing but eviction takes a key out
            between two drop_all() calls). Cheaper than counting in an override of
            popitem, a Python call more on every eviction."""
            return self.added - len(self.live)

        def replay(self) -> None:
            with self.lock:
                self._replay()

        def put(self, key, value) -> None:
            if not self.maxsize:  # cache_size=0: nothing is kept (cachetools would refuse it)
                return
            with self.lock:
                if self.touched:
                    self._replay()
                if key not in self.live:  # two threads may compile one expression at once
                    self.added += 1
                self[key] = value

        def drop_all(self) -> None:
            with self.lock:
                self.clear()
                self.touched = []
                self.added = self.replayed = 0

        def _replay(self) -> None:
            touched, self.touched = self.touched, []
            self.replayed += len(touched)
            latest_first = dict.fromkeys(reversed(touched))  # each key once, at its last hit
            for key in reversed(latest_first):
                if key in self:
                    self[key]  # noqa: B018 - an LRU read moves the key to the recent end

    return ExpressionCache


_NO_NAMES: frozenset[str] = frozenset()  # shared: an empty frozenset per cache key costs ~200 bytes


def declared_names(variables: Iterable[str] | Mapping[str, Any]) -> frozenset[str]:
    """The variable names a caller declares, without any leading '%'."""
    if isinstance(variables, str):
        raise TypeError("variables must be a collection of names or a mapping, not one string")
    return frozenset(name[1:] if name.startswith("%") else name for name in variables) or _NO_NAMES


def _system(value):
    """A caller's Python value as a System value (floats become exact-as-printed Decimals;
    NaN and infinities, which are no Decimals, stay floats)."""
    if isinstance(value, float) and value - value == 0:
        return Decimal(repr(value))
    return value


def _variables(variables: Mapping[str, Any], model) -> dict[str, tuple]:
    out = {}
    for name, value in variables.items():
        name = name[1:] if name.startswith("%") else name
        if value is None:
            out[name] = EMPTY
        elif isinstance(value, dict):
            out[name] = ((value, resource_type(value, model), None, None, None),)
        elif isinstance(value, (list, tuple)):
            out[name] = tuple(
                (v, resource_type(v, model), None, None, None) if isinstance(v, dict) else _system(v)
                for v in value
            )
        else:
            out[name] = (_system(value),)
    return out


def output_value(item):
    """What a caller gets for an item: the input's own object for complex values, the
    System value (Date, Decimal...) for primitives."""
    return item[0] if type(item) is tuple else item


def type_name(item) -> str | None:
    """``FHIR.string``, ``System.Integer``...: the qualified type of a result item."""
    if type(item) is tuple:
        t = item[1]
        if t is not None:
            return t.qualified
        value = item[0]
        if isinstance(value, dict):
            name = value.get("resourceType")
            return f"FHIR.{name}" if isinstance(name, str) else None
        found = system_type(value)
        return None if found is None else found.qualified
    found = system_type(item)
    return None if found is None else found.qualified


# ---- module-level API on a default engine per model -----------------------------------------

_engines: dict[str | None, Engine] = {}
_engines_lock = threading.Lock()


def engine(model: str | None = "r4") -> Engine:
    """The shared default Engine of a model, created on first use."""
    found = _engines.get(model)
    if found is None:
        with _engines_lock:
            found = _engines.get(model)
            if found is None:
                found = _engines[model] = Engine(model)
    return found


def compile(  # noqa: A001
    expression: str,
    model: str | None = "r4",
    *,
    strict: bool = False,
    context: str | None = None,
    variables: Iterable[str] | Mapping[str, Any] = (),
) -> Expression:
    """Compile ``expression`` once and evaluate it many times (cached per model).

    ``variables`` declares the %names evaluation will supply (see `Engine.compile`).
    """
    found = _engines.get(model) or engine(model)  # inline: a call costs a tenth of a cached compile
    return found.compile(expression, strict=strict, context=context, variables=variables)


def analyze(expression: str, context: str | None = None, model: str | None = "r4", *, variables=None):
    """Types and diagnostics of ``expression`` without raising (see `Engine.analyze`)."""
    return engine(model).analyze(expression, context=context, variables=variables)


def evaluate(
    resource: Any,
    expression: str,
    variables: Mapping[str, Any] | None = None,
    model: str | None = "r4",
    strict: bool = False,
    typed: bool = False,
) -> list:
    """Evaluate ``expression`` against ``resource`` (parsed FHIR JSON); each key of
    ``variables`` is %key in the expression (and declared, see `Engine.compile`)."""
    return engine(model).evaluate(resource, expression, variables, strict=strict, typed=typed)


__all__ = ["DEFAULT_LIMITS", "Engine", "Expression", "Limits", "analyze", "compile", "evaluate", "SYSTEM_TYPES"]
