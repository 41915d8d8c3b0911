"""The metadata types of the table (fhirpath/functions/spec.py)."""

from fhirpath.functions.spec import OperatorSpec, pairs


def test_pairs_read_left_right_and_result_with_a_default_result():
    assert pairs("Integer-Decimal:Decimal String-String", "Boolean") == (
        ("Integer", "Decimal", "Decimal"),
        ("String", "String", "Boolean"),
    )


def test_unary_pairs_have_no_left_operand():
    assert pairs("-Integer:Integer") == ((None, "Integer", "Integer"),)


def test_an_operator_gives_the_result_of_a_listed_pair_only():
    plus = OperatorSpec("+", lambda left, right: left, type_pairs=pairs("Date-Quantity:Date Integer-Integer:Integer"))
    assert plus.result_type("Date", "Quantity") == "Date"
    assert plus.result_type("Quantity", "Date") is None
    assert plus.result_type("Date", "Integer") is None


def test_every_table_entry_names_a_function_that_exists():
    from fhirpath.functions.spec import implementation
    from fhirpath.functions.table import FUNCTIONS, OPERATORS, UNARY_OPERATORS

    for table in (FUNCTIONS, OPERATORS, UNARY_OPERATORS):
        for key, spec in table.items():
            assert isinstance(spec.impl, str), key  # resolved on first use only
            assert callable(implementation(spec.impl)), key


def test_function_modules_are_imported_only_when_an_expression_uses_them():
    import subprocess
    import sys

    script = (
        "import sys, fhirpath\n"
        "fhirpath.compile('Patient.name.given').evaluate({'resourceType': 'Patient'})\n"
        "assert 'fhirpath.functions.strings' not in sys.modules\n"
        "fhirpath.compile(\"Patient.name.given.first().upper()\")\n"
        "assert 'fhirpath.functions.strings' in sys.modules\n"
        "assert 'fhirpath.functions.math' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
