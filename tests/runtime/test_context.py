"""Limits: each one, through an Engine, raises its own code with a message naming it."""

import time

import pytest

from fhirpath import Engine, FHIRPathEvaluationError, FHIRPathLimitError, FHIRPathSyntaxError, Limits
from fhirpath.runtime.context import CHECK_EVERY, DEFAULT_LIMITS, EvalContext


def engine(**limits) -> Engine:
    return Engine(None, limits=Limits(**limits))


def test_the_defaults_are_the_documented_ones():
    assert DEFAULT_LIMITS == Limits(
        max_length=100_000, max_depth=200, max_steps=10_000_000, max_items=1_000_000,
        max_string=10_000_000, timeout=10.0, regex_timeout=1.0,
    )
    assert Engine(None).limits is DEFAULT_LIMITS


@pytest.mark.parametrize("field, value", [
    ("max_steps", 0), ("max_items", -1), ("max_string", 1.5), ("max_depth", True),
    ("timeout", 0), ("regex_timeout", "1"),
])
def test_a_limit_must_be_positive(field, value):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


def test_replace_changes_only_the_limits_named():
    changed = DEFAULT_LIMITS.replace(timeout=None, max_items=5)
    assert (changed.timeout, changed.max_items, changed.max_steps) == (None, 5, DEFAULT_LIMITS.max_steps)
    assert "timeout=None" in repr(changed)


def test_an_engine_takes_only_limits():
    with pytest.raises(TypeError):
        Engine(None, limits={"timeout": 1})


# ---- compile-time limits ---------------------------------------------------------------


def test_max_length_is_expression_too_long():
    with pytest.raises(FHIRPathSyntaxError) as raised:
        engine(max_length=10).compile("1 + 2 + 3 + 4")
    assert raised.value.code == "expression-too-long"
    assert "13 characters long; the limit is 10" in raised.value.message


def test_max_depth_is_expression_too_deep():
    with pytest.raises(FHIRPathSyntaxError) as raised:
        engine(max_depth=5).compile("a.b.c.d.e.f.g")
    assert raised.value.code == "expression-too-deep"
    assert engine(max_depth=50).compile("a.b.c.d.e.f.g").evaluate({}) == []


def test_ten_thousand_nested_parentheses_and_operators_never_hit_pythons_recursion_limit():
    assert engine().evaluate(None, "(" * 10_000 + "1" + ")" * 10_000) == [1]
    for text in ("-" * 10_000 + "1", "1" + " + 1" * 10_000, "a" + ".b" * 10_000, "a.where(" * 5_000 + "b" + ")" * 5_000):
        with pytest.raises(FHIRPathSyntaxError) as raised:
            engine().compile(text)
        assert raised.value.code == "expression-too-deep"


# ---- evaluation limits -----------------------------------------------------------------


def limit_error(engine: Engine, resource, expression: str) -> FHIRPathLimitError:
    with pytest.raises(FHIRPathLimitError) as raised:
        engine.evaluate(resource, expression)
    assert isinstance(raised.value, FHIRPathEvaluationError)
    assert raised.value.expression == expression
    return raised.value


def test_max_steps_is_limit_steps():
    strict = engine(max_steps=1_000)
    assert strict.evaluate(None, "(1 | 2 | 3).where($this > 1).count()") == [2]
    error = limit_error(strict, {"items": list(range(2_000))}, "items.where($this > 1).count()")
    assert error.code == "limit-steps"
    assert "more than 1,000 steps (Limits.max_steps)" in error.message


@pytest.mark.parametrize("expression", [
    "items.select(%all)",
    "items.combine(items).combine(items)",
    "items.repeat($this | %all)",
    "items.repeatAll(%all.first())",
    "descendants()",
    "items.children()",
])
def test_max_items_is_limit_items(expression):
    resource = {"items": [{"a": n, "b": n} for n in range(60)]}
    with pytest.raises(FHIRPathLimitError) as raised:
        engine(max_items=100).evaluate(resource, expression, {"all": resource["items"] * 2})
    assert raised.value.code == "limit-items"
    assert "passed 100 items (Limits.max_items)" in raised.value.message


@pytest.mark.parametrize("expression", [
    "%s & %s & %s",
    "%s + %s + %s",
    "%s.replace('a', %s)",
    "%s.replaceMatches('a', %s)",
    "%s.replaceMatches('x?', 'bbbbbbbbbb')",
    "%s.encode('hex').encode('hex')",
    "%s.escape('html').escape('html').escape('html')",
    "(%s | %s.upper() | %s.lower()).join(%s)",
    "%s.toChars().aggregate($total & $total, 'ab')",
])
def test_max_string_is_limit_string(expression):
    with pytest.raises(FHIRPathLimitError) as raised:
        engine(max_string=1_000).evaluate(None, expression, {"s": "a&" * 200})
    assert raised.value.code == "limit-string"
    assert "the limit is 1,000 (Limits.max_string)" in raised.value.message


def test_to_string_checks_the_length_of_a_huge_decimal_before_writing_it():
    from decimal import Decimal

    error = limit_error(Engine("r4", limits=Limits(max_string=100)),
                        {"resourceType": "Observation", "valueQuantity": {"value": Decimal("1E+500")}},
                        "Observation.value.value.toString()")
    assert error.code == "limit-string"


def test_timeout_is_limit_time():
    slow = engine(timeout=0.2, max_steps=10**9)
    started = time.monotonic()
    with pytest.raises(FHIRPathLimitError) as raised:
        slow.evaluate({"items": list(range(300))}, "items.select(%all.where($this.toString().length() > 0)).count()",
                      {"all": list(range(5_000))})
    error = raised.value
    assert time.monotonic() - started < 2
    assert error.code == "limit-time"
    assert "longer than 0.2 s (Limits.timeout)" in error.message


def test_a_catastrophic_regex_stops_at_regex_timeout():
    started = time.monotonic()
    for expression in ("%s.matches('(a+)+$')", "%s.replaceMatches('(a|aa)+$', 'x')", "%s.matchesFull('(a+)+b')"):
        with pytest.raises(FHIRPathLimitError) as raised:
            engine(regex_timeout=0.1).evaluate(None, expression, {"s": "a" * 5_000 + "!"})
        assert raised.value.code == "limit-regex-time"
        assert "Limits.regex_timeout" in raised.value.message
    assert time.monotonic() - started < 5


def test_the_regex_timeout_is_never_longer_than_the_time_left():
    with pytest.raises(FHIRPathLimitError) as raised:
        engine(timeout=0.1, regex_timeout=30).evaluate(None, "%s.matches('(a+)+$')", {"s": "a" * 5_000 + "!"})
    assert raised.value.code in ("limit-regex-time", "limit-time")


def test_limit_errors_carry_the_span_of_the_call():
    text = "'abc'.replace('b', 'bbbbbbbbbbbbbbb')"
    error = limit_error(engine(max_string=10), None, text)
    assert (error.start, error.end) == (6, len(text))


# ---- the budget --------------------------------------------------------------------------


def test_steps_are_counted_across_checkpoints():
    ctx = EvalContext.configured(None, time.time, Limits(max_steps=3 * CHECK_EVERY))()
    for _ in range(3):
        ctx.spend(CHECK_EVERY)
    with pytest.raises(FHIRPathLimitError):
        ctx.spend(1)
        ctx.checkpoint()


def test_a_loop_too_big_for_the_budget_fails_before_it_starts():
    ctx = EvalContext.configured(None, time.time, Limits(max_steps=10))()
    with pytest.raises(FHIRPathLimitError):
        ctx.spend(11)


def test_the_roots_descendants_are_walked_once_per_evaluation_but_paid_for_each_time():
    from fhirpath.runtime import descendants as tree

    resource = {"resourceType": "Patient", "name": [{"given": [f"g{n}" for n in range(40)]}]}
    walks = []

    def counting(items, model, limit):
        walks.append(len(items))
        return tree.descendants(items, model, limit)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("fhirpath.functions.navigation.descendants_of", counting)
        # skip(0): descendants().count() alone is counted without the nodes (tests/test_compiler.py)
        expression = ("descendants().skip(0).count().combine(%resource.descendants().skip(0).count())"
                      ".combine(name.descendants().skip(0).count())")
        assert engine().evaluate(resource, expression) == [41, 41, 40]  # name and its 40 given names
    assert len(walks) == 2  # the root's once, the name's once
    # the steps are counted for every call: 41 twice are more than 60 steps
    assert engine(max_steps=60).evaluate(resource, "descendants().count()") == [41]
    with pytest.raises(FHIRPathLimitError) as raised:
        engine(max_steps=60).evaluate(resource, "descendants().count() + %resource.descendants().count()")
    assert raised.value.code == "limit-steps"
