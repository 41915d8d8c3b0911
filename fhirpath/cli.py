"""The `fhirpath` command: evaluate expressions over FHIR JSON/NDJSON files, check expressions.

Exit codes: 0 all went well; 1 some input gave an error record (``eval``) or some
expression has an error (``check``); 2 a usage error, or ``eval``'s expression does not
compile; 3 a worker process died, so records are missing (``eval -j``). Records go to
standard output, progress and the summary to standard error.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import IO, Any, Iterator

import click

from fhirpath import __version__
from fhirpath.bulk import local, records, sources
from fhirpath.errors import FHIRPathError

EXIT_ERROR_RECORDS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3  # a worker died: records are missing
MODELS = {"r4": "r4", "r5": "r5", "none": None}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="fhirpath", message="%(prog)s %(version)s")
def main() -> None:
    """FHIRPath over FHIR resources: evaluate over files (eval), check expressions (check),
    try expressions on one resource (repl)."""


model_option = click.option(
    "--model", type=click.Choice(list(MODELS)), default="r4", show_default=True,
    help="FHIR release whose types the expression sees; 'none' for plain JSON.",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Strict compilation: also refuse what the model rules out (e.g. unknown elements).",
)


@main.command("eval")
@click.argument("expression")
@click.argument("files", nargs=-1)
@model_option
@click.option("--var", "var_pairs", multiple=True, metavar="NAME=TEXT",
              help="Set %NAME to the string TEXT (repeatable).")
@click.option("--vars", "vars_file", type=click.File("rb"), metavar="FILE",
              help="A JSON object of variables (numbers, booleans, resources...).")
@strict_option
@click.option("--output", "-o", type=click.Choice(["ndjson", "json", "text"]), default="ndjson",
              show_default=True, help="One JSON record a line, a JSON array, or readable lines.")
@click.option("--typed", is_flag=True, help="Give each value with its type name.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes; 0 means one per core.")
@click.option("--limit", type=click.IntRange(min=0), help="Stop after this many resources.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def eval_command(
    expression: str, files: tuple[str, ...], model: str, var_pairs: tuple[str, ...], vars_file: IO[bytes] | None,
    strict: bool, output: str, typed: bool, jobs: int, limit: int | None, quiet: bool,
) -> None:
    """Evaluate EXPRESSION on every resource in FILES.

    FILES are JSON files (one resource each), NDJSON files (one resource a line), either
    gzipped, directories (their *.json, *.ndjson, *.jsonl files, recursively), or '-' for
    standard input, which is also read when no FILES are given. Each resource gives one
    record, {"file", "line", "result"}, or {"file", "line", "error": {"code", "message"}}
    when its line is not JSON or the expression raised on it; the run always goes on.
    """
    variables = _variables(var_pairs, vars_file)
    paths = sources.expand(files or [sources.STDIN])
    started = time.perf_counter()
    try:
        batches = local.stream(
            paths, {"result": expression}, model=MODELS[model], variables=variables, strict=strict, typed=typed,
            output="text" if output == "text" else "ndjson", jobs=jobs or None, limit=limit,
        )
    except FHIRPathError as error:
        click.echo(_diagnostic("<expression>", error), err=True)
        sys.exit(EXIT_USAGE)
    out = sys.stdout.buffer
    show_progress = not quiet and sys.stderr.isatty() and (len(paths) > 1 or _any_ndjson(paths))
    try:
        with _Progress(paths, show_progress) as progress:
            resources, errors = _write(out, output, batches, progress, started)
    except local.WorkerLost as error:
        out.flush()
        click.echo(f"fhirpath: error: {error}", err=True)
        sys.exit(EXIT_INCOMPLETE)
    except BrokenPipeError:  # the reader left (`| head`): stop quietly, as filters do
        batches.close()  # stops the workers
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR_RECORDS)
    if not quiet:
        elapsed = time.perf_counter() - started
        click.echo(
            f"fhirpath: {resources:,} resources, {errors:,} with errors, {elapsed:.1f} s "
            f"({resources / elapsed if elapsed else 0:,.0f} resources/s)",
            err=True,
        )
    sys.exit(EXIT_ERROR_RECORDS if errors else 0)


def _write(out: IO[bytes], output: str, batches: Iterator[local.Batch], progress: _Progress, started: float) -> tuple[int, int]:
    """Write every batch as it comes; the number of resources and of error records."""
    resources = errors = 0
    separator = b"\n"
    if output == "json":  # one array, still one record a line
        out.write(b"[")
    for batch in batches:
        if batch.records:
            if output == "json":
                out.write(separator + batch.payload.rstrip(b"\n").replace(b"\n", b",\n"))
                separator = b",\n"
            else:
                out.write(batch.payload)
        resources += batch.records
        errors += batch.errors
        progress.advance(batch, resources, started)
    if output == "json":
        out.write(b"\n]\n")
    out.flush()
    return resources, errors


@main.command("check")
@click.argument("expressions", nargs=-1)
@click.option("--file", "-f", "expression_files", multiple=True, type=click.File("r", encoding="utf-8"),
              help="Also check each non-blank line of FILE ('-' for standard input).")
@model_option
@strict_option
@click.option("--context", metavar="TYPE",
              help="What the expressions are evaluated on: a type (Patient) or element path (Patient.contact).")
@click.option("--var", "declared", multiple=True, metavar="NAME",
              help="Declare %NAME, a variable the caller will supply (repeatable; NAME=TEXT also works).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only, no summary.")
def check_command(
    expressions: tuple[str, ...], expression_files: tuple[IO[str], ...], model: str, strict: bool,
    context: str | None, declared: tuple[str, ...], quiet: bool,
) -> None:
    """Compile each expression and report syntax and semantic errors with their position.

    Exits with 1 if any expression has an error.
    """
    from fhirpath import api

    names = [name.partition("=")[0] for name in declared]
    checked = failed = 0
    for label, line, text in _expressions_to_check(expressions, expression_files):
        checked += 1
        try:
            api.compile(text, MODELS[model], strict=strict, context=context, variables=names)
        except FHIRPathError as error:
            failed += 1
            click.echo(_diagnostic(label, error, line))
    if not quiet:
        click.echo(f"fhirpath: {checked:,} expressions checked, {failed:,} with errors", err=True)
    sys.exit(1 if failed else 0)


@main.command("repl")
@click.argument("resource_file", required=False, type=click.File("rb"), metavar="[RESOURCE]")
@model_option
@click.option("--var", "var_pairs", multiple=True, metavar="NAME=TEXT", help="Set %NAME to the string TEXT.")
@click.option("--vars", "vars_file", type=click.File("rb"), metavar="FILE", help="A JSON object of variables.")
def repl_command(
    resource_file: IO[bytes] | None, model: str, var_pairs: tuple[str, ...], vars_file: IO[bytes] | None
) -> None:
    """Evaluate expressions, one a line, against RESOURCE (a JSON file; none: no input).

    Each result item is printed on its own line with its type; an empty result as {}.
    """
    from fhirpath import api

    resource = None
    if resource_file is not None:
        try:
            resource = records.decode(resource_file.read())
        except records.InvalidJSON as error:
            raise click.BadParameter(f"not JSON: {error}", param_hint="RESOURCE") from None
    variables = _variables(var_pairs, vars_file)
    prompt = ""
    if sys.stdin.isatty():
        prompt = "fhirpath> "
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    while True:
        try:
            text = input(prompt)
        except EOFError:
            break
        if not text.strip():
            continue
        try:
            items = api.compile(text, MODELS[model], variables=variables or ()).evaluate(resource, variables, typed=True)
        except FHIRPathError as error:
            click.echo(_diagnostic("<input>", error))
            continue
        for type_name, value in items:
            click.echo(records.text_item({"type": type_name, "value": value}))
        if not items:
            click.echo("{}")


def _expressions_to_check(arguments: tuple[str, ...], files: tuple[IO[str], ...]) -> Iterator[tuple[str, int, str]]:
    """(label, line offset, text): arguments are `<expression N>`, file lines keep their number."""
    for number, text in enumerate(arguments, 1):
        yield f"<expression {number}>", 1, text
    for file in files:
        for number, text in enumerate(file, 1):
            if text.strip():
                yield file.name, number, text.rstrip("\r\n")


def _diagnostic(label: str, error: FHIRPathError, first_line: int = 1) -> str:
    """``label:line:col: error[code] message`` and the caret lines, as compilers print them."""
    kind = f"{error.kind} error[{error.code}]"
    if error.line is None:
        return f"{label}: {kind} {error.message}"
    where = f"{label}:{first_line + error.line - 1}:{error.column}"
    return f"{where}: {kind} {error.message}\n{error.caret()}"


def _variables(pairs: tuple[str, ...], vars_file: IO[bytes] | None) -> dict[str, Any] | None:
    variables: dict[str, Any] = {}
    if vars_file is not None:
        try:
            loaded = records.decode(vars_file.read())
        except records.InvalidJSON as error:
            raise click.BadParameter(f"not JSON: {error}", param_hint="--vars") from None
        if not isinstance(loaded, dict):
            raise click.BadParameter("must hold a JSON object of name: value", param_hint="--vars")
        variables.update(loaded)
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=TEXT", param_hint="--var")
        variables[name] = text
    return variables or None


def _any_ndjson(paths: list[str]) -> bool:
    return any(path == sources.STDIN or not path.removesuffix(".gz").endswith(".json") for path in paths)


class _Progress:
    """Progress on standard error (a TTY) showing resources/s: a bar sized by the input bytes,
    or, when a size is unknown (standard input), a running count."""

    def __init__(self, paths: list[str], shown: bool) -> None:
        sizes = [sources.size(path) for path in paths]
        self._shown = shown
        self._total = None if None in sizes else sum(sizes)
        self._bar: Any = None

    def __enter__(self) -> _Progress:
        if self._shown and self._total is not None:
            self._bar = click.progressbar(
                length=self._total, file=sys.stderr, label="fhirpath", show_eta=True,
                item_show_func=lambda text: text,
            )
            self._bar.__enter__()
        return self

    def advance(self, batch: local.Batch, resources: int, started: float) -> None:
        if not self._shown:
            return
        elapsed = time.perf_counter() - started
        status = f"{resources:,} resources, {resources / elapsed if elapsed else 0:,.0f}/s"
        if self._bar is not None:
            self._bar.update(batch.consumed, status)
        else:
            click.echo(f"\rfhirpath  {status}", file=sys.stderr, nl=False)

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)
        elif self._shown:
            click.echo(file=sys.stderr)
