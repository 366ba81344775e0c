"""Policy-matrix rows of the case API (treem/cases/api.py, api_counts.py) and of the Excel export of the case
list (/ho-so/xuat.xlsx): merged into treem/accounts/tests/test_policy_matrix.py through matrix_rows.py.

The API router makes each route twice, with and without a format suffix (`.json`). The matrix database
holds no case: the lists are empty for the roles with case records (commune officer, district officer, case
manager: signed in with their second factor) and the same 404 for every other role; a case code is a 404
for every role, whether it would be in the role's area or not; a posted body the API refuses is a 400 for
the case roles only (everyone else meets the 404 first). The counts answer every role with an area, for
a unit it sees (`within`); a unit outside and a missing one are the same 404. Anonymous callers get 401
from the API and the sign-in page from the export.
"""

from treem.accounts.tests.test_policy_matrix import (
    SEES_48,
    SEES_474,
    SEES_478,
    SEES_19903,
    SIGNED_IN,
    Try,
    api_row,
    row,
)

CASE_ROLES = {"commune", "district", "case_manager"}
WITH_AREA = SIGNED_IN - {"no_role"}
NOWHERE = "19903-2024-9999"  # a code of the commune officer's own commune, never registered
MISSING = "KHONG-CO"
EXPORT = "/ho-so/xuat.xlsx"
FORMAT = r"\.(?P<format>[a-z0-9]+)/?$"
CODE = "(?P<code>[^/.]+)"


def case_api(ok: set[str], **special: object) -> dict:
    return api_row(ok) | special


def refused(status: int) -> dict:
    """A request the case roles send with a wrong value: their status; the others' 404."""
    return case_api(set(), **{role: status for role in CASE_ROLES})


NOTIFICATION = {"commune_code": "19903", "values": "{}"}


def _one_case(suffix: str, *, post: dict | None = None) -> list[Try]:
    tries = [Try(f"/api/cases/{code}/{suffix}", case_api(set())) for code in (NOWHERE, MISSING)]
    if post is not None:
        tries += [
            Try(f"/api/cases/{code}/{suffix}", case_api(set()), "post", post) for code in (NOWHERE, MISSING)
        ]
    return tries


def _one_case_json(suffix: str) -> list[Try]:
    base = f"/api/cases/{NOWHERE}/{suffix}".rstrip("/")
    return [Try(f"{base}.json", case_api(set()))]


ROWS: dict = {
    "api/^cases/$": [
        Try("/api/cases/", case_api(CASE_ROLES)),
        Try("/api/cases/?state=open&risk=none&harm=violence&overdue=true&limit=5", case_api(CASE_ROLES)),
        Try("/api/cases/?commune=19903", case_api(CASE_ROLES)),
        Try("/api/cases/?commune=478", case_api({"district", "case_manager"})),
        Try("/api/cases/?commune=474", case_api({"case_manager"})),
        Try("/api/cases/?commune=20194", case_api(set())),  # a commune of Đà Nẵng
        Try("/api/cases/?commune=99999", case_api(set())),
        Try("/api/cases/?state=x&overdue=maybe", refused(400)),
        Try("/api/cases/", refused(400), "post", NOTIFICATION),  # a form the procedure refuses
    ],
    rf"api/^cases{FORMAT}": [Try("/api/cases.json", case_api(CASE_ROLES))],
    "api/^cases/tasks/$": [
        Try("/api/cases/tasks/", case_api(CASE_ROLES)),
        Try("/api/cases/tasks/?hours=720", case_api(CASE_ROLES)),
        Try("/api/cases/tasks/?hours=abc", refused(400)),
        Try("/api/cases/tasks/", case_api(set(), **{role: 405 for role in SIGNED_IN}), "post"),
    ],
    rf"api/^cases/tasks{FORMAT}": [Try("/api/cases/tasks.json", case_api(CASE_ROLES))],
    f"api/^cases/{CODE}/$": [
        *_one_case(""),
        Try("/api/cases/" + "9" * 60 + "/", case_api(set())),
        Try(f"/api/cases/{NOWHERE}/", case_api(SIGNED_IN, **{role: 405 for role in SIGNED_IN}), "post"),
    ],
    f"api/^cases/{CODE}{FORMAT}": _one_case_json(""),
    f"api/^cases/{CODE}/steps/$": _one_case("steps/", post={"step": "initial_assessment"}),
    f"api/^cases/{CODE}/steps{FORMAT}": _one_case_json("steps/"),
    f"api/^cases/{CODE}/moves/$": _one_case("moves/", post={"commune_code": "19912"}),
    f"api/^cases/{CODE}/moves{FORMAT}": _one_case_json("moves/"),
    "api/case-counts/": [
        Try("/api/case-counts/?by=harm", case_api(WITH_AREA)),
        Try("/api/case-counts/?by=overdue&include_closed=true", case_api(WITH_AREA)),
        Try("/api/case-counts/?by=risk&within=478", case_api(SEES_478)),
        Try("/api/case-counts/?by=step&within=474", case_api(SEES_474)),
        Try("/api/case-counts/?by=state&within=19903", case_api(SEES_19903)),
        Try("/api/case-counts/?by=harm&within=490", case_api(SEES_48)),
        Try("/api/case-counts/?by=harm&within=99999", case_api(set())),
        Try("/api/case-counts/?by=name", case_api(SIGNED_IN, **{role: 400 for role in SIGNED_IN})),
    ],
    "ho-so/xuat.xlsx": [
        Try(EXPORT, row(CASE_ROLES)),
        Try(EXPORT + "?state=open&risk=high&harm=neglect&overdue=false", row(CASE_ROLES)),
        Try(EXPORT + "?commune=19903", row(CASE_ROLES)),
        Try(EXPORT + "?commune=478", row({"district", "case_manager"})),
        Try(EXPORT + "?commune=474", row({"case_manager"})),
        Try(EXPORT + "?commune=20194", row(set())),
        Try(EXPORT + "?commune=99999", row(set())),
        Try(EXPORT + "?risk=%E2%80%94", row(set(), **{role: 400 for role in CASE_ROLES})),
        Try(EXPORT, row(SIGNED_IN, ok_status=405), "post"),
    ],
}

assert CASE_ROLES <= SIGNED_IN
