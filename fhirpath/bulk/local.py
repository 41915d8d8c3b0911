"""Evaluate expressions over NDJSON/JSON files with a process pool, in order, in flat memory.

The parent reads lines in chunks and ships them, with the expression *text*, to worker
processes that parse, evaluate and format them (compiled closures do not pickle, so each
worker compiles its own). At most two chunks per worker are in flight, so memory stays the
same whatever the file size, and batches come back in input order. Every non-blank input
line gives exactly one record: its results, or an error record (bad JSON, an expression
that raised, an unreadable file).

    >>> from fhirpath.bulk import local
    >>> for record in local.evaluate(["patients.ndjson"], {"given": "Patient.name.given"}):
    ...     print(record["line"], record.get("given"))
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from typing import Any, Iterable, Iterator, Literal, Mapping, NamedTuple

from fhirpath.bulk import records, sources

Output = Literal["records", "ndjson", "text"]


class Batch(NamedTuple):
    """The output of one chunk: a list of record dicts, or encoded lines (``output``)."""

    payload: list[dict] | bytes
    records: int
    errors: int
    consumed: int  # input bytes this batch accounts for (progress)


class WorkerLost(RuntimeError):
    """A worker process died (killed, out of memory...) before returning a batch: the
    records from that batch on are missing, so the run cannot be complete. Raised instead
    of going on without them."""


class _Run(NamedTuple):
    """Everything a worker needs, as plain picklable data (expression text, not closures)."""

    expressions: dict[str, str]
    model: str | None
    strict: bool
    typed: bool
    variables: Mapping[str, Any] | None
    output: Output

    def evaluator(self) -> records.Evaluator:
        return records.Evaluator(
            self.expressions, model=self.model, strict=self.strict, typed=self.typed, variables=self.variables
        )


def stream(
    paths: Iterable[str | os.PathLike],
    expressions: Mapping[str, str],
    *,
    model: str | None = "r4",
    variables: Mapping[str, Any] | None = None,
    strict: bool = False,
    typed: bool = False,
    output: Output = "records",
    jobs: int | None = None,
    limit: int | None = None,
    chunk_lines: int = 1000,
) -> Iterator[Batch]:
    """Batches in input order. ``expressions`` maps record field names to expression text.

    ``jobs`` worker processes (None: one per core; 1: evaluate in this process).
    ``limit`` stops after that many resources. Syntax and semantic errors raise from this
    call, before any input is read.
    """
    run = _Run(dict(expressions), model, strict, typed, variables, output)
    evaluator = run.evaluator()  # compiles here, so errors surface now
    work = _limited(chain.from_iterable(sources.read(p, max_lines=chunk_lines) for p in sources.expand(paths)), limit)
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs <= 1:
        return (_evaluate(evaluator, output, item) for item in work)
    return _in_workers(run, evaluator, work, jobs)


def evaluate(paths: Iterable[str | os.PathLike], expressions: Mapping[str, str], **options: Any) -> Iterator[dict]:
    """Records (dicts) in input order; the options are those of `stream`."""
    batches = stream(paths, expressions, output="records", **options)
    return (record for batch in batches for record in batch.payload)


def _in_workers(
    run: _Run, evaluator: records.Evaluator, work: Iterator[sources.Chunk | sources.ReadFailure], jobs: int
) -> Iterator[Batch]:
    with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(run,)) as pool:
        pending: deque[tuple[Future, sources.Chunk | sources.ReadFailure]] = deque()
        try:
            for item in work:
                if isinstance(item, sources.Chunk):
                    pending.append((pool.submit(_evaluate_in_worker, item), item))
                else:  # a read failure needs no worker, only its place in the order
                    done: Future = Future()
                    done.set_result(_evaluate(evaluator, run.output, item))
                    pending.append((done, item))
                while len(pending) > 2 * jobs:  # bounded read-ahead: flat memory
                    yield _next(pending)
            while pending:
                yield _next(pending)
        except BrokenProcessPool:
            raise _lost(pending[0][1] if pending else None) from None
        finally:
            for future, _ in pending:
                future.cancel()


def _next(pending: deque) -> Batch:
    """The oldest batch; it leaves `pending` only once it has its result."""
    batch = pending[0][0].result()
    pending.popleft()
    return batch


def _lost(item: sources.Chunk | sources.ReadFailure | None) -> WorkerLost:
    where = ""
    if isinstance(item, sources.Chunk) and item.lines:
        where = f" while evaluating {item.file} lines {item.lines[0][0]}-{item.lines[-1][0]}"
    return WorkerLost(
        f"a worker process died (killed, or out of memory?){where}: "
        "the records from there on are missing, so the run is incomplete"
    )


def _limited(
    work: Iterator[sources.Chunk | sources.ReadFailure], limit: int | None
) -> Iterator[sources.Chunk | sources.ReadFailure]:
    if limit is None:
        yield from work
        return
    left = limit
    for item in work:
        if left <= 0:
            return
        if isinstance(item, sources.Chunk):
            if len(item.lines) > left:
                item = item._replace(lines=item.lines[:left])
            left -= len(item.lines)
        else:
            left -= 1
        yield item


_worker: tuple[records.Evaluator, str] | None = None


def _start_worker(run: _Run) -> None:
    global _worker
    _worker = (run.evaluator(), run.output)


def _evaluate_in_worker(chunk: sources.Chunk) -> Batch:
    assert _worker is not None, "pool initializer did not run"
    return _evaluate(*_worker, chunk)


def _evaluate(evaluator: records.Evaluator, output: str, item: sources.Chunk | sources.ReadFailure) -> Batch:
    if isinstance(item, sources.ReadFailure):
        made = [records.error_record(item.file, item.line, "unreadable-file", item.message)]
    else:
        made = [evaluator.record(item.file, number, data) for number, data in item.lines]
    payload: list[dict] | bytes = made
    if output == "ndjson":
        payload = b"".join([_encode_line(made, index) for index in range(len(made))])
    elif output == "text":
        payload = "".join([records.text_line(record) + "\n" for record in made]).encode()
    errors = sum(1 for record in made if "error" in record)
    return Batch(payload, len(made), errors, item.consumed)


def _encode_line(made: list[dict], index: int) -> bytes:
    try:
        return records.encode(made[index]) + b"\n"
    except (TypeError, ValueError) as error:  # a value JSON cannot hold (an engine bug): keep the line
        record = made[index]
        made[index] = records.error_record(record["file"], record["line"], "internal-error", f"unwritable result: {error}")
        return records.encode(made[index]) + b"\n"
