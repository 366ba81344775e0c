"""Every URL pattern of the project against every role, in two provinces.

`MATRIX` has a row per URL pattern of the resolver (the API router's included): the addresses to try —
the user's own area, another district or commune of its province, the other province (Đà Nẵng, 48,
loaded for every test) and codes that do not exist — and the status each role gets there. A pattern
without a row fails `test_every_url_pattern_has_a_row`, so a new page cannot ship unchecked.

An object outside the scope is a 404 with the same body as one that does not exist
(`test_outside_the_scope_is_the_same_404_as_missing`), so nobody learns that it exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.api_urls import DHIS2_PREFIX

ANON = "anonymous"
# role name → (Role, unit code, agency code, extra fields)
USERS = {
    "no_role": ("", None, None, {}),
    "national": (Role.NATIONAL, None, None, {}),
    "admin": (Role.ADMIN, "46", None, {"is_staff": True, "is_superuser": True}),
    "coordinator": (Role.PROVINCE_COORDINATOR, "46", "SLDTBXH", {}),
    "leader": (Role.LEADER, "46", None, {}),
    "case_manager": (Role.CASE_MANAGER, "46", None, {}),  # reads the province like a leader; cases too
    "reporter": (Role.AGENCY_REPORTER, None, "SYT", {}),  # a provincial department: the whole province
    "district": (Role.DISTRICT_OFFICER, "478", "UBND-478", {}),  # Huyện Phú Vang
    "commune": (Role.COMMUNE_OFFICER, "19903", None, {}),  # Xã Phú Thuận, in 478
    "coordinator_48": (Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH", {}),  # the other province
}
ROLES = [ANON, *USERS]
SIGNED_IN = set(USERS)

PROVINCE_46 = {"admin", "coordinator", "leader", "case_manager"}  # province-wide roles of 46
SEES_474 = PROVINCE_46 | {"national", "reporter"}  # another district than the officers'
SEES_478 = SEES_474 | {"district"}
SEES_19903 = SEES_478 | {"commune"}
SEES_48 = {"national", "coordinator_48"}
ENTERS = {"admin", "coordinator", "reporter", "district", "commune", "coordinator_48"}
# Roles that open case records: signed in WITH the second factor (treem.accounts.otp), as they work.
CASE_ROLES = {"commune", "district", "case_manager"}
NO_ENTRY = SIGNED_IN - ENTERS

LOGIN = "login"  # a redirect to the sign-in page
API_ANON = 401  # no credential: 401 with a `WWW-Authenticate: Basic` challenge, as DHIS2 answers


def row(ok: set[str], *, ok_status: int = 200, other: int = 404, anon: object = LOGIN, **special) -> dict:
    """Expected status per role: `ok_status` for `ok`, `other` for the rest, `special` overrides."""
    expected: dict[str, object] = {role: (ok_status if role in ok else other) for role in USERS}
    expected[ANON] = anon
    expected.update(special)
    return expected


def entry_row(ok: set[str]) -> dict:
    """Entry pages: 403 for roles that never enter figures, 404 outside the scope, like a missing one."""
    return row(ok, **{role: 403 for role in NO_ENTRY})


def api_row(ok: set[str]) -> dict:
    return row(ok, anon=API_ANON)


@dataclass
class Try:
    url: str
    expected: dict
    method: str = "get"
    data: dict = field(default_factory=dict)


E478 = "/so-lieu/SYT/2023S1/478/"
E19903 = "/so-lieu/SYT/2023S1/19903/"
E474 = "/so-lieu/SYT/2023S1/474/"
E490 = "/so-lieu/SYT/2023S1/490/"
E_MISSING = "/so-lieu/SYT/2023S1/99999/"
ENTRY_PAGES = [
    (E478, SEES_478 & ENTERS - {"national"}),
    (E19903, SEES_19903 & ENTERS - {"national"}),
    (E474, SEES_474 & ENTERS - {"national"}),
    (E490, set()),  # Sở Y tế of 46 supplies no figure of Đà Nẵng
    (E_MISSING, set()),
]


def entry_tries(suffix: str, method: str = "get", data: dict | None = None, ok_status: int = 200) -> list:
    tries = []
    for page, ok in ENTRY_PAGES:
        expected = row(ok, ok_status=ok_status, **{role: 403 for role in NO_ENTRY})
        tries.append(Try(page + suffix, expected, method, data or {}))
    return tries


SCORECARD = "/bang-theo-doi/"
MATRIX: dict[str, list[Try]] = {
    "": [Try("/", row(SIGNED_IN))],  # every role its own home page (no role: the no-access page)
    "dang-nhap/": [Try("/dang-nhap/", row(SIGNED_IN, anon=200))],
    "dang-xuat/": [Try("/dang-xuat/", row(SIGNED_IN, ok_status=405, anon=405))],
    "tai-khoan/token/": [Try("/tai-khoan/token/", row(SIGNED_IN))],  # each user's own token only
    # the second factor: only the roles that open case records have one (others: a missing page)
    "tai-khoan/xac-thuc/": [Try("/tai-khoan/xac-thuc/", row(CASE_ROLES))],
    "tai-khoan/xac-thuc/thiet-lap/": [
        Try("/tai-khoan/xac-thuc/thiet-lap/", row(CASE_ROLES)),
        Try("/tai-khoan/xac-thuc/thiet-lap/?next=https://evil.example/", row(CASE_ROLES)),
    ],
    "i18n/setlang/": [Try("/i18n/setlang/", row(SIGNED_IN, ok_status=302, anon=302))],
    "ke-hoach/": [Try("/ke-hoach/", row(SIGNED_IN - {"national", "no_role"}, ok_status=302, other=200))],
    # an officer's own agency page; roles reading every agency get the plan; a commune has no agency
    "ke-hoach/nhiem-vu-cua-toi/": [
        Try("/ke-hoach/nhiem-vu-cua-toi/", row(SIGNED_IN - {"no_role", "commune"}, ok_status=302))
    ],
    "ke-hoach/<slug:code>/": [
        Try("/ke-hoach/tth-2023/", row(SEES_19903)),
        Try("/ke-hoach/dn-2023/", row(SEES_48)),
        Try("/ke-hoach/khong-co/", row(set())),
    ],
    "ke-hoach/<slug:code>/co-quan/<str:agency_code>/": [
        Try("/ke-hoach/tth-2023/co-quan/SYT/", row(PROVINCE_46 | {"national", "reporter"})),
        Try("/ke-hoach/tth-2023/co-quan/UBND-478/", row(PROVINCE_46 | {"national", "district"})),
        Try("/ke-hoach/tth-2023/co-quan/UBND-474/", row(PROVINCE_46 | {"national"})),
        Try("/ke-hoach/dn-2023/co-quan/DN-SYT/", row(SEES_48)),
        Try("/ke-hoach/tth-2023/co-quan/DN-SYT/", row({"national"})),  # a body of the other province
        Try("/ke-hoach/tth-2023/co-quan/KHONG-CO/", row(set())),
    ],
    "don-vi/": [Try("/don-vi/", row(SIGNED_IN))],
    "so-lieu/": [Try("/so-lieu/", row(ENTERS, other=403))],
    "so-lieu/<str:agency>/<str:period>/<str:unit>/": entry_tries(""),
    "so-lieu/<str:agency>/<str:period>/<str:unit>/o/<str:row>/<str:element>/<str:combo>/": [
        Try(E478 + "o/19903/LIVE_BIRTHS/default/", entry_row(SEES_478 & ENTERS), "post", {"value": "7"}),
        Try(E19903 + "o/19903/LIVE_BIRTHS/default/", entry_row(SEES_19903 & ENTERS), "post", {"value": "7"}),
        Try(E478 + "o/19750/LIVE_BIRTHS/default/", entry_row(set()), "post", {"value": "7"}),  # not of 478
        Try(E474 + "o/19750/LIVE_BIRTHS/default/", entry_row(SEES_474 & ENTERS), "post", {"value": "7"}),
        Try(E490 + "o/20194/LIVE_BIRTHS/default/", entry_row(set()), "post", {"value": "7"}),
    ],
    "so-lieu/<str:agency>/<str:period>/<str:unit>/hoan-thanh/": entry_tries(
        "hoan-thanh/", "post", {"action": "mark"}, ok_status=302
    ),
    "so-lieu/<str:agency>/<str:period>/<str:unit>/mau.xlsx": entry_tries("mau.xlsx"),
    "so-lieu/<str:agency>/<str:period>/<str:unit>/tai-len/": entry_tries("tai-len/", "post"),
    "so-lieu/<str:agency>/<str:period>/<str:unit>/tai-len/<int:pk>/": [
        Try(page + "tai-len/999999/", entry_row(set())) for page, _ in ENTRY_PAGES
    ],
    "so-lieu/<str:agency>/<str:period>/<str:unit>/tai-len/<int:pk>/xac-nhan/": [
        Try(page + "tai-len/999999/xac-nhan/", entry_row(set()), "post") for page, _ in ENTRY_PAGES
    ],
    "bang-theo-doi/": [
        Try(SCORECARD, row(SIGNED_IN - {"no_role"})),
        Try(SCORECARD + "?plan=tth-2023&unit=478", row(SEES_478)),
        Try(SCORECARD + "?plan=tth-2023&unit=474", row(SEES_474)),
        Try(SCORECARD + "?plan=tth-2023&unit=490", row(set())),
        Try(SCORECARD + "?plan=tth-2023&unit=99999", row(set())),
        Try(SCORECARD + "?plan=dn-2023", row(SEES_48)),
        Try(SCORECARD + "?plan=dn-2023&unit=474", row(set())),
    ],
    "bang-theo-doi/chi-tiet/<str:indicator_code>/": [
        Try(SCORECARD + "chi-tiet/MT01-TVSS/?plan=tth-2023&unit=478", row(SEES_478)),
        Try(SCORECARD + "chi-tiet/MT01-TVSS/?plan=tth-2023&unit=474", row(SEES_474)),
        Try(SCORECARD + "chi-tiet/DN01-TVSS/?plan=dn-2023", row(SEES_48)),
        Try(SCORECARD + "chi-tiet/KHONG-CO/?plan=tth-2023&unit=478", row(set())),
    ],
    "bang-theo-doi/bieu-do/<str:indicator_code>/": [
        Try(SCORECARD + "bieu-do/MT01-TVSS/?plan=tth-2023&unit=478", row(SEES_478)),
        Try(SCORECARD + "bieu-do/DN01-TVSS/?plan=dn-2023&unit=490", row(SEES_48)),
        Try(SCORECARD + "bieu-do/MT01-TVSS/?plan=tth-2023&unit=490", row(set())),
    ],
    "nhat-ky/": [Try("/nhat-ky/", row({"admin", "coordinator", "coordinator_48"}))],
    "api/schema/": [Try("/api/schema/", api_row(SIGNED_IN))],
    "api/docs/": [Try("/api/docs/", api_row(SIGNED_IN))],
    # DHIS2's routes (treem/api_urls.py): with or without the trailing slash, a suffix, an API version
    "api/dataValueSets/": [  # the plain path, the one the OpenAPI schema documents
        Try("/api/dataValueSets/?period=2023S1&orgUnit=478", api_row(SEES_478)),
        Try("/api/dataValueSets/?period=2023S1&orgUnit=474", api_row(SEES_474)),
        Try("/api/dataValueSets/?period=2023S1&orgUnit=490", api_row(SEES_48)),
        Try("/api/dataValueSets/?period=2023S1&orgUnit=99999", api_row(set())),
    ],
    f"api/{DHIS2_PREFIX}dataValueSets(?P<suffix>/|\\.json|\\.csv)?$": [
        Try("/api/dataValueSets?period=2023S1&orgUnit=478", api_row(SEES_478)),
        Try("/api/dataValueSets?period=2023S1&orgUnit=474", api_row(SEES_474)),
        Try("/api/40/dataValueSets/?period=2023S1&orgUnit=490", api_row(SEES_48)),
        Try("/api/dataValueSets.json?period=2023S1&orgUnit=490", api_row(SEES_48)),
        Try("/api/40/dataValueSets?period=2023S1&orgUnit=99999", api_row(set())),
    ],
    # every signed-in caller learns the server's version and who it is (a user without a role: no unit)
    "api/system/info": [Try("/api/system/info", api_row(SIGNED_IN))],  # the path the schema documents
    "api/me": [Try("/api/me", api_row(SIGNED_IN))],
    f"api/{DHIS2_PREFIX}system/info(?P<suffix>\\.json)?/?$": [
        Try("/api/system/info", api_row(SIGNED_IN)),
        Try("/api/40/system/info.json", api_row(SIGNED_IN)),
        Try("/api/system/info", row(SIGNED_IN, ok_status=405, anon=API_ANON), "post"),
    ],
    f"api/{DHIS2_PREFIX}me(?P<suffix>\\.json)?/?$": [
        Try("/api/me", api_row(SIGNED_IN)),
        Try("/api/41/me.json?fields=id,organisationUnits[id]", api_row(SIGNED_IN)),
        Try("/api/me/", row(SIGNED_IN, ok_status=405, anon=API_ANON), "delete"),
    ],
    "api/evaluations/": [
        Try("/api/evaluations/?plan=tth-2023&period=2023&orgUnit=478", api_row(SEES_478)),
        Try("/api/evaluations/?plan=tth-2023&period=2023", api_row(SEES_474)),
        Try("/api/evaluations/?plan=dn-2023&period=2023", api_row(SEES_48)),
        Try("/api/evaluations/?plan=tth-2023&period=2023&orgUnit=490", api_row(set())),
        Try("/api/evaluations/?plan=khong-co&period=2023", api_row(set())),
    ],
    "api/token/": [Try("/api/token/", api_row(SIGNED_IN)), Try("/api/token/", api_row(set()), "delete")],
    "api/": [Try("/api/", api_row(SIGNED_IN))],
    "api/<drf_format_suffix:format>": [Try("/api/.json", api_row(SIGNED_IN))],
}


def _detail_rows(name: str, cases: list[tuple[str, set[str]]], listing: set[str]) -> None:
    """The four routes the API router makes per viewset: list and detail, each with a format suffix."""
    MATRIX[f"api/^{name}/$"] = [Try(f"/api/{name}/", api_row(listing))]
    MATRIX[rf"api/^{name}\.(?P<format>[a-z0-9]+)/?$"] = [Try(f"/api/{name}.json", api_row(listing))]
    MATRIX[f"api/^{name}/(?P<code>[^/.]+)/$"] = [Try(f"/api/{name}/{c}/", api_row(ok)) for c, ok in cases]
    MATRIX[rf"api/^{name}/(?P<code>[^/.]+)\.(?P<format>[a-z0-9]+)/?$"] = [
        Try(f"/api/{name}/{c}.json", api_row(ok)) for c, ok in cases
    ]


_detail_rows("units", [("478", SEES_478), ("474", SEES_474), ("490", SEES_48), ("99999", set())], SIGNED_IN)
_detail_rows(
    "agencies",
    [("SYT", PROVINCE_46 | {"national", "reporter"}), ("UBND-478", PROVINCE_46 | {"national", "district"}),
     ("DN-SYT", SEES_48), ("KHONG-CO", set())],
    SIGNED_IN,
)  # fmt: skip
_detail_rows("plans", [("tth-2023", SEES_19903), ("dn-2023", SEES_48), ("khong-co", set())], SIGNED_IN)
MATRIX["api/^plans/(?P<code>[^/.]+)/full/$"] = [
    Try("/api/plans/tth-2023/full/", api_row(SEES_19903)),
    Try("/api/plans/dn-2023/full/", api_row(SEES_48)),
]
MATRIX[r"api/^plans/(?P<code>[^/.]+)/full\.(?P<format>[a-z0-9]+)/?$"] = [
    Try("/api/plans/tth-2023/full.json", api_row(SEES_19903)),
    Try("/api/plans/dn-2023/full.json", api_row(SEES_48)),
]
# The admin site has its own access rules (staff only); one row stands for all its patterns.
ADMIN_PREFIX = "admin/"
MATRIX[ADMIN_PREFIX] = [
    Try("/admin/", row({"admin"}, other=302, anon=302)),
    Try("/admin/accounts/user/", row({"admin"}, other=302, anon=302)),
]

# Apps above accounts bring the rows of their own pages (they import Try and row from here).
from treem.cases.tests import matrix_rows as case_rows  # noqa: E402
from treem.plans.tests import matrix_rows as plan_rows  # noqa: E402
from treem.reporting.tests import matrix_rows  # noqa: E402

MATRIX.update(matrix_rows.ROWS)
MATRIX.update(case_rows.ROWS)
MATRIX.update(plan_rows.ROWS)  # the draft plan editor


def url_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern the resolver knows, as one string per pattern (prefixes of includes joined)."""
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            found += url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


def test_every_url_pattern_has_a_row():
    patterns = url_patterns()
    assert len(patterns) > 40 and "so-lieu/" in patterns  # the resolver was walked, includes and all
    missing = [p for p in patterns if p not in MATRIX and not p.startswith(ADMIN_PREFIX)]
    assert missing == [], "add a row to MATRIX for each new page or API route"
    assert set(MATRIX) - {ADMIN_PREFIX} <= set(patterns), "rows for patterns that no longer exist"


@pytest.fixture
def client_for(client, make_user):
    """A client signed in as `role`: case roles with a verified second factor, others with the password."""

    def make(role: str):
        if role != ANON:
            db_role, unit, agency, extra = USERS[role]
            user = make_user(db_role, unit, agency, **extra)
            if role in CASE_ROLES:
                sign_in_with_factor(client, user)
            else:
                client.force_login(user)
        return client

    return make


def _fetch(client, attempt: Try):
    return getattr(client, attempt.method)(attempt.url, attempt.data)


CASES = [(pattern, i) for pattern, tries in MATRIX.items() for i in range(len(tries))]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("pattern, index", CASES, ids=[f"{p}#{i}" for p, i in CASES])
def test_each_role_gets_what_the_policy_gives_it(client_for, role, pattern, index):
    attempt = MATRIX[pattern][index]
    expected = attempt.expected[role]

    response = _fetch(client_for(role), attempt)

    where = f"{role} {attempt.method.upper()} {attempt.url}"
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), where
    elif isinstance(expected, set):
        assert response.status_code in expected, where
    else:
        assert response.status_code == expected, where


MISSING_TWINS = {  # an address outside some scopes → the same address with a code that exists nowhere
    "/ke-hoach/dn-2023/": "/ke-hoach/khong-co/",
    "/ke-hoach/tth-2023/co-quan/UBND-474/": "/ke-hoach/tth-2023/co-quan/KHONG-CO/",
    "/ke-hoach/tth-2023/co-quan/DN-SYT/": "/ke-hoach/tth-2023/co-quan/KHONG-CO/",
    E474: E_MISSING,
    E490: E_MISSING,
    E474 + "mau.xlsx": E_MISSING + "mau.xlsx",
    "/api/units/474/": "/api/units/99999/",
    "/api/units/490/": "/api/units/99999/",
    "/api/agencies/DN-SYT/": "/api/agencies/KHONG-CO/",
    "/api/plans/dn-2023/": "/api/plans/khong-co/",
    "/bao-cao/tth-2023/M-2023-05-25/UBND-474/": "/bao-cao/tth-2023/M-2023-05-25/KHONG-CO/",
    "/bao-cao/dn-2023/M-2023-05-25/": "/bao-cao/tth-2023/M-1999/",
    "/bao-cao/dn-2023/bang/": "/bao-cao/khong-co/bang/",
    "/bao-cao/dn-2023/M-2023-05-25/tong-hop/": "/bao-cao/tth-2023/M-1999/tong-hop/",
}


def _body(response) -> str:
    html = response.content.decode()
    main = re.search(r"<main[^>]*>.*?</main>", html, re.S)
    return main.group(0) if main else html


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
@pytest.mark.parametrize("outside, missing", sorted(MISSING_TWINS.items()))
def test_outside_the_scope_is_the_same_404_as_missing(client_for, role, outside, missing):
    client = client_for(role)
    response = client.get(outside)
    if response.status_code != 404:
        pytest.skip(f"{outside} is within the scope of {role}")

    twin = client.get(missing)

    assert twin.status_code == 404
    assert _body(response) == _body(twin)


def test_the_api_404_names_only_the_code_that_was_asked_for(client_for):
    client = client_for("district")

    outside = client.get("/api/dataValueSets/", {"period": "2023S1", "orgUnit": "490"})
    missing = client.get("/api/dataValueSets/", {"period": "2023S1", "orgUnit": "99999"})

    assert outside.json()["message"] == "Không có đơn vị hành chính mã '490' trong phạm vi của bạn."
    assert missing.json()["message"] == "Không có đơn vị hành chính mã '99999' trong phạm vi của bạn."
