from decimal import Decimal

import pytest

from fhirpath.model import system as system_module
from fhirpath.model import (
    IMPLICIT_CONVERSIONS,
    SYSTEM_TYPES,
    converts_implicitly,
    register_system_class,
    system_type,
)

NAMES = [
    "Any", "Boolean", "String", "Integer", "Long", "Decimal", "Date", "DateTime", "Time", "Quantity"
]


def test_system_types_are_the_ten_of_the_spec():
    assert sorted(SYSTEM_TYPES) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES[1:])
def test_every_system_type_derives_from_any(name):
    t = SYSTEM_TYPES[name]
    assert (t.name, t.namespace, t.kind) == (name, "System", "system")
    assert t.qualified == f"System.{name}"
    assert t.base is SYSTEM_TYPES["Any"]
    assert t.is_subtype_of("System.Any") and t.is_subtype_of(t)
    assert t.ancestors == frozenset({f"System.{name}", "System.Any"})
    assert t.system is None and t.elements() == ()


def test_any_is_the_root():
    assert SYSTEM_TYPES["Any"].base is None
    assert not SYSTEM_TYPES["Any"].is_subtype_of("System.String")


def test_system_types_are_not_subtypes_of_each_other():
    assert not SYSTEM_TYPES["Integer"].is_subtype_of(SYSTEM_TYPES["Decimal"])
    assert not SYSTEM_TYPES["Date"].is_subtype_of("System.DateTime")


@pytest.mark.parametrize(
    "value, name",
    [(True, "Boolean"), (False, "Boolean"), (0, "Integer"), (12, "Integer"),
     (Decimal("1.5"), "Decimal"), ("", "String"), ("abc", "String")],
)
def test_system_type_of_python_values(value, name):
    assert system_type(value) is SYSTEM_TYPES[name]


@pytest.mark.parametrize("value", [1.5, None, [], {}, b"x", object()])
def test_system_type_of_other_values_is_none(value):
    assert system_type(value) is None


def test_system_type_of_a_str_subclass_is_string():
    class Code(str):
        pass

    assert system_type(Code("x")) is SYSTEM_TYPES["String"]


def test_registered_classes_report_their_system_type(monkeypatch):
    monkeypatch.setattr(system_module, "_BY_CLASS", dict(system_module._BY_CLASS))

    class Date:
        pass

    class Quantity:
        pass

    register_system_class(Date, "Date")
    register_system_class(Quantity, "System.Quantity")
    assert system_type(Date()) is SYSTEM_TYPES["Date"]
    assert system_type(Quantity()) is SYSTEM_TYPES["Quantity"]


def test_registering_an_unknown_system_type_fails():
    with pytest.raises(KeyError):
        register_system_class(float, "Float")


def test_implicit_conversions_follow_the_spec_table():
    assert dict(IMPLICIT_CONVERSIONS) == {
        "Integer": ("Long", "Decimal", "Quantity"),
        "Long": ("Decimal", "Quantity"),
        "Decimal": ("Quantity",),
        "Date": ("DateTime",),
    }


def test_converts_implicitly_accepts_types_and_names():
    assert converts_implicitly(SYSTEM_TYPES["Integer"], SYSTEM_TYPES["Decimal"])
    assert converts_implicitly("Integer", "System.Quantity")
    assert converts_implicitly("System.Date", "DateTime")
    assert not converts_implicitly("Decimal", "Integer")
    assert not converts_implicitly("DateTime", "Date")
    assert not converts_implicitly("String", "Integer")  # explicit only
