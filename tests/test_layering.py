"""Modules import downward only (ARCHITECTURE.md, "Dependency direction")."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fhirpath"

#: component -> layer; a module may import its own component or a lower layer
LAYERS = {
    "errors": 0,
    "ast": 1, "model": 1,
    "parser": 2, "runtime": 2,
    "functions": 3,
    "compiler": 4, "analyzer": 4,
    "api": 5,
    "bulk": 6, "lsp": 6,
    "cli": 7,  # the command drives bulk.local (ARCHITECTURE.md: cli -> api, bulk.local, errors)
    "__main__": 8,  # python -m fhirpath runs the cli
}


def component(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: -node.level]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno))
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name == "fhirpath" or name.startswith("fhirpath.")]


def test_every_component_has_a_layer():
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert (modules | packages) - set(LAYERS) == set()


def test_no_module_imports_upward():
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        source_component = component(source)
        if source_component == "__init__":
            continue  # the package facade re-exports the public API
        for target, line in imports_of(path):
            target_component = component(target)
            if target_component in ("__init__", source_component) or target_component not in LAYERS:
                continue
            if LAYERS[target_component] >= LAYERS[source_component]:
                violations.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert violations == []
