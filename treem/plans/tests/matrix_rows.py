"""Policy-matrix rows of the draft editor (/ke-hoach/<code>/du-thao/…), merged into
treem/accounts/tests/test_policy_matrix.py like the cases' and the reporting's rows.

The matrix database holds two issued plans (tth-2023, dn-2023) and no draft: only the plan managers of the
plan's province (the administrator and the coordinator of 46; the coordinator of 48 for dn-2023) open the
editor; its pages show the issued plan, and its edit pages and the issue page send them back to it with
"Kế hoạch đã ban hành, không sửa được" (302). Everyone else gets the 404 of a missing plan. Editing a draft
is tested in test_draft_editor.py."""

from treem.accounts.tests.test_policy_matrix import Try, row

MANAGERS_46 = {"admin", "coordinator"}
MANAGERS_48 = {"coordinator_48"}
PREFIX = "ke-hoach/<slug:code>/du-thao/"


def _reads(suffix: str) -> list[Try]:
    return [
        Try(f"/ke-hoach/tth-2023/du-thao/{suffix}", row(MANAGERS_46)),
        Try(f"/ke-hoach/dn-2023/du-thao/{suffix}", row(MANAGERS_48)),
        Try(f"/ke-hoach/khong-co/du-thao/{suffix}", row(set())),
    ]


def _edits(tth_suffix: str, dn_suffix: str | None = None, data: dict | None = None) -> list[Try]:
    """An issued plan's edit page: managers are sent back to the editor (302), with GET and POST alike."""
    tries = [
        Try(f"/ke-hoach/tth-2023/du-thao/{tth_suffix}", row(MANAGERS_46, ok_status=302)),
        Try(f"/ke-hoach/tth-2023/du-thao/{tth_suffix}", row(MANAGERS_46, ok_status=302), "post", data or {}),
        Try(f"/ke-hoach/khong-co/du-thao/{tth_suffix}", row(set())),
    ]
    if dn_suffix is not None:
        tries.append(Try(f"/ke-hoach/dn-2023/du-thao/{dn_suffix}", row(MANAGERS_48, ok_status=302)))
    return tries


ROWS: dict = {
    PREFIX: _reads(""),
    PREFIX + "thay-doi/": _reads("thay-doi/"),
    PREFIX + "tai-yaml/": _reads("tai-yaml/"),
    PREFIX + "ban-hanh/": _edits("ban-hanh/", "ban-hanh/", {"version": "x"}),
    PREFIX + "muc-tieu/<str:target>/": [
        *_edits("muc-tieu/MT01/", "muc-tieu/DN01/", {"version": "x", "text": "x"}),
        Try("/ke-hoach/tth-2023/du-thao/muc-tieu/KHONG-CO/", row(set())),  # a missing item: 404 for all
    ],
    PREFIX + "chi-tieu/<str:indicator>/": [
        *_edits("chi-tieu/MT01-TVSS/", "chi-tieu/DN01-TVSS/", {"version": "x", "threshold": "1"}),
        Try("/ke-hoach/tth-2023/du-thao/chi-tieu/DN01-TVSS/", row(set())),  # the other province's indicator
    ],
    PREFIX + "nhiem-vu/<str:task>/": [
        *_edits("nhiem-vu/IV.1.a/", "nhiem-vu/IV.2/", {"version": "x", "text": "x", "agency": "SYT"}),
        Try("/ke-hoach/tth-2023/du-thao/nhiem-vu/KHONG-CO/", row(set())),
    ],
    PREFIX + "thoi-han/<str:milestone>/": [
        *_edits("thoi-han/M-2023-05-25/", "thoi-han/M-2023-05-25/", {"version": "x", "date": "01/01/2023"}),
        Try("/ke-hoach/tth-2023/du-thao/thoi-han/M-1999/", row(set())),
    ],
    PREFIX + "kinh-phi/": _edits("kinh-phi/", "kinh-phi/", {"version": "x"}),
}
