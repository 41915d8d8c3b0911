"""Fuzzing compile() and evaluate(): whatever the expression and the resource, the only
exceptions that escape are FHIRPathErrors, nothing hangs past the time limit, and the
input is never changed.

Three generators (hypothesis): expressions built from the grammar, corpus expressions
mutated (byte flips, truncation, deletion, random unicode, duplication), and resources
mutated (wrong types in any field, huge strings, deep nesting, NaN/Infinity, non-JSON
Python values, cycles). CI runs a bounded, derandomized run (`CASES`, at least 5,000).
The long run draws fresh random cases:

    FHIRPATH_FUZZ_CASES=100000 python -m pytest tests/test_fuzz.py -q -s

(`-s` shows the figures: cases, errors by code, slowest case.)
"""

from __future__ import annotations

import copy
import json
import os
import signal
import time
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirpath import Engine, FHIRPathError, Limits
from fhirpath.functions.table import FUNCTIONS
from tests.conftest import SHARED

#: cases over the whole module: 6,000 in CI, or $FHIRPATH_FUZZ_CASES for a long run
CASES = int(os.environ.get("FHIRPATH_FUZZ_CASES", "6000"))
LONG_RUN = "FHIRPATH_FUZZ_CASES" in os.environ
#: limits small enough that a fuzzed case is cheap, so a slow one means a missing check
LIMITS = Limits(timeout=1.0, regex_timeout=0.2, max_steps=200_000, max_items=50_000, max_string=1_000_000)
#: a case taking longer than this has hung: the timeout did not stop it
HANG_SECONDS = 10.0

ENGINES = {model: Engine(model, limits=LIMITS, cache_size=64) for model in ("r4", None)}
FIGURES: Counter = Counter()
SLOWEST: list = [0.0, None]


def _settings(share: float):
    return settings(
        max_examples=max(1, int(CASES * share)),
        deadline=None,
        derandomize=not LONG_RUN,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# ---- the material: corpus expressions and official inputs ---------------------------------


def _corpus_expressions() -> list[str]:
    found = []
    for name in ("r4-invariants.jsonl", "r4-search-parameters.jsonl"):
        path = SHARED / "corpus" / name
        if path.exists():
            found += [json.loads(line)["expression"] for line in path.read_text().splitlines() if line.strip()]
    return found or ["Patient.name.given"]


def _inputs() -> list[dict]:
    folder = SHARED / "fhirpath-tests" / "r4" / "input"
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))] or [{"resourceType": "Patient"}]


EXPRESSIONS = _corpus_expressions()
INPUTS = _inputs()

#: expressions that walk everything: what mutated resources are most likely to break
WALKERS = [
    "descendants()", "descendants().count()", "repeat(children()).count()", "children().children()",
    "descendants().distinct().count()", "(descendants() | descendants()).count()", "descendants() ~ descendants()",
    "descendants() = descendants()", "descendants().toString()", "descendants().select($this.toString() & 'x')",
    "descendants().where($this is string).matches('^(a+)+$')", "descendants().ofType(decimal).sum()",
    "descendants().select($this + 1)", "descendants().select($this * 2.5).round(3)", "descendants().toQuantity()",
    "descendants().convertsToDateTime()", "descendants().select(toDate())", "descendants().sort()",
    "descendants().aggregate($total + 1, 0)", "descendants().isDistinct()", "repeat(extension).url",
    "descendants().exists($this ~ %resource)", "descendants().select(length())", "descendants().lowBoundary()",
    "descendants().join(',')", "descendants().encode('base64')", "descendants().children().type().name",
    "descendants().intersect(descendants()).count()", "descendants().subsetOf(%resource.descendants())",
]

# ---- strategy: expressions from the grammar ---------------------------------------------

NAMES = ["name", "given", "family", "id", "extension", "url", "value", "code", "system", "coding", "telecom",
         "birthDate", "active", "contained", "entry", "resource", "item", "text", "status", "period", "start",
         "Patient", "Observation", "`div`", "`given`", "unknown"]
TYPES = ["Patient", "String", "Integer", "Decimal", "Boolean", "Quantity", "FHIR.string", "System.Integer",
         "Observation", "DateTime", "Unknown", "FHIR.Extension"]
BINARY = ["+", "-", "*", "/", "div", "mod", "&", "|", "=", "!=", "~", "!~", "<", ">", "<=", ">=",
          "and", "or", "xor", "implies", "in", "contains"]

_unicode = st.text(st.characters(codec="utf-8", exclude_characters="'\\"), max_size=8)
LITERALS = st.one_of(
    st.integers(-(2**40), 2**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(lambda d: str(abs(d))),
    _unicode.map(lambda s: f"'{s}'"),
    st.sampled_from(["true", "false", "{}", "@2012-04-15", "@2012-04-15T10:00:00.123+02:00", "@T14:30",
                     "@2014", "5 'mg'", "3 days", "1.5 'cm'", "'(a+)+$'", "'\\u00e9'", "$this", "$index",
                     "$total", "%resource", "%context", "%ucum", "%`vs-x`", "%undefined"]),
)


def _call(name: str, args: list[str]) -> str:
    return f"{name}({', '.join(args)})"


def _compose(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(children, st.sampled_from(NAMES)).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(children, st.sampled_from(sorted(FUNCTIONS)), st.lists(children, max_size=3)).map(
            lambda t: f"{t[0]}.{_call(t[1], t[2])}"),
        st.tuples(st.sampled_from(sorted(FUNCTIONS)), st.lists(children, max_size=2)).map(lambda t: _call(*t)),
        st.tuples(children, st.integers(-2, 5)).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(children, st.sampled_from(["is", "as"]), st.sampled_from(TYPES)).map(lambda t: " ".join(map(str, t))),
        children.map(lambda c: f"({c})"),
        children.map(lambda c: f"-{c}"),
    )


GRAMMAR = st.recursive(st.one_of(LITERALS, st.sampled_from(NAMES)), _compose, max_leaves=12)

# ---- strategy: mutated text --------------------------------------------------------------


@st.composite
def mutated(draw, texts=EXPRESSIONS):
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["flip", "truncate", "delete", "insert", "duplicate", "splice"]))
        if kind == "flip" and text:
            at = min(at, len(text) - 1)
            text = text[:at] + chr(ord(text[at]) ^ (1 << draw(st.integers(0, 7)))) + text[at + 1:]
        elif kind == "truncate":
            text = text[:at]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)):]
        elif kind == "insert":
            text = text[:at] + draw(st.text(max_size=3) | st.sampled_from(list("()[]{}.,'`%$@\\/*-|&=~<>"))) + text[at:]
        elif kind == "duplicate":
            text = text[:at] + text[at:at + draw(st.integers(1, 12))] * draw(st.integers(2, 6)) + text[at:]
        else:
            other = draw(st.sampled_from(texts))
            start = draw(st.integers(0, len(other)))
            text = text[:at] + other[start:start + draw(st.integers(1, 25))] + text[at:]
    return text


# ---- strategy: mutated resources ---------------------------------------------------------


def _nested(depth: int, kind: str):
    value: object = "leaf"
    for _ in range(depth):
        value = {"extension": [value], "url": "x"} if kind == "dict" else [value]
    return value


WRONG_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(2**63, 2**200), st.sampled_from([10**4400, -(10**5000)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("1E+999999999"), Decimal("-1E-999999999"), Decimal("sNaN"), Decimal("9" * 3000)]),
    st.text(), st.text(st.characters(), min_size=1, max_size=3).map(lambda s: s * 100_000),
    st.sampled_from(["2012-13-45", "T25:61", "1e999", "NaN", "-0", "9" * 5000, "@2012", "\x00", "\ud800"]),
    st.lists(st.integers(), max_size=5), st.lists(st.none(), max_size=3),
    st.integers(1, 3000).flatmap(lambda n: st.sampled_from([_nested(n, "dict"), _nested(n, "list")])),
    st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.just("")), st.integers(), max_size=4),
    st.tuples(st.integers(), st.text()), st.binary(max_size=8), st.builds(lambda: list(range(20_000))),  # builds: a fresh one each time
    st.builds(lambda: {"value": "not a number", "unit": "mg", "system": "http://unitsofmeasure.org", "comparator": "<"}),
)


def _slots(value) -> list[tuple[object, object]]:
    """Every (container, key) of a JSON value, without recursion."""
    out, pending, seen = [], [value], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            out.append((node, key))
            if isinstance(child, (dict, list)):
                pending.append(child)
    return out


@st.composite
def mutated_resource(draw):
    resource = copy.deepcopy(draw(st.sampled_from(INPUTS)))
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(resource)
        if not slots:  # everything deleted already
            break
        container, key = slots[draw(st.integers(0, len(slots) - 1))]
        kind = draw(st.sampled_from(["replace", "replace", "add", "cycle", "delete"]))
        if kind == "replace":
            container[key] = draw(WRONG_VALUES)
        elif kind == "add" and isinstance(container, dict):
            container[draw(st.sampled_from(["_" + str(key), str(key) + "X", 7, ""]))] = draw(WRONG_VALUES)
        elif kind == "cycle":
            container[key] = resource if draw(st.booleans()) else container
        elif kind == "delete":
            del container[key]
    return resource


# ---- the checks ----------------------------------------------------------------------------


def snapshot(value) -> list:
    """A structural fingerprint of a (possibly cyclic, deeply nested) value, taken without
    recursion: containers by identity, shape and keys, leaves by identity."""
    out, pending, seen = [], [value], set()
    while pending:
        node = pending.pop()
        if isinstance(node, (dict, list)):
            out.append((type(node).__name__, id(node), len(node)))
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, dict):
                out.append(tuple(map(repr, node)))
                pending.extend(node.values())
            else:
                pending.extend(node)
        else:
            out.append((type(node).__name__, id(node)))  # leaves are immutable: identity says it all
    return out


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def run_case(model, expression: str, resource) -> None:
    """Compile and evaluate; fail on any non-FHIRPath exception, a hang, or a changed input."""
    engine = ENGINES[model]
    before = snapshot(resource)
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        engine.evaluate(resource, expression)
        FIGURES["ok"] += 1
    except FHIRPathError as error:
        FIGURES[error.code] += 1
    except _Hang:
        pytest.fail(f"hang (> {HANG_SECONDS} s): {expression!r} on {str(resource)[:300]}")
    except Exception as error:  # noqa: BLE001 - this is the bug being looked for
        raise AssertionError(f"{type(error).__name__} escaped for {expression!r}: {error}"[:2000]) from error
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - started
    FIGURES["cases"] += 1
    if elapsed > SLOWEST[0]:
        SLOWEST[:] = [elapsed, expression[:120]]
    assert elapsed < LIMITS.timeout + 2.0, f"{expression!r} took {elapsed:.1f} s, past the time limit"
    assert snapshot(resource) == before, f"{expression!r} changed its input"


# ---- the tests -------------------------------------------------------------------------------


@_settings(0.3)
@given(expression=GRAMMAR, resource=st.sampled_from(INPUTS), model=st.sampled_from(["r4", None]))
def test_expressions_from_the_grammar_raise_only_fhirpath_errors(expression, resource, model):
    run_case(model, expression, resource)


@_settings(0.3)
@given(expression=mutated(), resource=st.sampled_from(INPUTS), model=st.sampled_from(["r4", None]))
def test_mutated_corpus_expressions_raise_only_fhirpath_errors(expression, resource, model):
    run_case(model, expression, resource)


@_settings(0.4)
@given(expression=st.sampled_from(WALKERS) | st.sampled_from(EXPRESSIONS), resource=mutated_resource(),
       model=st.sampled_from(["r4", None]))
def test_mutated_resources_raise_only_fhirpath_errors_and_are_never_changed(expression, resource, model):
    run_case(model, expression, resource)


def test_zz_report_the_figures():
    """Last in the module (pytest keeps file order): print what the run found."""
    codes = ", ".join(f"{code} {count}" for code, count in FIGURES.most_common() if code != "cases")
    print(f"\nfuzz: {FIGURES['cases']} cases; outcomes: {codes}; slowest {SLOWEST[0]:.2f} s: {SLOWEST[1]!r}")
    assert FIGURES["cases"] >= min(CASES, 5_000) * 0.95 or FIGURES["cases"] == 0  # 0: run alone
