"""The environment benchmark processes run in: fhirpath's bytecode compiled, as in an
installed package (pip compiles it at install time; lark, fhirpathpy and the standard
library have theirs). Without it (PYTHONDONTWRITEBYTECODE, as on some CI machines and in
an editable checkout), every process compiles fhirpath from source, and the compiler's
transient allocations, 3 to 4 MiB, stay in its resident set and its peak."""

from __future__ import annotations

import os
import subprocess
import sys

import fhirpath

PACKAGE = os.path.dirname(os.path.abspath(fhirpath.__file__))


def environment() -> dict[str, str]:
    """Compile the package's bytecode into its ``__pycache__`` folders (once: compileall
    skips what is up to date) and return the environment that finds it."""
    env = dict(os.environ)
    env.pop("PYTHONPYCACHEPREFIX", None)  # bytecode is read where compileall wrote it
    writing = dict(env)
    writing.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", PACKAGE], env=writing, check=True)
    return env
