"""children() and descendants() walks (`fhirpath.runtime.descendants`)."""

import pytest

from fhirpath.runtime.descendants import children, descendants
from fhirpath.runtime.element import Navigator
from tests.runtime.test_element import PATIENT, R4, root


def test_children_cover_values_sidecars_and_contained_but_not_resource_type_or_unknown_keys():
    keys = [node[3] for node in children(root(PATIENT), R4)]
    assert keys == ["id", "birthDate", "name", "gender", "contained", "multipleBirthBoolean"]


def test_children_of_an_extended_primitive_are_its_sidecar_elements():
    [birth_date] = Navigator("birthDate", R4)((root(PATIENT),))
    assert [node[3] for node in children(birth_date, R4)] == ["id", "extension"]


def test_descendants_reach_every_level_including_primitive_extensions():
    found = descendants((root(PATIENT),), R4, limit=10_000)
    urls = [node[0] for node in found if node[3] == "url"]
    assert urls == ["http://x/time", "http://x/absent", "http://x/nick"]
    assert any(node[0] == "Acme" for node in found)


def test_descendants_give_up_past_their_limit():
    assert descendants((root(PATIENT),), R4, limit=3) is None


@pytest.mark.parametrize("model", [R4, None], ids=["r4", "no model"])
def test_keys_that_are_not_json_names_are_skipped(model):
    resource = {"resourceType": "Patient", 1: "one", "": "blank", ("a",): 2, "id": "p"}
    found = children(root(resource, model), model)
    assert [node[0] for node in found] == ["p"]
    assert Navigator("x", model)((root(resource, model),)) == ()


def test_made_up_keys_do_not_grow_the_key_plans_without_end():
    from fhirpath.runtime import descendants as walks

    resource = {"resourceType": "Basic", **{f"made_up_{n}": n for n in range(3 * walks._MAX_KEY_PLANS)}}
    children(root(resource), R4)
    assert len(walks._KEY_PLANS[R4.type("Basic")]) <= walks._MAX_KEY_PLANS
