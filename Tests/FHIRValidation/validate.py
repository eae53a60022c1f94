#!/usr/bin/env python3
"""Validates FHIR resources (JSON files) with the R4B models of fhir.resources from PyPI.

Usage: validate.py FILE...

Each file holds one resource (Questionnaire, QuestionnaireResponse, Parameters, Bundle, ...);
contained and nested resources are validated with it. FHIR R4B differs from R4 only in
resources Upstream does not write, so its models check our R4 resources. Prints one line per
file and exits 1 if any file is not a valid resource.
"""

import json
import sys

try:
    from fhir.resources.R4B import construct_fhir_element
except ImportError:  # fhir.resources before 7 holds R4 at the top level
    from fhir.resources import construct_fhir_element


def main(paths):
    failures = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            resource_type = data.get("resourceType", "")
            construct_fhir_element(resource_type, data)
            print(f"valid {resource_type}: {path}")
        except Exception as error:  # pydantic's ValidationError, a bad resourceType, bad JSON
            failures += 1
            print(f"INVALID {path}: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip())
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
