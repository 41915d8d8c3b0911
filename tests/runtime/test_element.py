from decimal import Decimal

import pytest

from fhirpath.model import load_model
from fhirpath.runtime.descendants import descendants
from fhirpath.runtime.element import Navigator, sidecar
from fhirpath.runtime.temporal import Date, DateTime

R4 = load_model("r4")

PATIENT = {
    "resourceType": "Patient",
    "id": "p",
    "birthDate": "1974-12-25",
    "_birthDate": {"id": "b1", "extension": [{"url": "http://x/time", "valueDateTime": "1974-12-25T14:35:45"}]},
    "name": [{"given": ["Peter", None, "Jim"], "_given": [None, {"extension": [{"url": "http://x/nick"}]}]}],
    "_gender": {"extension": [{"url": "http://x/absent", "valueCode": "unknown"}]},
    "contained": [{"resourceType": "Organization", "id": "o1", "name": "Acme"}],
    "multipleBirthBoolean": False,
    "fhir_comments": ["not an element"],
}


def root(resource, model=R4):
    return (resource, None if model is None else model.type(resource["resourceType"]), None, None, None)


def test_navigation_reads_fhir_primitives_as_system_values():
    [birth_date] = Navigator("birthDate", R4)((root(PATIENT),))
    assert birth_date[0] == Date.parse_literal("1974-12-25")
    assert birth_date[1] is R4.type("date")
    assert (birth_date[3], birth_date[4]) == ("birthDate", None)


def test_list_values_keep_their_index_and_skip_nulls_unless_extended():
    [name] = Navigator("name", R4)((root(PATIENT),))
    given = Navigator("given", R4)((name,))
    assert [(node[0], node[4]) for node in given] == [("Peter", 0), (None, 1), ("Jim", 2)]


def test_a_primitive_with_only_an_extension_is_a_node_without_value():
    [gender] = Navigator("gender", R4)((root(PATIENT),))
    assert gender[0] is None and gender[1] is R4.type("code")


def test_sidecar_finds_a_primitives_id_and_extensions():
    [birth_date] = Navigator("birthDate", R4)((root(PATIENT),))
    assert sidecar(birth_date)["id"] == "b1"
    [extension] = Navigator("extension", R4)((birth_date,))
    assert extension[0]["url"] == "http://x/time"
    [value] = Navigator("value", R4)((extension,))
    assert value[0] == DateTime.parse_literal("1974-12-25T14:35:45") and value[1] is R4.type("dateTime")


def test_choice_elements_resolve_by_their_base_name():
    [flag] = Navigator("multipleBirth", R4)((root(PATIENT),))
    assert flag[0] is False and flag[1] is R4.type("boolean") and flag[3] == "multipleBirthBoolean"


def test_contained_resources_take_the_type_their_json_names():
    [organization] = Navigator("contained", R4)((root(PATIENT),))
    assert organization[1] is R4.type("Organization")


def test_without_a_model_navigation_follows_json_and_choice_prefixes():
    observation = {"resourceType": "Observation", "valueQuantity": {"value": 1.5, "unit": "mg"}}
    [quantity] = Navigator("value", None)((root(observation, None),))
    assert quantity[3] == "valueQuantity"
    [value] = Navigator("value", None)((quantity,))
    assert value[0] == Decimal("1.5")


@pytest.mark.parametrize("model", [R4, None], ids=["r4", "no model"])
def test_navigation_never_changes_its_input(model):
    import json

    before = json.dumps(PATIENT, sort_keys=True)
    descendants((root(PATIENT, model),), model, limit=10_000)
    for name in ("name", "given", "birthDate", "extension", "contained"):
        Navigator(name, model)((root(PATIENT, model),))
    assert json.dumps(PATIENT, sort_keys=True) == before


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_nan_and_infinity_in_a_decimal_are_kept_as_floats_not_read_as_decimals(value):
    resource = {"resourceType": "Observation", "valueQuantity": {"value": value}}
    for model in (R4, None):
        [quantity] = Navigator("value", model)((root(resource, model),))
        [node] = Navigator("value", model)((quantity,))
        assert type(node[0]) is float and str(node[0]) == str(float(value))


def test_lenient_navigation_accepts_a_choice_element_named_with_its_type():
    observation = {"resourceType": "Observation", "valueQuantity": {"value": 1}}
    item = root(observation)
    [quantity] = Navigator("valueQuantity", R4, typed_choices=True).walk((item,))
    assert quantity[1] is R4.type("Quantity") and quantity[3] == "valueQuantity"
    assert Navigator("valueString", R4, typed_choices=True).walk((item,)) == ()
    assert Navigator("valueQuantity", R4).walk((item,)) == ()  # the spec: base names only


def test_one_step_over_items_of_several_types_reads_each_by_its_own_type():
    """A step remembers the last parent type it saw; a collection mixing types (here
    HumanName, Address and a contained Organization) must still read each by its own."""
    [name] = Navigator("name", R4)((root(PATIENT),))
    [organization] = Navigator("contained", R4)((root(PATIENT),))
    address = ({"use": "home", "city": "X"}, R4.type("Address"), None, None, None)
    mixed = (name, address, organization, name)
    uses = Navigator("use", R4)(mixed)
    assert [node[0] for node in uses] == ["home"]
    names = Navigator("name", R4)(mixed)
    assert [(node[0], node[1]) for node in names] == [("Acme", R4.type("string"))]
    given = Navigator("given", R4)(mixed)
    assert [node[0] for node in given] == ["Peter", None, "Jim"] * 2
