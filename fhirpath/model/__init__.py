"""The FHIR type model: types, their elements and the type hierarchy, per FHIR release.

`load_model("r4")` reads the committed table `data/r4.txt` (written by
`python -m fhirpath.model.generate`, whose docstring describes the format) once per
process. It creates every TypeInfo up front, cheaply; a type's element text stays in the
file (the model keeps the file open and where the text is) until the type's elements are
first asked for: most types never are, and their text is half of the model's memory.

Type names resolve as the spec says: the FHIR model first, then System
(`String` is System.String, `string` is FHIR.string). Every type is a subtype of
System.Any for `is`; the FHIR hierarchy itself is rooted at Element/Resource (R4) or
Base (R5), whose `base` is None.
"""

from __future__ import annotations

import os
import sys
import threading

from fhirpath.model.system import (
    IMPLICIT_CONVERSIONS,
    SYSTEM_TYPES,
    converts_implicitly,
    register_system_class,
    system_type,
)
from fhirpath.model.typeinfo import ElementInfo, TypeInfo

__all__ = [
    "IMPLICIT_CONVERSIONS",
    "RELEASES",
    "SYSTEM_TYPES",
    "ElementInfo",
    "Model",
    "TypeInfo",
    "converts_implicitly",
    "load_model",
    "loaded_releases",
    "register_system_class",
    "system_type",
]

RELEASES = ("r4", "r5")
_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
_FORMAT = "fhirpath-model 1"
_CORE = "http://hl7.org/fhir/StructureDefinition/"


class Model:
    """The FHIR types of one release. Build it with `load_model`, which shares one per release."""

    __slots__ = ("release", "fhir_version", "_types", "_profiles", "_lock", "_targets", "_pairs", "_fd")

    def __init__(self, release: str, text: str, fd: int | None = None) -> None:
        """``text`` is the data file's content; with ``fd``, the file open for reading,
        element texts are read back from it when needed instead of kept."""
        header, *lines = text.split("\n")
        header = header.rstrip("\r")
        expected, _, version = header.rpartition(" ")
        if expected != f"{_FORMAT} {release}":
            raise ValueError(f"model data for {release}: unexpected header {header!r}")
        self.release = release
        self.fhir_version = version
        self._lock = threading.RLock()
        # Tuples many elements share: target name lists, and choice (key, type) pairs.
        self._targets: dict[str, tuple[str, ...]] = {}
        self._pairs: dict[str, tuple[str, TypeInfo]] = {}
        self._profiles: dict[str, str] = {}
        self._types: dict[str, TypeInfo] = {}
        self._fd = fd
        links = []
        offset = len(header) + 1
        for line in lines:
            start, offset = offset, offset + len(line) + 1
            line = line.rstrip("\r")
            if not line:
                continue
            if line.startswith("P "):
                _, base, key = line.split(" ", 2)
                self._profiles[key] = sys.intern(base)
                continue
            _, name, kind, abstract, base, system, interfaces, raw = line.split(" ")
            if fd is not None and 1 < len(raw) < 0x10000:  # where the text is: offset, length
                raw = (start + len(line) - len(raw)) << 16 | len(raw)
            t = TypeInfo(
                name,
                "FHIR",
                sys.intern(kind),
                abstract=abstract == "1",
                system=None if system == "-" else SYSTEM_TYPES[system],
                raw=raw,
                model=self,
            )
            self._types[t.name] = t
            links.append((t, base, interfaces))
        types = self._types
        for t, base, interfaces in links:
            t.base = None if base == "-" else types[base]
            if interfaces != "-":
                t._interfaces = tuple(types[name] for name in interfaces.split(","))

    def __repr__(self) -> str:
        return f"<Model {self.release} (FHIR {self.fhir_version})>"

    def type(self, name: str) -> TypeInfo | None:
        """A type by name: `Patient`, `FHIR.Patient`, `Patient.contact`, `System.String`, `String`.

        None if no type has that name.
        """
        found = self._types.get(name)
        if found is not None:
            return found
        namespace, dot, rest = name.partition(".")
        if dot:
            if namespace == "FHIR":
                return self._types.get(rest)
            if namespace == "System":
                return SYSTEM_TYPES.get(rest)
            return None
        return SYSTEM_TYPES.get(name)

    def all_types(self) -> tuple[TypeInfo, ...]:
        """Every FHIR type of the release, backbone elements included, in data-file order."""
        return tuple(self._types.values())

    def type_names(self) -> list[str]:
        """Sorted names of every FHIR type except backbone elements (for completion)."""
        return sorted(name for name, t in self._types.items() if t.kind != "backbone")

    def resource_type_names(self) -> list[str]:
        """Sorted names of the concrete resource types."""
        return sorted(
            name for name, t in self._types.items() if t.kind == "resource" and not t.abstract
        )

    def profile_base(self, profile: str) -> TypeInfo | None:
        """The type a profile constrains, by the profile's canonical URL (or id, or name).

        A core type's own URL gives the type itself.
        """
        name = self._profiles.get(profile)
        if name is None and profile.startswith(_CORE):
            name = profile[len(_CORE):]
            if "." in name:  # backbone types have no URL of their own
                return None
        return None if name is None else self._types.get(name)

    def _materialise(self, t: TypeInfo) -> None:
        """Build `t`'s elements from its raw text; thread-safe, once per type."""
        with self._lock:
            if t._elements is not None:
                return
            base = t.base
            if base is not None and base._elements is None:
                self._materialise(base)
            raw = t._raw
            if type(raw) is int:
                raw = self._read(raw)
            if raw == "=":
                t._choice_elements = base._choice_elements
                t._elements = base._elements
            else:
                elements = {}
                for record in raw.split(";") if raw != "-" else ():
                    if "," not in record:
                        e = base._elements[record]
                    else:
                        e = self._element(t, record)
                    elements[e.name] = e
                t._choice_elements = tuple(e for e in elements.values() if e.type is None)
                t._elements = elements
            t._raw = None

    def _read(self, where: int) -> str:
        """Element text from the data file. os.pread where there is one: it has no file
        position, which processes forked from this one would share."""
        offset, length = where >> 16, where & 0xFFFF
        if hasattr(os, "pread"):
            data = os.pread(self._fd, length, offset)
        else:  # pragma: no cover  (Windows: no fork, the lock serialises readers)
            os.lseek(self._fd, offset, os.SEEK_SET)
            data = os.read(self._fd, length)
        if len(data) != length:
            raise RuntimeError(f"the {self.release} model's data file changed on disk while in use")
        return data.decode("utf-8")  # ASCII; the utf-8 codec needs no module loaded

    def _element(self, owner: TypeInfo, record: str) -> ElementInfo:
        name, low, high, codes, *targets = record.split(",")
        if targets:
            target_names = self._targets.get(targets[0])
            if target_names is None:
                target_names = self._targets[targets[0]] = tuple(
                    sys.intern(n) for n in targets[0].split("|")
                )
        else:
            target_names = ()
        is_list = high != "1" and high != "0"
        if not name.endswith("[x]"):
            return ElementInfo(
                sys.intern(name), owner, int(low), is_list, self.type(codes), None, target_names
            )
        name = sys.intern(name[:-3])
        choices = []
        for code in codes.split("|"):
            key = name + code[0].upper() + code[1:]
            pair = self._pairs.get(key)
            if pair is None:
                pair = self._pairs[key] = (key, self._types[code])
            choices.append(pair)
        return ElementInfo(name, owner, int(low), is_list, None, tuple(choices), target_names)


_models: dict[str, Model] = {}
_models_lock = threading.Lock()


def load_model(release: str = "r4") -> Model:
    """The Model of `release` ("r4" or "r5"), read on first use and shared afterwards."""
    model = _models.get(release)
    if model is not None:
        return model
    if release not in RELEASES:
        raise ValueError(f"unknown FHIR release {release!r}; expected one of {', '.join(RELEASES)}")
    with _models_lock:
        model = _models.get(release)
        if model is None:
            fd = os.open(os.path.join(_DATA, f"{release}.txt"), os.O_RDONLY | getattr(os, "O_BINARY", 0))
            with os.fdopen(os.dup(fd), "rb") as f:
                text = f.read().decode("utf-8")  # ASCII (see _read)
            model = _models[release] = Model(release, text, fd)
    return model


def loaded_releases() -> tuple[str, ...]:
    """The releases whose model this process has read so far."""
    return tuple(sorted(_models))
