from decimal import Decimal

import pytest

from fhirpath.bulk.views import View, ViewError
from fhirpath.errors import FHIRPathSemanticError

PATIENT = {
    "resourceType": "Patient",
    "id": "alan",
    "active": True,
    "name": [
        {"use": "official", "family": "Turing", "given": ["Alan", "Mathison"]},
        {"use": "nickname", "given": ["Prof"]},
    ],
    "telecom": [{"system": "phone", "value": "555-1"}],
    "contact": [{"telecom": [{"system": "email", "value": "a@example.org"}]}, {"name": {"family": "Sara"}}],
    "birthDate": "1912-06-23",
}
BLOOD_PRESSURE = {
    "resourceType": "Observation",
    "id": "bp",
    "status": "final",
    "component": [
        {"code": {"text": "systolic"}, "valueQuantity": {"value": Decimal("120.0"), "unit": "mmHg"}},
        {"code": {"text": "diastolic"}, "valueQuantity": {"value": Decimal("80"), "unit": "mmHg"}},
        {"code": {"text": "note"}, "valueString": "seated"},
    ],
}


def view(*select, resource="Patient", **more) -> View:
    return View({"resource": resource, "select": list(select), **more})


def test_columns_give_one_row_per_resource_of_the_view_type():
    patients = view({"column": [{"name": "id", "path": "id"}, {"name": "active", "path": "active"}]})
    assert patients.columns == ["id", "active"]
    assert patients.rows(PATIENT) == [{"id": "alan", "active": True}]
    assert patients.rows(BLOOD_PRESSURE) == []


def test_for_each_gives_a_row_per_item_and_keeps_the_outer_columns():
    names = view({"column": [{"name": "id", "path": "id"}]},
                 {"forEach": "name", "column": [{"name": "use", "path": "use"}, {"name": "family", "path": "family"}]})
    assert names.rows(PATIENT) == [
        {"id": "alan", "use": "official", "family": "Turing"},
        {"id": "alan", "use": "nickname", "family": None},
    ]


@pytest.mark.parametrize(("key", "rows"), [("forEach", []), ("forEachOrNull", [{"id": "alan", "city": None}])])
def test_for_each_or_null_keeps_a_resource_whose_items_are_missing(key, rows):
    addresses = view({"column": [{"name": "id", "path": "id"}]}, {key: "address", "column": [{"name": "city", "path": "city"}]})
    assert addresses.rows(PATIENT) == rows


def test_nested_selects_unnest_inside_their_focus():
    given = view({"forEach": "name", "column": [{"name": "use", "path": "use"}],
                  "select": [{"forEach": "given", "column": [{"name": "given", "path": "$this"}]}]})
    assert [(row["use"], row["given"]) for row in given.rows(PATIENT)] == [
        ("official", "Alan"), ("official", "Mathison"), ("nickname", "Prof"),
    ]


def test_union_all_concatenates_the_rows_of_its_branches():
    telecoms = view({"unionAll": [
        {"forEach": "telecom", "column": [{"name": "value", "path": "value"}, {"name": "system", "path": "system"}]},
        {"forEach": "contact.telecom", "column": [{"name": "value", "path": "value"}, {"name": "system", "path": "system"}]},
    ]})
    assert telecoms.rows(PATIENT) == [
        {"value": "555-1", "system": "phone"}, {"value": "a@example.org", "system": "email"},
    ]


def test_items_keep_their_fhir_types_so_choices_resolve():
    components = view(
        {"forEach": "component", "column": [
            {"name": "code", "path": "code.text"},
            {"name": "value", "path": "value.ofType(Quantity).value"},
        ]},
        resource="Observation",
    )
    assert components.rows(BLOOD_PRESSURE) == [
        {"code": "systolic", "value": Decimal("120.0")},
        {"code": "diastolic", "value": Decimal("80")},
        {"code": "note", "value": None},
    ]


def test_where_keeps_resources_whose_paths_are_true():
    official = {"column": [{"name": "id", "path": "id"}]}
    assert view(official, where=[{"path": "name.where(use = 'official').exists()"}]).rows(PATIENT) == [{"id": "alan"}]
    assert view(official, where=[{"path": "active"}, {"path": "gender = 'female'"}]).rows(PATIENT) == []


def test_a_where_path_that_is_not_boolean_is_an_error():
    with pytest.raises(ViewError, match="not a boolean"):
        view({"column": [{"name": "id", "path": "id"}]}, where=[{"path": "name.family"}]).rows(PATIENT)


def test_collection_columns_hold_lists_and_others_refuse_several_values():
    assert view({"column": [{"name": "given", "path": "name.given", "collection": True}]}).rows(PATIENT) == [
        {"given": ["Alan", "Mathison", "Prof"]},
    ]
    with pytest.raises(ViewError, match="3 values"):
        view({"column": [{"name": "given", "path": "name.given"}]}).rows(PATIENT)


def test_constants_are_variables_and_dates_compare_as_dates():
    born = view({"column": [{"name": "id", "path": "id"}, {"name": "tag", "path": "%tag"}]},
                constant=[{"name": "tag", "valueString": "x"}, {"name": "cutoff", "valueDate": "1900-01-01"}],
                where=[{"path": "birthDate > %cutoff"}])
    assert born.rows(PATIENT) == [{"id": "alan", "tag": "x"}]


@pytest.mark.parametrize(
    "definition",
    [
        {"select": [{"column": [{"name": "id", "path": "id"}]}]},  # no resource
        {"resource": "Patient", "select": [{"column": [{"name": "id", "path": "id"}, {"name": "id", "path": "id"}]}]},
        {"resource": "Patient", "select": [{"unionAll": [
            {"column": [{"name": "a", "path": "id"}]}, {"column": [{"name": "b", "path": "id"}]},
        ]}]},
        {"resource": "Patient", "constant": [{"name": "c"}], "select": []},
    ],
)
def test_malformed_definitions_are_refused(definition):
    with pytest.raises(ViewError):
        View(definition)


@pytest.mark.parametrize(
    ("path", "resource"), [("getResourceKey()", "Patient"), ("id", "Pateint")],
)
def test_paths_compile_against_the_resource_type_when_the_view_is_made(path, resource):
    with pytest.raises(FHIRPathSemanticError):
        view({"column": [{"name": "key", "path": path}]}, resource=resource)
