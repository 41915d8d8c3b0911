"""The one table (fhirpath/functions/table.py) against the spec's own metadata:
functions.json and operations.json in $FHIRPATH_SHARED/spec/fhirpath.

Every function and operator of those files is in FUNCTIONS, OPERATORS or
UNARY_OPERATORS, and agrees on its parameters (count, optional flags, kinds, value
types), input types, return type, empty-input result, errorOnMultipleInput,
section and, for operators, the operand type pairs. Where the table differs on
purpose, `DELIBERATE` says why, one entry per (name, field).
"""

from __future__ import annotations

import json

import pytest

from fhirpath.functions.spec import (
    COLLECTION,
    EXPR,
    LAZY,
    NAME,
    SAME_AS_INPUT,
    SORT_KEY,
    TYPE,
    VALUE,
    EmptyRule,
)
from fhirpath.functions.table import FUNCTIONS, OPERATORS, UNARY_OPERATORS
from tests.conftest import SHARED

#: (function or operator, field) -> why the table differs from the spec's JSON there
DELIBERATE: dict[tuple[str, str], str] = {
    # the JSON says 'collection'; spec.md §5.5.1 gives `true-result: ($this) => collection`:
    # evaluated only when chosen, with $this the input
    ("iif", "true-result.kind"): "spec.md §5.5.1: a scoped argument ($this is the input)",
    ("iif", "otherwise-result.kind"): "spec.md §5.5.1: a scoped argument ($this is the input)",
    # the projection is evaluated on the input, not in the caller's context: the r5 suite's
    # `Patient.name.defineVariable('n2', skip(1).first())` skips a name, not a Patient
    ("defineVariable", "projection.kind"): "evaluated on the input (r5 defineVariable group)",
    # spec.md §7.1 writes `init : collection`, evaluated once in the outer context
    ("aggregate", "init.kind"): "spec.md §7.1: init is a collection",
    # §5.2.8 says nothing of coalesce()'s input, which it does not read; no error for several items
    ("coalesce", "singleton_input"): "spec.md §5.2.8 ignores the input",
    # the typeMapping (Integer-Integer, Long-Long...) is 'the input's type': the analyzer keeps it
    ("abs", "returns"): "SAME_AS_INPUT is the typeMapping, more precise than the union",
    # Long (STU) is missing from the equality operators' typeMapping; the comparisons list it
    ("=", "type_pairs"): "adds the Long pairs the comparison operators have",
    ("~", "type_pairs"): "adds the Long pairs the comparison operators have",
    ("!=", "type_pairs"): "adds the Long pairs the comparison operators have",
    ("!~", "type_pairs"): "adds the Long pairs the comparison operators have",
}


def spec_entries(file: str, key: str) -> list[dict]:
    path = SHARED / "spec" / "fhirpath" / file
    if not path.is_file():
        return []
    return [entry for category in json.loads(path.read_text(encoding="utf-8"))["categories"] for entry in category[key]]


FUNCTION_ENTRIES = spec_entries("functions.json", "functions")
OPERATION_ENTRIES = spec_entries("operations.json", "operations")

#: the parameter kinds each spec argument type allows
KINDS = {"expression": {EXPR, LAZY, SORT_KEY}, "collection": {COLLECTION, LAZY}, "type specifier": {TYPE},
         "identifier": {NAME}}
EMPTY_RULES = {"empty": EmptyRule.EMPTY, "true": EmptyRule.TRUE, "false": EmptyRule.FALSE, "0": EmptyRule.ZERO,
               "criterion-dependent": EmptyRule.CALL}


def names(text: str) -> frozenset[str]:
    """'Integer | Long|Decimal' -> {'Integer', 'Long', 'Decimal'}."""
    return frozenset(part.strip() for part in text.split("|"))


def function_differences(entry: dict) -> dict[str, str]:
    """field -> how the table's entry differs from the spec's ``entry``."""
    spec = FUNCTIONS[entry["functionName"]]
    found = {}
    arguments = entry["arguments"]
    if len(spec.params) != len(arguments):
        found["params"] = f"{len(spec.params)} parameters, the spec {len(arguments)}"
    for param, argument in zip(spec.params, arguments):
        if param.optional != argument.get("optional", False):
            found[f"{param.name}.optional"] = f"optional={param.optional}, the spec {argument.get('optional', False)}"
        wanted = argument["type"].lower() if argument["type"].lower() == "expression" else argument["type"]
        kinds = KINDS.get(wanted, {VALUE})
        if param.kind not in kinds:
            found[f"{param.name}.kind"] = f"{param.kind.name}, the spec's type {argument['type']!r}"
        elif param.kind is VALUE and names(param.type) != names(argument["type"]):
            found[f"{param.name}.type"] = f"{param.type!r}, the spec {argument['type']!r}"
    if entry["inputTypes"] and not names("|".join(entry["inputTypes"])) <= names(spec.input) | {"Any"}:
        found["input"] = f"{spec.input!r}, the spec {entry['inputTypes']}"
    returns = entry["returnType"]
    if returns == "collection":
        pass  # SAME_AS_INPUT, Any, or the type of the items
    elif returns == "value":
        if spec.returns != "Any":
            found["returns"] = f"{spec.returns!r}, the spec 'value'"
    elif spec.returns == SAME_AS_INPUT or names(spec.returns) != names(returns):
        found["returns"] = f"{spec.returns!r}, the spec {returns!r}"
    rule = EMPTY_RULES[entry["emptyInputResult"]]
    if spec.on_empty is not rule and not (spec.on_empty is EmptyRule.CALL and not spec.scalar):
        found["on_empty"] = f"{spec.on_empty.name}, the spec {entry['emptyInputResult']!r}"
    if entry["errorOnMultipleInput"] and not (spec.scalar or spec.singleton_input):
        found["singleton_input"] = "takes several items, the spec errorOnMultipleInput"
    if not entry["errorOnMultipleInput"] and spec.singleton_input:
        found["singleton_input"] = "takes one item, the spec not errorOnMultipleInput"
    if spec.section != entry["sectionNumber"]:
        found["section"] = f"{spec.section}, the spec {entry['sectionNumber']}"
    return found


def operation_differences(entry: dict) -> dict[str, str]:
    symbol = entry["operationName"]
    unary = entry["sectionNumber"].startswith("6.8")
    spec = (UNARY_OPERATORS if unary else OPERATORS)[symbol]
    found = {}
    left = entry.get("leftArgument")
    if (spec.left is None) != (left is None) or (left is not None and names(spec.left) != names(left)):
        found["left"] = f"{spec.left!r}, the spec {left!r}"
    if names(spec.right) != names(entry["rightArgument"]):
        found["right"] = f"{spec.right!r}, the spec {entry['rightArgument']!r}"
    if entry["returnType"] != "collection" and names(spec.returns) != names(entry["returnType"]):
        found["returns"] = f"{spec.returns!r}, the spec {entry['returnType']!r}"
    pairs = {tuple(pair.split("-")) for pair in entry.get("typeMapping", ())}
    ours = {(left, right) for left, right, _ in spec.type_pairs}
    if unary:
        ours = {(right, result) for _, right, result in spec.type_pairs}
    if ours != pairs:
        found["type_pairs"] = f"the table adds {sorted(ours - pairs)}, lacks {sorted(pairs - ours)}"
    if spec.section != entry["sectionNumber"]:
        found["section"] = f"{spec.section}, the spec {entry['sectionNumber']}"
    return found


def deliberate(name: str, found: dict[str, str]) -> dict[str, str]:
    return {field: text for field, text in found.items() if (name, field) not in DELIBERATE}


@pytest.mark.parametrize("entry", FUNCTION_ENTRIES, ids=lambda entry: entry["functionName"])
def test_each_spec_function_is_in_the_table_as_the_spec_describes_it(entry):
    assert entry["functionName"] in FUNCTIONS
    assert deliberate(entry["functionName"], function_differences(entry)) == {}


@pytest.mark.parametrize("entry", OPERATION_ENTRIES, ids=lambda entry: f"{entry['sectionNumber']} {entry['operationName']}")
def test_each_spec_operator_is_in_the_table_as_the_spec_describes_it(entry):
    table = UNARY_OPERATORS if entry["sectionNumber"].startswith("6.8") else OPERATORS
    assert entry["operationName"] in table
    assert deliberate(entry["operationName"], operation_differences(entry)) == {}


def test_the_spec_files_are_read(shared):
    assert len(FUNCTION_ENTRIES) > 100 and len(OPERATION_ENTRIES) > 20


def test_every_deliberate_difference_is_still_a_difference(shared):
    """A difference fixed in the table must leave `DELIBERATE` too."""
    still = set()
    for entry in FUNCTION_ENTRIES:
        still |= {(entry["functionName"], field) for field in function_differences(entry)}
    for entry in OPERATION_ENTRIES:
        still |= {(entry["operationName"], field) for field in operation_differences(entry)}
    assert sorted(set(DELIBERATE) - still) == []
