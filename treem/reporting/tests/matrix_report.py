"""Policy-matrix rows of the reporting pages (report): merged into treem/accounts/tests/test_policy_matrix.py.

A round's consolidated report is read by the province-wide roles of its province (coordinators,
administrators, leaders) and the national role; only the province's reviewers (coordinator, administrator)
save or issue it. Everyone else gets the 404 a missing round gets. A body's own report as a Word file
exists only once the body has saved a submission: in the matrix's empty database, a 404 for everyone."""

from __future__ import annotations

from treem.accounts.tests.test_policy_matrix import PROVINCE_46, SEES_48, SIGNED_IN, Try, row

REPORT = "/bao-cao/tth-2023/M-2023-12-05/tong-hop/"
DN_REPORT = "/bao-cao/dn-2023/M-2023-05-25/tong-hop/"
MISSING = "/bao-cao/tth-2023/M-1999/tong-hop/"
READERS = PROVINCE_46 | {"national"}
EDITORS = {"coordinator", "admin"}
PAGE = "bao-cao/<slug:plan>/<str:round>/tong-hop/"


def download_tries(name: str, ok_status: object = 200) -> list[Try]:
    return [
        Try(REPORT + name, row(READERS, ok_status=ok_status)),
        Try(DN_REPORT + name, row(SEES_48, ok_status=ok_status)),
        Try(MISSING + name, row(set())),
    ]


ROWS: dict = {
    PAGE: [
        Try(REPORT, row(READERS)),
        Try(DN_REPORT, row(SEES_48)),
        Try(MISSING, row(set())),
        # saving a draft: the reviewers come back to the page; readers who may not edit get the 404
        Try(REPORT, row(EDITORS, ok_status=302), "post", {"number": "", "introduction": ""}),
        Try(MISSING, row(set()), "post", {"number": ""}),
    ],
    PAGE + "bao-cao.docx": download_tries("bao-cao.docx"),
    PAGE + "bao-cao.xlsx": download_tries("bao-cao.xlsx"),
    # with LibreOffice the PDF; without it a page that says so (503)
    PAGE + "bao-cao.pdf": download_tries("bao-cao.pdf", ok_status={200, 503}),
    PAGE + "ban-hanh/": [
        Try(REPORT + "ban-hanh/", row(SIGNED_IN, ok_status=405)),  # GET on a POST-only address
        Try(MISSING + "ban-hanh/", row(set()), "post"),
    ],
    "bao-cao/<slug:plan>/<str:round>/<str:agency>/bao-cao.docx": [
        Try("/bao-cao/tth-2023/M-2023-05-25/SYT/bao-cao.docx", row(set())),  # no submission yet
        Try("/bao-cao/tth-2023/M-2023-05-25/KHONG-CO/bao-cao.docx", row(set())),
    ],
}
