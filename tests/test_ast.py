import gc
import pickle
import sys
from decimal import Decimal

import pytest

from fhirpath import ast, parser


def one_of_each_node() -> dict[type, ast.Node]:
    tree = parser.parse(
        "Patient.name[0].where(a > -1 and %v is String).sort($this desc)"
        " | FHIR.Coding { code: 'x' } | 1.5 'mg'"
    )
    return {type(node): node for node, _ in ast.walk(tree)}


def test_every_node_class_appears_in_the_sample():
    assert set(one_of_each_node()) == set(ast.NODE_CLASSES)


@pytest.mark.parametrize("cls", ast.NODE_CLASSES, ids=lambda c: c.__name__)
def test_every_node_class_is_slotted_without_a_dict(cls):
    node = one_of_each_node()[cls]
    assert not hasattr(node, "__dict__")
    assert "__slots__" in cls.__dict__


def test_names_operators_and_type_names_are_interned():
    text = "".join(["Pat", "ient.na", "me is FHIR.Human", "Name"])
    tree = parser.parse(text)
    member = tree.target
    assert member.name is sys.intern("name")
    assert tree.type_name is sys.intern("FHIR.HumanName")
    assert tree.op is sys.intern("is")


def test_identical_subtrees_across_expressions_are_one_object():
    first = parser.parse("Patient.name.given")
    second = parser.parse("Patient.name.given.exists() or Patient.name.family.exists()")
    assert second.left.target is first  # Patient.name.given
    assert second.right.target.target is first.target  # Patient.name


def test_sharing_ignores_where_a_subtree_sits_in_the_text():
    alone = parser.parse("name.where(use = 'official')")
    inside = parser.parse("(  name.where(use = 'official')  ).exists()")
    assert inside.target is alone


def test_only_shallow_subtrees_are_pooled():
    deep = "Observation.code.coding.code"  # depth 4: such trees hardly ever repeat
    first, second = parser.parse(deep), parser.parse(deep)
    assert first is not second and first == second
    assert first.target is second.target  # depth 3 is shared


def test_the_pool_holds_nodes_weakly():
    text = "zzUnique" + "Q" * 10 + ".member"
    size_before = len(ast.NODE_POOL)
    tree = parser.parse(text)
    assert len(ast.NODE_POOL) >= size_before + 2
    del tree
    gc.collect()
    assert len(ast.NODE_POOL) <= size_before


def test_the_pool_counts_hits_and_misses():
    stats = ast.NODE_POOL.stats()
    kept = parser.parse("Observation.code.coding")
    again = parser.parse("Observation.code.coding")
    after = ast.NODE_POOL.stats()
    assert kept is again
    assert after["hits"] > stats["hits"]
    assert set(after) == {"size", "hits", "misses", "max_size"}


def test_a_full_pool_still_builds_nodes_it_no_longer_shares():
    pool = ast.NodePool(max_size=1)
    a = pool.intern(ast.Identifier("a", 0, 1))
    b = pool.intern(ast.Identifier("b", 0, 1))
    assert b.name == "b" and len(pool) == 1
    assert pool.intern(ast.Identifier("a", 0, 1)) is a
    assert pool.intern(ast.Identifier("b", 0, 1)) is not b


def test_the_pool_tells_literals_apart_by_scale_and_type():
    pool = ast.NodePool()
    one = pool.intern(ast.Literal("decimal", Decimal("1.0"), None, 0, 3))
    assert pool.intern(ast.Literal("decimal", Decimal("1.00"), None, 0, 3)) is not one
    yes = pool.intern(ast.Literal("boolean", True, None, 0, 4))
    assert pool.intern(ast.Literal("integer", 1, None, 0, 4)) is not yes


def test_equality_is_structural_and_ignores_positions():
    assert parser.parse("a+b") == parser.parse("a   +   b")
    assert parser.parse("a+b") != parser.parse("a-b")
    assert hash(parser.parse("f( 1 )")) == hash(parser.parse("f(1)"))


def test_decimal_literals_differ_by_scale_and_booleans_differ_from_numbers():
    assert parser.parse("1.0") != parser.parse("1.00")
    assert parser.parse("true") != parser.parse("1")
    assert parser.parse("1.50").value == Decimal("1.50")


def test_nodes_pickle_to_equal_trees():
    tree = parser.parse("Patient.name.where(use = 'official').given.first() + 1 'mg'")
    assert pickle.loads(pickle.dumps(tree)) == tree


def test_depth_counts_nesting_levels():
    assert ast.depth(parser.parse("a")) == 1
    assert ast.depth(parser.parse("a.b.c")) == 3
    assert ast.depth(parser.parse("(((a)))")) == 1


@pytest.mark.parametrize(
    "text,printed",
    [
        ("a+b*c", "a + b * c"),
        ("(a+b)*c", "(a + b) * c"),
        ("a-(b-c)", "a - (b - c)"),
        ("-(a+b)", "-(a + b)"),
        ("-(-a)", "- -a"),
        ("(a is T).x", "(a is T).x"),
        ("`a b`.`and`", "`a b`.`and`"),
        ("'it\\'s\\n'", "'it\\'s\\n'"),
        ("%`vs-x`", "%`vs-x`"),
        ("5 'mg/dL'", "5 'mg/dL'"),
        ("3 weeks", "3 weeks"),
        ("{}", "{}"),
        ("Period {:}", "Period {:}"),
        ("sort($this asc)", "sort($this asc)"),
        ("12L", "12L"),
    ],
)
def test_to_fhirpath_prints_canonical_text(text, printed):
    assert ast.to_fhirpath(parser.parse(text)) == printed


def test_to_fhirpath_rejects_what_is_not_a_node():
    with pytest.raises(TypeError):
        ast.to_fhirpath("Patient")
