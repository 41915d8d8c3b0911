"""EvalContext: everything one evaluation needs besides the focus.

One is created per evaluation and dies with it, with whatever it allocated.
``$this`` is not here: it is the collection each compiled closure receives. ``$index``
and ``$total`` are registers that scoped functions set and restore (`each`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, Iterator


def system_clock() -> datetime:
    return datetime.now(timezone.utc).astimezone()


class EvalContext:
    __slots__ = ("model", "variables", "resource", "root_resource", "context", "index", "total",
                 "clock", "_now", "trace")

    def __init__(self, model, variables: dict[str, tuple], root: tuple, clock: Callable[[], datetime],
                 trace: Callable[[str, tuple], None] | None = None) -> None:
        self.model = model  # a fhirpath.model.Model, or None for plain JSON
        self.variables = variables  # name (without %) -> collection
        # %resource, %rootResource and %context: the evaluation's root unless set otherwise
        self.resource = self.root_resource = self.context = root
        self.index = None  # $index while a scoped function runs
        self.total = None  # $total inside aggregate()
        self.clock = clock
        self._now = None
        self.trace = trace

    def now(self) -> datetime:
        """The clock, read once: now(), today() and timeOfDay() agree within an evaluation."""
        found = self._now
        if found is None:
            found = self._now = self.clock()
        return found


def each(ctx: EvalContext, fn, focus: tuple) -> Iterator[tuple[object, tuple]]:
    """``(item, fn evaluated with $this = item and $index set)`` for each item of ``focus``."""
    saved = ctx.index
    try:
        for index, item in enumerate(focus):
            ctx.index = index
            yield item, fn(ctx, (item,))
    finally:
        ctx.index = saved
