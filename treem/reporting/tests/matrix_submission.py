"""Policy-matrix rows of the reporting pages (submission): merged into treem/accounts/tests/test_policy_matrix.py.

A round is read by everyone who reads its plan; a body's submission by the province-wide roles of its
province, the national role and the body's own reporters (a commune officer none). Steps posted by a role
that sees the submission come back to the page (302, with the refusal or success as a message); a role
that does not see it gets the 404 a missing one gets."""

from __future__ import annotations

from treem.accounts.tests.test_policy_matrix import PROVINCE_46, SEES_48, SEES_19903, SIGNED_IN, Try, row

ROUND = "/bao-cao/tth-2023/M-2023-05-25/"
SYT = ROUND + "SYT/"
D478 = ROUND + "UBND-478/"
D474 = ROUND + "UBND-474/"
MISSING = ROUND + "KHONG-CO/"
DN490 = "/bao-cao/dn-2023/M-2023-05-25/DN-UBND-490/"
PAGE = "bao-cao/<slug:plan>/<str:round>/<str:agency>/"

SEES = [
    (SYT, PROVINCE_46 | {"national", "reporter"}),
    (D478, PROVINCE_46 | {"national", "district"}),
    (D474, PROVINCE_46 | {"national"}),
    (DN490, SEES_48),
    (MISSING, set()),
]


def step_tries(suffix: str, data: dict | None = None) -> list[Try]:
    """A step posted where no submission exists yet: back to the page for those who see it, else 404."""
    return [Try(url + suffix, row(ok, ok_status=302), "post", data or {}) for url, ok in SEES] + [
        Try(SYT + suffix, row(SIGNED_IN, ok_status=405))  # GET on a POST-only address
    ]


ROWS: dict[str, list[Try]] = {
    "bao-cao/": [Try("/bao-cao/", row(SIGNED_IN))],  # without a role: the no-access page
    "bao-cao/<slug:plan>/<str:round>/": [
        Try(ROUND, row(SEES_19903)),
        Try("/bao-cao/dn-2023/M-2023-05-25/", row(SEES_48)),
        Try("/bao-cao/tth-2023/M-KHONG-CO/", row(set())),
        Try("/bao-cao/khong-co/M-2023-05-25/", row(set())),
    ],
    PAGE: [Try(url, row(ok)) for url, ok in SEES]
    + [
        # an empty save: the body's own reporter gets the form back with its errors, readers a refusal
        Try(SYT, row(PROVINCE_46 | {"national"}, ok_status=302, reporter=200), "post"),
        Try(D478, row(PROVINCE_46 | {"national"}, ok_status=302, district=200), "post"),
        Try(D474, row(PROVINCE_46 | {"national"}, ok_status=302), "post"),
    ],
    PAGE + "gui/": step_tries("gui/"),
    PAGE + "tiep-nhan/": step_tries("tiep-nhan/"),
    PAGE + "tra-lai/": step_tries("tra-lai/", {"comment": ""}),
    PAGE + "mo-lai/": step_tries("mo-lai/", {"comment": ""}),
    PAGE + "phien-ban/<int:number>/": [Try(url + "phien-ban/1/", row(set())) for url, _ok in SEES],
    PAGE + "tep/": step_tries("tep/"),
    PAGE + "tep/<int:pk>/": [Try(url + "tep/999999/", row(set())) for url, _ok in SEES],
    PAGE + "tep/<int:pk>/go/": [Try(url + "tep/999999/go/", row(set()), "post") for url, _ok in SEES]
    + [Try(SYT + "tep/999999/go/", row(SIGNED_IN, ok_status=405))],
}
