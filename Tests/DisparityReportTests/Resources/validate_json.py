"""Validates a disparity JSON report against its JSON Schema (draft 2020-12).

Usage: python3 validate_json.py SCHEMA.json REPORT.json
Needs the `jsonschema` package (pip install jsonschema); exits 0 when valid, 1 with the errors
otherwise. Written for the DisparityReportTests; MIT, as the project.
"""
import json
import sys

import jsonschema

with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    report = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=str)
for e in errors:
    print(f"{list(e.absolute_path)}: {e.message}")
sys.exit(1 if errors else 0)
