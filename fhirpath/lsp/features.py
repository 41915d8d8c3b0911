"""Editor features over plain text: diagnostics, completion, hover and signature help.

Each function takes the text of a document (or of a single expression), a code-point
offset into it and the caller's `Options`, and returns NamedTuples holding code-point
offsets. Nothing here knows LSP positions or imports pygls, so other servers (a profile
editor, a notebook) can call these directly; `fhirpath.lsp.server` converts positions.

A document holds one expression, or one per line. Its first line may be a comment that
says what its expressions are checked against; keys it leaves out keep the caller's
options (the server's initialization options)::

    // context: Patient; model: r5; expressions: line; variables: %today %site

Types, diagnostics and completion candidates come from the analyzer
(`fhirpath.analyzer`), which reads the same function table and model as the compiler.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from fhirpath import ast
from fhirpath.analyzer import UNKNOWN, Analysis
from fhirpath.api import engine
from fhirpath.errors import Diagnostic, FHIRPathError
from fhirpath.functions.spec import FunctionSpec, OperatorSpec
from fhirpath.functions.table import OPERATORS, UNARY_OPERATORS
from fhirpath.model import RELEASES, SYSTEM_TYPES


class Options(NamedTuple):
    """What expressions are checked against, unless the document's header says otherwise."""

    #: the type the expressions are evaluated on (``Patient``, ``Patient.contact``);
    #: None lets a leading type name (``Patient.name``) decide
    context: str | None = None
    #: "r4", "r5", or None for plain JSON without FHIR types
    model: str | None = "r4"
    #: one expression per line instead of one per document
    per_line: bool = False
    #: the %variables the caller will pass; None lets any name through with a warning
    variables: tuple[str, ...] | None = None


class CompletionItem(NamedTuple):
    label: str
    kind: str  # "element" | "function" | "variable" | "type"
    detail: str  # the element's type, the function's signature...
    insert: str  # the text that replaces the word being typed
    documentation: str = ""


class Completions(NamedTuple):
    """Items for the word from ``start`` to ``end`` (the cursor), best first."""

    start: int
    end: int
    items: list[CompletionItem]


class Hover(NamedTuple):
    markdown: str
    start: int
    end: int


class SignatureHelp(NamedTuple):
    label: str  # ``substring(start : Integer, [length : Integer]) : String``
    parameters: tuple[tuple[int, int], ...]  # where each parameter is in the label
    active: int | None  # the parameter the cursor is in, when there is one
    documentation: str


# ---- the document --------------------------------------------------------------------

_HEADER = re.compile(r"[ \t]*//([^\r\n]*)")
_SETTING = re.compile(r"([A-Za-z]+)[ \t]*:[ \t]*([^;]*)")
_KEYS = ("context", "model", "expressions", "variables")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # LSP's line ends (not str.splitlines's eight)
_NOTHING = re.compile(r"(?:\s+|//[^\r\n]*|/\*.*?\*/)*\Z", re.S)  # blanks and comments only


class _Setup(NamedTuple):
    options: Options
    problems: list[Diagnostic]  # about the header or the options themselves


def _setup(text: str, defaults: Options) -> _Setup:
    """The options for ``text``: the header's over ``defaults``, with what is wrong in them."""
    changes: dict = {}
    problems: list[Diagnostic] = []
    context_at = (0, 0)
    header = _HEADER.match(text)
    settings = [] if header is None else list(_SETTING.finditer(header.group(1)))
    if any(found.group(1) in _KEYS for found in settings):  # else it is an ordinary comment
        for found in settings:
            key, value = found.group(1), found.group(2).rstrip()
            start = header.start(1) + found.start(2)
            span = (start, start + len(value))
            if key == "context":
                changes["context"], context_at = value or None, span
            elif key == "model":
                model = None if value.lower() == "none" else value.lower()
                if model is None or model in RELEASES:
                    changes["model"] = model
                else:
                    problems.append(Diagnostic("unknown-model", "error", _unknown_model(value), *span))
            elif key == "expressions":
                if value in ("file", "line"):
                    changes["per_line"] = value == "line"
                else:
                    problems.append(Diagnostic("unknown-setting", "error",
                                               f"expressions: '{value}'; expected 'file' or 'line'", *span))
            elif key == "variables":
                changes["variables"] = tuple(name.lstrip("%") for name in re.split(r"[\s,]+", value) if name)
            else:
                problems.append(Diagnostic("unknown-setting", "warning",
                                           f"unknown setting '{key}'; expected {', '.join(_KEYS)}",
                                           header.start(1) + found.start(1), header.start(1) + found.end(1)))
    options = defaults._replace(**changes)
    if options.model is not None and options.model not in RELEASES:
        problems.append(Diagnostic("unknown-model", "error", _unknown_model(options.model), 0, 0))
        options = options._replace(model=None)
    if options.context is not None and options.model is not None:
        try:
            engine(options.model).analyzer.context_type(options.context)
        except FHIRPathError as error:
            problems.append(Diagnostic(error.code, "error", error.message, *context_at))
            options = options._replace(context=None)
    return _Setup(options, problems)


def _unknown_model(name: str) -> str:
    return f"unknown model '{name}'; expected {', '.join(RELEASES)} or none"


def _expressions(text: str, options: Options) -> list[tuple[int, int]]:
    """(start, end) of each expression of the document, skipping blanks and comments."""
    if not options.per_line:
        return [] if _NOTHING.match(text) else [(0, len(text))]
    return [(start, end) for start, end in _lines(text) if not _NOTHING.match(text, start, end)]


def _lines(text: str):
    start = 0
    for found in _LINE_BREAK.finditer(text):
        yield start, found.start()
        start = found.end()
    yield start, len(text)


def _expression_at(text: str, offset: int, options: Options) -> tuple[int, int]:
    """(start, end) of the expression the cursor at ``offset`` is in (its line, per line)."""
    if not options.per_line:
        return 0, len(text)
    for start, end in _lines(text):
        if offset <= end:
            return start, end
    return len(text), len(text)


def _analyze(expression: str, options: Options) -> Analysis:
    return engine(options.model).analyze(expression, context=options.context, variables=options.variables)


# ---- diagnostics ---------------------------------------------------------------------


def diagnostics(text: str, defaults: Options = Options()) -> list[Diagnostic]:
    """Syntax errors and the analyzer's findings, for every expression of the document."""
    options, found = _setup(text, defaults)
    for start, end in _expressions(text, options):
        for d in _analyze(text[start:end], options).diagnostics:
            found.append(d._replace(start=d.start + start, end=d.end + start))
    return found


# ---- completion ----------------------------------------------------------------------

_WORD_END = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: where a type name goes: ``x is |``, ``x as |``, ``ofType(|``, ``is(|``, ``as(|``,
#: optionally after a namespace (``is FHIR.|``)
_TYPE_SLOT = re.compile(r"(?:\b(?:is|as)\s+|\b(?:ofType|is|as)\s*\(\s*)(?:(FHIR|System)\s*\.\s*)?\Z")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_OPENERS = {")": "(", "]": "[", "}": "{"}
_QUOTED = {"'": re.compile(r"'(?:[^'\\]|\\.)*'", re.S), "`": re.compile(r"`(?:[^`\\]|\\.)*`", re.S)}

#: spec §9 (%ucum, %context) and FHIR's additions to FHIRPath
_VARIABLES = (
    ("context", "the item the expression is evaluated on"),
    ("resource", "the resource that holds the context"),
    ("rootResource", "the container of %resource when it is contained, else %resource"),
    ("ucum", "'http://unitsofmeasure.org'"),
    ("sct", "'http://snomed.info/sct'"),
    ("loinc", "'http://loinc.org'"),
)
_DEFINED = re.compile(r"\bdefineVariable\s*\(\s*'([^'\\]+)'")


def completion(text: str, offset: int, defaults: Options = Options()) -> Completions | None:
    """What may be typed at ``offset``: after ``.`` the elements of the focus type and the
    functions it accepts (with signatures); after ``%`` variables; after ``is``/``as``/
    ``ofType(`` type names; at the start of a path the elements of ``$this``, functions
    and (outside brackets) resource types. None inside a string or comment."""
    options, _ = _setup(text, defaults)
    start, _ = _expression_at(text, offset, options)
    head = text[start:offset]
    brackets = _unclosed(head)
    if brackets is None:
        return None
    word = _WORD_END.search(head)
    word_start = len(head) - (len(word.group()) if word else 0)
    before = head[:word_start]
    if before.endswith("%"):
        return Completions(start + word_start - 1, offset, _variable_items(head, options))
    slot = _TYPE_SLOT.search(before)
    if slot is not None:
        return Completions(start + word_start, offset, _type_items(options, slot.group(1)))
    items = _focus_items(before, brackets, options)
    if not brackets and not before.rstrip().endswith(".") and options.model is not None:
        model = engine(options.model).analyzer.model
        items += [CompletionItem(name, "type", "FHIR resource type", name) for name in model.resource_type_names()]
    return Completions(start + word_start, offset, items)


def _unclosed(text: str) -> list[list] | None:
    """The brackets ``text`` opens and leaves open, innermost last, each as
    ``[bracket, offset, commas seen inside it]``; None when ``text`` ends inside a
    string, a delimited name or a comment."""
    stack: list[list] = []
    at, end = 0, len(text)
    while at < end:
        ch = text[at]
        if ch in _QUOTED:
            found = _QUOTED[ch].match(text, at)
            if found is None:
                return None
            at = found.end()
            continue
        if text.startswith("//", at):
            found = _LINE_BREAK.search(text, at)
            if found is None:
                return None
            at = found.end()
            continue
        if text.startswith("/*", at):
            close = text.find("*/", at + 2)
            if close < 0:
                return None
            at = close + 2
            continue
        if ch in _CLOSERS:
            stack.append([ch, at, 0])
        elif ch in _OPENERS:
            if stack and stack[-1][0] == _OPENERS[ch]:
                stack.pop()
        elif ch == "," and stack:
            stack[-1][2] += 1
        at += 1
    return stack


def _focus_items(before: str, brackets: list[list], options: Options) -> list[CompletionItem]:
    """Elements of the focus and the functions it accepts. The text may not parse yet
    (``Patient.name.where(``), so the analyzer sees a stand-in name at the cursor and the
    brackets closed: ``Patient.name.where(x)``."""
    probe = before + "x" + "".join(_CLOSERS[bracket] for bracket, _, _ in reversed(brackets))
    focus = _analyze(probe, options).focus_at(len(before) + 1) or UNKNOWN
    analyzer = engine(options.model).analyzer
    items = []
    for candidate in analyzer.candidates(focus):
        if candidate.kind == "function":
            spec = analyzer.functions[candidate.name]
            insert = candidate.name + ("()" if not spec.params else "")
            items.append(CompletionItem(candidate.name, "function", candidate.detail, insert, _about(spec, options)))
        else:
            items.append(CompletionItem(candidate.name, candidate.kind, candidate.detail, candidate.name))
    return items


def _variable_items(head: str, options: Options) -> list[CompletionItem]:
    names = dict(_VARIABLES)
    for name in options.variables or ():
        names.setdefault(name, "passed by the caller")
    for name in _DEFINED.findall(head):
        names.setdefault(name, "defined by defineVariable()")
    return [CompletionItem("%" + name, "variable", about, "%" + name) for name, about in names.items()]


def _type_items(options: Options, namespace: str | None) -> list[CompletionItem]:
    items = []
    if options.model is not None and namespace != "System":
        model = engine(options.model).analyzer.model
        items += [CompletionItem(name, "type", "FHIR type", name) for name in model.type_names()]
    if namespace != "FHIR":
        known = {item.label for item in items}
        items += [CompletionItem(name, "type", "System type", name) for name in SYSTEM_TYPES if name not in known]
    return items


# ---- hover ---------------------------------------------------------------------------


def hover(text: str, offset: int, defaults: Options = Options()) -> Hover | None:
    """The type of the node under the cursor; for a function its signature, summary and
    spec section; for an operator the same from the operator table."""
    options, _ = _setup(text, defaults)
    start, end = _expression_at(text, offset, options)
    analysis = _analyze(text[start:end], options)
    if analysis.tree is None:
        return None
    found = ast.node_at(analysis.tree, offset - start, analysis.base)
    if found is None:
        return None
    node, at = found
    static = analysis.type_of(node, at)
    described = "Any [0..*]" if static is None else static.describe()
    node_start, node_end = ast.span(node, at)
    kind = type(node)
    if kind is ast.Call:
        node_end = node_start + len(node.name)  # the name, not the arguments
        spec = engine(options.model).analyzer.functions.get(node.name)
        if spec is not None:
            markdown = _code(spec.signature()) + _about(spec, options) + f"\n\nHere: `{described}`"
            return Hover(markdown, start + node_start, start + node_end)
    elif kind is ast.Binary or kind is ast.Unary or kind is ast.TypeOp:  # `is` and `as` are operators too
        spec = (UNARY_OPERATORS if kind is ast.Unary else OPERATORS).get(node.op)
        if spec is not None:
            markdown = _code(_operator_signature(spec)) + _about(spec, options) + f"\n\nHere: `{described}`"
            return Hover(markdown, start + node_start, start + node_end)
    source = text[start + node_start:start + node_end]
    return Hover(_code(f"{source} : {described}"), start + node_start, start + node_end)


def _code(line: str) -> str:
    return f"```fhirpath\n{line}\n```"


def _operator_signature(spec: OperatorSpec) -> str:
    if spec.left is None:
        return f"{spec.symbol} {spec.right} : {spec.returns}"
    return f"{spec.left} {spec.symbol} {spec.right} : {spec.returns}"


def _about(spec: FunctionSpec | OperatorSpec, options: Options) -> str:
    """The summary and a link to where the specification defines it."""
    text = f"\n\n{spec.summary}" if spec.summary else ""
    section = spec.section
    if section[:1].isdigit():
        text += f"\n\n[FHIRPath §{section}](https://hl7.org/fhirpath/N1/)"
    elif section:
        release = (options.model or "r4").upper()
        text += f"\n\n[FHIR {release} {section}](https://hl7.org/fhir/{release}/{section})"
    return text


# ---- signature help ------------------------------------------------------------------


def signature_help(text: str, offset: int, defaults: Options = Options()) -> SignatureHelp | None:
    """The signature of the function whose parentheses hold the cursor, and which of its
    parameters the cursor is in. Works on text that does not parse yet."""
    options, _ = _setup(text, defaults)
    start, _ = _expression_at(text, offset, options)
    head = text[start:offset]
    functions = engine(options.model).analyzer.functions
    for bracket, at, commas in reversed(_unclosed(head) or ()):
        name = _WORD_END.search(head[:at].rstrip())
        spec = None if bracket != "(" or name is None else functions.get(name.group())
        if spec is not None:
            return _signature(spec, commas, options)
    return None


def _signature(spec: FunctionSpec, commas: int, options: Options) -> SignatureHelp:
    label = spec.signature()
    parameters = []
    at = len(spec.name) + 1
    for param in spec.params:
        written = f"{param.name} : {param.type}"
        found = label.find(written, at)
        if found < 0:
            parameters = []
            break
        parameters.append((found, found + len(written)))
        at = found + len(written)
    count = len(parameters)
    if spec.variadic and count:
        active = min(commas, count - 1)
    else:
        active = commas if commas < count else None
    return SignatureHelp(label, tuple(parameters), active, _about(spec, options).strip())
