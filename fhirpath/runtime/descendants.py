"""The walks of children() and descendants() over FHIR JSON: level by level, as
nodes, as the objects a member read can find anything in, or only counted.

Loaded with the functions that need it (`fhirpath.functions.navigation`): most
expressions never walk a whole resource.
"""

from __future__ import annotations

from collections import defaultdict

from fhirpath.runtime.element import (
    _READERS,
    _is_abstract_resource,
    _primitives,
    _resources,
    _untyped,
    resource_type,
    sidecar,
)

#: how children() reads a key (see _key_plan)
_COMPLEX, _PRIMITIVE, _RESOURCE = range(3)


def children(item, model) -> list:
    """The child nodes of one item, in JSON order (spec children()); extensions of
    primitives included."""
    out: list = []
    _children((item,), model, out, [])
    return out


def descendants(items, model, limit: int) -> list | None:
    """Every node below ``items``, level by level; None past ``limit`` nodes.

    Only complex nodes and primitives that carry a ``_x`` sidecar can have children,
    so only those are expanded: most nodes of a resource are plain primitives."""
    found = _descend(items, model, limit, True)
    return None if found is None else found[0]


def member_holders(items, model, limit: int, navigator=None) -> tuple[list, int] | None:
    """``descendants`` for a member read on each of them (``descendants().linkId``):
    only the nodes that can have members other than id and extension, i.e. objects,
    and how many descendants there are in all; None past ``limit`` nodes. Plain
    primitives, most of a resource, are counted, not made (nor read). With the
    member's ``navigator``, an object whose type cannot hold the member at any depth
    (`can_find_below`) is counted but neither kept nor walked: the limit
    then counts the nodes this walk visits, fewer than descendants() would."""
    found = _descend(items, model, limit, False, navigator)
    return None if found is None else (found[0], len(found[0]) + found[1])


def count_descendants(items, model, limit: int) -> int | None:
    """``len(descendants(items, model, limit))``, None past ``limit``, making no node:
    the walk keeps a (JSON object, type) pair per object to expand and counts the rest
    (descendants().count() ran 40% faster so). Items other than typed objects, and JSON
    off the common shapes (a primitive given as an object, a complex element that is
    not one), are counted by `member_holders`, which makes their nodes."""
    level = []
    for item in items:
        if type(item) is not tuple or type(item[0]) is not dict or item[1] is None:
            level = None
            break
        level.append((item[0], item[1]))
    total = _UNUSUAL if level is None else _count(level, model, limit)
    if total is _UNUSUAL:
        found = member_holders(items, model, limit)
        return None if found is None else found[1]
    return total


#: what `_count` returns for JSON it leaves to the general walk
_UNUSUAL = -1


def _count(level: list, model, limit: int) -> int | None:
    total = 0
    while level:
        expand: list = []
        holders = 0  # sidecars in expand: their primitives are counted already
        for value, t in level:
            plans = _KEY_PLANS[t]
            for key, found in value.items():
                entry = plans.get(key) or _key_plan(t, plans, key)
                how = entry[1]
                if how is _PRIMITIVE:
                    extra = value.get(entry[3])
                    if extra is None:  # no id or extensions: no children
                        total += len(found) - found.count(None) if type(found) is list else 1
                        continue
                elif how is _SIDECAR:
                    if entry[3] in value:
                        continue  # counted with its value
                    key, found, extra = entry[3], None, found
                elif how is _COMPLEX:
                    child = entry[0]
                    if type(found) is list:
                        for element in found:
                            if type(element) is dict:
                                expand.append((element, child))
                            elif element is not None:
                                return _UNUSUAL
                    elif type(found) is dict:
                        expand.append((found, child))
                    else:
                        return _UNUSUAL
                    continue
                elif how is _RESOURCE:
                    child = entry[0]
                    for element in (found if type(found) is list else (found,)):
                        if type(element) is dict:
                            expand.append((element, resource_type(element, model, child)))
                    continue
                else:
                    continue
                # a primitive with a sidecar: its nodes, and their sidecars' children
                nodes: list = []
                _primitives(found, extra, entry[0], None, (value,), key, nodes.append)
                total += len(nodes)
                for node in nodes:
                    if type(node[0]) is dict:
                        return _UNUSUAL
                    holder = sidecar(node)
                    if holder is not None:
                        expand.append((holder, entry[0]))
                        holders += 1
        total += len(expand) - holders
        if total > limit:
            return None
        level = expand
    return total


def _descend(items, model, limit: int, primitives: bool, navigator=None) -> tuple[list, int] | None:
    out: list = []
    skipped = 0
    level = list(items)
    while level:
        expand: list = []
        mark = len(out)
        skipped += _children(level, model, out, expand, primitives)
        if navigator is not None:
            dropped = [node for node in expand
                       if type(node[0]) is dict and node[1] is not None and not can_find_below(navigator, node[1])]
            if dropped:  # counted (they were walked), neither kept nor walked below
                gone = set(map(id, dropped))
                expand = [node for node in expand if id(node) not in gone]
                out[mark:] = [node for node in out[mark:] if id(node) not in gone]
                skipped += len(dropped)
        if len(out) + skipped > limit:
            return None
        level = expand
    return out, skipped


#: more ways a key can be read, in children(): ignored, or a ``_x`` sidecar key
_IGNORED, _SIDECAR = 3, 4

#: per parent type, per JSON key: (child type, how, reader, the other key of the pair)
_KEY_PLANS: defaultdict = defaultdict(dict)
#: keys planned per type at most: a type has far fewer elements, so only data full of
#: made-up keys gets there, and must not grow the plans without end
_MAX_KEY_PLANS = 1_000


def _key_plan(t, plans: dict, key: str) -> tuple:
    if key == "resourceType" or type(key) is not str or not key:  # not JSON, or no name
        entry = (None, _IGNORED, None, None)
    elif key[0] == "_":
        base = _key_plan(t, plans, key[1:])
        entry = (base[0], _SIDECAR, base[2], key[1:]) if base[1] is _PRIMITIVE else (None, _IGNORED, None, None)
    else:
        resolved = t.child_by_key(key)
        if resolved is None:
            entry = (None, _IGNORED, None, None)  # not an element of the type (e.g. fhir_comments)
        else:
            child = resolved[1]
            if child.kind == "primitive":
                system = child.system
                entry = (child, _PRIMITIVE, None if system is None else _READERS.get(system.name), "_" + key)
            else:
                entry = (child, _RESOURCE if _is_abstract_resource(child) else _COMPLEX, None, None)
    if len(plans) < _MAX_KEY_PLANS:
        plans[key] = entry
    return entry


def _children(items, model, out: list, expand: list, primitives: bool = True) -> int:
    """Append the child nodes of ``items`` to ``out``; those that may have children of
    their own (complex values, primitives with a sidecar) also to ``expand``. One call
    per level of descendants(): a call per item cost a tenth of the walk. Without
    ``primitives``, a typed primitive goes to ``expand`` only if it has a sidecar, and
    is otherwise only counted: the count of the nodes left out of ``out`` is returned."""
    append = out.append
    skipped = 0
    for item in items:
        if type(item) is not tuple:
            continue
        value, t = item[0], item[1]
        if type(value) is not dict:
            holder = sidecar(item) if t is not None else None
            if holder is None:
                continue
            value = holder
        if t is None:
            _untyped_children(value, item, out, expand)
            continue
        plans = _KEY_PLANS[t]
        for key, found in value.items():
            entry = plans.get(key) or _key_plan(t, plans, key)
            child, how, reader, other = entry
            if how is _PRIMITIVE:
                extra = value.get(other)
                if extra is None:  # the common case: no id or extensions beside the value
                    if not primitives:
                        skipped += len(found) - found.count(None) if type(found) is list else 1
                        continue
                    if type(found) is list:
                        index = 0
                        for element in found:
                            if element is not None:
                                append((element if reader is None else reader(element), child, item, key, index))
                            index += 1
                    elif reader is None:
                        append((found, child, item, key, None))
                    else:
                        append((reader(found), child, item, key, None))
                    continue
                mark = len(out)
                _primitives(found, extra, child, reader, item, key, append)
            elif how is _COMPLEX:
                if type(found) is list:
                    index = 0
                    for element in found:
                        if element is not None:
                            node = (element, child, item, key, index)
                            append(node)
                            expand.append(node)
                        index += 1
                else:
                    node = (found, child, item, key, None)
                    append(node)
                    expand.append(node)
                continue
            elif how is _SIDECAR:
                if other in value:
                    continue  # read together with its value
                mark = len(out)
                _primitives(None, found, child, reader, item, other, append)
            elif how is _RESOURCE:
                mark = len(out)
                _resources(found, child, item, key, append, model)
                expand += out[mark:]
                continue
            else:
                continue
            nodes = out[mark:]  # extended primitives: their sidecars have children
            expand += nodes
            if not primitives:
                del out[mark:]
                skipped += len(nodes)
    return skipped


def _untyped_children(value: dict, item, out: list, expand: list) -> None:
    append = out.append
    for key, found in value.items():
        if key == "resourceType" or type(key) is not str or not key:
            continue
        if key[0] == "_":
            if key[1:] in value:
                continue
            key, extra, found = key[1:], found, None
        else:
            extra = value.get("_" + key)
        mark = len(out)
        _untyped(found, extra, item, key, append)
        nested = extra is not None or type(found) is dict or (type(found) is list and found and type(found[0]) is dict)
        if nested:
            expand += out[mark:]


def can_find_below(navigator, t) -> bool:
    """Can a node of type ``t`` have, at any depth, a child (or itself be one's
    parent) that ``navigator`` (a `fhirpath.runtime.element.Navigator`) finds? False
    only when no type reachable from ``t`` through the model's elements has such an
    element: the elements a resource holds (``contained``) may be of any type, so a
    type with one may. Worked out once per type and kept on the navigator (a fixed
    point: types refer to each other, Extension to most)."""
    known = navigator._below
    if known is None:
        known = navigator._below = {}
    found = known.get(t)
    if found is not None:
        return found
    graph: dict = {}  # type -> (finds or may hold any resource, child types)
    todo = [t]
    while todo:
        x = todo.pop()
        if x in graph or x in known:
            continue
        children = []
        open_ended = x.element(navigator.name) is not None or x.child_by_key(navigator.name) is not None
        for element in x.elements():
            for _, child in element.choices:
                if _is_abstract_resource(child):
                    open_ended = True
                else:
                    children.append(child)
        graph[x] = (open_ended, children)
        todo += children
    below = {x: entry[0] for x, entry in graph.items()}
    changed = True
    while changed:
        changed = False
        for x, (_, children) in graph.items():
            if not below[x] and any(below[c] if c in below else known[c] for c in children):
                below[x] = changed = True
    known.update(below)
    return known[t]

