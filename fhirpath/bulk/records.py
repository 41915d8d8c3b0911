"""One output record per input resource, and the JSON that goes in and out.

A record is ``{"file", "line", <name>: [items]...}``, one field per expression, or
``{"file", "line", "error": {"code", "message", ...}}`` when the line is not JSON or an
expression raised on it. JSON is read with exact decimals (``1.50`` stays ``1.50``
through to the output) by msgspec, whose decoder hands float text to ``Decimal`` and whose
encoder writes a ``Decimal`` back as the same number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, NamedTuple

import msgspec

from fhirpath import api
from fhirpath.errors import FHIRPathError
from fhirpath.runtime.quantity import Quantity
from fhirpath.runtime.temporal import Temporal

_DECODER = msgspec.json.Decoder(float_hook=Decimal)
_BOM = b"\xef\xbb\xbf"
RESERVED_NAMES = frozenset({"file", "line", "error"})


class InvalidJSON(Exception):
    """A line or document that is not JSON (the message says where)."""


class LineTooLong(NamedTuple):
    """Stands in for a line (or document) longer than the reader takes: it was skipped."""

    size: int
    limit: int


def decode(data: bytes) -> Any:
    """Parsed JSON with every non-integer number as an exact Decimal."""
    try:
        return _DECODER.decode(data[3:] if data.startswith(_BOM) else data)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as error:
        raise InvalidJSON(str(error)) from None


def _encode_value(value: Any) -> Any:
    """Engine values JSON has no type for: dates and times as FHIR text, quantities as FHIRPath text."""
    if isinstance(value, (Temporal, Quantity)):
        return str(value)
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


_ENCODER = msgspec.json.Encoder(enc_hook=_encode_value, decimal_format="number")


def encode(value: Any) -> bytes:
    """Compact JSON on one line (no raw newline can appear inside)."""
    return _ENCODER.encode(value)


def error_record(file: str | None, line: int | None, code: str, message: str, **details: Any) -> dict:
    return {"file": file, "line": line, "error": {"code": code, "message": message, **details}}


def text_line(record: Mapping[str, Any]) -> str:
    """A human-readable line: ``file:line: item, item`` (``{}`` when empty)."""
    where = f"{record['file']}:{record['line']}" if record["line"] is not None else record["file"]
    error = record.get("error")
    if error is not None:
        return f"{where}: error[{error['code']}] {error['message']}"
    fields = [(name, value) for name, value in record.items() if name not in RESERVED_NAMES]
    if len(fields) == 1:
        return f"{where}: {text_items(fields[0][1])}"
    return f"{where}: " + "; ".join(f"{name}={text_items(value)}" for name, value in fields)


def text_items(items: list) -> str:
    """Items as readable text, comma-separated; ``{}`` for the empty collection."""
    if not items:
        return "{}"
    return ", ".join(text_item(item) for item in items)


def text_item(item: Any) -> str:
    """One item as readable text: strings bare, booleans as FHIRPath spells them, JSON for objects."""
    if isinstance(item, dict) and item.keys() == {"type", "value"}:  # --typed
        return f"{text_item(item['value'])} ({item['type']})"
    if isinstance(item, str):
        return item
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (dict, list)):
        return encode(item).decode()
    return str(item)


class Evaluator:
    """The expressions of a run compiled in this process, turning input lines into records.

    Processes and Spark executors are sent expression *text* and build their own
    Evaluator: compiled closures and the lark parser do not pickle.
    """

    def __init__(
        self,
        expressions: Mapping[str, str],
        *,
        model: str | None = "r4",
        strict: bool = False,
        typed: bool = False,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        clashes = RESERVED_NAMES & set(expressions)
        if clashes:
            raise ValueError(f"expression names {sorted(clashes)} are reserved for record fields")
        self._compiled = [
            (name, api.compile(text, model, strict=strict, variables=variables or ()))
            for name, text in expressions.items()
        ]
        self._name_errors = len(self._compiled) > 1
        self._typed = typed
        self._variables = variables

    def record(self, file: str | None, line: int | None, data: bytes) -> dict:
        """The record of one input line or document: its results, or why there are none."""
        if type(data) is LineTooLong:
            return error_record(
                file, line, "line-too-long", f"{data.size:,} bytes or more; the limit is {data.limit:,} (max_line_bytes)"
            )
        try:
            resource = decode(data)
        except InvalidJSON as error:
            return error_record(file, line, "invalid-json", str(error))
        if type(resource) is not dict:
            found = "null" if resource is None else "an array" if type(resource) is list else f"a {type(resource).__name__}"
            return error_record(file, line, "not-a-resource", f"expected a JSON object (a resource), not {found}")
        record: dict[str, Any] = {"file": file, "line": line}
        for name, expression in self._compiled:
            where = {"expression": name} if self._name_errors else {}
            try:
                items = expression.evaluate(resource, self._variables, typed=self._typed)
            except FHIRPathError as error:
                return {"file": file, "line": line, "error": {**error.to_dict(), **where}}
            except Exception as error:  # an engine bug must neither stop the run nor lose the line
                return error_record(file, line, "internal-error", f"{type(error).__name__}: {error}", **where)
            if self._typed:
                items = [{"type": type_name, "value": value} for type_name, value in items]
            record[name] = items
        return record
