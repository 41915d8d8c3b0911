"""The real server over stdio, driven by pytest-lsp; and pygls's notification futures."""

from __future__ import annotations

import json
import sys

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls (extra 'lsp')")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="the end-to-end tests drive the server with pytest-lsp")

from lsprotocol import types  # noqa: E402
from pygls.lsp.server import LanguageServer  # noqa: E402

from pygls.workspace.position_codec import PositionCodec  # noqa: E402

from fhirpath.lsp.server import _Positions, create_server  # noqa: E402

#: the end-to-end tests share one server process (and so one event loop)
end_to_end = pytest.mark.asyncio(loop_scope="module")

SERVER = pytest_lsp.ClientServerConfig(server_command=[sys.executable, "-m", "fhirpath.lsp"])


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: pytest_lsp.LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), initialization_options={"model": "r4"})
    )
    yield
    await lsp_client.shutdown_session()


_opened = 0


def open_document(client, text: str) -> str:
    global _opened
    _opened += 1
    uri = f"file:///work/expression{_opened}.fhirpath"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="fhirpath", version=1, text=text)
        )
    )
    return uri


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def document(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


@end_to_end
async def test_a_misspelt_element_is_underlined_in_utf16_units(client):
    # the emoji is one code point but two UTF-16 units: 'famly' starts at code point 32
    uri = open_document(client, "Patient.name.where(given = '😀').famly")
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [found] = client.diagnostics[uri]
    assert (found.code, found.severity) == ("unknown-element", types.DiagnosticSeverity.Error)
    assert "did you mean 'family'?" in found.message
    assert found.range == types.Range(start=at(0, 33), end=at(0, 38))


@end_to_end
async def test_a_syntax_error_on_a_later_line_is_placed_on_that_line(client):
    uri = open_document(client, "// context: Patient; expressions: line\nname.given\nname.where(use = )\n")
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [found] = client.diagnostics[uri]
    assert found.code == "unexpected-token"
    assert found.range.start.line == 2 and found.range.start.character == 17


@end_to_end
async def test_edits_in_quick_succession_are_diagnosed_once_at_their_end(client):
    uri = open_document(client, "Patient.name")
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    for version, typed in enumerate(".frist()", start=2):
        end = 11 + version  # the end of the text so far
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=at(0, end - 1), end=at(0, end - 1)), text=typed
                    )
                ],
            )
        )
    published = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert published.version == 9
    assert [(d.code, d.range.start.character, d.range.end.character) for d in published.diagnostics] == [
        ("unknown-function", 13, 20)
    ]


@end_to_end
async def test_closing_a_document_clears_its_diagnostics(client):
    uri = open_document(client, "Patient.nmae")
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert client.diagnostics[uri]
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=document(uri)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[uri]) == []


@end_to_end
async def test_completion_after_patient_na_offers_name_replacing_what_was_typed(client):
    uri = open_document(client, "Patient.na")
    found = await client.text_document_completion_async(
        types.CompletionParams(text_document=document(uri), position=at(0, 10))
    )
    items = {item.label: item for item in found.items}
    assert items["name"].detail == "FHIR.HumanName [0..*]"
    assert items["name"].text_edit.range == types.Range(start=at(0, 8), end=at(0, 10))
    assert items["where"].kind == types.CompletionItemKind.Function
    assert "startsWith" not in items


@end_to_end
async def test_hover_on_where_shows_its_signature(client):
    uri = open_document(client, "Patient.name.where(use = 'official')")
    found = await client.text_document_hover_async(types.HoverParams(text_document=document(uri), position=at(0, 15)))
    assert "where(criteria : Boolean)" in found.contents.value
    assert "§5.2.1" in found.contents.value
    assert found.range == types.Range(start=at(0, 13), end=at(0, 18))


@end_to_end
async def test_signature_help_marks_the_parameter_being_typed(client):
    uri = open_document(client, "Patient.name.given.first().substring(1, ")
    found = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=document(uri), position=at(0, 40))
    )
    [signature] = found.signatures
    assert signature.label.startswith("substring(start : Integer")
    start, end = signature.parameters[found.active_parameter].label
    assert signature.label[start:end] == "length : Integer"


@pytest.mark.parametrize("encoding, character", [("utf-8", 11), ("utf-16", 8), ("utf-32", 7)])
def test_positions_count_in_the_encoding_the_client_chose(encoding, character):
    text = "1 +\r\n'é😀' + x"
    offset = text.index("x")
    positions = _Positions(text, PositionCodec(encoding))
    assert positions.position(offset) == at(1, character)
    assert positions.offset(at(1, character)) == offset
    assert positions.position(len(text)) == at(1, character + 1)
    assert positions.offset(at(0, 99)) == 3  # past the end of a line: its end, before '\r\n'
    assert positions.offset(at(5, 0)) == len(text)


# ---- pygls's notification futures, in process -----------------------------------------


class _Discard:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def _feed(server, data: dict) -> None:
    protocol = server.protocol
    protocol.handle_message(json.loads(json.dumps({"jsonrpc": "2.0", **data}), object_hook=protocol.structure_message))


def _edit_many_times(server, edits: int) -> None:
    server.protocol.set_writer(_Discard())
    _feed(server, {"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    _feed(server, {"method": "initialized", "params": {}})
    uri = "file:///work/soak.fhirpath"
    _feed(server, {"method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "fhirpath", "version": 1, "text": "Patient"}}})
    for version in range(2, edits + 2):
        _feed(server, {"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": "Patient.name" if version % 2 else "Patient"}]}})


@pytest.mark.asyncio
async def test_pygls_keeps_a_future_per_notification_which_our_protocol_drops():
    plain = LanguageServer("plain", "1")
    plain.feature(types.TEXT_DOCUMENT_DID_CHANGE)(lambda params: None)
    _edit_many_times(plain, 100)
    assert len(plain.protocol._request_futures) >= 100  # the leak, still in pygls

    ours = create_server()
    _edit_many_times(ours, 100)
    assert len(ours.protocol._request_futures) == 0
    assert list(ours.pending) == ["file:///work/soak.fhirpath"]  # one debounced publication
    ours.pending.popitem()[1].cancel()
