"""FHIRPath for Python: exact to the specification, fast, and small in memory."""

from fhirpath.errors import (
    Diagnostic,
    FHIRPathError,
    FHIRPathEvaluationError,
    FHIRPathSemanticError,
    FHIRPathSyntaxError,
    Span,
)

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "FHIRPathError",
    "FHIRPathEvaluationError",
    "FHIRPathSemanticError",
    "FHIRPathSyntaxError",
    "Span",
    "__version__",
]
