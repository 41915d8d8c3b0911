"""Input files cut into chunks of numbered lines, read as bytes and never parsed here.

A source is a JSON file (one resource), an NDJSON file (one resource a line), either
gzipped, or standard input (``-``); a directory stands for the files under it with those
names. A file that cannot be read becomes a `ReadFailure` in its place, so a run goes on
with the next file and the caller can write an error record for it.
"""

from __future__ import annotations

import gzip
import os
import sys
import zlib
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, NamedTuple

from fhirpath.bulk.records import InvalidJSON, LineTooLong, decode

STDIN = "-"
STDIN_LABEL = "<stdin>"
NDJSON_SUFFIXES = (".ndjson", ".jsonl")
JSON_SUFFIXES = (".json",)
_READ_ERRORS = (OSError, EOFError, zlib.error)
#: longest line (or JSON document) read; a longer one is skipped and gets an error record
MAX_LINE_BYTES = 64 << 20


class Chunk(NamedTuple):
    """Consecutive non-blank lines of one file as ``(line number, bytes)`` pairs."""

    file: str
    lines: list[tuple[int, bytes | LineTooLong]]
    consumed: int  # bytes of the file (compressed, for .gz) read since the previous chunk


class ReadFailure(NamedTuple):
    """A file, or the rest of it from `line` on, could not be read."""

    file: str
    line: int | None
    message: str
    consumed: int


def expand(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Paths with each directory replaced by its JSON/NDJSON files (recursively, sorted).

    A path named explicitly is kept whatever its name, even if it does not exist: reading
    it then gives a ReadFailure rather than silently dropping it.
    """
    out = []
    for path in paths:
        path = os.fspath(path)
        if path != STDIN and os.path.isdir(path):
            out.extend(
                str(found)
                for found in sorted(Path(path).rglob("*"))
                if found.is_file() and _is_known(found.name)
            )
        else:
            out.append(path)
    return out


def _is_known(name: str) -> bool:
    name = name.removesuffix(".gz")
    return name.endswith(NDJSON_SUFFIXES + JSON_SUFFIXES)


def size(path: str) -> int | None:
    """Bytes on disk (what `consumed` adds up to), or None for stdin and unreadable paths."""
    if path == STDIN:
        return None
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def read(
    path: str, *, max_lines: int = 1000, max_bytes: int = 1 << 20, max_line_bytes: int | None = None
) -> Iterator[Chunk | ReadFailure]:
    """The file's resources in chunks of at most `max_lines` lines or about `max_bytes` bytes.
    A line longer than `max_line_bytes` (default `MAX_LINE_BYTES`) is never held in memory:
    a `LineTooLong` takes its place."""
    label = STDIN_LABEL if path == STDIN else path
    try:
        raw: BinaryIO = sys.stdin.buffer if path == STDIN else open(path, "rb")  # noqa: SIM115
    except _READ_ERRORS as error:
        yield ReadFailure(label, None, _describe(error), 0)
        return
    position = _Position(raw)
    try:
        stream = gzip.GzipFile(fileobj=raw) if path.endswith(".gz") else raw
        yield from _chunks(label, _kind(path), _Lines(stream, MAX_LINE_BYTES if max_line_bytes is None else max_line_bytes), position, max_lines, max_bytes)
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


def _kind(path: str) -> str | None:
    """The kind the name tells ("ndjson" or "json"), or None: decide from the content."""
    name = path.removesuffix(".gz")
    if name.endswith(NDJSON_SUFFIXES):
        return "ndjson"
    if name.endswith(JSON_SUFFIXES):
        return "json"
    return None


class _Position:
    """How far into the file on disk reading has got (for progress)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._last = 0

    def advance(self) -> int:
        try:
            now = self._raw.tell()
        except OSError:  # pipes
            return 0
        step, self._last = now - self._last, now
        return step


class _Lines:
    """A byte stream's lines and rest, each at most `limit` bytes: longer ones are read
    through in pieces and become a `LineTooLong` (memory stays flat whatever the input)."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self._limit = limit

    def readline(self) -> bytes | LineTooLong:
        line = self._stream.readline(self._limit + 1)
        if len(line) <= self._limit or line.endswith(b"\n"):
            return line
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = self._stream.readline(1 << 20)
            size += len(line)
        return LineTooLong(size, self._limit)

    def __iter__(self) -> Iterator[bytes | LineTooLong]:
        return iter(self.readline, b"")

    def read(self) -> bytes | LineTooLong:
        data = self._stream.read(self._limit + 1)
        if len(data) <= self._limit:
            return data
        size = len(data)
        while piece := self._stream.read(1 << 20):
            size += len(piece)
        return LineTooLong(size, self._limit)


def _chunks(
    label: str, kind: str | None, stream: _Lines, position: _Position, max_lines: int, max_bytes: int
) -> Iterator[Chunk | ReadFailure]:
    pending: list[tuple[int, bytes]] = []
    pending_bytes = number = 0
    try:
        if kind == "json":
            yield Chunk(label, [(1, stream.read())], position.advance())
            return
        if kind is None:  # NDJSON if the first non-blank line is a JSON value by itself
            line: bytes | LineTooLong = b" "
            while type(line) is bytes and line.isspace():
                line = stream.readline()
                number += 1
            if not line:
                return
            if type(line) is bytes and not _is_whole_value(line):
                # One document, however many lines it spans: the resource is "line 1".
                rest = stream.read()
                document = line + rest if type(rest) is bytes else LineTooLong(len(line) + rest.size, rest.limit)
                yield Chunk(label, [(1, document)], position.advance())
                return
            pending, pending_bytes = [(number, line)], _size(line)
        for number, line in enumerate(stream, number + 1):
            if type(line) is bytes and line.isspace():
                continue
            pending.append((number, line))
            pending_bytes += _size(line)
            if len(pending) >= max_lines or pending_bytes >= max_bytes:
                yield Chunk(label, pending, position.advance())
                pending, pending_bytes = [], 0
    except _READ_ERRORS as error:
        yield Chunk(label, pending, 0)
        yield ReadFailure(label, number + 1, _describe(error), position.advance())
        return
    yield Chunk(label, pending, position.advance())


def _size(line: bytes | LineTooLong) -> int:
    return len(line) if type(line) is bytes else 0


def _is_whole_value(line: bytes) -> bool:
    """Whether the first line alone is a JSON value: then the input is NDJSON."""
    try:
        decode(line)
    except InvalidJSON:
        return False
    return True


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
