"""`python -m fhirpath` is the `fhirpath` command."""

from fhirpath.cli import main

if __name__ == "__main__":
    main(prog_name="fhirpath")
