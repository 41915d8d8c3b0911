import os
import subprocess
import sys
import threading

import pytest

from fhirpath.model import SYSTEM_TYPES, ElementInfo, Model, TypeInfo, load_model

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "fhirpath", "model", "data")


@pytest.fixture(scope="module")
def r4() -> Model:
    return load_model("r4")


@pytest.fixture(scope="module")
def r5() -> Model:
    return load_model("r5")


def fresh_model(release: str) -> Model:
    """A Model nobody has materialised yet (load_model shares one per process)."""
    with open(os.path.join(DATA, f"{release}.txt"), encoding="ascii") as f:
        return Model(release, f.read())


# --- loading and lookup -------------------------------------------------------------


def test_load_model_returns_one_shared_model_per_release(r4, r5):
    assert load_model("r4") is r4
    assert load_model("r5") is r5
    assert (r4.release, r4.fhir_version) == ("r4", "4.0.1")
    assert (r5.release, r5.fhir_version) == ("r5", "5.0.0")


def test_load_model_rejects_an_unknown_release():
    with pytest.raises(ValueError, match="r3"):
        load_model("r3")


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_resource_complex_and_primitive_types_are_found_by_name(release):
    m = load_model(release)
    patient, human_name, string = m.type("Patient"), m.type("HumanName"), m.type("string")
    assert (patient.kind, patient.namespace) == ("resource", "FHIR")
    assert patient.qualified == "FHIR.Patient"
    assert human_name.kind == "complex"
    assert string.kind == "primitive"
    assert not patient.abstract
    assert m.type("Resource").abstract and m.type("DomainResource").abstract


def test_qualified_and_unqualified_names_give_the_same_object(r4):
    assert r4.type("FHIR.Patient") is r4.type("Patient")
    assert r4.type("FHIR.string") is r4.type("string")
    assert r4.type("FHIR.Patient.contact") is r4.type("Patient.contact")


def test_system_names_resolve_after_fhir_names(r4):
    assert r4.type("System.String") is SYSTEM_TYPES["String"]
    assert r4.type("String") is SYSTEM_TYPES["String"]  # no FHIR type is called String
    assert r4.type("Quantity").qualified == "FHIR.Quantity"  # the FHIR model wins
    assert r4.type("System.Quantity") is SYSTEM_TYPES["Quantity"]


@pytest.mark.parametrize("name", ["Patientx", "FHIR.String", "System.Patient", "Other.Patient", ""])
def test_unknown_names_give_none(r4, name):
    assert r4.type(name) is None


def test_names_are_interned(r4):
    t = r4.type("Observation")
    assert t.name is sys.intern("Observation")
    assert t.qualified is sys.intern("FHIR.Observation")
    assert t.element("status").name is sys.intern("status")


def test_resource_type_names_are_the_sorted_concrete_resources(r4, r5):
    names = r4.resource_type_names()
    assert names == sorted(names)
    assert len(names) == 146 and len(r5.resource_type_names()) == 158
    assert "Patient" in names and "Resource" not in names and "DomainResource" not in names
    assert "CanonicalResource" not in r5.resource_type_names()


def test_type_names_cover_every_type_but_backbone_elements(r4):
    names = r4.type_names()
    assert {"Patient", "HumanName", "string", "Element", "SimpleQuantity"} <= set(names)
    assert "Patient.contact" not in names
    assert len(r4.all_types()) > len(names)


def test_type_and_element_objects_have_no_instance_dict(r4):
    t = r4.type("Patient")
    assert not hasattr(t, "__dict__")
    assert not hasattr(t.element("name"), "__dict__")


# --- elements -------------------------------------------------------------------------


def test_an_element_knows_its_cardinality_and_type(r4):
    patient = r4.type("Patient")
    name = patient.element("name")
    assert isinstance(name, ElementInfo)
    assert name.type is r4.type("HumanName")
    assert (name.min, name.is_list, name.is_choice) == (0, True, False)
    assert name.choices == (("name", r4.type("HumanName")),)
    assert name.path == "Patient.name"
    active = patient.element("active")
    assert (active.type, active.is_list) == (r4.type("boolean"), False)
    assert r4.type("Observation").element("status").min == 1


def test_elements_are_listed_in_definition_order_with_inherited_ones_first(r4):
    names = [e.name for e in r4.type("Patient").elements()]
    assert names[:8] == [
        "id", "meta", "implicitRules", "language", "text", "contained", "extension",
        "modifierExtension",
    ]
    assert names[8:11] == ["identifier", "active", "name"]
    assert "deceased" in names and "link" in names


def test_inherited_elements_are_the_defining_types_objects(r4):
    patient = r4.type("Patient")
    assert patient.element("id") is r4.type("Resource").element("id")
    assert patient.element("text") is r4.type("DomainResource").element("text")
    assert patient.element("text").path == "DomainResource.text"
    assert patient.element("contained").type is r4.type("Resource")
    assert patient.element("extension").type is r4.type("Extension")


def test_elements_typed_by_a_system_code_get_the_fhir_type_their_definition_names(r4, r5):
    for m in (r4, r5):
        assert m.type("Patient").element("id").type is m.type("id")  # R4 says string: fixed
        assert m.type("Observation").element("id").type is m.type("id")
        assert m.type("Extension").element("url").type is m.type("uri")
    assert r4.type("HumanName").element("id").type is r4.type("string")
    assert r5.type("HumanName").element("id").type is r5.type("id")  # R5 made Element.id an id


def test_an_unknown_element_gives_none(r4):
    assert r4.type("Patient").element("nmae") is None
    assert r4.type("Observation").element("valueQuantity") is None  # JSON key, not a name


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_observation_value_is_a_choice_with_every_allowed_type(release):
    m = load_model(release)
    value = m.type("Observation").element("value")
    assert value.is_choice and value.type is None
    assert value.path == "Observation.value[x]"
    keys = dict(value.choices)
    for key, type_name in [
        ("valueQuantity", "Quantity"),
        ("valueCodeableConcept", "CodeableConcept"),
        ("valueString", "string"),
        ("valueDateTime", "dateTime"),
        ("valueBoolean", "boolean"),
        ("valuePeriod", "Period"),
    ]:
        assert keys[key] is m.type(type_name)


def test_observation_value_gained_reference_and_attachment_in_r5(r4, r5):
    r4_keys = {key for key, _ in r4.type("Observation").element("value").choices}
    r5_keys = {key for key, _ in r5.type("Observation").element("value").choices}
    assert r5_keys - r4_keys == {"valueAttachment", "valueReference"}
    assert r4_keys <= r5_keys
    assert r5.type("Observation").element("value").targets == ("MolecularSequence",)


def test_choice_elements_can_have_a_single_type(r4):
    deceased = r4.type("Patient").element("deceased")
    assert [key for key, _ in deceased.choices] == ["deceasedBoolean", "deceasedDateTime"]


def test_reference_elements_list_their_target_types(r4, r5):
    subject = r4.type("Observation").element("subject")
    assert subject.type is r4.type("Reference")
    assert subject.targets == ("Patient", "Group", "Device", "Location")
    assert r4.type("Observation").element("focus").targets == ("Resource",)
    assert r4.type("Patient").element("name").targets == ()
    assert r4.type("Questionnaire.item").element("answerValueSet").targets == ("ValueSet",)
    assert r5.type("Condition").element("evidence").type is r5.type("CodeableReference")
    assert r5.type("Condition").element("evidence").targets == ("Resource",)


def test_target_tuples_are_shared_between_elements(r4):
    first = r4.type("Observation").element("encounter").targets
    second = r4.type("Condition").element("encounter").targets
    assert first == ("Encounter",) and first is second


# --- backbone elements ----------------------------------------------------------------


def test_backbone_elements_are_types_named_by_their_path(r4):
    contact = r4.type("Patient").element("contact").type
    assert contact is r4.type("Patient.contact")
    assert (contact.kind, contact.qualified) == ("backbone", "FHIR.Patient.contact")
    assert contact.base is r4.type("BackboneElement")
    assert contact.element("name").type is r4.type("HumanName")
    assert contact.element("modifierExtension").type is r4.type("Extension")


def test_backbone_elements_inside_data_types_may_derive_from_element(r4, r5):
    assert r4.type("Timing.repeat").base is r4.type("Element")
    assert r4.type("Timing.repeat").element("modifierExtension") is None
    assert r5.type("Dosage.doseAndRate").base is r5.type("Element")


def test_backbone_elements_nest_to_any_depth(r4):
    rule = r4.type("StructureMap").element("group").type.element("rule").type
    rule_source = rule.element("source")
    assert rule_source.type is r4.type("StructureMap.group.rule.source")


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_content_references_reuse_the_referenced_backbone_type(release):
    m = load_model(release)
    item = m.type("Questionnaire").element("item").type
    assert item is m.type("Questionnaire.item")
    assert item.element("item").type is item
    assert item.element("item").type.element("item").type is item
    assert m.type("Bundle.entry").element("link").type is m.type("Bundle.link")


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_bundle_entry_resource_is_any_resource(release):
    m = load_model(release)
    resource = m.type("Bundle").element("entry").type.element("resource")
    assert resource.type is m.type("Resource")
    assert not resource.is_list


# --- primitives ---------------------------------------------------------------------


PRIMITIVE_VALUES = {
    "boolean": "Boolean",
    "string": "String",
    "code": "String",
    "id": "String",
    "uri": "String",
    "url": "String",
    "canonical": "String",
    "oid": "String",
    "uuid": "String",
    "markdown": "String",
    "base64Binary": "String",
    "xhtml": "String",
    "integer": "Integer",
    "positiveInt": "Integer",
    "unsignedInt": "Integer",
    "decimal": "Decimal",
    "date": "Date",
    "dateTime": "DateTime",
    "instant": "DateTime",
    "time": "Time",
}


@pytest.mark.parametrize("release", ["r4", "r5"])
@pytest.mark.parametrize("primitive, system", sorted(PRIMITIVE_VALUES.items()))
def test_primitive_values_map_to_system_types(release, primitive, system):
    t = load_model(release).type(primitive)
    assert t.system is SYSTEM_TYPES[system]
    assert t.element("value").type is SYSTEM_TYPES[system]


def test_integer64_values_are_system_longs_in_r5_and_absent_in_r4(r4, r5):
    assert r5.type("integer64").system is SYSTEM_TYPES["Long"]
    assert r5.type("integer64").element("value").type is SYSTEM_TYPES["Long"]
    assert r4.type("integer64") is None


def test_every_primitive_and_only_primitives_have_a_system_type(r4, r5):
    for m in (r4, r5):
        for t in m.all_types():
            assert (t.system is not None) == (t.kind == "primitive"), t


def test_primitives_have_id_extension_and_value(r4):
    assert [e.name for e in r4.type("date").elements()] == ["id", "extension", "value"]


def test_xhtml_forbids_extensions_so_they_are_not_a_list(r4):
    extension = r4.type("xhtml").element("extension")
    assert extension.type is r4.type("Extension") and not extension.is_list


# --- hierarchy ----------------------------------------------------------------------


def test_patient_is_a_domain_resource_is_a_resource(r4):
    patient = r4.type("Patient")
    assert patient.base is r4.type("DomainResource")
    assert patient.base.base is r4.type("Resource")
    assert r4.type("Resource").base is None
    assert patient.is_subtype_of(r4.type("Resource"))
    assert patient.is_subtype_of("FHIR.DomainResource")
    assert patient.is_subtype_of(patient)
    assert not patient.is_subtype_of("FHIR.Observation")
    assert not r4.type("Resource").is_subtype_of("FHIR.Patient")


def test_ancestors_hold_the_qualified_names_up_to_the_root_and_system_any(r4):
    assert r4.type("Patient").ancestors == frozenset(
        {"FHIR.Patient", "FHIR.DomainResource", "FHIR.Resource", "System.Any"}
    )
    assert r4.type("Patient.contact").ancestors == frozenset(
        {"FHIR.Patient.contact", "FHIR.BackboneElement", "FHIR.Element", "System.Any"}
    )


def test_every_type_is_a_subtype_of_system_any(r4):
    assert r4.type("Patient").is_subtype_of(SYSTEM_TYPES["Any"])
    assert r4.type("string").is_subtype_of("System.Any")
    assert not r4.type("string").is_subtype_of("System.String")


def test_code_and_id_derive_from_string_as_the_definitions_say(r4, r5):
    for m in (r4, r5):
        assert m.type("code").base is m.type("string")
        assert m.type("code").is_subtype_of("FHIR.string")
        assert m.type("positiveInt").is_subtype_of("FHIR.integer")
        assert m.type("url").is_subtype_of("FHIR.uri")
        assert not m.type("string").is_subtype_of("FHIR.code")


def test_r4_data_types_derive_from_element(r4):
    assert r4.type("string").base is r4.type("Element")
    assert r4.type("HumanName").base is r4.type("Element")
    assert r4.type("Element").base is None
    assert r4.type("Age").base is r4.type("Quantity")
    assert r4.type("Dosage").base is r4.type("BackboneElement")


def test_r5_roots_everything_at_base_through_data_type_and_primitive_type(r5):
    base = r5.type("Base")
    assert base.abstract and base.base is None and base.elements() == ()
    assert r5.type("Element").base is base and r5.type("Resource").base is base
    assert r5.type("HumanName").base is r5.type("DataType")
    assert r5.type("string").base is r5.type("PrimitiveType")
    assert r5.type("xhtml").base is r5.type("Element")
    assert r5.type("Dosage").base is r5.type("BackboneType")
    assert r5.type("string").is_subtype_of("FHIR.DataType")
    assert r5.type("Patient").is_subtype_of("FHIR.Base")


def test_r5_canonical_resources_implement_their_interfaces(r5):
    value_set, metadata, canonical = (
        r5.type("ValueSet"),
        r5.type("MetadataResource"),
        r5.type("CanonicalResource"),
    )
    assert value_set.base is r5.type("DomainResource")
    assert value_set.interfaces == (metadata,)
    assert metadata.interfaces == (canonical,)
    assert metadata.abstract and canonical.abstract
    assert value_set.is_subtype_of(metadata) and value_set.is_subtype_of(canonical)
    assert {"FHIR.MetadataResource", "FHIR.CanonicalResource"} <= value_set.ancestors
    assert r5.type("CapabilityStatement").is_subtype_of("FHIR.CanonicalResource")
    assert not r5.type("CapabilityStatement").is_subtype_of("FHIR.MetadataResource")
    assert not r5.type("Patient").is_subtype_of(canonical)
    assert canonical.element("url").type is r5.type("uri")


def test_r4_has_no_canonical_resource_interface(r4):
    assert r4.type("CanonicalResource") is None
    assert r4.type("ValueSet").interfaces == ()


# --- constraints and profiles -------------------------------------------------------


@pytest.mark.parametrize("release", ["r4", "r5"])
@pytest.mark.parametrize("name", ["SimpleQuantity", "MoneyQuantity"])
def test_quantity_constraints_are_quantities_with_its_elements(release, name):
    m = load_model(release)
    constraint, quantity = m.type(name), m.type("Quantity")
    assert constraint.base is quantity and constraint.kind == "complex"
    assert constraint.is_subtype_of(quantity)
    assert not quantity.is_subtype_of(constraint)
    assert constraint.elements() == quantity.elements()
    assert constraint.element("value") is quantity.element("value")


CORE = "http://hl7.org/fhir/StructureDefinition/"


def test_profile_base_maps_r4_profiles_to_the_type_they_constrain(r4):
    assert r4.profile_base(CORE + "vitalsigns") is r4.type("Observation")
    assert r4.profile_base(CORE + "bp") is r4.type("Observation")
    assert r4.profile_base("observation-bmi") is r4.type("Observation")  # by name
    assert r4.profile_base("lipidprofile") is r4.type("DiagnosticReport")  # by id
    assert r4.profile_base(CORE + "SimpleQuantity") is r4.type("Quantity")
    assert r4.profile_base(CORE + "shareablevalueset") is r4.type("ValueSet")


def test_profile_base_of_a_core_type_url_is_that_type(r4, r5):
    assert r4.profile_base(CORE + "Patient") is r4.type("Patient")
    assert r5.profile_base(CORE + "MoneyQuantity") is r5.type("Quantity")


def test_profile_base_of_anything_else_is_none(r4, r5):
    assert r4.profile_base("http://example.org/StructureDefinition/mine") is None
    assert r4.profile_base(CORE + "Nothing") is None
    assert r4.profile_base(CORE + "Patient.contact") is None
    assert r4.profile_base("Example Lipid Profile") is None  # names two different bases
    assert r5.profile_base(CORE + "vitalsigns") is None


# --- child_by_key -------------------------------------------------------------------


def test_child_by_key_finds_plain_and_choice_json_keys(r4):
    observation = r4.type("Observation")
    value = observation.element("value")
    assert observation.child_by_key("valueQuantity") == (value, r4.type("Quantity"))
    assert observation.child_by_key("valueString") == (value, r4.type("string"))
    assert observation.child_by_key("status") == (observation.element("status"), r4.type("code"))
    assert observation.child_by_key("id") == (observation.element("id"), r4.type("id"))


def test_child_by_key_rejects_choice_base_names_and_unknown_keys(r4):
    observation = r4.type("Observation")
    assert observation.child_by_key("value") is None
    assert observation.child_by_key("valueFoo") is None
    assert observation.child_by_key("valueQuantity2") is None
    assert observation.child_by_key("resourceType") is None


def test_child_by_key_works_on_backbone_and_inherited_choice_elements(r4):
    component = r4.type("Observation.component")
    assert component.child_by_key("valueInteger")[1] is r4.type("integer")
    age = r4.type("Extension")
    assert age.child_by_key("valueAge")[1] is r4.type("Age")


def test_system_types_have_no_elements(r4):
    string = r4.type("System.String")
    assert string.elements() == ()
    assert string.element("value") is None
    assert string.child_by_key("value") is None


# --- laziness and threads -----------------------------------------------------------


def test_elements_are_built_on_first_use_only():
    m = fresh_model("r4")
    patient = m.type("Patient")
    assert patient._elements is None and patient._raw
    patient.element("name")
    assert patient._raw is None
    assert m.type("Observation")._elements is None


def test_concurrent_first_use_from_eight_threads_builds_each_element_once():
    m = fresh_model("r5")
    types = m.all_types()
    barrier = threading.Barrier(8)
    seen: list[dict[str, tuple[int, ...]]] = []

    def materialise_all(order):
        barrier.wait()
        seen.append({t.name: tuple(map(id, t.elements())) for t in order})

    orders = [types if i % 2 else types[::-1] for i in range(8)]
    threads = [threading.Thread(target=materialise_all, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(found == seen[0] for found in seen)


def test_concurrent_first_load_gives_one_model():
    script = (
        "import threading\n"
        "from fhirpath.model import load_model\n"
        "barrier = threading.Barrier(8); found = []\n"
        "def load():\n"
        "    barrier.wait(); found.append(load_model('r4'))\n"
        "threads = [threading.Thread(target=load) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "assert len(found) == 8 and len({id(m) for m in found}) == 1\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_type_info_is_exported_and_used_for_every_type(r4):
    assert all(isinstance(t, TypeInfo) for t in r4.all_types())
