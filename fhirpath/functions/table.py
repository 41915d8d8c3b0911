"""FUNCTIONS and OPERATORS: the one table of builtins, read by the compiler, the
analyzer, completion and hover. One literal entry each, grouped by spec chapter and
alphabetical inside a chapter; `tests/functions/test_table_matches_spec.py` checks it
against the spec's functions.json and operations.json.
"""

from __future__ import annotations

from types import MappingProxyType

from fhirpath.functions.spec import (
    COLLECTION,
    EXPR,
    LAZY,
    NAME,
    SAME_AS_INPUT,
    TYPE,
    VALUE,
    EmptyRule,
    FunctionSpec,
    OperatorSpec,
    Param,
)


def _index(*specs):
    table = {}
    for spec in specs:
        key = spec.name if isinstance(spec, FunctionSpec) else spec.symbol
        if key in table:
            raise ValueError(f"{key!r} is in the table twice")
        table[key] = spec
    return MappingProxyType(table)


FUNCTIONS = _index(
    # ---- 5.1 Existence ----
    # ---- 5.2 Filtering and projection ----
    # ---- 5.3 Subsetting ----
    # ---- 5.4 Combining ----
    # ---- 5.5 Conversion ----
    # ---- 5.6 String manipulation ----
    # ---- 5.7 Additional string functions ----
    # ---- 5.8 Math ----
    # ---- 5.9 Tree navigation ----
    # ---- 5.10 Utility ----
    # ---- 5.11 Date and time intervals ----
    # ---- 6.2 Comparison ----
    # ---- 6.3 Types ----
    # ---- 6.5 Boolean logic ----
    # ---- 7 Aggregates ----
    # ---- 10.2 Reflection ----
    # ---- FHIR additions (FHIR specification, "FHIRPath in FHIR") ----
)

#: binary operators by symbol
OPERATORS = _index(
    # ---- 6.1 Equality ----
    # ---- 6.2 Comparison ----
    # ---- 6.3 Types ----
    # ---- 6.4 Collections ----
    # ---- 6.5 Boolean logic ----
    # ---- 6.6 Math ----
)

#: prefix operators by symbol (6.8)
UNARY_OPERATORS = _index(
    # ---- 6.8 Unary operators ----
)
