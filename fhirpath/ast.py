"""The FHIRPath syntax tree: slotted, immutable, interned and shared.

Memory is the point of this design:

- Every class has ``__slots__``; names and operators are ``sys.intern``-ed.
- Nodes are hash-consed through a weak-valued pool (`NodePool`): identical
  sub-trees, even across different expressions, are one object.
- To make that sharing possible, positions are *relative*. A node's ``start``/
  ``end`` locate the text the node itself contributes (a name, an operator,
  ``frist()``) from the first character of the node's *extent* (the text of its
  whole sub-tree). A parent records where each child's extent begins, relative
  to its own (``right_at``, ``args_at``...); the left-most child always begins
  at 0. So ``Patient.name`` is the same object wherever it appears, and
  offsets are small ints, which CPython caches.
- `walk`, `span`, `extent` and `node_at` turn relative positions into absolute
  ones, given the absolute start of the root's extent (`parser.parse_located`).
"""

from __future__ import annotations

import re
import sys
import weakref
from decimal import Decimal
from typing import Iterator

intern = sys.intern


class Node:
    """Base of every node. ``start``/``end`` are relative to this node's extent start."""

    __slots__ = ("start", "end", "__weakref__")

    #: names of the non-positional fields, in constructor order
    fields: tuple[str, ...] = ()

    def children(self) -> tuple[tuple[Node, int], ...]:
        """(child, offset of its extent from this node's extent start), left to right."""
        return ()

    def _key(self) -> tuple:
        """Structure without positions: what equality and hashing compare."""
        return tuple(getattr(self, name) for name in self.fields)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()  # type: ignore[union-attr]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {to_fhirpath(self)}>"

    def __reduce__(self):
        # Rebuilt through the constructor; parsing again is what users should do.
        return (type(self), self._constructor_args())

    def _constructor_args(self) -> tuple:
        raise NotImplementedError

    def _identity(self) -> tuple:
        """What makes this node distinct once its children are pooled: class, fields
        with children by identity, and positions (the node pool's key)."""
        return (type(self), self.name, self.start, self.end)  # the leaf nodes with a name


class Literal(Node):
    """A literal. ``kind`` is one of `LITERAL_KINDS`; ``value`` is the Python value
    (``None`` for ``{}``; the text after ``@`` for dates and times; the number of a
    quantity), ``unit`` the quantity's unit (a UCUM code or a calendar keyword)."""

    __slots__ = ("kind", "value", "unit")
    fields = ("kind", "value", "unit")

    def __init__(self, kind: str, value, unit: str | None, start: int, end: int) -> None:
        self.kind = kind
        self.value = value
        self.unit = unit
        self.start, self.end = start, end

    def _key(self) -> tuple:
        # Decimal('1.0') == Decimal('1.00') and True == 1, yet they differ here.
        value = self.value
        return (self.kind, str(value) if isinstance(value, Decimal) else value, self.unit)

    def _constructor_args(self) -> tuple:
        return (self.kind, self.value, self.unit, self.start, self.end)

    def _identity(self) -> tuple:
        # the literal's key: 1.0 and 1.00 differ, as do true and 1
        return (Literal, *self._key(), self.start, self.end)


LITERAL_KINDS = frozenset(
    {"empty", "boolean", "string", "integer", "long", "decimal", "date", "datetime", "time", "quantity"}
)


class Identifier(Node):
    """A name at the start of a path: a type name (``Patient``) or an element of ``$this``."""

    __slots__ = ("name",)
    fields = ("name",)

    def __init__(self, name: str, start: int, end: int) -> None:
        self.name = intern(name)
        self.start, self.end = start, end

    def _constructor_args(self) -> tuple:
        return (self.name, self.start, self.end)


class Variable(Node):
    """An environment variable, ``%name``; ``name`` excludes the ``%``."""

    __slots__ = ("name",)
    fields = ("name",)

    def __init__(self, name: str, start: int, end: int) -> None:
        self.name = intern(name)
        self.start, self.end = start, end

    def _constructor_args(self) -> tuple:
        return (self.name, self.start, self.end)


class Special(Node):
    """``$this``, ``$index`` or ``$total``; ``name`` includes the ``$``."""

    __slots__ = ("name",)
    fields = ("name",)

    def __init__(self, name: str, start: int, end: int) -> None:
        self.name = intern(name)
        self.start, self.end = start, end

    def _constructor_args(self) -> tuple:
        return (self.name, self.start, self.end)


class Member(Node):
    """``target.name``; the own span is the name."""

    __slots__ = ("target", "name")
    fields = ("target", "name")

    def __init__(self, target: Node, name: str, start: int, end: int) -> None:
        self.target = target
        self.name = intern(name)
        self.start, self.end = start, end

    def children(self):
        return ((self.target, 0),)

    def _constructor_args(self) -> tuple:
        return (self.target, self.name, self.start, self.end)

    def _identity(self) -> tuple:
        return (Member, id(self.target), self.name, self.start, self.end)


class Call(Node):
    """``name(args)`` or ``target.name(args)``; the own span is the name through ``)``."""

    __slots__ = ("target", "name", "args", "args_at")
    fields = ("target", "name", "args")

    def __init__(
        self, target: Node | None, name: str, args: tuple[Node, ...], args_at: tuple[int, ...],
        start: int, end: int,
    ) -> None:
        self.target = target
        self.name = intern(name)
        self.args = args
        self.args_at = args_at
        self.start, self.end = start, end

    def children(self):
        pairs = tuple(zip(self.args, self.args_at))
        return pairs if self.target is None else ((self.target, 0),) + pairs

    def _constructor_args(self) -> tuple:
        return (self.target, self.name, self.args, self.args_at, self.start, self.end)

    def _identity(self) -> tuple:
        return (Call, id(self.target), self.name, tuple(map(id, self.args)), self.args_at, self.start, self.end)


class Index(Node):
    """``target[index]``; the own span is the brackets and what is between them."""

    __slots__ = ("target", "index", "index_at")
    fields = ("target", "index")

    def __init__(self, target: Node, index: Node, index_at: int, start: int, end: int) -> None:
        self.target = target
        self.index = index
        self.index_at = index_at
        self.start, self.end = start, end

    def children(self):
        return ((self.target, 0), (self.index, self.index_at))

    def _constructor_args(self) -> tuple:
        return (self.target, self.index, self.index_at, self.start, self.end)

    def _identity(self) -> tuple:
        return (Index, id(self.target), id(self.index), self.index_at, self.start, self.end)


class Unary(Node):
    """``+operand`` or ``-operand``; the own span is the operator."""

    __slots__ = ("op", "operand", "operand_at")
    fields = ("op", "operand")

    def __init__(self, op: str, operand: Node, operand_at: int, start: int, end: int) -> None:
        self.op = intern(op)
        self.operand = operand
        self.operand_at = operand_at
        self.start, self.end = start, end

    def children(self):
        return ((self.operand, self.operand_at),)

    def _constructor_args(self) -> tuple:
        return (self.op, self.operand, self.operand_at, self.start, self.end)

    def _identity(self) -> tuple:
        return (Unary, self.op, id(self.operand), self.operand_at, self.start, self.end)


class Binary(Node):
    """``left op right``; the own span is the operator."""

    __slots__ = ("op", "left", "right", "right_at")
    fields = ("op", "left", "right")

    def __init__(self, op: str, left: Node, right: Node, right_at: int, start: int, end: int) -> None:
        self.op = intern(op)
        self.left = left
        self.right = right
        self.right_at = right_at
        self.start, self.end = start, end

    def children(self):
        return ((self.left, 0), (self.right, self.right_at))

    def _constructor_args(self) -> tuple:
        return (self.op, self.left, self.right, self.right_at, self.start, self.end)

    def _identity(self) -> tuple:
        return (Binary, self.op, id(self.left), id(self.right), self.right_at, self.start, self.end)


class TypeOp(Node):
    """``target is Type`` / ``target as Type``; the own span is the operator and type name.

    ``type_name`` is the dotted qualified name as written (``FHIR.Patient``)."""

    __slots__ = ("op", "target", "type_name")
    fields = ("op", "target", "type_name")

    def __init__(self, op: str, target: Node, type_name: str, start: int, end: int) -> None:
        self.op = intern(op)
        self.target = target
        self.type_name = intern(type_name)
        self.start, self.end = start, end

    def children(self):
        return ((self.target, 0),)

    def _constructor_args(self) -> tuple:
        return (self.op, self.target, self.type_name, self.start, self.end)

    def _identity(self) -> tuple:
        return (TypeOp, self.op, id(self.target), self.type_name, self.start, self.end)


class SortKey(Node):
    """A ``sort()`` argument qualified by ``asc``/``desc``; the own span is the keyword."""

    __slots__ = ("key", "descending")
    fields = ("key", "descending")

    def __init__(self, key: Node, descending: bool, start: int, end: int) -> None:
        self.key = key
        self.descending = descending
        self.start, self.end = start, end

    def children(self):
        return ((self.key, 0),)

    def _constructor_args(self) -> tuple:
        return (self.key, self.descending, self.start, self.end)

    def _identity(self) -> tuple:
        return (SortKey, id(self.key), self.descending, self.start, self.end)


class Instance(Node):
    """An instance selector ``Type { name: value, ... }`` (``Type {:}`` when empty);
    the own span is the type name through ``}``."""

    __slots__ = ("type_name", "names", "values", "values_at")
    fields = ("type_name", "names", "values")

    def __init__(
        self, type_name: str, names: tuple[str, ...], values: tuple[Node, ...],
        values_at: tuple[int, ...], start: int, end: int,
    ) -> None:
        self.type_name = intern(type_name)
        self.names = tuple(intern(name) for name in names)
        self.values = values
        self.values_at = values_at
        self.start, self.end = start, end

    def children(self):
        return tuple(zip(self.values, self.values_at))

    def _constructor_args(self) -> tuple:
        return (self.type_name, self.names, self.values, self.values_at, self.start, self.end)

    def _identity(self) -> tuple:
        return (Instance, self.type_name, self.names, tuple(map(id, self.values)), self.values_at, self.start, self.end)


NODE_CLASSES = (Literal, Identifier, Variable, Special, Member, Call, Index, Unary, Binary, TypeOp, SortKey, Instance)


# ---- the node pool ---------------------------------------------------------


class _Entry(weakref.ref):
    """A pool entry: a weak reference that knows its key. weakref.KeyedRef is the same
    with a Python ``__new__`` and ``__init__``, which made an entry cost 4x as much."""

    __slots__ = ("key",)


class NodePool:
    """Hash-consing for immutable nodes: `intern` returns the live node equal to the one
    given, if there is one, else keeps the given one for next time.

    The index is small on purpose (a weak reference per entry, keyed by a hash): a
    fuller key per entry would cost more memory than sharing saves. Entries are weak,
    so the pool never keeps a node alive by itself; past ``max_size`` nodes are no
    longer shared (still built)."""

    __slots__ = ("_refs", "_remove", "max_size", "hits", "misses", "__weakref__")

    def __init__(self, max_size: int = 1_000_000) -> None:
        self._refs: dict = {}
        self.max_size = max_size
        self.hits = 0
        self.misses = 0
        refs = self._refs
        self_ref = weakref.ref(self)

        def remove(ref: _Entry) -> None:
            # called by the garbage collector when a pooled node dies
            if self_ref() is not None and refs.get(ref.key) is ref:
                del refs[ref.key]

        self._remove = remove

    def intern(self, node: Node) -> Node:
        """The pooled node equal to ``node`` (children already pooled), or ``node``."""
        key = node._identity()
        digest = hash(key)
        ref = self._refs.get(digest)
        if ref is not None:
            found = ref()
            if found is not None:
                if found._identity() == key:
                    self.hits += 1
                    return found
                return node  # a hash collision: leave the entry, don't share this one
        self.misses += 1
        if len(self._refs) < self.max_size:
            entry = _Entry(node, self._remove)
            entry.key = digest
            self._refs[digest] = entry
        return node

    def __len__(self) -> int:
        return len(self._refs)

    def stats(self) -> dict:
        return {"size": len(self._refs), "hits": self.hits, "misses": self.misses, "max_size": self.max_size}

    def clear(self) -> None:
        """Forget every entry (live nodes stay valid; they just stop being shared)."""
        self._refs.clear()
        self.hits = self.misses = 0


NODE_POOL = NodePool()


# ---- positions --------------------------------------------------------------


def walk(node: Node, base: int = 0) -> Iterator[tuple[Node, int]]:
    """Every node in pre-order with the absolute start of its extent."""
    stack = [(node, base)]
    while stack:
        current, at = stack.pop()
        yield current, at
        children = current.children()
        for child, offset in reversed(children):
            stack.append((child, at + offset))


def span(node: Node, base: int = 0) -> tuple[int, int]:
    """Absolute (start, end) of the text the node itself contributes."""
    return base + node.start, base + node.end


def extent(node: Node, base: int = 0) -> tuple[int, int]:
    """Absolute (start, end) of the node's whole sub-tree."""
    end = base + node.end
    for child, at in walk(node, base):
        end = max(end, at + child.end)
    return base, end


def node_at(root: Node, offset: int, base: int = 0) -> tuple[Node, int] | None:
    """The innermost node whose own span contains ``offset``, with its extent start.

    "Contains" is inclusive of the end, so a cursor right after a name finds it."""
    best = None
    for node, at in walk(root, base):
        if at + node.start <= offset <= at + node.end:
            if best is None or (node.end - node.start) <= (best[0].end - best[0].start):
                best = (node, at)
    return best


def dotted_name(node: Node) -> str | None:
    """``A.B.C`` when the tree is a plain chain of names (a type name written as an
    expression: ``FHIR.Patient``), else None."""
    parts = []
    while isinstance(node, Member):
        parts.append(node.name)
        node = node.target
    if not isinstance(node, Identifier):
        return None
    parts.append(node.name)
    return ".".join(reversed(parts))


def size(node: Node) -> int:
    """How many nodes the tree has."""
    count = 0
    stack = [node]
    while stack:
        count += 1
        for child, _ in stack.pop().children():
            stack.append(child)
    return count


def depth(node: Node) -> int:
    """Nesting depth of the tree (a single node is 1)."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child, _ in current.children())
    return deepest


# ---- printing -----------------------------------------------------------------

#: binding strength of each operator; higher binds tighter
PRECEDENCE = {
    "implies": 1, "or": 2, "xor": 2, "and": 3, "in": 4, "contains": 4,
    "=": 5, "~": 5, "!=": 5, "!~": 5, "<": 6, "<=": 6, ">": 6, ">=": 6,
    "|": 7, "is": 8, "as": 8, "+": 9, "-": 9, "&": 9, "*": 10, "/": 10, "div": 10, "mod": 10,
}
_UNARY, _POSTFIX, _ATOM = 11, 12, 13

#: words that can never be plain identifiers; printed in backticks when used as names
RESERVED_WORDS = frozenset({"and", "or", "xor", "implies", "div", "mod", "true", "false"})
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}


def _precedence(node: Node) -> int:
    if isinstance(node, (Binary, TypeOp)):
        return PRECEDENCE[node.op]
    if isinstance(node, Unary):
        return _UNARY
    if isinstance(node, (Member, Call, Index, Instance)):
        return _POSTFIX
    return _ATOM


def quote(text: str, delimiter: str) -> str:
    """``text`` between ``delimiter``s with FHIRPath escapes."""
    out = []
    for ch in text:
        if ch == delimiter:
            out.append("\\" + ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return delimiter + "".join(out) + delimiter


def format_name(name: str) -> str:
    """An identifier as source text: plain when it can be, else in backticks."""
    if _PLAIN_NAME.match(name) and name not in RESERVED_WORDS:
        return name
    return quote(name, "`")


def format_type_name(name: str) -> str:
    return ".".join(format_name(part) for part in name.split("."))


def format_literal(node: Literal) -> str:
    kind, value = node.kind, node.value
    if kind == "empty":
        return "{}"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "string":
        return quote(value, "'")
    if kind == "long":
        return f"{value}L"
    if kind in ("date", "datetime", "time"):
        return "@" + value
    if kind == "quantity":
        unit = node.unit
        number = format(value, "f")
        return f"{number} {unit}" if unit in CALENDAR_UNITS else f"{number} {quote(unit, chr(39))}"
    if kind == "decimal":
        return format(value, "f")  # str() would print 0.0000001 as 1E-7
    return str(value)


CALENDAR_UNITS = frozenset(
    word + plural
    for word in ("year", "month", "week", "day", "hour", "minute", "second", "millisecond")
    for plural in ("", "s")
)


def to_fhirpath(node: Node) -> str:
    """Render ``node`` as FHIRPath text that parses back to an equal tree."""
    if isinstance(node, Literal):
        return format_literal(node)
    if isinstance(node, Identifier):
        return format_name(node.name)
    if isinstance(node, Variable):
        return "%" + format_name(node.name)
    if isinstance(node, Special):
        return node.name
    if isinstance(node, Member):
        return f"{_operand(node.target, _POSTFIX)}.{format_name(node.name)}"
    if isinstance(node, Call):
        args = ", ".join(to_fhirpath(arg) for arg in node.args)
        call = f"{format_name(node.name)}({args})"
        return call if node.target is None else f"{_operand(node.target, _POSTFIX)}.{call}"
    if isinstance(node, Index):
        return f"{_operand(node.target, _POSTFIX)}[{to_fhirpath(node.index)}]"
    if isinstance(node, Unary):
        operand = _operand(node.operand, _UNARY)
        # '- -x' reads better than '--x' (and '-' then '-1' stays two tokens either way)
        return node.op + (" " if operand[:1] in "+-" else "") + operand
    if isinstance(node, Binary):
        level = PRECEDENCE[node.op]
        # left-associative: an equal-precedence right operand needs parentheses
        return f"{_operand(node.left, level)} {node.op} {_operand(node.right, level + 1)}"
    if isinstance(node, TypeOp):
        return f"{_operand(node.target, PRECEDENCE[node.op])} {node.op} {format_type_name(node.type_name)}"
    if isinstance(node, SortKey):
        return f"{to_fhirpath(node.key)} {'desc' if node.descending else 'asc'}"
    if isinstance(node, Instance):
        if not node.names:
            return f"{format_type_name(node.type_name)} {{:}}"
        body = ", ".join(f"{format_name(n)}: {to_fhirpath(v)}" for n, v in zip(node.names, node.values))
        return f"{format_type_name(node.type_name)} {{ {body} }}"
    raise TypeError(f"not a FHIRPath node: {node!r}")


def _operand(node: Node, level: int) -> str:
    text = to_fhirpath(node)
    return f"({text})" if _precedence(node) < level else text
