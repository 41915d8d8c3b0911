"""SQL-on-FHIR ViewDefinitions run with this engine: a resource in, table rows out.

Supports ``resource``, ``constant`` (as %variables), ``where``, and selects with
``column`` (``collection`` too), ``forEach``, ``forEachOrNull``, nested ``select`` and
``unionAll``, following the specification's processing algorithm: a select's rows are the
cross product of its columns, its nested selects' rows and its unionAll branches' rows,
once per forEach item. The functions the specification adds (``getResourceKey()``,
``getReferenceKey()``) are not in the function table, so a view using them does not compile.

Every path is compiled once, when the View is made. A forEach item is reached from the
resource by index, ``(items)[%index]``, with the index passed as a variable, so a nested
path keeps the FHIR types of its focus and each text is compiled only once.
"""

from __future__ import annotations

from itertools import product
from typing import Any, Mapping

from fhirpath import api


class ViewError(ValueError):
    """The ViewDefinition is malformed, or a resource breaks one of its rules."""


class View:
    """A compiled ViewDefinition (a parsed JSON dict)."""

    def __init__(self, definition: Mapping[str, Any], *, model: str | None = "r4") -> None:
        self.resource = definition.get("resource")
        if not isinstance(self.resource, str):
            raise ViewError("a ViewDefinition needs a 'resource' type name")
        self.model = model
        self.constants = {constant["name"]: _constant_value(constant) for constant in definition.get("constant", ())}
        self._where = [self._compile(where["path"], 0) for where in definition.get("where", ())]
        self._select = _Select(self, {"select": definition.get("select", [])}, None, 0)
        self.columns = self._select.columns
        if len(set(self.columns)) != len(self.columns):
            raise ViewError(f"column names are not unique: {self.columns}")

    def rows(self, resource: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The view's rows for one resource (none when it is of another type or a where fails).

        Raises ViewError when a where path is not boolean or a column that is not a
        collection has several values, and FHIRPathEvaluationError as evaluation does.
        """
        if resource.get("resourceType") != self.resource:
            return []
        for where in self._where:
            found = where.evaluate(resource, self.constants)
            if len(found) > 1 or found and not isinstance(found[0], bool):
                raise ViewError(f"where path {where.source!r} is not a boolean: {found!r}")
            if found != [True]:
                return []
        return self._select.rows(resource, dict(self.constants))

    def _compile(self, text: str, depth: int) -> api.Expression:
        """`text` compiled with the constants and the forEach indexes of `depth` declared."""
        indexes = [f"view_index_{level}" for level in range(depth)]
        return api.compile(text, self.model, context=self.resource, variables=[*self.constants, *indexes])


class _Select:
    """One select structure, compiled: its focus is reached from the resource by `focus`
    (None for the resource itself), an expression over the index variables of its depth."""

    def __init__(self, view: View, select: Mapping[str, Any], focus: str | None, depth: int) -> None:
        each = select.get("forEach") or select.get("forEachOrNull")
        self.or_null = "forEachOrNull" in select and "forEach" not in select
        self.index = f"view_index_{depth}"
        if each is not None:
            items = f"({each})" if focus is None else f"({focus}).select({each})"
            self.count = view._compile(f"{items}.count()", depth)
            focus, depth = f"{items}[%{self.index}]", depth + 1
        else:
            self.count = None
        self.column_paths = [
            (column["name"],
             view._compile(column["path"] if focus is None else f"({focus}).select({column['path']})", depth),
             bool(column.get("collection")))
            for column in select.get("column", ())
        ]
        self.selects = [_Select(view, nested, focus, depth) for nested in select.get("select", ())]
        self.union = [_Select(view, branch, focus, depth) for branch in select.get("unionAll", ())]
        union_columns = {tuple(branch.columns) for branch in self.union}
        if len(union_columns) > 1:
            raise ViewError(f"unionAll branches have different columns: {sorted(union_columns)}")
        self.columns = [name for name, _, _ in self.column_paths]
        for nested in self.selects:
            self.columns += nested.columns
        if self.union:
            self.columns += self.union[0].columns

    def rows(self, resource: Mapping[str, Any], variables: dict[str, Any]) -> list[dict[str, Any]]:
        if self.count is None:
            return self._rows_at(resource, variables)
        [count] = self.count.evaluate(resource, variables)
        if count == 0 and self.or_null:
            return [dict.fromkeys(self.columns)]
        out = []
        for index in range(count):
            out += self._rows_at(resource, {**variables, self.index: index})
        return out

    def _rows_at(self, resource: Mapping[str, Any], variables: dict[str, Any]) -> list[dict[str, Any]]:
        parts = []
        if self.column_paths:
            parts.append([{name: _cell(name, path, resource, variables, collection)
                           for name, path, collection in self.column_paths}])
        parts += [nested.rows(resource, variables) for nested in self.selects]
        if self.union:
            parts.append([row for branch in self.union for row in branch.rows(resource, variables)])
        return [{name: value for part in combination for name, value in part.items()} for combination in product(*parts)]


def _cell(name: str, path: api.Expression, resource: Mapping[str, Any], variables: dict, collection: bool) -> Any:
    found = path.evaluate(resource, variables)
    if collection:
        return found
    if len(found) > 1:
        raise ViewError(f"column {name!r} has {len(found)} values; mark it 'collection: true' or narrow the path")
    return found[0] if found else None


def _constant_value(constant: Mapping[str, Any]) -> Any:
    """The constant's value; dates and times become FHIRPath temporal values, as literals do."""
    values = [(key, value) for key, value in constant.items() if key.startswith("value")]
    if len(values) != 1:
        raise ViewError(f"constant {constant.get('name')!r} needs exactly one value[x]")
    [(key, value)] = values
    if key in _TEMPORAL_LITERALS and isinstance(value, str):
        [value] = api.compile(_TEMPORAL_LITERALS[key].format(value), None).evaluate()
    return value


_TEMPORAL_LITERALS = {"valueDate": "@{}", "valueDateTime": "@{}", "valueInstant": "@{}", "valueTime": "@T{}"}
