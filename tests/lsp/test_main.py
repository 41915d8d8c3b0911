"""``python -m fhirpath.lsp``: its options, and serving over TCP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

SERVER = [sys.executable, "-m", "fhirpath.lsp"]


def test_help_names_both_transports():
    done = subprocess.run([*SERVER, "--help"], capture_output=True, text=True, check=True)
    assert "--tcp HOST:PORT" in done.stdout and "stdin/stdout" in done.stdout


@pytest.mark.parametrize("args", [["--port", "1"], ["--tcp", "localhost"], ["--tcp"]])
def test_unknown_or_malformed_options_exit_with_the_usage(args):
    done = subprocess.run([*SERVER, *args], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "HOST:PORT" in done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _connect(port: int, seconds: float = 20) -> socket.socket:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=seconds)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_tcp_serves_the_same_protocol():
    pytest.importorskip("pygls", reason="the language server needs pygls (extra 'lsp')")
    port = _free_port()
    server = subprocess.Popen([*SERVER, "--tcp", f"127.0.0.1:{port}"])
    try:
        with _connect(port) as connection:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"capabilities": {}}}).encode()
            connection.sendall(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            reply = b""
            while b"completionProvider" not in reply:
                chunk = connection.recv(65536)
                assert chunk, "the server closed the connection"
                reply += chunk
        assert b'"hoverProvider":true' in reply.replace(b" ", b"")
    finally:
        server.terminate()
        server.wait(timeout=10)
