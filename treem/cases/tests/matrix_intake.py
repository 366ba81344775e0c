"""Policy-matrix rows of the intake page and the officer's lists: merged into
treem/accounts/tests/test_policy_matrix.py through treem.cases.tests.matrix_rows.

They show children's names, so only the roles with case records (commune officer, district officer, case
manager) open them; every other role gets the 404 of a missing page. The matrix database holds no case:
the lists are empty, and a posted notification that is not valid comes back as the form (200). The lists
take GET only: a POST is 405 for every signed-in role (checked before the scope, like the board's)."""

from treem.accounts.tests.test_policy_matrix import SIGNED_IN, Try, row

CASE_ROLES = {"commune", "district", "case_manager"}

ROWS: dict = {
    "ho-so/": [
        Try("/ho-so/", row(CASE_ROLES)),
        # filters the page does not know filter nothing; a page number out of range is the last page
        Try("/ho-so/?state=x&risk=%E2%80%94&harm=none&code=%27%3B--&trang=999", row(CASE_ROLES)),
        Try("/ho-so/?state=all&risk=high&harm=violence&code=19903", row(CASE_ROLES)),
        Try("/ho-so/", row(SIGNED_IN, ok_status=405), "post"),
    ],
    "ho-so/viec-can-lam/": [
        Try("/ho-so/viec-can-lam/", row(CASE_ROLES)),
        Try("/ho-so/viec-can-lam/", row(SIGNED_IN, ok_status=405), "post"),
    ],
    "ho-so/tiep-nhan/": [
        Try("/ho-so/tiep-nhan/", row(CASE_ROLES)),
        Try("/ho-so/tiep-nhan/", row(CASE_ROLES), "post", {"received_by": "x", "child_age_estimate": "abc"}),
        Try("/ho-so/tiep-nhan/", row(CASE_ROLES), "post", {"commune": "49000", "link_child": "1"}),
    ],
}
