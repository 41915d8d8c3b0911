"""Tree navigation (spec §5.9): children and descendants."""

from __future__ import annotations

from fhirpath.runtime.context import items_error
from fhirpath.runtime.descendants import children as children_of
from fhirpath.runtime.descendants import count_descendants as count_descendants_of
from fhirpath.runtime.descendants import descendants as descendants_of
from fhirpath.runtime.descendants import member_holders


def children(ctx, focus: tuple) -> tuple:
    ctx.spend(len(focus))
    most = ctx.limits.max_items
    out: list = []
    for item in focus:
        out += children_of(item, ctx.model)
        if len(out) > most:
            raise items_error(most, "children()")
    ctx.spend(len(out))
    return tuple(out)


def descendants(ctx, focus: tuple) -> tuple:
    """All nodes below the input, level by level (the order repeat(children()) gives).

    Stops at Limits.max_items nodes, which is also what ends a walk over a cyclic
    Python object (a dict that contains itself). The root's are kept for the rest of
    the evaluation: invariants ask for ``%resource.descendants()`` several times."""
    if focus is ctx.root:
        found = ctx.root_descendants
        if found is None:
            found = ctx.root_descendants = _descendants(ctx, focus)
    else:
        found = _descendants(ctx, focus)
    ctx.spend(len(found))
    return found


def count_descendants(ctx, focus: tuple) -> int:
    """How many nodes descendants() gives, counted without making them; the root's are
    counted as they are when an earlier call made them. Same limit, same steps."""
    if focus is ctx.root and ctx.root_descendants is not None:
        total = len(ctx.root_descendants)
    else:
        total = _walk(ctx, focus, count_descendants_of)
    ctx.spend(total)
    return total


def _descendants(ctx, focus: tuple) -> tuple:
    return tuple(_walk(ctx, focus, descendants_of))


def descendants_with_members(ctx, focus: tuple, navigator) -> tuple:
    """The descendants ``navigator``'s member read can find anything in
    (``descendants().linkId`` compiles to a walk over these, see `fhirpath.compiler`),
    without making the primitive nodes, nor walking below the objects whose type cannot
    hold the member: the limit and the steps count the nodes this walk visits."""
    holders, total = _walk(ctx, focus, lambda items, model, limit: member_holders(items, model, limit, navigator))
    ctx.spend(total)
    return holders


def _walk(ctx, focus: tuple, walk):
    """``walk(focus, model, limit)``, an error past Limits.max_items descendants."""
    most = ctx.limits.max_items
    found = walk(focus, ctx.model, most)
    if found is None:
        raise items_error(most, "descendants()")
    return found
