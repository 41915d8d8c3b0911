"""FUNCTIONS and OPERATORS: the one table of builtins, read by the compiler, the
analyzer, completion and hover. One literal entry each, grouped by spec chapter and
alphabetical inside a chapter; `tests/functions/test_table_matches_spec.py` checks it
against the spec's functions.json and operations.json.
"""

from __future__ import annotations

from types import MappingProxyType

from fhirpath.functions import (
    aggregate,
    combining,
    existence,
    filtering,
    logic,
    navigation,
    operators,
    strings,
    subsetting,
    types,
    utility,
)
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
    FunctionSpec("empty", existence.empty, returns="Boolean", on_empty=EmptyRule.TRUE, section="5.1.1",
                 summary="True when the input is empty."),
    FunctionSpec("exists", existence.exists, (Param("criteria", EXPR, "Boolean", optional=True),),
                 returns="Boolean", on_empty=EmptyRule.FALSE, section="5.1.2",
                 summary="True when the input (or the items meeting the criteria) is not empty."),
    FunctionSpec("all", existence.all_, (Param("criteria", EXPR, "Boolean"),), returns="Boolean",
                 on_empty=EmptyRule.TRUE, section="5.1.3", summary="True when every item meets the criteria."),
    FunctionSpec("allTrue", existence.all_true, input="Boolean", returns="Boolean", on_empty=EmptyRule.TRUE,
                 section="5.1.4", summary="True when every item is true."),
    FunctionSpec("anyTrue", existence.any_true, input="Boolean", returns="Boolean", on_empty=EmptyRule.FALSE,
                 section="5.1.5", summary="True when some item is true."),
    FunctionSpec("allFalse", existence.all_false, input="Boolean", returns="Boolean", on_empty=EmptyRule.TRUE,
                 section="5.1.6", summary="True when every item is false."),
    FunctionSpec("anyFalse", existence.any_false, input="Boolean", returns="Boolean", on_empty=EmptyRule.FALSE,
                 section="5.1.7", summary="True when some item is false."),
    FunctionSpec("subsetOf", existence.subset_of, (Param("other", COLLECTION),), returns="Boolean",
                 on_empty=EmptyRule.TRUE, section="5.1.8", summary="True when every item is also in other."),
    FunctionSpec("supersetOf", existence.superset_of, (Param("other", COLLECTION),), returns="Boolean",
                 on_empty=EmptyRule.CALL, section="5.1.9", summary="True when every item of other is in the input."),
    FunctionSpec("count", existence.count, returns="Integer", on_empty=EmptyRule.ZERO, section="5.1.10",
                 summary="The number of items."),
    FunctionSpec("distinct", existence.distinct, returns=SAME_AS_INPUT, section="5.1.11",
                 summary="The items without repeats (by =)."),
    FunctionSpec("isDistinct", existence.is_distinct, returns="Boolean", on_empty=EmptyRule.TRUE,
                 section="5.1.12", summary="True when no item repeats (by =)."),
    # ---- 5.2 Filtering and projection ----
    FunctionSpec("where", filtering.where, (Param("criteria", EXPR, "Boolean"),), returns=SAME_AS_INPUT,
                 section="5.2.1", summary="The items for which the criteria is true."),
    FunctionSpec("select", filtering.select, (Param("projection", EXPR),), section="5.2.2",
                 summary="The projection evaluated on each item, flattened."),
    FunctionSpec("sort", filtering.sort, (Param("key", SORT_KEY, optional=True),), returns=SAME_AS_INPUT,
                 section="5.2.3", summary="The items ordered by each key in turn (desc or - for descending).",
                 variadic=True),
    FunctionSpec("repeat", filtering.repeat, (Param("projection", EXPR),), section="5.2.4",
                 summary="The projection applied again and again to new items, without repeats."),
    FunctionSpec("repeatAll", filtering.repeat_all, (Param("projection", EXPR),), section="5.2.5",
                 summary="Like repeat, but keeping repeated items."),
    FunctionSpec("ofType", types.of_type, (Param("type", TYPE),), returns=SAME_AS_INPUT, section="5.2.6",
                 summary="The items of the given type."),
    FunctionSpec("coalesce", filtering.coalesce, (Param("value", LAZY),), section="5.2.7",
                 summary="The first argument that is not empty (later ones are not evaluated).", variadic=True),
    # ---- 5.3 Subsetting ----
    FunctionSpec("single", subsetting.single, returns=SAME_AS_INPUT, section="5.3.2",
                 summary="The only item; an error when there are several."),
    FunctionSpec("first", subsetting.first, returns=SAME_AS_INPUT, section="5.3.3", summary="The first item."),
    FunctionSpec("last", subsetting.last, returns=SAME_AS_INPUT, section="5.3.4", summary="The last item."),
    FunctionSpec("tail", subsetting.tail, returns=SAME_AS_INPUT, section="5.3.5",
                 summary="All items but the first."),
    FunctionSpec("skip", subsetting.skip, (Param("num", VALUE, "Integer"),), returns=SAME_AS_INPUT,
                 section="5.3.6", summary="All items but the first num."),
    FunctionSpec("take", subsetting.take, (Param("num", VALUE, "Integer"),), returns=SAME_AS_INPUT,
                 section="5.3.7", summary="The first num items."),
    FunctionSpec("intersect", subsetting.intersect, (Param("other", COLLECTION),), returns=SAME_AS_INPUT,
                 section="5.3.8", summary="The items also in other, without repeats."),
    FunctionSpec("exclude", subsetting.exclude, (Param("other", COLLECTION),), returns=SAME_AS_INPUT,
                 section="5.3.9", summary="The items not in other, repeats and order kept."),
    # ---- 5.4 Combining ----
    FunctionSpec("union", combining.union, (Param("other", COLLECTION),), section="5.4.1",
                 summary="Both collections merged without repeats (same as |)."),
    FunctionSpec("combine", combining.combine,
                 (Param("other", COLLECTION), Param("preserveOrder", VALUE, "Boolean", optional=True)),
                 section="5.4.2", summary="Both collections merged, repeats kept."),
    # ---- 5.5 Conversion ----
    FunctionSpec("iif", logic.iif, (Param("criterion", EXPR, "Boolean"), Param("true-result", EXPR),
                 Param("otherwise-result", EXPR, optional=True)), on_empty=EmptyRule.CALL, section="5.5.1",
                 summary="true-result when the criterion is true, else otherwise-result (only one is evaluated)."),
    # ---- 5.6 String manipulation ----
    FunctionSpec("indexOf", strings.index_of, (Param("substring", VALUE, "String"),), input="String",
                 singleton_input=True, returns="Integer", section="5.6.1", scalar=True,
                 summary="Where the substring first occurs (0-based), or -1."),
    FunctionSpec("lastIndexOf", strings.last_index_of, (Param("substring", VALUE, "String"),), input="String",
                 singleton_input=True, returns="Integer", section="5.6.2", scalar=True,
                 summary="Where the substring last occurs (0-based), or -1."),
    FunctionSpec("substring", strings.substring,
                 (Param("start", VALUE, "Integer"), Param("length", VALUE, "Integer", optional=True)),
                 input="String", singleton_input=True, returns="String", section="5.6.3", scalar=True,
                 summary="The characters from start on, at most length of them."),
    FunctionSpec("startsWith", strings.starts_with, (Param("prefix", VALUE, "String"),), input="String",
                 singleton_input=True, returns="Boolean", section="5.6.4", scalar=True,
                 summary="True when the string begins with the prefix."),
    FunctionSpec("endsWith", strings.ends_with, (Param("suffix", VALUE, "String"),), input="String",
                 singleton_input=True, returns="Boolean", section="5.6.5", scalar=True,
                 summary="True when the string ends with the suffix."),
    FunctionSpec("contains", strings.contains, (Param("substring", VALUE, "String"),), input="String",
                 singleton_input=True, returns="Boolean", section="5.6.6", scalar=True,
                 summary="True when the substring occurs in the string."),
    FunctionSpec("upper", strings.upper, input="String", singleton_input=True, returns="String",
                 section="5.6.7", scalar=True, summary="The string in upper case."),
    FunctionSpec("lower", strings.lower, input="String", singleton_input=True, returns="String",
                 section="5.6.8", scalar=True, summary="The string in lower case."),
    FunctionSpec("replace", strings.replace,
                 (Param("pattern", VALUE, "String"), Param("substitution", VALUE, "String")),
                 input="String", singleton_input=True, returns="String", section="5.6.9", scalar=True,
                 summary="Every occurrence of the text pattern replaced by the substitution."),
    FunctionSpec("matches", strings.matches,
                 (Param("regex", VALUE, "String"), Param("flags", VALUE, "String", optional=True)),
                 input="String", singleton_input=True, returns="Boolean", section="5.6.10", scalar=True,
                 summary="True when the regular expression matches somewhere in the string."),
    FunctionSpec("matchesFull", strings.matches_full,
                 (Param("regex", VALUE, "String"), Param("flags", VALUE, "String", optional=True)),
                 input="String", singleton_input=True, returns="Boolean", section="5.6.11", scalar=True,
                 summary="True when the regular expression matches the whole string."),
    FunctionSpec("replaceMatches", strings.replace_matches,
                 (Param("regex", VALUE, "String"), Param("substitution", VALUE, "String"),
                  Param("flags", VALUE, "String", optional=True)),
                 input="String", singleton_input=True, returns="String", section="5.6.12", scalar=True,
                 summary="Every regex match replaced by the substitution ($1, ${name} insert groups)."),
    FunctionSpec("length", strings.length, input="String", singleton_input=True, returns="Integer",
                 section="5.6.13", scalar=True, summary="The number of characters."),
    FunctionSpec("toChars", strings.to_chars, input="String", singleton_input=True, returns="String",
                 section="5.6.14", summary="The characters of the string, one String each."),
    # ---- 5.7 Additional string functions ----
    FunctionSpec("encode", strings.encode, (Param("format", VALUE, "String"),), input="String",
                 singleton_input=True, returns="String", section="5.7.1", scalar=True,
                 summary="The string encoded as hex, base64, urlbase64 or ascii."),
    FunctionSpec("decode", strings.decode, (Param("format", VALUE, "String"),), input="String",
                 singleton_input=True, returns="String", section="5.7.2", scalar=True,
                 summary="The string decoded from hex, base64 or urlbase64 (empty if not valid UTF-8)."),
    FunctionSpec("escape", strings.escape, (Param("target", VALUE, "String"),), input="String",
                 singleton_input=True, returns="String", section="5.7.3", scalar=True,
                 summary="The string escaped for html or json."),
    FunctionSpec("unescape", strings.unescape, (Param("target", VALUE, "String"),), input="String",
                 singleton_input=True, returns="String", section="5.7.4", scalar=True,
                 summary="The string with html or json escapes resolved."),
    FunctionSpec("trim", strings.trim, input="String", singleton_input=True, returns="String",
                 section="5.7.5", scalar=True, summary="The string without leading and trailing whitespace."),
    FunctionSpec("split", strings.split, (Param("separator", VALUE, "String"),), input="String",
                 singleton_input=True, returns="String", section="5.7.6",
                 summary="The parts of the string between separators."),
    FunctionSpec("join", strings.join, (Param("separator", VALUE, "String", optional=True),), input="String",
                 returns="String", section="5.7.7",
                 summary="The input strings concatenated, with the separator between them."),
    # ---- 5.8 Math ----
    # ---- 5.9 Tree navigation ----
    FunctionSpec("children", navigation.children, section="5.9.1", summary="The child nodes of every item."),
    FunctionSpec("descendants", navigation.descendants, section="5.9.2",
                 summary="Every node below the items, at any depth."),
    # ---- 5.10 Utility ----
    FunctionSpec("trace", utility.trace, (Param("name", VALUE, "String"), Param("projection", EXPR, optional=True)),
                 returns=SAME_AS_INPUT, section="5.10.1",
                 summary="Reports the input (or a projection of it) to the engine's trace hook."),
    FunctionSpec("now", utility.now, returns="DateTime", section="5.10.3.1",
                 summary="The current date and time (fixed for one evaluation)."),
    FunctionSpec("timeOfDay", utility.time_of_day, returns="Time", section="5.10.3.2",
                 summary="The current time of day."),
    FunctionSpec("today", utility.today, returns="Date", section="5.10.3.3", summary="The current date."),
    # ---- 5.11 Date and time intervals ----
    # ---- 6.2 Comparison (functions) ----
    # ---- 6.3 Types (functions) ----
    FunctionSpec("as", types.as_function, (Param("type", TYPE),), returns=SAME_AS_INPUT, section="6.3.4",
                 summary="The item when it is of the type, else empty."),
    FunctionSpec("is", types.is_function, (Param("type", TYPE),), returns="Boolean", section="6.3.2",
                 summary="True when the item is of the type."),
    # ---- 6.5 Boolean logic (functions) ----
    FunctionSpec("not", logic.not_, input="Boolean", returns="Boolean", section="6.5.4",
                 summary="The negation of a single boolean."),
    # ---- 7 Aggregates ----
    FunctionSpec("aggregate", aggregate.aggregate,
                 (Param("aggregator", EXPR), Param("init", COLLECTION, optional=True)),
                 section="7.1", summary="Folds the input: $total carries the result from item to item."),
    # ---- 10.2 Reflection ----
    FunctionSpec("type", types.type_, section="10.2", summary="The type of each item (namespace and name)."),
    # ---- FHIR additions (FHIR specification, "FHIRPath in FHIR") ----
)

#: binary operators by symbol
OPERATORS = _index(
    # ---- 6.1 Equality ----
    OperatorSpec("=", operators.equals, left="Any", right="Any", returns="Boolean", section="6.1.1",
                 summary="True when both hold equal items in the same order; empty if either is empty."),
    OperatorSpec("~", operators.equivalent, left="Any", right="Any", returns="Boolean", section="6.1.2",
                 summary="Loose equality: any order, any case, decimals at the coarser precision; never empty."),
    OperatorSpec("!=", operators.not_equals, left="Any", right="Any", returns="Boolean", section="6.1.3",
                 summary="The negation of '='; empty when '=' is empty."),
    OperatorSpec("!~", operators.not_equivalent, left="Any", right="Any", returns="Boolean", section="6.1.4",
                 summary="The negation of '~'."),
    # ---- 6.2 Comparison ----
    OperatorSpec(">", operators.greater_than,
                 left="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time",
                 right="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time", returns="Boolean",
                 section="6.2.1", summary="True when the left value is after the right one; empty when unknown."),
    OperatorSpec("<", operators.less_than,
                 left="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time",
                 right="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time", returns="Boolean",
                 section="6.2.2", summary="True when the left value is before the right one; empty when unknown."),
    OperatorSpec("<=", operators.less_or_equal,
                 left="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time",
                 right="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time", returns="Boolean",
                 section="6.2.3", summary="True unless the left value is after the right one; empty when unknown."),
    OperatorSpec(">=", operators.greater_or_equal,
                 left="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time",
                 right="String | Integer | Long | Decimal | Quantity | Date | DateTime | Time", returns="Boolean",
                 section="6.2.4", summary="True unless the left value is before the right one; empty when unknown."),
    # ---- 6.3 Types ----
    # ---- 6.4 Collections ----
    OperatorSpec("|", operators.union, left="collection", right="collection", returns="collection",
                 section="6.4.1", summary="The items of both collections, each value once."),
    OperatorSpec("in", operators.in_, left="Any", right="collection", returns="Boolean", section="6.4.2",
                 summary="True when the single left item equals an item of the right collection."),
    OperatorSpec("contains", operators.contains, left="collection", right="Any", returns="Boolean",
                 section="6.4.3", summary="True when the left collection has an item equal to the right item."),
    # ---- 6.5 Boolean logic ----
    OperatorSpec("and", operators.and_, left="Boolean", right="Boolean", returns="Boolean", section="6.5.1",
                 summary="True when both are true, false when either is false, else empty.", lazy_right=True),
    OperatorSpec("or", operators.or_, left="Boolean", right="Boolean", returns="Boolean", section="6.5.2",
                 summary="True when either is true, false when both are false, else empty.", lazy_right=True),
    OperatorSpec("xor", operators.xor, left="Boolean", right="Boolean", returns="Boolean", section="6.5.4",
                 summary="True when exactly one is true; empty when either is empty."),
    OperatorSpec("implies", operators.implies, left="Boolean", right="Boolean", returns="Boolean",
                 section="6.5.5", summary="True when the left is false or the right is true; false for true/false.",
                 lazy_right=True),
    # ---- 6.6 Math ----
    OperatorSpec("*", operators.multiply, left="Integer | Long | Decimal | Quantity",
                 right="Integer | Long | Decimal | Quantity", returns="Integer | Long | Decimal | Quantity",
                 section="6.6.1", summary="The product; quantity units multiply."),
    OperatorSpec("/", operators.divide, left="Integer | Long | Decimal | Quantity",
                 right="Integer | Long | Decimal | Quantity", returns="Decimal | Quantity", section="6.6.2",
                 summary="The quotient as a Decimal or Quantity; empty when dividing by zero."),
    OperatorSpec("+", operators.plus, left="Integer | Long | Decimal | Quantity | String | Date | DateTime | Time",
                 right="Integer | Long | Decimal | Quantity | String",
                 returns="Integer | Long | Decimal | Quantity | String | Date | DateTime | Time", section="6.6.3",
                 summary="The sum, the joined strings, or a date/time moved forward by a duration."),
    OperatorSpec("-", operators.minus, left="Integer | Long | Decimal | Quantity | Date | DateTime | Time",
                 right="Integer | Long | Decimal | Quantity",
                 returns="Integer | Long | Decimal | Quantity | Date | DateTime | Time", section="6.6.4",
                 summary="The difference, or a date/time moved back by a duration."),
    OperatorSpec("div", operators.div, left="Integer | Long | Decimal", right="Integer | Long | Decimal",
                 returns="Integer | Long | Decimal", section="6.6.5",
                 summary="The quotient truncated toward zero; empty when dividing by zero."),
    OperatorSpec("mod", operators.mod, left="Integer | Long | Decimal", right="Integer | Long | Decimal",
                 returns="Integer | Long | Decimal", section="6.6.6",
                 summary="The remainder of truncated division; empty when dividing by zero."),
    OperatorSpec("&", operators.concatenate, left="String", right="String", returns="String", section="6.6.7",
                 summary="The joined strings, an empty side counting as ''."),
)

#: prefix operators by symbol (6.8)
UNARY_OPERATORS = _index(
    # ---- 6.8 Unary operators ----
    OperatorSpec("+", operators.positive, left=None, right="Integer | Long | Decimal | Quantity",
                 returns="Integer | Long | Decimal | Quantity", section="6.8.1",
                 summary="The number or quantity unchanged."),
    OperatorSpec("-", operators.negate, left=None, right="Integer | Long | Decimal | Quantity",
                 returns="Integer | Long | Decimal | Quantity", section="6.8.2",
                 summary="The number or quantity negated."),
)
