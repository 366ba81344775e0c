"""Policy-matrix rows of the case page, a step's form and moving a case (treem/cases/views_case.py): merged
into treem/accounts/tests/test_policy_matrix.py through matrix_rows.py.

The matrix's database holds no case, so every code here exists nowhere: every role gets the same 404 (a
role without case access gets exactly the 404 of a missing case: it never learns whether a code exists);
anonymous visitors are sent to sign in. A step that the procedure does not know is a 404 too. The case
page only answers GET (405 to a POST, before any case is looked up)."""

from treem.accounts.tests.test_policy_matrix import SIGNED_IN, Try, row

NOWHERE = "/ho-so/19903-2024-9999/"  # a code of the commune officer's own commune, never registered
MISSING = "/ho-so/KHONG-CO/"
TOO_LONG = "/ho-so/" + "9" * 60 + "/"

ROWS: dict = {
    "ho-so/<str:code>/": [
        Try(NOWHERE, row(set())),
        Try(MISSING, row(set())),
        Try(TOO_LONG, row(set())),
        Try(MISSING, row(SIGNED_IN, ok_status=405), "post"),
    ],
    "ho-so/<str:code>/buoc/<slug:step>/": [
        Try(NOWHERE + "buoc/initial_assessment/", row(set())),
        Try(MISSING + "buoc/initial_assessment/", row(set())),
        Try(MISSING + "buoc/khong-co-buoc-nay/", row(set())),  # a step the procedure does not have
        Try(NOWHERE + "buoc/initial_assessment/", row(set()), "post", {"risk": "high", "verified": "true"}),
        Try(MISSING + "buoc/closure/", row(set()), "post", {"reason": "safe"}),
    ],
    "ho-so/<str:code>/chuyen-xa/": [
        Try(NOWHERE + "chuyen-xa/", row(set())),
        Try(MISSING + "chuyen-xa/", row(set())),
        Try(NOWHERE + "chuyen-xa/", row(set()), "post", {"commune": "19912", "confirm": "yes"}),
        Try(MISSING + "chuyen-xa/", row(set()), "post", {"commune": "20194"}),
    ],
}
