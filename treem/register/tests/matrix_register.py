"""Policy-matrix rows of the register's pages (/so-theo-doi/, treem/register/urls.py): merged into
treem/accounts/tests/test_policy_matrix.py through treem/cases/tests/matrix_rows.py.

The register shows children's names, so, like the case pages, only the roles with case records (commune
officer, district officer, case manager: signed in with their second factor) open it; every other role gets
the 404 of a missing page, and an anonymous visitor the sign-in page. The matrix database holds no child, so
every child id here exists nowhere: every role gets the same 404 (a role without case records exactly the
404 of a missing child). The list pages take GET only: a POST is 405 for every signed-in role (checked before
the scope, like the case list's). A posted form the page refuses comes back as the form (400).

The eligible list and the upload pages are written separately; their rows state the intended access: the
case roles, with their second factor; a staged upload that does not exist is a 404 for everyone.
"""

from treem.accounts.tests.test_policy_matrix import SIGNED_IN, Try, row

CASE_ROLES = {"commune", "district", "case_manager"}
LIST = "/so-theo-doi/"
CHILD = "/so-theo-doi/tre-em/999999/"  # a child that exists nowhere
NOWHERE: set[str] = set()
BAD_CHILD = {"name": "", "commune": "20194", "date_of_birth": "31/02/2020"}  # a form the page refuses

ROWS: dict = {
    "so-theo-doi/": [
        Try(LIST, row(CASE_ROLES)),
        # filters the page does not know filter nothing; a page number out of range is the last page
        Try(LIST + "?q=%27%3B--&xa=20194&nhom=x&trang=999", row(CASE_ROLES)),
        Try(LIST + "?q=Nguyen+Van+An&xa=19903&nhom=orphan_both", row(CASE_ROLES)),
        Try(LIST, row(SIGNED_IN, ok_status=405), "post"),
    ],
    "so-theo-doi/tre-em/moi/": [
        Try("/so-theo-doi/tre-em/moi/", row(CASE_ROLES)),
        Try("/so-theo-doi/tre-em/moi/", row(CASE_ROLES, ok_status=400), "post", BAD_CHILD),
    ],
    "so-theo-doi/tre-em/<int:pk>/": [
        Try(CHILD, row(NOWHERE)),
        Try(CHILD, row(SIGNED_IN, ok_status=405), "post"),
    ],
    "so-theo-doi/tre-em/<int:pk>/sua/": [
        Try(CHILD + "sua/", row(NOWHERE)),
        Try(CHILD + "sua/", row(NOWHERE), "post", {"disability": "severe"}),
    ],
    "so-theo-doi/tre-em/<int:pk>/hoan-canh/": [
        Try(CHILD + "hoan-canh/", row(NOWHERE)),
        Try(CHILD + "hoan-canh/", row(NOWHERE), "post", {"group": "abandoned", "started_on": "01/03/2024"}),
    ],
    "so-theo-doi/tre-em/<int:pk>/hoan-canh/<int:item>/ket-thuc/": [
        Try(CHILD + "hoan-canh/1/ket-thuc/", row(NOWHERE)),
        Try(
            CHILD + "hoan-canh/1/ket-thuc/",
            row(NOWHERE),
            "post",
            {"ended_on": "01/03/2024", "confirm": "yes"},
        ),
    ],
    "so-theo-doi/tre-em/<int:pk>/ho-tro/": [
        Try(CHILD + "ho-tro/", row(NOWHERE)),
        Try(
            CHILD + "ho-tro/",
            row(NOWHERE),
            "post",
            {"kind": "care", "started_on": "01/03/2024", "provider": "x"},
        ),
    ],
    "so-theo-doi/tre-em/<int:pk>/ho-tro/<int:item>/ket-thuc/": [
        Try(CHILD + "ho-tro/1/ket-thuc/", row(NOWHERE)),
        Try(CHILD + "ho-tro/1/ket-thuc/", row(NOWHERE), "post", {"ended_on": "01/03/2024", "confirm": "yes"}),
    ],
    # written separately (treem/register/views_eligible.py, views_upload.py): the intended access
    "so-theo-doi/chua-duoc-huong/": [Try("/so-theo-doi/chua-duoc-huong/", row(CASE_ROLES))],
    "so-theo-doi/tai-len/": [Try("/so-theo-doi/tai-len/", row(CASE_ROLES))],
    "so-theo-doi/tai-len/mau/": [Try("/so-theo-doi/tai-len/mau/", row(CASE_ROLES))],
    "so-theo-doi/tai-len/<int:pk>/": [Try("/so-theo-doi/tai-len/999999/", row(NOWHERE))],
}

assert CASE_ROLES <= SIGNED_IN
