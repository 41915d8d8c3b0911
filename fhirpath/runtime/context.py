"""EvalContext: everything one evaluation needs besides the focus, and its limits.

One is created per evaluation and dies with it, with whatever it allocated.
``$this`` is not here: it is the collection each compiled closure receives. ``$index``
and ``$total`` are registers that scoped functions set and restore (`each`).

Limits are checked where work can grow without bound, never per node: scoped
functions (where, select, repeat, aggregate, exists, all...), children() and
descendants(), comparisons of whole collections and JSON values, and the
functions that build strings. Loops pay for their items with `EvalContext.spend`;
the clock is read only every `CHECK_EVERY` steps.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from time import monotonic
from typing import Callable, Iterator

from fhirpath.errors import FHIRPathLimitError

_NOT_STARTED = object()

#: steps between two looks at the clock (a step is one item a loop visits)
CHECK_EVERY = 256


def system_clock() -> datetime:
    return datetime.now(timezone.utc).astimezone()


class Limits:
    """What one Engine allows an expression and one evaluation of it.

    Every limit raises a `FHIRPathError` with its own code:

    ============== =========== ===================================================================
    limit          default     exceeded (error class, code)
    ============== =========== ===================================================================
    max_length     100,000     expression characters (syntax, ``expression-too-long``)
    max_depth      200         expression nesting (syntax, ``expression-too-deep``)
    max_steps      10,000,000  items visited by loops in one evaluation (``limit-steps``)
    max_items      1,000,000   items in a collection built, nodes walked by descendants() or by a
                               comparison of JSON values (``limit-items``)
    max_string     10,000,000  characters of a string built by an evaluation (``limit-string``)
    timeout        10.0 s      wall time of one evaluation, ``None`` for none (``limit-time``)
    regex_timeout  1.0 s       one regular-expression match or replacement (``limit-regex-time``)
    ============== =========== ===================================================================

    The evaluation-time ones are `FHIRPathLimitError`, a kind of `FHIRPathEvaluationError`.
    """

    __slots__ = ("max_length", "max_depth", "max_steps", "max_items", "max_string", "timeout", "regex_timeout")

    def __init__(
        self,
        *,
        max_length: int = 100_000,
        max_depth: int = 200,
        max_steps: int = 10_000_000,
        max_items: int = 1_000_000,
        max_string: int = 10_000_000,
        timeout: float | None = 10.0,
        regex_timeout: float | None = 1.0,
    ) -> None:
        for name, value in (("max_length", max_length), ("max_depth", max_depth), ("max_steps", max_steps),
                            ("max_items", max_items), ("max_string", max_string)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits({name}=...) must be a positive int, not {value!r}")
        for name, value in (("timeout", timeout), ("regex_timeout", regex_timeout)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0):
                raise ValueError(f"Limits({name}=...) must be a positive number of seconds or None, not {value!r}")
        self.max_length = max_length
        self.max_depth = max_depth
        self.max_steps = max_steps
        self.max_items = max_items
        self.max_string = max_string
        self.timeout = timeout
        self.regex_timeout = regex_timeout

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def replace(self, **changes) -> Limits:
        """A copy with some limits changed: ``DEFAULT_LIMITS.replace(timeout=1.0)``."""
        return Limits(**{**dict(zip(self.__slots__, self._fields())), **changes})

    def __eq__(self, other) -> bool:
        return isinstance(other, Limits) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "Limits(" + ", ".join(f"{n}={v!r}" for n, v in zip(self.__slots__, self._fields())) + ")"


DEFAULT_LIMITS = Limits()


class EvalContext:
    """The state of one evaluation. What is the same for every evaluation of an engine
    (model, clock, limits, trace) lives on a subclass made once per engine by
    `configured`, as class attributes; so do the defaults of the registers only some
    evaluations set ($index, $total, the clock read, the steps accounted so far), which
    then go to the instance's dict.

    An evaluation creates one by calling the class, which has no ``__init__`` (it would
    run one more Python frame per evaluation; a call runs only C), and then sets
    ``variables`` (name without % -> collection) and ``root`` (%resource,
    %rootResource and %context). Its wall time is counted from the first look at the
    clock (the first checkpoint, after `CHECK_EVERY` steps, or a regex): most
    evaluations end before and never read it."""

    __slots__ = ("variables", "root", "__dict__")

    model = None  # a fhirpath.model.Model, or None for plain JSON
    clock: Callable[[], datetime] = staticmethod(system_clock)
    trace: Callable[[str, tuple], None] | None = None
    limits: Limits = DEFAULT_LIMITS
    #: $index while a scoped function runs, $total inside aggregate(), the clock once read
    index = total = _now = None
    #: the root's descendants(), once asked for (`fhirpath.functions.navigation`)
    root_descendants = None
    #: steps left before the next checkpoint, out of those granted at the last one
    #: (`_grant`); the steps spent before it
    ticks = _grant = min(CHECK_EVERY, DEFAULT_LIMITS.max_steps)
    _spent = 0
    _timeout = DEFAULT_LIMITS.timeout
    #: when Limits.timeout runs out (None: never); set at the first look at the clock
    _deadline = _NOT_STARTED

    @classmethod
    def configured(cls, model, clock: Callable[[], datetime] = system_clock, limits: Limits = DEFAULT_LIMITS,
                   trace: Callable[[str, tuple], None] | None = None) -> type[EvalContext]:
        """The EvalContext class of one engine's settings."""
        grant = min(CHECK_EVERY, limits.max_steps)
        return type("EvalContext", (cls,), {
            "__slots__": (), "model": model, "clock": staticmethod(clock), "limits": limits,
            "trace": None if trace is None else staticmethod(trace),
            "ticks": grant, "_grant": grant, "_timeout": limits.timeout,
        })

    def now(self) -> datetime:
        """The clock, read once: now(), today() and timeOfDay() agree within an evaluation."""
        found = self._now
        if found is None:
            found = self._now = self.clock()
        return found

    def spend(self, steps: int) -> None:
        """Pay for ``steps`` items a loop is about to visit (before doing the work, so a
        loop too big for the budget does not start)."""
        self.ticks -= steps
        if self.ticks < 0:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Count the steps since the last checkpoint, then check the step and time limits."""
        spent = self._spent = self._spent + self._grant - self.ticks
        limits = self.limits
        self.ticks = self._grant = max(0, min(CHECK_EVERY, limits.max_steps - spent))
        if spent > limits.max_steps:
            raise FHIRPathLimitError(
                f"evaluation took more than {limits.max_steps:,} steps (Limits.max_steps)", code="limit-steps"
            )
        deadline = self._started_deadline()
        if deadline is not None and monotonic() > deadline:
            raise FHIRPathLimitError(
                f"evaluation took longer than {limits.timeout} s (Limits.timeout)", code="limit-time"
            )

    def seconds_left(self) -> float | None:
        """Wall time left before the evaluation's deadline (None: no deadline)."""
        deadline = self._started_deadline()
        return None if deadline is None else deadline - monotonic()

    def _started_deadline(self) -> float | None:
        """The deadline, the clock started at the first call."""
        deadline = self._deadline
        if deadline is _NOT_STARTED:
            timeout = self._timeout
            deadline = self._deadline = None if timeout is None else monotonic() + timeout
        return deadline

    def check_items(self, count: int, what: str) -> None:
        """An error if a collection of ``count`` items is more than the limit allows."""
        if count > self.limits.max_items:
            raise items_error(self.limits.max_items, what)


def items_error(limit: int, what: str) -> FHIRPathLimitError:
    return FHIRPathLimitError(f"{what} passed {limit:,} items (Limits.max_items)", code="limit-items")


class _Active(threading.local):
    """The evaluation running in this thread, for code that has no EvalContext argument:
    operators and scalar functions that build strings, comparisons of whole collections.
    `fhirpath.api` sets ``ACTIVE.ctx`` around each evaluation and restores the previous
    one after (an evaluation may run inside another's custom function). A thread-local
    rather than a ContextVar: evaluation never awaits, and setting one allocates nothing
    (a ContextVar reads faster, but each set allocates a context and a token that the
    garbage collector then tracks: the invariants workload ran 5% slower with one)."""

    ctx: EvalContext | None = None


ACTIVE = _Active()


def active() -> EvalContext | None:
    return ACTIVE.ctx


def spend(steps: int) -> None:
    """`EvalContext.spend` on the active evaluation, if there is one."""
    ctx = ACTIVE.ctx
    if ctx is not None:
        ctx.ticks -= steps
        if ctx.ticks < 0:
            ctx.checkpoint()


def active_limits() -> Limits:
    ctx = ACTIVE.ctx
    return DEFAULT_LIMITS if ctx is None else ctx.limits


def check_string(length: int, what: str) -> None:
    """An error if a string of ``length`` characters is more than the active limit allows;
    functions call it before building the string."""
    limit = active_limits().max_string
    if length > limit:
        raise string_limit_error(length, what, limit)


def string_limit_error(length: int, what: str, limit: int) -> FHIRPathLimitError:
    """The error for a string over ``limit``, for code that knows its limit itself (`&`)."""
    return FHIRPathLimitError(
        f"{what} would build a string of {length:,} characters; the limit is {limit:,} (Limits.max_string)",
        code="limit-string",
    )


def each(ctx: EvalContext, fn, focus: tuple) -> Iterator[tuple[object, tuple]]:
    """``(item, fn evaluated with $this = item and $index set)`` for each item of ``focus``."""
    ctx.spend(len(focus))
    saved = ctx.index
    try:
        for index, item in enumerate(focus):
            ctx.index = index
            yield item, fn(ctx, (item,))
    finally:
        ctx.index = saved
