"""Errors and diagnostics, each carrying the span of text it is about.

Positions are 0-based, half-open code-point offsets into the expression.
Line and column (1-based) are computed only when a message is shown, from the
expression text the API attaches to the error.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A half-open range of code points in an expression."""

    start: int
    end: int


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text` (columns count code points)."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def render_caret(text: str, start: int, end: int | None = None) -> str:
    """Two lines: the source line holding `start`, and carets under `start:end`."""
    start = max(0, min(start, len(text)))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end == -1:
        line_end = len(text)
    source = text[line_start:line_end]
    stop = line_end if end is None else max(start + 1, min(end, line_end))
    # Keep tabs so carets line up with the source in a terminal.
    pad = "".join("\t" if ch == "\t" else " " for ch in source[: start - line_start])
    return f"  {source}\n  {pad}{'^' * max(1, stop - start)}"


def did_you_mean(name: str, candidates, *, prefix: str = "", cutoff: float = 0.7) -> str:
    """"; did you mean 'x'?" for the closest candidate, or "" (difflib loads only here)."""
    import difflib

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=cutoff)
    return f"; did you mean '{prefix}{close[0]}'?" if close else ""


class FHIRPathError(Exception):
    """Base of every error this package raises on purpose.

    `code` is a stable kebab-case identifier (`unexpected-token`,
    `unknown-function`, ...); `message` is a sentence without position;
    `start`/`end` locate it in `expression` when known.
    """

    kind = "error"
    # slots: raising is part of evaluation (a singleton expected, a bad operand) and an
    # instance __dict__ made construction cost 4x
    __slots__ = ("message", "code", "start", "end", "expression")

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        start: int | None = None,
        end: int | None = None,
        expression: str | None = None,
    ) -> None:
        # no super().__init__(message): BaseException.__new__ has set args from the
        # positional message already, and the call cost a third of raising one
        self.message = message
        self.code = code
        self.start = start
        self.end = end
        self.expression = expression

    @property
    def span(self) -> Span | None:
        if self.start is None:
            return None
        return Span(self.start, self.end if self.end is not None else self.start)

    def locate(self, start: int, end: int) -> None:
        """Attach a span unless a more precise one is already known."""
        if self.start is None:
            self.start, self.end = start, end

    @property
    def line(self) -> int | None:
        if self.start is None or self.expression is None:
            return None
        return line_and_column(self.expression, self.start)[0]

    @property
    def column(self) -> int | None:
        if self.start is None or self.expression is None:
            return None
        return line_and_column(self.expression, self.start)[1]

    @property
    def position(self) -> str | None:
        """`line:column` when both the span and the expression are known."""
        line = self.line
        return None if line is None else f"{line}:{self.column}"

    def caret(self) -> str | None:
        if self.start is None or self.expression is None:
            return None
        return render_caret(self.expression, self.start, self.end)

    def to_dict(self) -> dict:
        """A JSON-ready record (bulk output, LSP, logs)."""
        record = {"code": self.code, "kind": self.kind, "message": self.message}
        if self.start is not None:
            record["start"], record["end"] = self.start, self.end
        return record

    def __str__(self) -> str:
        position = self.position
        if position is None:
            return self.message
        return f"{self.message} at {position}\n{self.caret()}"

    def __reduce__(self):
        # Keyword-only constructor: teach pickle (process pools) how to rebuild us.
        return (_rebuild, (type(self), self.message, self.code, self.start, self.end, self.expression))


def _rebuild(cls, message, code, start, end, expression):
    return cls(message, code=code, start=start, end=end, expression=expression)


class FHIRPathSyntaxError(FHIRPathError):
    """The text is not a FHIRPath expression."""

    kind = "syntax"
    __slots__ = ()


class FHIRPathSemanticError(FHIRPathError):
    """The expression parses but cannot mean anything: unknown function, arity, type."""

    kind = "semantic"
    __slots__ = ()


class FHIRPathEvaluationError(FHIRPathError):
    """Evaluation failed on this input, e.g. a collection where a singleton is required."""

    kind = "execution"
    __slots__ = ()


class FHIRPathLimitError(FHIRPathEvaluationError):
    """Evaluation stopped at one of the engine's limits (`fhirpath.Limits`): too many
    steps or items, too long a string, too much time. The code (``limit-steps``,
    ``limit-items``, ``limit-string``, ``limit-time``, ``limit-regex-time``) names
    the limit; a caller may retry with larger ones."""

    __slots__ = ()


class Diagnostic(NamedTuple):
    """A finding of the analyzer or language server: reported, never raised.

    (A NamedTuple rather than a dataclass: importing dataclasses costs ~20 ms.)"""

    code: str
    severity: str  # "error" | "warning" | "information" | "hint"
    message: str
    start: int
    end: int
