"""pygls wiring for `fhirpath.lsp.features`: handlers, positions, debounced diagnostics.

No FHIRPath logic lives here. This module turns LSP positions, counted in the encoding
the client and server agreed on (UTF-16 unless the client offers another), into the
code-point offsets the features take and back, through the document's position codec;
publishes diagnostics when a document opens and, debounced, after it changes; and keeps
state for a document only between didOpen and didClose.
"""

from __future__ import annotations

import asyncio
import bisect
import re

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from fhirpath.lsp import features

#: quiet time after an edit before its diagnostics are computed and published
DEBOUNCE_SECONDS = 0.25

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
_KINDS = {
    "element": types.CompletionItemKind.Field,
    "function": types.CompletionItemKind.Function,
    "variable": types.CompletionItemKind.Variable,
    "type": types.CompletionItemKind.Class,
}


class FHIRPathProtocol(LanguageServerProtocol):
    """pygls's protocol without its notification leak.

    pygls runs didOpen/didChange/didClose (and any non-plain notification handler)
    through a future it stores in ``_request_futures`` under a fresh uuid, and nothing
    ever removes it: about 2 KB per keystroke. After each notification, done futures are
    dropped. That is safe for requests too: their done-callback is handed the future and
    only pops the entry."""

    def _handle_notification(self, method_name, params):
        super()._handle_notification(method_name, params)
        futures = self._request_futures
        for msg_id in [key for key, future in futures.items() if future.done()]:
            del futures[msg_id]


class FHIRPathServer(LanguageServer):
    def __init__(self) -> None:
        from fhirpath import __version__

        super().__init__("fhirpath-lsp", __version__, protocol_cls=FHIRPathProtocol)
        #: the initialization options, which a document's header comment may override
        self.defaults = features.Options()
        #: uri -> the scheduled publication of its diagnostics (per-document state)
        self.pending: dict[str, asyncio.TimerHandle] = {}

    def schedule(self, uri: str, delay: float) -> None:
        """Publish diagnostics for ``uri`` after ``delay`` seconds without another edit."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(delay, self.publish, uri)

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        document = self.workspace.get_text_document(uri)  # still open: forget() cancels
        text = document.source
        positions = _Positions(text, document.position_codec)
        found = [
            types.Diagnostic(
                range=positions.range(d.start, d.end),
                message=d.message,
                severity=_SEVERITIES.get(d.severity, types.DiagnosticSeverity.Error),
                code=d.code,
                source="fhirpath",
            )
            for d in features.diagnostics(text, self.defaults)
        ]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=document.version)
        )

    def forget(self, uri: str) -> None:
        """didClose: drop the document's state and clear its diagnostics in the client."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


class _Positions:
    """Code-point offsets <-> LSP positions in one text, in the client's encoding."""

    __slots__ = ("text", "codec", "starts")

    def __init__(self, text: str, codec) -> None:
        self.text = text
        self.codec = codec
        self.starts = [0] + [found.end() for found in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> types.Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return types.Position(line=line, character=self.codec.client_num_units(self.text[start:offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        starts, text = self.starts, self.text
        if position.line >= len(starts):
            return len(text)
        at = starts[position.line]
        end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
        units = 0
        while at < end and units < position.character and text[at] not in "\r\n":
            units += self.codec.client_num_units(text[at])
            at += 1
        return at


def _options(settings) -> features.Options:
    """Options from the client's initializationOptions: ``{"context": "Patient",
    "model": "r4" | "r5" | null, "expressions": "file" | "line", "variables": [...]}``."""
    if not isinstance(settings, dict):
        return features.Options()
    variables = settings.get("variables")
    return features.Options(
        context=settings.get("context") or None,
        model=settings.get("model", "r4"),
        per_line=settings.get("expressions") == "line",
        variables=None if not isinstance(variables, list) else tuple(str(v).lstrip("%") for v in variables),
    )


def create_server() -> FHIRPathServer:
    server = FHIRPathServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: FHIRPathServer, params: types.InitializeParams) -> None:
        ls.defaults = _options(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FHIRPathServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FHIRPathServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FHIRPathServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "%"]))
    def completion(ls: FHIRPathServer, params: types.CompletionParams) -> types.CompletionList | None:
        found, positions, _ = _at_cursor(ls, params, features.completion)
        if found is None:
            return None
        replaced = positions.range(found.start, found.end)
        items = [
            types.CompletionItem(
                label=item.label,
                kind=_KINDS[item.kind],
                detail=item.detail,
                documentation=_markdown(item.documentation) if item.documentation else None,
                sort_text=f"{rank:04d}",
                text_edit=types.TextEdit(range=replaced, new_text=item.insert),
            )
            for rank, item in enumerate(found.items)
        ]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: FHIRPathServer, params: types.HoverParams) -> types.Hover | None:
        found, positions, _ = _at_cursor(ls, params, features.hover)
        if found is None:
            return None
        return types.Hover(contents=_markdown(found.markdown), range=positions.range(found.start, found.end))

    @server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP, types.SignatureHelpOptions(trigger_characters=["(", ","])
    )
    def signature_help(ls: FHIRPathServer, params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        found, positions, document = _at_cursor(ls, params, features.signature_help)
        if found is None:
            return None
        units = document.position_codec.client_num_units
        label = found.label
        signature = types.SignatureInformation(
            label=label,
            documentation=_markdown(found.documentation),
            parameters=[
                types.ParameterInformation(label=(units(label[:start]), units(label[:end])))
                for start, end in found.parameters
            ],
        )
        return types.SignatureHelp(signatures=[signature], active_signature=0, active_parameter=found.active)

    return server


def _at_cursor(ls: FHIRPathServer, params, feature):
    """``feature(text, offset, defaults)`` at the request's position, with the
    document's positions (to convert the answer back) and the document."""
    document = ls.workspace.get_text_document(params.text_document.uri)
    positions = _Positions(document.source, document.position_codec)
    return feature(positions.text, positions.offset(params.position), ls.defaults), positions, document


def _markdown(text: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
