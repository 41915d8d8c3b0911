"""Navigation over FHIR JSON: member access, paths read along plans and primitive extensions.

Nodes are `collection` 5-tuples pointing into the input; nothing here copies or
changes it. What a step does depends on the parent's type, so `Navigator` works it
out once per (type, name) and keeps it: the JSON key(s) to read, the child type,
and how to read a primitive (`"1974-12-25"` as a `Date`, a number in a decimal
element as a `Decimal`).

A FHIR primitive's id and extensions live beside it under ``_key`` (``"_birthDate"``,
or a list aligned with the values: ``"_given": [null, {...}]``). `sidecar` finds them.
"""

from __future__ import annotations

from decimal import Decimal

from fhirpath.runtime.quantity import in_range
from fhirpath.runtime.temporal import Date, DateTime, Time


def _decimal(value):
    t = type(value)
    if t is float:
        if value - value == 0:
            return Decimal(repr(value))  # JSON read without parse_float=Decimal: lossy
        return value  # NaN and infinities are no FHIR decimals: kept as read, like a bad date
    if t is int:
        return Decimal(value)
    if t is Decimal and not in_range(value):  # NaN, Infinity, 1E+999999999: kept as floats too
        return float("nan") if value.is_nan() else float(value)
    return value


_INEXACT = (float, Decimal)  # what _decimal reads in untyped JSON: floats, and non-finite Decimals


def _integer(value):
    # integer64 is a JSON string in R5; tolerate it everywhere
    if type(value) is str:
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _reader(parse):
    def read(value):
        if type(value) is str:
            parsed = parse(value)
            if parsed is not None:
                return parsed
        return value  # keep what cannot be read: data is never dropped

    return read


#: System type name of a FHIR primitive -> how to read its JSON value
_READERS = {
    "Decimal": _decimal,
    "Date": _reader(Date.from_fhir),
    "DateTime": _reader(DateTime.from_fhir),
    "Time": _reader(Time.from_fhir),
    "Integer": _integer,
    "Long": _integer,
}


def _is_abstract_resource(t) -> bool:
    return t is not None and t.kind == "resource" and t.abstract


def resource_type(value: dict, model, declared=None):
    """The type of a resource held in JSON (``resourceType``), else ``declared``."""
    name = value.get("resourceType")
    if type(name) is str and model is not None:
        found = model.type(name)
        if found is not None:
            return found
    return declared


def sidecar(node) -> dict | None:
    """The ``_key`` object holding a primitive node's id and extensions, if any."""
    parent, key, index = node[2], node[3], node[4]
    if parent is None or key is None:
        return None
    holder = parent[0]
    if type(holder) is not dict:
        return None
    extra = holder.get("_" + key)
    if index is None:
        return extra if type(extra) is dict else None
    if type(extra) is list and index < len(extra):
        found = extra[index]
        return found if type(found) is dict else None
    return None


#: the only members a primitive has (kept in its ``_x`` sidecar)
SIDECAR_MEMBERS = frozenset({"id", "extension"})


class Navigator:
    """Member access ``.name`` on a collection: ``navigator.walk(items) -> tuple``.

    Per parent type it makes one step that reads the child from a JSON object: for a
    plain element a read step (the JSON key, child type and reader; see `_read`), else a function
    (a choice, a contained resource, untyped JSON).

    With ``typed_choices`` (lenient mode) a choice element may also be named with its
    type, as in its JSON key: ``Observation.valueQuantity`` is the node
    ``Observation.value`` gives for that key, and empty when the value has another type.
    The spec allows only the base name (``value``); some engines accept both.

    With ``keep`` (a test of one node) it is ``.name.ofType(T)`` in one step: a child
    whose type the model fixes is kept or dropped once per (parent type, key), so
    ``Observation.value.ofType(Quantity)`` reads ``valueQuantity`` alone; the children
    typed only at run time (contained resources, untyped JSON) are tested one by one."""

    __slots__ = ("name", "model", "typed_choices", "keep", "_steps", "_sidecar_member", "_below")

    def __init__(self, name: str, model, *, typed_choices: bool = False, keep=None) -> None:
        self.name = name
        self.model = model
        self.typed_choices = typed_choices
        self.keep = keep
        self._sidecar_member = name in SIDECAR_MEMBERS
        # parent TypeInfo (None: untyped JSON) -> a read step, or step(value: dict, parent
        # node, out: list)
        untyped = _untyped_step(name)
        self._steps: dict = {None: untyped if keep is None else _kept(untyped, keep)}
        self._below: dict | None = None  # type -> `fhirpath.runtime.descendants.can_find_below`

    def _step(self, t):
        element = t.element(self.name)
        choices = () if element is None else element.choices
        if element is None and self.typed_choices:
            resolved = t.child_by_key(self.name)
            if resolved is not None and resolved[0].is_choice:
                choices = ((self.name, resolved[1]),)
        steps = {}
        keep = self.keep
        for key, child in choices:
            step = _child_step(key, child, self.model)
            if keep is None:
                steps[key] = step
            elif type(step) is not tuple:  # a resource: its type is in its JSON
                steps[key] = _kept(step, keep)
            elif keep((None, child, None, None, None)):
                steps[key] = step
        if not steps:
            step = _no_child
        elif len(steps) == 1:
            step = next(iter(steps.values()))
        else:
            step = _choice_step(steps)
        self._steps[t] = step
        return step

    def walk(self, items: tuple) -> tuple:
        """The items' children named ``name`` (call the bound method: calling an
        instance costs three times as much)."""
        return walk_path((self,), items)

    __call__ = walk


def walk_path(navigators: tuple, items, as_list: bool = False) -> tuple | list:
    """``items.a.b.c`` for the navigators of ``a``, ``b`` and ``c``: one loop per step,
    the steps' intermediate collections kept as lists (a path is the hot loop of most
    expressions: a call and a tuple per step would cost a third of it). With ``as_list``
    the result may be a list (or ``items`` itself), for a caller that only reads it."""
    for navigator in navigators:
        if not items:
            return ()
        out: list = []
        steps = navigator._steps
        for item in items:
            if type(item) is not tuple:
                continue  # System values have no members
            value = item[0]
            if type(value) is dict:
                step = steps.get(item[1])
                if step is None:
                    step = navigator._step(item[1])
            elif navigator._sidecar_member and item[1] is not None:
                # a primitive's members (id, extension) live in its sidecar
                value = sidecar(item)
                if value is None:
                    continue
                step = steps.get(item[1]) or navigator._step(item[1])
            else:
                continue
            if type(step) is tuple:
                _read(step, value, item, out)
            elif step is not _no_child:  # descendants().reference: most nodes have none
                step(value, item, out)
        items = out
    return items if as_list else tuple(items)


def walk_values(head: tuple, last: Navigator, items) -> list:
    """The values of ``items.a.b.c`` (navigators ``head`` = (a, b), ``last`` = c), as
    `fhirpath.api.Expression.evaluate` returns them: `walk_path` without making the
    nodes of the last step, which nothing would look at."""
    if head:
        items = walk_path(head, items, True)
    out: list = []
    steps = last._steps
    for item in items:
        if type(item) is not tuple:
            continue
        value = item[0]
        if type(value) is dict:
            step = steps.get(item[1])
            if step is None:
                step = last._step(item[1])
            if type(step) is tuple and _values(step, (value,), out):
                continue
        elif last._sidecar_member and item[1] is not None:
            value = sidecar(item)
            if value is None:
                continue
            step = steps.get(item[1]) or last._step(item[1])
        else:
            continue
        nodes: list = []  # extended primitives, choices, resources, sidecar members: as nodes
        _apply(step, value, item, nodes)
        for node in nodes:
            out.append(node[0])
    return out


def value_plan(t, navigators: tuple, absent=None) -> tuple | None:
    """How to read the values of a path from a root of type ``t`` when the model fixes
    every step: ``(JSON keys of the complex steps before the last, the last read step)``.
    None when a step is a choice, a resource or a primitive's member; ``absent`` when a
    step names no element (`plan_for` gives `_NO_VALUES`: the walk reads nothing there
    either; a compile that skips analysis for a plan must not, see `fhirpath.api`)."""
    keys = []
    for navigator in navigators[:-1]:
        step = navigator._steps.get(t) or navigator._step(t)
        if step is _no_child:
            return absent
        if type(step) is not tuple or step[2] is not None:  # a primitive: its members are in a sidecar
            return None
        keys.append(step[0])
        t = step[1]
    last = navigators[-1]
    step = last._steps.get(t) or last._step(t)
    if step is _no_child:
        return absent
    return (tuple(keys), step) if type(step) is tuple else None


def primitive_plan(t, navigators: tuple) -> tuple | None:
    """The `value_plan` of a path whose last step reads a primitive element, else None:
    its values are then what the System values of its nodes would be."""
    plan = value_plan(t, navigators)
    return plan if plan is not None and plan[1][2] is not None else None


def plan_for(plans: dict, t, root_type, recipe: tuple, make=None) -> tuple | bool:
    """The plan ``make`` (by default `value_plan` of a path's ``navigators``, `_NO_VALUES`
    where a step names no element; or `filtered_plan` of a filtered path's stages)
    gives for an object of type ``t``, or False when it has none. ``plans`` keeps one
    per type (a model's types bound it); ``root_type`` is the type the path names first
    (the plan then needs ``t`` to be one), None for a path from the object itself."""
    plan = plans.get(t)
    if plan is None:
        starts = root_type is None or t is root_type or t.is_subtype_of(root_type)
        plan = plans[t] = starts and (make(t, recipe) if make else value_plan(t, recipe, _NO_VALUES)) or False
    return plan


def read_from_item(this, plans: dict, root_type, navigators: tuple, make=None) -> list | None:
    """The values of a path from ``this`` when it is one object of a known type, read
    from its JSON along the plan ``make`` gives (see `plan_for`); None when there is
    none or it cannot read them: the caller then walks the nodes."""
    if len(this) == 1:
        item = this[0]
        if type(item) is tuple and item[1] is not None and type(item[0]) is dict:
            plan = plans.get(item[1])
            if plan is None:
                plan = plan_for(plans, item[1], root_type, navigators, make)
            if plan is _NO_VALUES:  # no such element: common where a criterion suits other types
                return []
            if plan:
                return read_values(plan, item[0])
    return None


def filtered_plan(t, stages: tuple, primitive: bool = False) -> tuple | None:
    """How to read a path with where() filters (`fhirpath.compiler.Compiler.filtered_path`)
    from a root of type ``t``: per stage, the `value_plan` of its members (None for none)
    and the test of its criterion (the criterion path's plan from the items' type, the
    literal, its type, the test of a value and the literal) or None. None unless the
    model fixes every path, and with ``primitive`` unless the last stage reads a
    primitive element (its values are then System values)."""
    out = []
    for navigators, criterion in stages:
        plan = None
        if navigators:
            plan = value_plan(t, navigators)
            if plan is None:
                return None
            t = plan[1][1]
        test = None
        if criterion is not None:
            criterion_navigators, value, kind, compare = criterion
            test_plan = value_plan(t, criterion_navigators)
            if test_plan is None:
                return None
            test = (test_plan, value, kind, compare)
        out.append((plan, test))
    if primitive and (out[-1][0] is None or out[-1][0][1][2] is None):
        return None
    return tuple(out)


def read_filtered(plan: tuple, resource: dict) -> list | None:
    """The values of a path with where() filters, read from the JSON along a
    `filtered_plan` as `read_values` reads a path. An item is kept when its criterion
    path has one value of the literal's type that passes the test with it, dropped when
    it has none; anything else (several values, another type, odd JSON) is None: the
    general evaluation decides."""
    values: list = [resource]
    for step, test in plan:
        if step is not None:
            out: list = []
            for value in values:
                if type(value) is not dict:
                    return None
                found = read_values(step, value)
                if found is None:
                    return None
                out += found
            values = out
        if test is not None:
            test_plan, literal, kind, compare = test
            kept = []
            for value in values:
                if type(value) is not dict:
                    return None
                found = read_values(test_plan, value)
                if found is None:
                    return None
                if found:
                    if len(found) != 1 or type(found[0]) is not kind:
                        return None
                    if compare(found[0], literal):
                        kept.append(value)
            values = kept
    return values


def read_values(plan: tuple, resource: dict) -> list | None:
    """`walk_values` from a resource along a `value_plan`: JSON read as it is, no nodes
    made. None when the JSON needs the general walk: a value where an object belongs,
    or a primitive with an id or extensions."""
    keys, step = plan
    values: tuple | list = (resource,)
    for key in keys:
        out: list = []
        for value in values:
            found = value.get(key)
            if type(found) is list:
                for element in found:
                    if type(element) is dict:
                        out.append(element)
                    elif element is not None:
                        return None
            elif type(found) is dict:
                out.append(found)
            elif found is not None:
                return None
        values = out
    out = []
    return out if _values(step, values, out) else None


def _values(step: tuple, parents, out: list) -> bool:
    """Append the values of a plain element of each of ``parents`` (one call for all:
    a call per parent cost a fifth of reading a path). False, appending nothing for it,
    at a parent where it is a primitive with an id or extensions (its nodes carry them)."""
    key, _, extra_key, reader = step
    for value in parents:
        if extra_key is not None and value.get(extra_key) is not None:
            return False
        found = value.get(key)
        if type(found) is list:
            if reader is None and None not in found:  # strings, codes...: as they are
                out += found
            else:
                for element in found:
                    if element is not None:
                        out.append(element if reader is None else reader(element))
        elif found is not None:
            out.append(found if reader is None else reader(found))
    return True


def _no_child(value, item, out) -> None:
    """The step for a name that is no element of the parent's type."""


# A read step, the step of a plain element, is the tuple ``(key, child type, "_key"
# sidecar key of a primitive or None, reader of a primitive's JSON value or None)``:
# data, not a closure, so that `walk_values` can read values without making nodes.
# Every other step is a function, so ``type(step) is tuple`` tells them apart. (It was
# a tuple subclass: unpacking one cost 100 ns more, on every step of a walk.)


#: the `value_plan` of a path through a name that is no element: it reads a key that no
#: JSON object has (an object, where JSON keys are strings), so nothing
_NO_VALUES = ((), (object(), None, None, None))


def _read(step: tuple, value: dict, item: tuple, out: list) -> None:
    """Append the nodes of a plain element of ``value`` (and of its ``_key`` sidecar)."""
    key, child, extra_key, reader = step
    found = value.get(key)
    extra = None if extra_key is None else value.get(extra_key)
    if extra is not None:
        _primitives(found, extra, child, reader, item, key, out.append)
    elif type(found) is list:
        # the common case: plain values (a plain loop beats enumerate or a comprehension
        # for the one or two values lists hold)
        index = 0
        for element in found:
            if element is not None:
                out.append((element if reader is None else reader(element), child, item, key, index))
            index += 1
    elif found is not None:
        out.append((found if reader is None else reader(found), child, item, key, None))


def _apply(step, value: dict, item: tuple, out: list) -> None:
    if type(step) is tuple:
        _read(step, value, item, out)
    else:
        step(value, item, out)


def _child_step(key: str, child, model):
    """The step reading one JSON key (and its ``_key`` sidecar for a primitive)."""
    if child.kind == "primitive":
        system = child.system
        return (key, child, "_" + key, None if system is None else _READERS.get(system.name))
    if _is_abstract_resource(child):
        def resource_step(value, item, out):
            found = value.get(key)
            if found is not None:
                _resources(found, child, item, key, out.append, model)

        return resource_step
    return (key, child, None, None)


def _kept(step, keep):
    """``step`` keeping only the nodes ``keep`` accepts (children typed at run time)."""
    def kept_step(value, item, out):
        found: list = []
        _apply(step, value, item, found)
        out += [node for node in found if keep(node)]

    return kept_step


def _choice_step(steps: dict):
    """A choice element (``value[x]``): the object's own keys are looked up among the
    choice's keys (an Extension has two or three keys, its value fifty choices)."""
    by_key = dict(steps)
    for key, step in steps.items():
        by_key["_" + key] = _sidecar_only(key, step)

    def choice_step(value, item, out):
        for key in value:
            step = by_key.get(key)
            if step is not None:
                _apply(step, value, item, out)

    return choice_step


def _sidecar_only(key: str, step):
    """A choice's ``_valueX`` sidecar: read with its value, alone only without one."""
    def sidecar_step(value, item, out):
        if key not in value:
            _apply(step, value, item, out)

    return sidecar_step


def _untyped_step(name: str):
    """Without a model: the JSON key, else a choice key such as valueQuantity."""
    def untyped_step(value, item, out):
        key = name
        found = value.get(key)
        if found is None:
            for candidate in value:
                if (type(candidate) is str and len(candidate) > len(name) and candidate.startswith(name)
                        and candidate[len(name)].isupper()):
                    key, found = candidate, value[candidate]
                    break
        _untyped(found, value.get("_" + key), item, key, out.append)

    return untyped_step


def _untyped(found, extra, parent, key, append) -> None:
    """Nodes of type None (no model): JSON as it is, floats read as Decimal."""
    if type(found) is list:
        for index, element in enumerate(found):
            if element is not None:
                append((_decimal(element) if type(element) in _INEXACT else element, None, parent, key, index))
    elif found is not None:
        append((_decimal(found) if type(found) in _INEXACT else found, None, parent, key, None))
    elif extra is not None:
        append((None, None, parent, key, None))


def _resources(found, declared, parent, key, append, model) -> None:
    if type(found) is list:
        for index, element in enumerate(found):
            if type(element) is dict:
                append((element, resource_type(element, model, declared), parent, key, index))
    elif type(found) is dict:
        append((found, resource_type(found, model, declared), parent, key, None))


def _primitives(found, extra, child, reader, parent, key, append) -> None:
    if type(found) is list:
        extras = extra if type(extra) is list else ()
        for index, element in enumerate(found):
            if element is None:
                if index < len(extras) and extras[index] is not None:
                    append((None, child, parent, key, index))  # value-less, extended
                continue
            append((element if reader is None else reader(element), child, parent, key, index))
        # extensions beyond the values' list (values all null)
        for index in range(len(found), len(extras)):
            if extras[index] is not None:
                append((None, child, parent, key, index))
    elif found is not None:
        append((found if reader is None else reader(found), child, parent, key, None))
    elif type(extra) is dict:
        append((None, child, parent, key, None))
    elif type(extra) is list:
        for index, element in enumerate(extra):
            if element is not None:
                append((None, child, parent, key, index))
