"""Metadata of builtin functions and operators: what the compiler, analyzer, completion
and hover read from the one table (`fhirpath.functions.table`).

How the compiler calls an implementation depends on ``FunctionSpec.scalar``:

- **scalar** functions are plain Python on values: ``impl(value, *arg_values)``
  returns a value or ``None`` (empty). The compiler does the FHIRPath around them:
  empty input gives empty (or ``on_empty``), more than one input item is an
  error, FHIR nodes are unwrapped to their values, each VALUE argument is
  evaluated to a single value (an empty argument gives an empty result) and the
  result is wrapped into a collection.
- **collection** functions see collections: ``impl(ctx, focus, *args)`` with one
  positional argument per parameter, shaped by its `ParamKind` (absent optional
  parameters are ``None``; a variadic last parameter arrives as a tuple of them).
  They return a tuple (a collection).
"""

from __future__ import annotations

import enum
import importlib
from typing import Callable


class ParamKind(enum.Enum):
    #: compiled closure ``fn(ctx, this)``; re-evaluated per input item with $this/$index
    #: bound (use `fhirpath.runtime.context.each`): where, select, all, exists, repeat, sort
    EXPR = "expr"
    #: zero-argument thunk evaluated in the caller's context, at most once and only if
    #: needed: iif branches, coalesce
    LAZY = "lazy"
    #: evaluated once in the caller's context to a single Python value (None if empty)
    VALUE = "value"
    #: evaluated once in the caller's context and passed whole (a tuple)
    COLLECTION = "collection"
    #: a type specifier resolved at compile time (a `TypeInfo`): is, as, ofType
    TYPE = "type"
    #: a bare identifier passed as its text (duration/difference precision)
    NAME = "name"
    #: a sort key: ``(closure, descending)``; ``desc`` or a leading ``-`` mean descending
    SORT_KEY = "sort_key"


EXPR, LAZY, VALUE, COLLECTION, TYPE, NAME, SORT_KEY = ParamKind


class EmptyRule(enum.Enum):
    """What a function returns for an empty input (spec ``emptyInputResult``)."""

    EMPTY = "empty"
    TRUE = "true"
    FALSE = "false"
    ZERO = "0"
    CALL = "call"  # the implementation decides (collection functions always see the input)


class Flow(enum.Enum):
    """Where the items of a function's result come from when ``returns`` cannot say it;
    the analyzer types the result by it. Without a flow, a function gives one value of
    ``returns`` per call, or some of its input's items (SAME_AS_INPUT)."""

    #: one item of the input at most (first, last)
    PICK = "pick"
    #: several values of ``returns`` from the one input item (split, toChars)
    SPLIT = "split"
    #: for each input item, the items of the first argument (select)
    PROJECT = "project"
    #: the first argument applied again to what it gave, any number of items (repeat)
    REPEAT = "repeat"
    #: the items of one of the arguments that is not a Boolean criterion (iif, coalesce)
    CHOOSE = "choose"
    #: the input's items and the first argument's (union, combine)
    MERGE = "merge"


# The specs are plain classes with slots, not NamedTuples: a NamedTuple class costs
# ~10 KB of memory in every process that compiles, a plain one ~3 KB.

class Param:
    __slots__ = ("name", "kind", "type", "optional")

    def __init__(self, name: str, kind: ParamKind, type: str = "Any", optional: bool = False) -> None:
        self.name = name
        self.kind = kind
        self.type = type  # 'String', 'Integer', 'Boolean', 'Any', 'Integer|Decimal', ...
        self.optional = optional

    def __repr__(self) -> str:
        return f"Param({self.name!r}, {self.kind}, {self.type!r}, optional={self.optional})"


class FunctionSpec:
    __slots__ = ("name", "impl", "params", "input", "singleton_input", "returns", "on_empty", "section", "summary",
                 "scalar", "variadic", "flow", "ordered_input", "unordered_result", "context_free")

    def __init__(
        self,
        name: str,
        impl: Callable | str,
        params: tuple[Param, ...] = (),
        input: str = "Any",
        singleton_input: bool = False,
        returns: str = "Any",
        on_empty: EmptyRule = EmptyRule.EMPTY,
        section: str = "",
        summary: str = "",
        scalar: bool = False,
        variadic: bool = False,
        flow: Flow | None = None,
        ordered_input: bool = False,
        unordered_result: bool = False,
        context_free: bool = False,
    ) -> None:
        self.name = name  # exact spec spelling
        self.impl = impl  # "module.function" in fhirpath.functions, or a callable (see `implementation`)
        self.params = params
        self.input = input  # accepted item type(s) of the focus, e.g. 'String', 'Integer|Decimal'
        self.singleton_input = singleton_input  # spec errorOnMultipleInput
        self.returns = returns  # a type name, or SAME_AS_INPUT
        self.on_empty = on_empty
        self.section = section  # "5.2.1": hover links to the spec
        self.summary = summary  # one line, our own words
        self.scalar = scalar
        self.variadic = variadic  # the last parameter may repeat (coalesce, sort)
        self.flow = flow  # where the result's items come from, if not from ``returns``
        self.ordered_input = ordered_input  # the result depends on the input's order (first, skip): spec §3
        self.unordered_result = unordered_result  # the result's order is undefined (children, descendants): §5.9
        # the implementation reads neither its EvalContext nor the active one (given no
        # criteria or lazy argument): an expression of such calls, paths and literals is
        # evaluated without a context (see `fhirpath.compiler.Compiler.context_free`)
        self.context_free = context_free

    def __repr__(self) -> str:
        return f"<FunctionSpec {self.signature()}>"

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.params if not p.optional)

    @property
    def max_args(self) -> int | None:
        return None if self.variadic else len(self.params)

    def signature(self) -> str:
        """``name(param : Type [, optional : Type]) : Returns`` for hover and messages."""
        parts = []
        for p in self.params:
            text = f"{p.name} : {p.type}"
            parts.append(f"[{text}]" if p.optional else text)
        if self.variadic and parts:
            parts[-1] += " ..."
        return f"{self.name}({', '.join(parts)}) : {self.returns}"


SAME_AS_INPUT = "SAME_AS_INPUT"


_RESOLVED: dict[str, Callable] = {}


def implementation(impl: Callable | str) -> Callable:
    """The function an entry's ``impl`` names. The table names its own as
    ``"module.function"`` in `fhirpath.functions`, imported when an expression first uses
    one: a process pays in memory only for the function modules its expressions need.
    A caller's FunctionSpec may give the callable itself."""
    if type(impl) is not str:
        return impl
    found = _RESOLVED.get(impl)
    if found is None:
        module, _, name = impl.partition(".")
        found = _RESOLVED[impl] = getattr(importlib.import_module(f"fhirpath.functions.{module}"), name)
    return found


def pairs(text: str, result: str | None = None) -> tuple[tuple[str | None, str, str], ...]:
    """An operator's operand type pairs, each with its result type, from
    ``"Left-Right:Result ..."`` (operations.json's typeMapping with the result added).
    ``result`` stands for an omitted ``:Result``; a unary operator's pairs are
    ``"-Operand:Result"`` (no left operand: None)."""
    found = []
    for item in text.split():
        operands, _, given = item.partition(":")
        left, right = operands.split("-")
        found.append((left or None, right, given or result))
    return tuple(found)


class OperatorSpec:
    """A binary or unary operator. ``impl(left, right) -> tuple`` on collections; with
    ``lazy_right`` it is ``impl(left, right, ctx, this)``: the right operand's closure,
    called only if needed (and, or, implies). ``left`` is None for a unary operator."""

    __slots__ = ("symbol", "impl", "left", "right", "returns", "section", "summary", "lazy_right", "context_free",
                 "type_pairs", "reads_values")

    def __init__(
        self,
        symbol: str,
        impl: Callable | str,
        left: str | None = "Any",
        right: str = "Any",
        returns: str = "Any",
        section: str = "",
        summary: str = "",
        lazy_right: bool = False,
        context_free: bool = False,
        type_pairs: tuple[tuple[str | None, str, str], ...] = (),
        reads_values: bool = False,
    ) -> None:
        self.symbol = symbol
        self.impl = impl  # as FunctionSpec.impl
        self.left = left
        self.right = right
        self.returns = returns
        self.section = section
        self.summary = summary
        self.lazy_right = lazy_right
        self.context_free = context_free  # as FunctionSpec.context_free
        # (left, right, result) per pair of operand types the operator takes (see `pairs`)
        self.type_pairs = type_pairs
        # the implementation reads each operand's one System value and nothing else about
        # its items (arithmetic, &): a path operand may then be read as plain values
        self.reads_values = reads_values

    def __repr__(self) -> str:
        return f"<OperatorSpec {self.symbol!r}>"

    def result_type(self, left: str | None, right: str) -> str | None:
        """The result type of the operand types ``left`` and ``right``, None if not a pair."""
        for pair_left, pair_right, result in self.type_pairs:
            if pair_left == left and pair_right == right:
                return result
        return None
