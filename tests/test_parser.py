import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from fhirpath import ast, parser
from fhirpath.errors import FHIRPathError, FHIRPathSyntaxError
from tests.conftest import SHARED
from tests.conformance.suite import load_cases

CORPUS_FILES = ("r4-search-parameters.jsonl", "r5-search-parameters.jsonl", "r4-invariants.jsonl")


def corpus_expressions() -> list[str]:
    expressions = []
    for name in CORPUS_FILES:
        path = SHARED / "corpus" / name
        if path.exists():
            expressions += [json.loads(line)["expression"] for line in path.read_text(encoding="utf-8").splitlines()]
    return expressions


def suite_cases():
    if not (SHARED / "fhirpath-tests").is_dir():
        return []
    return load_cases(SHARED, "r4") + load_cases(SHARED, "r5")


def show(node: ast.Node) -> str:
    """Fully parenthesised rendering, to check precedence and associativity."""
    if isinstance(node, ast.Binary):
        return f"({show(node.left)} {node.op} {show(node.right)})"
    if isinstance(node, ast.TypeOp):
        return f"({show(node.target)} {node.op} {node.type_name})"
    if isinstance(node, ast.Unary):
        return f"({node.op}{show(node.operand)})"
    return ast.to_fhirpath(node)


# ---- the grammar --------------------------------------------------------------------


def test_grammar_builds_in_lark_strict_mode_without_conflicts_or_collisions():
    pytest.importorskip("interegular", reason="lark's strict mode needs interegular (dev extra)")
    from lark import Lark

    with open(parser.GRAMMAR_PATH, encoding="utf-8") as file:
        Lark(file.read(), parser="lalr", lexer="basic", strict=True)


def test_committed_tables_belong_to_the_current_grammar():
    with open(parser.GRAMMAR_PATH, encoding="utf-8") as file:
        checksum = parser.grammar_checksum(file.read())
    assert parser._load_tables(checksum) is not None, "run: python -m fhirpath.parser"


def test_the_tables_one_grammar_gives_do_not_depend_on_the_string_hash_seed():
    """lark numbers its states in set order; `build_tables` renumbers them, so regenerating
    the committed file changes it only when the grammar (or lark's analysis) does."""
    code = "import sys, hashlib; from fhirpath import parser; print(hashlib.sha256(parser.serialise_tables()).hexdigest())"
    digests = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


class _WithTupleTokens:
    """The `_Builder` callbacks, given lark's Token objects as our driver's token tuples."""

    def __init__(self) -> None:
        self.builder = parser._Builder()

    def __getattr__(self, name):
        from lark import Token

        callback = getattr(self.builder, name)

        def call(children):
            return callback([(c.type, str(c), c.start_pos, c.end_pos) if isinstance(c, Token) else c
                             for c in children])

        return call


def test_our_driver_parses_like_lark_itself_with_the_same_callbacks():
    """Lark's own LALR parser and lexer, with the same _Builder, give the same trees:
    our driver's default reductions and skipped pass-through states change nothing."""
    from lark import Lark

    with open(parser.GRAMMAR_PATH, encoding="utf-8") as file:
        lark = Lark(file.read(), transformer=_WithTupleTokens(), **parser._LARK_OPTIONS)
    texts = corpus_expressions() + ["(1 + 2) * -3 is Integer", "a.b[0].c(d, e desc)", "android and isa", "%`vs-x`",
                                    "Patient {name: 'a', active: true}", "x.sort($this desc, a asc)", "{}", "1 'mg'"]
    for text in texts:
        assert lark.parse(text)[0] == parser.parse(text), text


def test_dotted_paths_reduced_directly_equal_what_the_tables_make():
    """`_Parser.parse` builds a dotted path of plain names without the tables: the same
    located tree (extent and nesting too), pooled to the same depth (or not at all, when
    asked). Names that are keywords go to the tables, which read ``true`` as a literal."""
    driver = parser._build()
    dotted = [text for text in corpus_expressions() if driver._dotted(text)]
    assert len(dotted) > 1_000
    for text in dotted + ["a", "_x1.y_2", "Patient.name.given.family.period.start.extension"]:
        direct, tables = driver.parse(text), driver.shift_reduce(text)
        assert direct == tables == driver.parse(text, pooled=False), text
        innermost = [list(ast.walk(located[0]))[-1][0] for located in (direct, tables)]
        assert innermost[0] is innermost[1], text
        top = [located[0] for located in (direct, tables)]
        assert (top[0] is top[1]) == (text.count(".") < parser.POOLED_DEPTH), text
    looked_up = ast.NODE_POOL.stats()
    driver.parse("Never.pooled.path", pooled=False)
    assert ast.NODE_POOL.stats() == looked_up
    for text in ("Patient.as", "as.name", "true", "name.div", "a.and", "contains.b", "desc"):
        assert driver._dotted(text) and driver.parse(text) == driver.shift_reduce(text), text
    assert isinstance(parser.parse("true"), ast.Literal)
    for text in ("Patient.", ".name", "a..b", "a.1b", "Patient .name", "Patient.name "):
        assert driver._dotted(text) is None, text


# ---- coverage of real expressions -------------------------------------------------------


def test_every_corpus_expression_parses(shared):
    expressions = corpus_expressions()
    assert len(expressions) == 2841
    failures = []
    for text in expressions:
        try:
            parser.parse(text)
        except FHIRPathSyntaxError as error:
            failures.append(f"{text!r}: {error}")
    assert failures == []


def test_every_suite_expression_parses_unless_marked_syntax_invalid(shared):
    failures = []
    for case in suite_cases():
        try:
            parser.parse(case.expression)
        except FHIRPathSyntaxError as error:
            if case.invalid != "syntax":
                failures.append(f"{case.id}: {error}")
        else:
            if case.invalid == "syntax":
                failures.append(f"{case.id}: parsed but the suite says it is invalid")
    assert failures == []


@pytest.mark.parametrize(
    "case", [c for c in suite_cases() if c.invalid == "syntax"], ids=lambda c: c.id
)
def test_syntax_invalid_suite_cases_raise_with_a_position(case):
    with pytest.raises(FHIRPathSyntaxError) as raised:
        parser.parse(case.expression)
    assert raised.value.start is not None
    assert raised.value.position is not None


def test_printing_and_parsing_again_gives_an_equal_tree_for_the_whole_corpus(shared):
    texts = corpus_expressions() + [case.expression for case in suite_cases() if case.invalid != "syntax"]
    mismatches = []
    for text in texts:
        tree = parser.parse(text)
        printed = ast.to_fhirpath(tree)
        if parser.parse(printed) != tree:
            mismatches.append((text, printed))
    assert mismatches == []


# ---- precedence and associativity ----------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b div c mod d", "(((a / b) div c) mod d)"),
        ("-a.b * 2", "((-a.b) * 2)"),
        ("- -1", "(-(-1))"),
        ("a + b is Integer = true", "(((a + b) is Integer) = true)"),
        ("a is T + 1", "((a is T) + 1)"),
        ("a as X is Y", "((a as X) is Y)"),
        ("a | b = c | d", "((a | b) = (c | d))"),
        ("a < b = c > d", "((a < b) = (c > d))"),
        ("x = 1 and y in z | w", "((x = 1) and (y in (z | w)))"),
        ("a contains b and c", "((a contains b) and c)"),
        ("a implies b or c xor d and e", "(a implies ((b or c) xor (d and e)))"),
        ("a implies b implies c", "((a implies b) implies c)"),
        ("a & b + c", "((a & b) + c)"),
        ("a != b !~ c ~ d", "(((a != b) !~ c) ~ d)"),
    ],
)
def test_operators_follow_the_spec_precedence_and_are_left_associative(text, expected):
    assert show(parser.parse(text)) == expected


# ---- literals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,kind,value,unit",
    [
        ("{}", "empty", None, None),
        ("true", "boolean", True, None),
        ("false", "boolean", False, None),
        ("'it''s'", None, None, None),  # two strings side by side are a syntax error
        (r"'a\'b\"c\`d\\e\/f\fg\nh\ri\tj'", "string", "a'b\"c`d\\e/f\fg\nh\ri\tj", None),
        (r"'\u00e9\u0041'", "string", "éA", None),
        (r"'\ud83d\ude00'", "string", "😀", None),
        ("007", "integer", 7, None),
        ("12L", "long", 12, None),
        ("1.50", "decimal", Decimal("1.50"), None),
        ("0.0000001", "decimal", Decimal("0.0000001"), None),
        ("@2014", "date", "2014", None),
        ("@2014-01-25", "date", "2014-01-25", None),
        ("@2015T", "datetime", "2015T", None),
        ("@2015-02-04T14:34:28.123+09:00", "datetime", "2015-02-04T14:34:28.123+09:00", None),
        ("@2015-02-04T14Z", "datetime", "2015-02-04T14Z", None),
        ("@T14", "time", "T14", None),
        ("@T14:34:28.123", "time", "T14:34:28.123", None),
        ("4.5 'mg'", "quantity", Decimal("4.5"), "mg"),
        ("3 'mm[Hg]'", "quantity", Decimal("3"), "mm[Hg]"),
        ("5 days", "quantity", Decimal("5"), "days"),
        ("1 year", "quantity", Decimal("1"), "year"),
    ],
)
def test_literals_carry_kind_value_and_unit(text, kind, value, unit):
    if kind is None:
        with pytest.raises(FHIRPathSyntaxError):
            parser.parse(text)
        return
    node = parser.parse(text)
    assert isinstance(node, ast.Literal)
    assert (node.kind, node.value, node.unit) == (kind, value, unit)
    assert type(node.value) is type(value)


def test_decimal_literals_keep_their_scale_through_printing():
    assert ast.to_fhirpath(parser.parse("1.50 + 0.0000001")) == "1.50 + 0.0000001"


def test_numbers_followed_by_dot_and_name_are_invocations():
    node = parser.parse("1.abs()")
    assert isinstance(node, ast.Call) and node.target.value == 1


@pytest.mark.parametrize(
    "text,node_class,name",
    [
        ("%resource", ast.Variable, "resource"),
        ("%`vs-administrative-gender`", ast.Variable, "vs-administrative-gender"),
        ("%'us-zip'", ast.Variable, "us-zip"),
        ("$this", ast.Special, "$this"),
        ("$index", ast.Special, "$index"),
        ("$total", ast.Special, "$total"),
        ("`given name`", ast.Identifier, "given name"),
        ("contains", ast.Identifier, "contains"),
        ("in", ast.Identifier, "in"),
        ("day", ast.Identifier, "day"),
    ],
)
def test_names_and_variables(text, node_class, name):
    node = parser.parse(text)
    assert type(node) is node_class and node.name == name


def test_reserved_words_name_members_after_a_dot():
    node = parser.parse("text.div.exists()")
    assert node.target.name == "div"
    assert ast.to_fhirpath(node) == "text.`div`.exists()"


def test_type_operators_take_qualified_names():
    node = parser.parse("value is FHIR.`Quantity`")
    assert isinstance(node, ast.TypeOp) and node.type_name == "FHIR.Quantity"


def test_sort_keys_take_asc_and_desc():
    node = parser.parse("sort(family desc, given.first() asc, -birthDate)")
    first, second, third = node.args
    assert isinstance(first, ast.SortKey) and first.descending
    assert isinstance(second, ast.SortKey) and not second.descending
    assert isinstance(third, ast.Unary)


def test_instance_selectors_build_typed_objects():
    node = parser.parse("FHIR.Coding { system: 'http://x', code: gender }")
    assert isinstance(node, ast.Instance)
    assert node.type_name == "FHIR.Coding" and node.names == ("system", "code")
    empty = parser.parse("Period {:}")
    assert isinstance(empty, ast.Instance) and empty.names == ()


def test_comments_and_whitespace_are_allowed_anywhere():
    node = parser.parse("Patient /* a */ . // b\n name\t.\r\ngiven")
    assert ast.to_fhirpath(node) == "Patient.name.given"


# ---- positions -------------------------------------------------------------------------------------


def test_positions_are_relative_and_walk_makes_them_absolute():
    text = "  Patient.name.frist(1, 2)"
    tree, base = parser.parse_located(text)
    assert base == 2
    spans = {ast.to_fhirpath(node): ast.span(node, at) for node, at in ast.walk(tree, base)}
    assert text[slice(*spans["Patient"])] == "Patient"
    assert text[slice(*spans["Patient.name"])] == "name"
    assert text[slice(*spans["Patient.name.frist(1, 2)"])] == "frist(1, 2)"
    assert text[slice(*spans["2"])] == "2"
    assert ast.extent(tree, base) == (2, len(text))


def test_operator_spans_cover_the_operator_and_type_name():
    text = "(a + b) is Integer"
    tree, base = parser.parse_located(text)
    assert text[slice(*ast.span(tree, base))] == "is Integer"
    plus, at = next((n, a) for n, a in ast.walk(tree, base) if isinstance(n, ast.Binary))
    assert text[slice(*ast.span(plus, at))] == "+"


def test_node_at_finds_the_innermost_node_under_a_cursor():
    text = "Patient.name.where(use = 'official')"
    tree, base = parser.parse_located(text)
    node, _ = ast.node_at(tree, text.index("use") + 1, base)
    assert isinstance(node, ast.Identifier) and node.name == "use"
    node, _ = ast.node_at(tree, text.index("where") + 2, base)
    assert isinstance(node, ast.Call) and node.name == "where"


# ---- errors ------------------------------------------------------------------------------------------


def test_a_trailing_dot_names_what_was_expected_and_where():
    with pytest.raises(FHIRPathSyntaxError) as raised:
        parser.parse("Patient.")
    error = raised.value
    assert error.code == "unexpected-end"
    assert str(error).splitlines()[0] == "expected an identifier or function call after '.' at 1:9"


@pytest.mark.parametrize(
    "text,code,position,message",
    [
        ("", "unexpected-end", "1:1", "expected an expression, found nothing"),
        ("   \n ", "unexpected-end", "2:2", "expected an expression, found nothing"),
        ("1 +", "unexpected-end", "1:4", "expected an expression, found end of input"),
        ("Patient.name.", "unexpected-end", "1:14", "expected an identifier or function call after '.'"),
        ("Patient..name", "unexpected-token", "1:9", "expected an identifier or function call after '.', found '.'"),
        ("name.where(", "unexpected-end", "1:12", "expected an expression or ')', found end of input"),
        ("(1 + 2", "unexpected-end", "1:7", None),
        ("1 2", "unexpected-token", "1:3", None),
        ("'abc", "unterminated-string", "1:1", "unterminated string: no closing quote"),
        ("`abc", "unterminated-identifier", "1:1", "unterminated identifier: no closing backtick"),
        ("2 + 2 /* not finished", "unterminated-comment", "1:7", "unterminated comment: '/*' has no closing '*/'"),
        ("name § x", "unexpected-character", "1:6", "unexpected character '§'"),
        ("a\x00b", "unexpected-character", "1:2", "unexpected character '\\x00'"),
        ("$that", "unknown-special", "1:1", "unknown special variable '$that'; expected $this, $index or $total"),
        (r"'a\qb'", "invalid-escape", "1:3", "invalid escape sequence '\\q'"),
        ("4 furlongs", "unexpected-token", "1:3", None),
        ("sort(a up)", "unexpected-token", "1:8", None),
        ("(1 + 2) { a: 1 }", "unexpected-token", "1:2", "expected a type name before '{'"),
        ("Patient.name.$this", "unexpected-token", "1:14", None),
    ],
)
def test_syntax_errors_say_what_and_where(text, code, position, message):
    with pytest.raises(FHIRPathSyntaxError) as raised:
        parser.parse(text)
    error = raised.value
    assert error.code == code
    assert error.expression == text
    if position is not None:
        assert error.position == position
    if message is not None:
        assert error.message == message
    assert "^" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 100_000,
        ")" * 50,
        "\ud800",
        "Patient.name\u200b.given",
        "'" * 7,
        "@",
        "%",
        "1 + + + ",
        "a[",
        "Coding {",
        "x is",
        "\x00" * 10,
    ],
)
def test_bad_input_raises_only_fhirpath_errors(text):
    with pytest.raises(FHIRPathError):
        parser.parse(text)


def test_expression_length_is_limited():
    with pytest.raises(FHIRPathSyntaxError) as raised:
        parser.parse("a" * 50, max_length=40)
    assert raised.value.code == "expression-too-long"


def test_nesting_depth_is_limited_without_hitting_the_recursion_limit():
    deep = "1" + " + 1" * 5_000
    with pytest.raises(FHIRPathSyntaxError) as raised:
        parser.parse(deep)
    assert raised.value.code == "expression-too-deep"
    assert parser.parse("1" + " + 1" * 150) is not None


def test_many_nested_parentheses_within_the_length_limit_parse():
    assert ast.to_fhirpath(parser.parse("(" * 10_000 + "1" + ")" * 10_000)) == "1"


def test_non_string_input_is_a_type_error():
    with pytest.raises(TypeError):
        parser.parse(b"Patient")


# ---- laziness -----------------------------------------------------------------------------------------


def test_importing_fhirpath_does_not_import_lark():
    code = "import fhirpath, sys; assert 'lark' not in sys.modules, sorted(m for m in sys.modules if 'lark' in m)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_parsing_imports_neither_lark_nor_the_regex_module():
    """Parsing runs the committed tables: lark (~3 MiB resident, and it imports `regex`,
    ~1.3 MiB more) stays out; regex comes in when an expression first matches a pattern."""
    code = (
        "import sys, fhirpath; fhirpath.parse('a.b'); fhirpath.compile('Patient.name.given')\n"
        "assert 'lark' not in sys.modules and 'regex' not in sys.modules\n"
        "assert fhirpath.evaluate({'resourceType': 'Patient', 'id': 'aa'}, \"id.matches('a+')\") == [True]\n"
        "assert 'regex' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
