"""FHIRPath for Python: exact to the specification, fast, and small in memory.

    >>> import fhirpath
    >>> fhirpath.evaluate({"resourceType": "Patient", "active": True}, "Patient.active")
    [True]
"""

from fhirpath.api import Engine, Expression, Limits, analyze, compile, evaluate
from fhirpath.errors import (
    Diagnostic,
    FHIRPathError,
    FHIRPathEvaluationError,
    FHIRPathLimitError,
    FHIRPathSemanticError,
    FHIRPathSyntaxError,
    Span,
)
from fhirpath.parser import parse

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "Engine",
    "Expression",
    "Limits",
    "FHIRPathError",
    "FHIRPathEvaluationError",
    "FHIRPathLimitError",
    "FHIRPathSemanticError",
    "FHIRPathSyntaxError",
    "Span",
    "__version__",
    "analyze",
    "compile",
    "evaluate",
    "parse",
]
