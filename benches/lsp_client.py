"""A bare LSP client over the server's stdin/stdout, for the language-server benchmarks.

Plain JSON and blocking pipes, so that the time and memory measured are the server's,
not a client library's. Also: the resident set sizes of the server and its baseline, which
run in `benches.installed.environment()`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


SERVER = [sys.executable, "-m", "fhirpath.lsp"]
#: the process the server's memory is compared with: Python with pygls imported, idle
BASELINE = [sys.executable, "-c", "import sys, pygls.lsp.server; sys.stdout.write('ready\\n'); sys.stdout.flush(); sys.stdin.read()"]


def rss_kib(pid: int) -> int:
    """Resident set size of a running process, KiB (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/PID/status")


def baseline_rss_kib(env: dict[str, str]) -> int:
    """RSS of an idle Python that has imported pygls.lsp.server (best of three)."""
    sizes = []
    for _ in range(3):
        process = subprocess.Popen(BASELINE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        process.stdout.readline()
        sizes.append(rss_kib(process.pid))
        process.communicate(b"")
    return min(sizes)


class Client:
    """Sends requests and notifications; keeps the last diagnostics published per URI."""

    def __init__(self, env: dict[str, str], command: list[str] = SERVER) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.pid = self.process.pid
        self._next_id = 0
        self.diagnostics: dict[str, list] = {}

    def initialize(self, options: dict | None = None) -> dict:
        result = self.request("initialize", {"processId": os.getpid(), "capabilities": {},
                                             "initializationOptions": options or {}})
        self.notify("initialized", {})
        return result

    def notify(self, method: str, params) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params):
        self._next_id += 1
        wanted = self._next_id
        self._send({"jsonrpc": "2.0", "id": wanted, "method": method, "params": params})
        while True:
            message = self._receive()
            if message.get("id") == wanted and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")

    def wait_for(self, method: str) -> dict:
        """Block until the server sends a notification ``method``; its params."""
        while True:
            message = self._receive()
            if message.get("method") == method:
                return message["params"]

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.stdin.close()
        self.process.wait(timeout=10)

    # ---- the wire --------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def _receive(self) -> dict:
        stream = self.process.stdout
        length = None
        while True:
            line = stream.readline()
            if not line:
                raise RuntimeError(f"the server exited ({self.process.poll()})")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        message = json.loads(stream.read(length))
        if message.get("method") == "textDocument/publishDiagnostics":
            self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        elif "method" in message and "id" in message:  # a request to the client: answer nothing
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        return message
