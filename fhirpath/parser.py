"""Text to syntax tree: an LALR(1) parser over tables lark computes from fhirpath.lark.

Lark is the grammar's tool: at development time it checks the grammar and computes the
LALR(1) tables and the lexer's terminals, which `write_tables` commits as plain data
(``python -m fhirpath.parser``). At run time a small driver (`_Parser`) executes those
tables, as lark's own LALR parser would, without importing lark: that keeps lark's
modules (~3 MiB resident) out of every process that parses. When the committed tables do
not match the grammar (it was edited), they are computed again on first use, with lark.

No parse tree is built: the driver calls the `_Builder` callbacks as it reduces, and
they make pooled `fhirpath.ast` nodes directly. Every failure becomes a
`FHIRPathSyntaxError` with a position and words.
"""

from __future__ import annotations

import binascii
import io
import re
import os
import pickle
import sys
import threading
from decimal import Decimal

from fhirpath import ast
from fhirpath.ast import NODE_POOL
from fhirpath.errors import FHIRPathSyntaxError

GRAMMAR_PATH = os.path.join(os.path.dirname(__file__), "fhirpath.lark")
#: lark's LALR tables for the grammar, serialised by `write_tables` (plain data only)
TABLES_PATH = os.path.join(os.path.dirname(__file__), "fhirpath.lark.tables")
_LARK_OPTIONS = {"parser": "lalr", "lexer": "basic", "maybe_placeholders": True}

#: default limits; the API lets callers tighten or relax them
MAX_LENGTH = 100_000
MAX_DEPTH = 200

_build_lock = threading.Lock()
_parser = None


def parse(text: str, *, max_length: int = MAX_LENGTH, max_depth: int = MAX_DEPTH) -> ast.Node:
    """Parse FHIRPath ``text`` into a syntax tree (positions relative; see `fhirpath.ast`)."""
    return parse_located(text, max_length=max_length, max_depth=max_depth)[0]


def parse_located(
    text: str, *, max_length: int = MAX_LENGTH, max_depth: int = MAX_DEPTH, pooled: bool = True
) -> tuple[ast.Node, int]:
    """Parse ``text``; return the tree and the absolute offset where its extent starts.
    ``pooled=False``: the caller drops the tree at once (see `_Parser.parse`)."""
    if not isinstance(text, str):
        raise TypeError(f"a FHIRPath expression is a str, not {type(text).__name__}")
    if len(text) > max_length:
        raise FHIRPathSyntaxError(
            f"expression is {len(text)} characters long; the limit is {max_length}",
            code="expression-too-long", start=max_length, end=len(text), expression=text,
        )
    parser = _parser or _build()
    try:
        node, start, _end, nesting = parser.parse(text, pooled)
    except FHIRPathSyntaxError as error:
        error.expression = text
        raise
    except _UnexpectedToken as error:
        raise _translate(error, text) from None
    if nesting > max_depth:
        raise _too_deep(node, start, max_depth, text)
    return node, start


def _build() -> _Parser:
    """The parser, from the committed tables, or from the grammar when they are stale."""
    global _parser
    with _build_lock:
        if _parser is None:
            grammar = _read(GRAMMAR_PATH).decode("utf-8")
            tables = _load_tables(grammar_checksum(grammar)) or build_tables(grammar)
            _parser = _Parser(tables)
    return _parser


# A token is a plain tuple, (terminal, text, start, end): cheaper to make than an object,
# and the callbacks read its fields by index.


class _UnexpectedToken(Exception):
    """A token no action of the state takes; ``expected`` are the terminals it takes."""

    def __init__(self, token: tuple, expected: set[str]) -> None:
        super().__init__(token[0])
        self.token, self.expected = token, expected


# how a rule's reduction makes its value (see `_Parser.parse`)
_PASS, _CALL, _GENERAL = 0, 1, 2


class _Parser:
    """Runs the LALR(1) tables: shift tokens, reduce rules through the `_Builder` callbacks.

    A rule's reduction does what lark's tree builder would: drop the children lark
    filters out, splice in the children of inlined ``_rules``, put None for absent
    ``[optional]`` items, pass a single child through for ``?rules``, then call the
    callback named after the rule or its alias.

    Two standard table compressions make it faster than running lark's tables as they
    are, and smaller: a state whose every lookahead calls for one reduction (80 of 145)
    reduces without looking at the token (a *default reduction*: a wrong token is still
    caught before it is shifted, by the next state that reads it), and a shift or goto
    into a state that would only pass its one child through a ``?rule`` goes straight to
    where that reduction would have led (`_skip_pass_through`): ``Patient.name.given``
    takes 6 reductions instead of 12."""

    __slots__ = (
        "_states", "_defaults", "_start", "_end", "_rules", "_scanner", "_keywords", "_ignore",
        "_dotted",
    )

    def __init__(self, tables: dict) -> None:
        rules = tables["rules"]
        builder = _Builder()
        numbers: dict = {}  # one int object per distinct action

        def number(value: int) -> int:
            return numbers.setdefault(value, value)

        made = []
        for origin, size, name, expand1, include, trailing in rules:
            if size == 0:  # `parse` slices the last ``size`` values: [-0:] would take all
                raise ValueError(f"rule {origin!r} of fhirpath.lark is empty; write it with [optional] items")
            callback = getattr(builder, name) if name else None
            if expand1 and size == 1 and include in (None, ((0, False, 0),)) and not trailing:
                mode = _PASS
            elif callback is not None and include is None and not expand1:
                mode = _CALL
            else:
                mode = _GENERAL
            made.append((origin, size, callback, mode, expand1, include, trailing))
        self._rules = tuple(made)
        # per state: {symbol: shift or goto state (>= 0) or ~rule (< 0)}
        encoded = [
            {symbol: number(arg if shift else ~arg) for symbol, (shift, arg) in actions.items()}
            for actions in tables["states"]
        ]
        self._start, self._end = tables["start"], tables["end"]
        defaults: list = [None] * len(encoded)
        for state, actions in enumerate(encoded):
            distinct = set(actions.values())
            if len(distinct) == 1 and min(distinct) < 0:
                defaults[state] = next(iter(distinct))
        _skip_pass_through(encoded, defaults, self._rules, self._end)
        self._defaults = defaults
        self._states = [None if default is not None else actions for default, actions in zip(defaults, encoded)]
        lexer = tables["lexer"]
        self._scanner = re.compile(lexer["master"]).scanner
        self._keywords = lexer["keywords"]
        self._ignore = frozenset(lexer["ignore"])
        name = lexer["identifier"]
        self._dotted = re.compile(rf"(?:{name}\.)*{name}\Z").match

    def tokens(self, text: str) -> list:
        """The tokens of ``text``, then $END: one master regex tries the terminals in
        lark's order; words the IDENTIFIER pattern also matches (``and``, ``is``...) are
        looked up after an identifier match, which is how lark keeps ``android`` one
        identifier."""
        keywords, ignore = self._keywords, self._ignore
        next_match = self._scanner(text).match
        tokens = []
        append = tokens.append
        at = 0
        found = next_match()
        while found is not None:
            kind = found.lastgroup
            stop = found.end()
            if kind not in ignore:
                value = found.group()
                if kind == "IDENTIFIER":
                    kind = keywords.get(value, kind)
                append((kind, value, at, stop))
            at = stop
            found = next_match()
        end = len(text)
        if at < end:
            raise _bad_character(at, text)
        append(("$END", "", end, end))
        return tokens

    def parse(self, text: str, pooled: bool = True):
        """The located tree of ``text``. A dotted path of plain names (``Patient.name``:
        most expressions people write, 86% of the R4 search parameters) is built
        directly, in less than half the time running the tables takes; the rest is
        `shift_reduce`. ``pooled=False`` builds such a path without the node pool, for
        a caller that drops the tree at once (the pool would only add and remove it)."""
        if self._dotted(text) is not None:
            names = text.split(".")
            if self._keywords.keys().isdisjoint(names):  # `Patient.as` is for the tables
                return _dotted_path(names, pooled)
        return self.shift_reduce(text)

    def shift_reduce(self, text: str):
        """Shift each token after the reductions it calls for; at $END, the result."""
        states, defaults, rules, end_state = self._states, self._defaults, self._rules, self._end
        state = self._start
        stack = [state]  # the states, the last one is ``state``
        values: list = []
        for token in self.tokens(text):
            kind = token[0]
            while True:
                action = defaults[state]
                if action is None:
                    actions = states[state]
                    action = actions.get(kind)
                    if action is None:
                        raise _UnexpectedToken(token, {symbol for symbol in actions if symbol.isupper()})
                    if action >= 0:
                        stack.append(action)
                        state = action
                        values.append(token)
                        break
                origin, size, callback, mode, expand1, include, trailing = rules[~action]
                if mode == _PASS:  # the value stays; only the state changes
                    state = states[stack[-2]][origin]
                    stack[-1] = state
                    if state == end_state and kind == "$END":
                        return values[-1]
                    continue
                children = values[-size:]
                del values[-size:]
                del stack[-size:]
                if mode == _CALL:
                    value = callback(children)
                else:
                    value = _reduce_generally(children, callback, expand1, include, trailing)
                state = states[stack[-1]][origin]
                stack.append(state)
                values.append(value)
                if state == end_state and kind == "$END":
                    return value
        raise AssertionError("the tables accept nothing after $END")  # pragma: no cover


def _dotted_path(names: list, pooled: bool) -> tuple:
    """The located tree of ``a.b.c`` from its names, as the `_Builder` callbacks
    ``name`` and ``member`` make it (pooled to the same depth)."""
    end = len(names[0])
    node = ast.Identifier(names[0], 0, end)
    if pooled:
        node = NODE_POOL.intern(node)
    nesting = 1
    for name in names[1:]:
        start = end + 1
        end = start + len(name)
        node = ast.Member(node, name, start, end)
        nesting += 1
        if pooled and nesting <= POOLED_DEPTH:
            node = NODE_POOL.intern(node)
    return node, 0, end, nesting


def _reduce_generally(children: list, callback, expand1: bool, include, trailing: int):
    """A reduction that filters, splices or pads its children (lark's child filter)."""
    if include is not None:
        kept: list = []
        for index, splice, nones in include:
            if nones:
                kept += [None] * nones
            if splice:
                kept += children[index]
            else:
                kept.append(children[index])
        if trailing:
            kept += [None] * trailing
        children = kept
    if expand1 and len(children) == 1:
        return children[0]
    if callback is None:  # an inlined _rule: its parent splices these children
        return children
    return callback(children)


def _skip_pass_through(states: list, defaults: list, rules: tuple, end_state: int) -> None:
    """Point every shift and goto that enters a state which only passes its child through
    a ``?rule`` (by default reduction) at the state that reduction would go to from there."""
    for actions in states:
        for symbol, target in actions.items():
            if target < 0:
                continue
            while defaults[target] is not None and rules[~defaults[target]][3] == _PASS:
                origin = rules[~defaults[target]][0]
                after = actions.get(origin)
                if after is None or after == end_state:
                    break
                target = after
            actions[symbol] = target


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


class _DataOnlyUnpickler(pickle.Unpickler):
    """The tables are dicts, lists, tuples, str, int, bool and None: refuse anything else."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in parser tables")


def grammar_checksum(grammar: str) -> str:
    """What ties the committed tables to the grammar they were computed from. A CRC, not
    a cryptographic hash: it guards against a stale file, not an attacker (the unpickler
    takes plain data only), and hashlib would map OpenSSL into the process."""
    return f"crc32:{binascii.crc32(grammar.encode('utf-8')):08x}:{len(grammar)}"


def _load_tables(checksum: str) -> dict | None:
    try:
        tables = _DataOnlyUnpickler(io.BytesIO(_read(TABLES_PATH))).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    return tables if tables.get("grammar_checksum") == checksum else None


def build_tables(grammar: str) -> dict:
    """The tables `_Parser` runs, computed by lark from ``grammar`` (plain data only).

    The states and rules are lark's LALR(1) analysis; each rule's child filter is what
    lark's tree builder would apply (`maybe_create_child_filter`), recorded as data."""
    from lark import Lark
    from lark.parse_tree_builder import maybe_create_child_filter
    from lark.parsers.lalr_analysis import Shift

    built = Lark(grammar, **_LARK_OPTIONS)
    table = built.parser.parser._parse_table
    rule_index = {rule: index for index, rule in enumerate(built.rules)}
    rules = []
    for rule in built.rules:
        options = rule.options
        name = str(rule.alias or options.template_source or rule.origin.name)  # lark's names are Tokens
        if not hasattr(_Builder, name):
            if not name.startswith("_") and not options.expand1:
                raise ValueError(f"rule {name!r} of fhirpath.lark has no callback in parser._Builder")
            name = None
        made = maybe_create_child_filter(rule.expansion, options.keep_all_tokens, False,
                                         options.empty_indices if _LARK_OPTIONS["maybe_placeholders"] else None)
        include, trailing = None, 0
        if made is not None:
            include = made.args[0]
            if len(made.args) > 1:  # with placeholders: (index, splice, nones) and the trailing Nones
                trailing = made.args[1]
            else:  # without: (index, splice)
                include = [(index, splice, 0) for index, splice in include]
            include = tuple(tuple(entry) for entry in include)
        expand1 = bool(options.expand1 and not rule.alias)
        rules.append((str(rule.origin.name), len(rule.expansion), name, expand1, include, trailing))
    # One object per distinct symbol name and per distinct action: pickle writes each
    # once, and the loaded tables share them (3,769 actions, 240 distinct: ~250 KB less)
    distinct: dict = {}

    def one(value):
        return distinct.setdefault(value, value)

    # lark numbers the states in an order that changes with the string hash seed: number
    # them breadth-first from the start, actions by symbol, so one grammar gives one file
    start = table.start_states["start"]
    number = {start: 0}
    order = [start]
    for state in order:
        for symbol, (action, arg) in sorted(table.states[state].items(), key=lambda item: str(item[0])):
            if action is Shift and arg not in number:
                number[arg] = len(order)
                order.append(arg)
    states = [
        {
            one(str(symbol)): one((True, number[arg]) if action is Shift else (False, rule_index[arg]))
            for symbol, (action, arg) in sorted(table.states[state].items(), key=lambda item: str(item[0]))
        }
        for state in order
    ]
    return {
        "grammar_checksum": grammar_checksum(grammar),
        "lark_version": sys.modules["lark"].__version__,
        "states": states,
        "start": 0,
        "end": number[table.end_states["start"]],
        "rules": rules,
        "lexer": _lexer_tables(built.lexer_conf),
    }


def _lexer_tables(lexer_conf) -> dict:
    """One master regex over the terminals in lark's order of precedence, and the words
    that are terminals of their own although the IDENTIFIER pattern matches them."""
    terminals = list(lexer_conf.terminals)
    patterns = {t.name: re.compile(t.pattern.to_regexp()) for t in terminals}
    keywords = {}
    scanned = []
    for t in terminals:
        if t.pattern.type == "str":
            if [n for n, p in patterns.items() if n != t.name and p.fullmatch(t.pattern.value)]:
                keywords[str(t.pattern.value)] = str(t.name)
                continue
        scanned.append(t)
    scanned.sort(key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
    master = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in scanned)
    return {
        "master": master, "keywords": keywords, "ignore": sorted(str(name) for name in lexer_conf.ignore),
        "identifier": patterns["IDENTIFIER"].pattern,
    }


def serialise_tables() -> bytes:
    """The tables for the current grammar, as pickle bytes of plain data."""
    return pickle.dumps(build_tables(_read(GRAMMAR_PATH).decode("utf-8")), protocol=4)


def write_tables() -> None:
    """Regenerate fhirpath.lark.tables after editing the grammar: python -m fhirpath.parser"""
    with open(TABLES_PATH, "wb") as file:
        file.write(serialise_tables())


# ---- the internal transformer -------------------------------------------------------
# Every callback returns a "located" tuple (node, start, end, depth): the node, the
# absolute extent of its text, and its nesting depth. Tokens are (terminal, text, start, end).

_ESCAPED = {"'": "'", '"': '"', "`": "`", "\\": "\\", "/": "/", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def unescape(token: tuple) -> str:
    """The text between a token's delimiters, escapes resolved (surrogate pairs joined)."""
    raw = token[1][1:-1]
    if "\\" not in raw:
        return raw
    out = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1]  # the token regex guarantees a character after '\'
        if nxt in _ESCAPED:
            out.append(_ESCAPED[nxt])
            i += 2
        elif nxt == "u" and _is_hex4(raw, i + 2):
            out.append(chr(int(raw[i + 2 : i + 6], 16)))
            i += 6
        else:
            at = token[2] + 1 + i
            raise FHIRPathSyntaxError(
                f"invalid escape sequence '\\{nxt}'", code="invalid-escape", start=at, end=at + 2
            )
    return "".join(out).encode("utf-16", "surrogatepass").decode("utf-16")


def _is_hex4(text: str, at: int) -> bool:
    digits = text[at : at + 4]
    return len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits)


def _name(token: tuple) -> tuple[str, int, int]:
    """(name, start, end) of an identifier token; a ``%'string'`` variable name too."""
    kind, name, start, end = token
    if kind == "DELIMITED_IDENTIFIER" or kind == "STRING":
        name = unescape(token)
    return name, start, end


#: sub-trees up to this depth are shared through the node pool. Measured on the 2,841
#: corpus expressions: names and short paths repeat a lot (5,303 leaves are 499 distinct
#: ones), deeper trees hardly ever (1,839 distinct of 2,067), and an index entry costs
#: more than a node, so pooling them would cost more memory than it saves.
POOLED_DEPTH = 3


def _pooled(node, nesting: int):
    return NODE_POOL.intern(node) if nesting <= POOLED_DEPTH else node



def _leaf(cls, value, token_start: int, token_end: int):
    node = _pooled(cls(value, 0, token_end - token_start), 1)
    return node, token_start, token_end, 1


def _literal(kind: str, value, unit, start: int, end: int):
    size = end - start
    node = _pooled(ast.Literal(kind, value, unit, 0, size), 1)
    return node, start, end, 1


def _token_literal(kind: str, convert):
    def callback(self, children):
        token = children[0]
        return _literal(kind, convert(token), None, token[2], token[3])

    return callback


class _Builder:
    """Lark callbacks, one per rule or alias of fhirpath.lark."""

    # -- names ---------------------------------------------------------------------

    def qualified_identifier(self, children):
        names = [_name(child) for child in children if child[0] != "DOT"]
        return ".".join(name for name, _, _ in names), names[0][1], names[-1][2]

    # -- terms ---------------------------------------------------------------------

    def name(self, children):
        kind, name, start, end = children[0]
        if kind == "DELIMITED_IDENTIFIER":
            name = unescape(children[0])
        return NODE_POOL.intern(ast.Identifier(name, 0, end - start)), start, end, 1

    def special(self, children):
        _, name, start, end = children[0]
        return _leaf(ast.Special, name, start, end)

    def variable(self, children):
        percent, what = children
        name, _, end = _name(what)
        start = percent[2]
        return _leaf(ast.Variable, name, start, end)

    def function(self, children):
        identifier, _, arguments, rpar = children
        name, start, _ = _name(identifier)
        return _call(None, name, arguments or (), start, start, rpar[3])

    def parenthesized(self, children):
        return children[1]

    # -- postfix -------------------------------------------------------------------

    def member(self, children):  # the most frequent reduction: no helper calls
        (node, base, _, nesting), _, (kind, name, name_start, name_end) = children
        if kind == "DELIMITED_IDENTIFIER":
            name = unescape(children[2])
        built = ast.Member(node, name, name_start - base, name_end - base)
        nesting += 1
        if nesting <= POOLED_DEPTH:
            built = NODE_POOL.intern(built)
        return built, base, name_end, nesting

    def method(self, children):
        target, _, identifier, _, arguments, rpar = children
        name, name_start, _ = _name(identifier)
        return _call(target, name, arguments or (), target[1], name_start, rpar[3])

    def index(self, children):
        (target, base, _, t_depth), lsqb, (index, i_start, _, i_depth), rsqb = children
        start, end, index_at = lsqb[2] - base, rsqb[3] - base, i_start - base
        node = _pooled(ast.Index(target, index, index_at, start, end), max(t_depth, i_depth) + 1)
        return node, base, rsqb[3], max(t_depth, i_depth) + 1

    def instance(self, children):
        (target, base, _, _), _, selectors, rbrace = children
        type_name = ast.dotted_name(target)
        if type_name is None:
            raise FHIRPathSyntaxError(
                "expected a type name before '{'", code="unexpected-token",
                start=base, end=base + target.end,
            )
        names = tuple(name for name, _ in selectors)
        values = tuple(value[0] for _, value in selectors)
        values_at = tuple(value[1] - base for _, value in selectors)
        nesting = max((value[3] for _, value in selectors), default=0) + 1
        end = rbrace[3] - base
        node = _pooled(ast.Instance(type_name, names, values, values_at, 0, end), nesting)
        return node, base, rbrace[3], nesting

    def element_selectors(self, children):  # (name, value) pairs, without the ',' and ':' tokens
        return [child for child in children if len(child) == 2]

    def element_selector(self, children):
        identifier, _, value = children
        return _name(identifier)[0], value

    def arguments(self, children):  # the arguments, without the ',' tokens
        return [child for child in children if child[0].__class__ is not str]

    def sort_key(self, children):
        (key, base, _, nesting), keyword = children
        _, word, keyword_start, keyword_end = keyword
        start, end = keyword_start - base, keyword_end - base
        node = _pooled(ast.SortKey(key, word == "desc", start, end), nesting + 1)
        return node, base, keyword_end, nesting + 1

    # -- operators -----------------------------------------------------------------

    def chain(self, children):
        """``operand (op operand | is/as Type)+`` to a tree, by precedence climbing."""
        operands = [children[0]]
        pending = []  # operator tokens still waiting for their right operand to complete
        for i in range(1, len(children), 2):
            op, follower = children[i], children[i + 1]
            level = _PRECEDENCE[op[1]]
            while pending and _PRECEDENCE[pending[-1][1]] >= level:  # left-associative
                right = operands.pop()
                operands.append(_binary(operands.pop(), pending.pop(), right))
            if op[0] == "IS" or op[0] == "AS":
                operands.append(_type_op(operands.pop(), op, follower))
            else:
                pending.append(op)
                operands.append(follower)
        while pending:
            right = operands.pop()
            operands.append(_binary(operands.pop(), pending.pop(), right))
        return operands[0]

    def unary(self, children):
        (_, operator, base, op_end), (operand, o_start, o_end, nesting) = children
        operand_at, end = o_start - base, op_end - base
        node = _pooled(ast.Unary(operator, operand, operand_at, 0, end), nesting + 1)
        return node, base, o_end, nesting + 1

    # -- literals ------------------------------------------------------------------

    def empty(self, children):
        lbrace, rbrace = children
        return _literal("empty", None, None, lbrace[2], rbrace[3])

    boolean = _token_literal("boolean", lambda token: token[1] == "true")
    string = _token_literal("string", unescape)
    integer = _token_literal("integer", lambda token: int(token[1]))
    decimal = _token_literal("decimal", lambda token: Decimal(token[1]))
    long = _token_literal("long", lambda token: int(token[1][:-1]))

    def temporal(self, children):
        _, text, start, end = children[0]
        text = text[1:]
        kind = "time" if text[0] == "T" else "datetime" if "T" in text else "date"
        return _literal(kind, text, None, start, end)

    def quantity(self, children):
        number, unit = children
        if unit[0] == "STRING":
            unit_text = unescape(unit)
        elif unit[1] in ast.CALENDAR_UNITS:
            unit_text = unit[1]
        else:
            raise FHIRPathSyntaxError(
                f"expected a unit after a number ('mg' or a calendar unit such as days), found '{unit[1]}'",
                code="unexpected-token", start=unit[2], end=unit[3],
            )
        return _literal("quantity", Decimal(number[1]), unit_text, number[2], unit[3])


_PRECEDENCE = ast.PRECEDENCE


def _binary(left, op, right):
    (left_node, base, _, l_depth), (_, operator, op_start, op_end) = left, op
    right_node, r_start, r_end, r_depth = right
    right_at, start, end = r_start - base, op_start - base, op_end - base
    node = _pooled(ast.Binary(operator, left_node, right_node, right_at, start, end), max(l_depth, r_depth) + 1)
    return node, base, r_end, max(l_depth, r_depth) + 1


def _type_op(target, op, type_name):
    (target_node, base, _, nesting), (name, _, t_end) = target, type_name
    operator = op[1]
    start, end = op[2] - base, t_end - base
    node = _pooled(ast.TypeOp(operator, target_node, name, start, end), nesting + 1)
    return node, base, t_end, nesting + 1


def _call(target, name: str, arguments, base: int, name_start: int, end_pos: int):
    args = tuple(argument[0] for argument in arguments)
    args_at = tuple(argument[1] - base for argument in arguments)
    nesting = max((argument[3] for argument in arguments), default=0)
    target_node = None
    if target is not None:
        target_node = target[0]
        nesting = max(nesting, target[3])
    start, end = name_start - base, end_pos - base
    node = _pooled(ast.Call(target_node, name, args, args_at, start, end), nesting + 1)
    return node, base, end_pos, nesting + 1


# ---- error translation ----------------------------------------------------------------

#: how a terminal reads in a message
_TERMINAL_WORDS = {
    "IDENTIFIER": "an identifier", "DELIMITED_IDENTIFIER": "an identifier",
    "STRING": "a string", "INTEGER": "a number", "DECIMAL": "a number", "LONG": "a number",
    "TEMPORAL": "a date or time", "THIS": "'$this'", "INDEX": "'$index'", "TOTAL": "'$total'",
    "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "LBRACE": "'{'", "RBRACE": "'}'",
    "DOT": "'.'", "COMMA": "','", "COLON": "':'", "PERCENT": "'%'",
    "EQUAL": "'='", "EQUIVALENT": "'~'", "NOT_EQUAL": "'!='", "NOT_EQUIVALENT": "'!~'",
    "LESS_EQUAL": "'<='", "LESS": "'<'", "GREATER": "'>'", "GREATER_EQUAL": "'>='",
    "PIPE": "'|'", "PLUS": "'+'", "MINUS": "'-'", "AMPERSAND": "'&'", "STAR": "'*'", "SLASH": "'/'",
}
#: terminals that can start an expression; when all are possible we say "an expression"
_EXPRESSION_START = {"IDENTIFIER", "INTEGER", "STRING", "LPAR", "PERCENT", "TEMPORAL"}
_ALSO_START_AN_EXPRESSION = {
    "DECIMAL", "LONG", "DELIMITED_IDENTIFIER", "THIS", "INDEX", "TOTAL", "LBRACE", "PLUS", "MINUS",
    "TRUE", "FALSE", "AS", "CONTAINS", "IN", "IS", "ASC", "DESC",
}
_OPERATORS = {
    "IMPLIES", "OR", "XOR", "AND", "IN", "CONTAINS", "IS", "AS", "DIV", "MOD", "EQUAL", "EQUIVALENT",
    "NOT_EQUAL", "NOT_EQUIVALENT", "LESS_EQUAL", "LESS", "GREATER", "GREATER_EQUAL", "PIPE", "PLUS",
    "MINUS", "AMPERSAND", "STAR", "SLASH",
}


def _words(expected: set[str]) -> str:
    expected = set(expected) - {"$END"}
    words: list[str] = []
    if _EXPRESSION_START <= expected:
        words.append("an expression")
        expected -= _EXPRESSION_START | _ALSO_START_AN_EXPRESSION
    if _OPERATORS <= expected:
        words.append("an operator")
        expected -= _OPERATORS
    for name in sorted(expected):
        word = _TERMINAL_WORDS.get(name) or f"'{name.lower()}'"
        if word not in words:
            words.append(word)
    if not words:
        return "nothing more"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _found(token: tuple, text: str) -> str:
    if token[0] == "$END":
        return "end of input"
    value = token[1]
    return f"'{value if len(value) <= 20 else value[:17] + '...'}'"


def _previous_token_is_dot(text: str, at: int) -> bool:
    return text[:at].rstrip().endswith(".")


def _translate(error: _UnexpectedToken, text: str) -> FHIRPathSyntaxError:
    kind, _, start, end = error.token
    if kind == "$END":
        return _unexpected_end(error.expected, text)
    if kind == "STAR" and text[start - 1 : start] == "/" and "*/" not in text[start:]:
        return FHIRPathSyntaxError(
            "unterminated comment: '/*' has no closing '*/'", code="unterminated-comment",
            start=start - 1, end=len(text), expression=text,
        )
    if _previous_token_is_dot(text, start) and "IDENTIFIER" in error.expected:
        message = f"expected an identifier or function call after '.', found {_found(error.token, text)}"
    else:
        message = f"expected {_words(error.expected)}, found {_found(error.token, text)}"
    return FHIRPathSyntaxError(
        message, code="unexpected-token", start=start, end=end, expression=text
    )


def _unexpected_end(expected, text: str) -> FHIRPathSyntaxError:
    end = len(text)
    if not text.strip():
        message = "expected an expression, found nothing"
    elif _previous_token_is_dot(text, end) and "IDENTIFIER" in expected:
        message = "expected an identifier or function call after '.'"
    else:
        message = f"expected {_words(expected)}, found end of input"
    return FHIRPathSyntaxError(message, code="unexpected-end", start=end, end=end, expression=text)


def _bad_character(at: int, text: str) -> FHIRPathSyntaxError:
    char = text[at]
    rest = text[at:]
    if char == "'":
        message, code, end = "unterminated string: no closing quote", "unterminated-string", len(text)
    elif char == "`":
        message, code, end = "unterminated identifier: no closing backtick", "unterminated-identifier", len(text)
    elif char == "@":
        message, code, end = f"invalid date or time literal '{rest.split()[0][:30]}'", "invalid-literal", at + 1
    elif char == "$":
        name = "$" + "".join(c for c in rest[1:20] if c.isalnum() or c == "_")
        message, code, end = (
            f"unknown special variable '{name}'; expected $this, $index or $total",
            "unknown-special", at + len(name),
        )
    else:
        shown = repr(char)[1:-1] if not char.isprintable() or char.isspace() else char
        message, code, end = f"unexpected character '{shown}'", "unexpected-character", at + 1
    return FHIRPathSyntaxError(message, code=code, start=at, end=end, expression=text)


def _too_deep(root: ast.Node, base: int, limit: int, text: str) -> FHIRPathSyntaxError:
    stack = [(root, base, 1)]
    while stack:
        node, at, level = stack.pop()
        if level > limit:
            start, end = ast.span(node, at)
            break
        stack.extend((child, at + offset, level + 1) for child, offset in node.children())
    else:  # pragma: no cover - the caller measured the depth
        start, end = base, base
    return FHIRPathSyntaxError(
        f"expression nests deeper than {limit} levels", code="expression-too-deep",
        start=start, end=end, expression=text,
    )


if __name__ == "__main__":
    write_tables()
    print(f"wrote {TABLES_PATH}")
