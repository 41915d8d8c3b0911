"""The model sits at layer 1: it imports the standard library and fhirpath.errors only."""

import ast
import subprocess
import sys
from pathlib import Path

import fhirpath.model

PACKAGE = Path(fhirpath.model.__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module)
    return found


def test_model_modules_import_only_the_standard_library_errors_and_each_other():
    for path in PACKAGE.glob("*.py"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top == "fhirpath":
                assert module == "fhirpath.errors" or module.startswith("fhirpath.model"), path
            else:
                assert top in sys.stdlib_module_names or top == "__future__", (path, module)


def test_importing_the_model_reads_no_data_and_skips_the_generator():
    script = (
        "import sys, fhirpath.model as m\n"
        "assert not m._models\n"
        "assert 'fhirpath.model.generate' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
