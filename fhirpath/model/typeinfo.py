"""TypeInfo and ElementInfo: the slotted objects every other layer reads types through.

A TypeInfo is canonical (one object per type per Model, so `is` compares types). Its
elements are built on first use, from the raw text the Model keeps until then.
"""

from __future__ import annotations

import sys

ANY = "System.Any"
_NO_ELEMENTS: dict = {}  # shared by element-less types; never mutated


class TypeInfo:
    """A FHIR or System type: name, kind, base, and (on first use) its elements."""

    __slots__ = (
        "name",
        "namespace",
        "_qualified",
        "kind",
        "abstract",
        "base",
        "system",
        "_interfaces",
        "_ancestors",
        "_elements",
        "_choice_elements",
        "_raw",
        "_model",
    )

    def __init__(
        self,
        name: str,
        namespace: str,
        kind: str,
        *,
        abstract: bool = False,
        base: TypeInfo | None = None,
        system: TypeInfo | None = None,
        raw: str | None = None,
        model: object = None,
    ) -> None:
        self.name = sys.intern(name)
        self.namespace = sys.intern(namespace)
        self._qualified: str | None = None  # made when first asked for: most types never are
        self.kind = kind
        self.abstract = abstract
        self.base = base
        self.system = system
        self._interfaces: tuple[TypeInfo, ...] = ()
        self._ancestors: frozenset[str] | None = None
        self._raw = raw
        self._model = model
        # Types without raw element text (System types) have no elements at all.
        self._elements: dict[str, ElementInfo] | None = None if raw is not None else _NO_ELEMENTS
        self._choice_elements: tuple[ElementInfo, ...] = ()

    def __repr__(self) -> str:
        return f"<TypeInfo {self.qualified}>"

    @property
    def qualified(self) -> str:
        """``FHIR.Patient``, ``System.String``."""
        found = self._qualified
        if found is None:
            found = self._qualified = sys.intern(f"{self.namespace}.{self.name}")
        return found

    @property
    def interfaces(self) -> tuple[TypeInfo, ...]:
        """Interfaces the type implements directly (R5 CanonicalResource, MetadataResource)."""
        return self._interfaces

    @property
    def ancestors(self) -> frozenset[str]:
        """Qualified names of the type, its bases, its interfaces, and System.Any."""
        found = self._ancestors
        if found is None:
            names = {self.qualified, ANY}
            if self.base is not None:
                names |= self.base.ancestors
            for interface in self._interfaces:
                names |= interface.ancestors
            found = self._ancestors = frozenset(names)
        return found

    def is_subtype_of(self, other: TypeInfo | str) -> bool:
        """True if `other` (a TypeInfo or qualified name) is this type, a base or an interface.

        Every type is a subtype of System.Any. Walks the base chain instead of building
        `ancestors`, so checks allocate nothing.
        """
        if other.__class__ is str:
            namespace, _, name = other.partition(".")
        else:
            namespace, name = other.namespace, other.name
        if name == "Any" and namespace == "System":
            return True
        return self._descends_from(namespace, name)

    def _descends_from(self, namespace: str, name: str) -> bool:
        t: TypeInfo | None = self
        while t is not None:
            if t.name == name and t.namespace == namespace:
                return True
            for interface in t._interfaces:
                if interface._descends_from(namespace, name):
                    return True
            t = t.base
        return False

    def element(self, name: str) -> ElementInfo | None:
        """The element called `name` (choice elements by their base name, `value`)."""
        elements = self._elements
        if elements is None:
            elements = self._materialise()
        return elements.get(name)

    def elements(self) -> tuple[ElementInfo, ...]:
        """All elements, inherited ones included, in definition order."""
        elements = self._elements
        if elements is None:
            elements = self._materialise()
        return tuple(elements.values())

    def child_by_key(self, key: str) -> tuple[ElementInfo, TypeInfo] | None:
        """The element and type a JSON property name stands for (`valueQuantity` too)."""
        elements = self._elements
        if elements is None:
            elements = self._materialise()
        element = elements.get(key)
        if element is not None:
            return None if element.type is None else (element, element.type)
        for element in self._choice_elements:
            if key.startswith(element.name):
                for choice_key, choice_type in element._choices:
                    if choice_key == key:
                        return element, choice_type
        return None

    def _materialise(self) -> dict[str, ElementInfo]:
        self._model._materialise(self)
        return self._elements


class ElementInfo:
    """One element of a type: name, cardinality, type (or choice types) and targets.

    Inherited elements are the base type's own objects, so `owner` (and `path`) name
    the type that defines the element: `Patient.id` is `Resource.id`.
    """

    __slots__ = ("name", "owner", "min", "is_list", "type", "_choices", "targets")

    def __init__(
        self,
        name: str,
        owner: TypeInfo,
        min: int,
        is_list: bool,
        type: TypeInfo | None,
        choices: tuple[tuple[str, TypeInfo], ...] | None,
        targets: tuple[str, ...],
    ) -> None:
        self.name = name
        self.owner = owner
        self.min = min
        self.is_list = is_list
        self.type = type  # None for choice elements
        self._choices = choices
        self.targets = targets

    def __repr__(self) -> str:
        return f"<ElementInfo {self.path}>"

    @property
    def is_choice(self) -> bool:
        return self.type is None

    @property
    def choices(self) -> tuple[tuple[str, TypeInfo], ...]:
        """(JSON key, type) per allowed type; one pair, the element's own, if not a choice."""
        if self.type is None:
            return self._choices
        return ((self.name, self.type),)

    @property
    def path(self) -> str:
        suffix = "[x]" if self.type is None else ""
        return f"{self.owner.name}.{self.name}{suffix}"
