"""The case pages' and case API's rows of the policy matrix, one file per group of routes (each file
defines ROWS: URL pattern → list of Try); merged into treem/accounts/tests/test_policy_matrix.py."""

import importlib

PARTS = ["matrix_intake", "matrix_case", "matrix_api", "matrix_dashboard", "matrix_print"]

ROWS: dict = {}
for _name in PARTS:
    try:
        ROWS.update(importlib.import_module(f"treem.cases.tests.{_name}").ROWS)
    except ModuleNotFoundError:  # a part not written yet
        pass
