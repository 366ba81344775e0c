"""The case pages' and case API's rows of the policy matrix, and the register's, one file per group of routes
(each file defines ROWS: URL pattern → list of Try); merged into treem/accounts/tests/test_policy_matrix.py."""

import importlib

PARTS = ["matrix_intake", "matrix_case", "matrix_api", "matrix_dashboard", "matrix_print"]
# The register builds on the case records and is guarded like them: its rows join here (it sits above
# cases, so it is named, not imported).
OTHER_PARTS = ["treem.register.tests.matrix_register"]

ROWS: dict = {}
for _name in [f"treem.cases.tests.{part}" for part in PARTS] + OTHER_PARTS:
    try:
        ROWS.update(importlib.import_module(_name).ROWS)
    except ModuleNotFoundError:  # a part not written yet
        pass
