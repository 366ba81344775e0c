"""Malformed query strings and URLs get a page or a clear refusal, never a server error, whoever asks."""

import pytest

from treem.accounts.models import Role

URLS = [
    "/bang-theo-doi/?period=abc&unit=zz",
    "/bang-theo-doi/?period=2023S3",
    "/bang-theo-doi/?unit=99999",
    "/bang-theo-doi/?plan=khong-co",
    "/bang-theo-doi/chi-tiet/KHONG-CO/",
    "/bang-theo-doi/chi-tiet/MT01-TVSS/?period=20x",
    "/bang-theo-doi/bieu-do/MT01-TVSS/?period=0000",
    "/bang-theo-doi/bieu-do/MT01-TVSS/?unit=%00",
    "/bang-theo-doi/?print=1&period=2023",
    "/so-lieu/?agency=X&period=Y&unit=Z",
    "/so-lieu/SYT/2023S9/474/",
    "/so-lieu/SYT/2023S1/474/?trang=abc",
    "/so-lieu/SYT/2023S1/474/?trang=-5",
    "/so-lieu/KHONG-CO/2023S1/474/mau.xlsx",
    "/don-vi/?q=%27%22%3Cscript%3E",
    "/ke-hoach/khong-co/",
    "/ke-hoach/tth-2023/co-quan/KHONG-CO/",
    "/api/evaluations/?plan=tth-2023&period=bad",
    "/api/evaluations/?plan=khong-co",
    "/api/dataValueSets/?period=2023&orgUnit=khong-co",
    "/api/units/?level=bogus",
    "/api/plans/khong-co/full/",
]


@pytest.mark.parametrize(
    ("role", "unit", "agency"),
    [
        (Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"),
        (Role.AGENCY_REPORTER, None, "SYT"),
        (Role.COMMUNE_OFFICER, "19750", None),
        (Role.LEADER, "46", None),
    ],
)
def test_malformed_parameters_never_cause_a_server_error(client, make_user, role, unit, agency):
    client.force_login(make_user(role, unit, agency))

    failures = [(url, client.get(url).status_code) for url in URLS]

    assert [(url, status) for url, status in failures if status >= 500] == []
    assert dict(failures)["/ke-hoach/khong-co/"] == 404


def test_a_nul_character_is_refused_with_400_not_stored(client, make_user):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))

    assert client.get("/bang-theo-doi/", {"unit": "46\x00"}).status_code == 400
    assert (
        client.post("/so-lieu/SYT/2023S1/474/o/19750/LIVE_BIRTHS/default/", {"value": "1\x00"}).status_code
        == 400
    )
