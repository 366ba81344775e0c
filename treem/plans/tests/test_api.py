"""The read API: token authentication, the OpenAPI schema and docs, the full plan, filters, read-only."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from rest_framework.authtoken.models import Token

from treem.accounts.models import Role
from treem.plans.models import Plan


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def token_header(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


# --- token authentication ---------------------------------------------------------------------------------


def test_token_authenticates_an_api_client_without_a_session(client, coordinator):
    response = client.get("/api/plans/", **token_header(coordinator))

    assert response.status_code == 200
    assert [p["code"] for p in response.json()["results"]] == ["tth-2023"]


def test_token_carries_the_scope_of_its_user(client, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, "19903")

    response = client.get("/api/units/", **token_header(officer))

    assert response.status_code == 200
    assert [u["code"] for u in response.json()["results"]] == ["19903"]


@pytest.mark.parametrize("header", ["Token 0123456789abcdef0123456789abcdef01234567", "Token", ""])
def test_a_wrong_or_missing_token_is_refused(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/api/plans/", **extra)

    assert response.status_code == 401 and "WWW-Authenticate" in response


def test_token_of_an_inactive_user_is_refused(client, coordinator):
    header = token_header(coordinator)
    coordinator.is_active = False
    coordinator.save()

    assert client.get("/api/plans/", **header).status_code == 401


# --- schema and docs ---------------------------------------------------------------------------------------


def test_schema_is_an_openapi_3_document_listing_units_agencies_and_plans(signed_in):
    response = signed_in.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert str(schema["openapi"]).startswith("3.")
    assert schema["info"]["title"] == "treem API"
    paths = schema["paths"]
    for path in ("/api/units/", "/api/agencies/", "/api/plans/", "/api/plans/{code}/full/"):
        assert path in paths, path
        assert set(paths[path]) <= {"get", "parameters"}, f"{path} offers only reads"


def test_schema_is_also_served_as_json(signed_in):
    response = signed_in.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_api_docs_load_swagger_ui_from_local_static_files_only(signed_in):
    response = signed_in.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    sources = re.findall(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert any(s.endswith("swagger-ui.css") for s in sources)
    for source in sources:
        remote = re.match(r"(?:https?:)?//", source)
        assert not remote or source.startswith("http://testserver/"), f"remote asset {source}"
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), f"{source} is not a shipped static file"
    assert "cdn." not in html and "unpkg.com" not in html and "jsdelivr" not in html


def test_api_docs_point_swagger_ui_at_the_local_schema(signed_in):
    html = signed_in.get("/api/docs/").content.decode()

    assert '"/api/schema/"' in html


# --- content ---------------------------------------------------------------------------------------------


def test_full_plan_has_fourteen_targets_and_five_milestones(signed_in, plan):
    response = signed_in.get("/api/plans/tth-2023/full/")

    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "tth-2023"
    assert len(data["targets"]) == 14
    assert len(data["milestones"]) == 5
    assert [t["code"] for t in data["targets"]] == list(
        plan.targets.filter(is_active=True).values_list("code", flat=True)
    )
    assert sorted(m["date"] for m in data["milestones"]) == [
        "2023-04-15",
        "2023-05-25",
        "2023-09-30",
        "2023-11-15",
        "2023-12-05",
    ]


def test_full_plan_of_an_unknown_code_is_404(signed_in):
    assert signed_in.get("/api/plans/khong-co/full/").status_code == 404


def test_plan_detail_names_province_and_owner(signed_in):
    data = signed_in.get("/api/plans/tth-2023/").json()

    assert data["code"] == "tth-2023"
    assert data["year"] == 2023
    assert data["province"] == "46"
    assert data["owner"] == "SLDTBXH"


def test_units_filtered_by_district_level_gives_the_nine_districts(signed_in):
    response = signed_in.get("/api/units/", {"level": "district"})

    data = response.json()
    assert data["count"] == 9
    assert {u["level"] for u in data["results"]} == {"district"}
    assert {u["parent_code"] for u in data["results"]} == {"46"}
    assert {"474", "478"} <= {u["code"] for u in data["results"]}


def test_units_filtered_by_parent_gives_its_communes(signed_in):
    data = signed_in.get("/api/units/", {"parent__code": "478"}).json()

    assert data["count"] == 14
    assert {u["parent_code"] for u in data["results"]} == {"478"}


def test_agencies_list_shows_group_members(signed_in):
    data = signed_in.get("/api/agencies/UBND-HUYEN/").json()

    assert data["kind"] == "group"
    assert len(data["members"]) == 9 and "UBND-478" in data["members"]


# --- read-only ---------------------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/plans/"),
    ("put", "/api/plans/tth-2023/"),
    ("patch", "/api/plans/tth-2023/"),
    ("delete", "/api/plans/tth-2023/"),
    ("post", "/api/plans/tth-2023/full/"),
    ("post", "/api/units/"),
    ("put", "/api/units/478/"),
    ("delete", "/api/units/478/"),
    ("post", "/api/agencies/"),
    ("delete", "/api/agencies/SYT/"),
]


@pytest.mark.parametrize("method,path", WRITES)
def test_api_is_read_only_even_for_the_plan_manager(client, coordinator, plan, method, path):
    header = token_header(coordinator)  # token auth: no CSRF in the way, so only the view can refuse

    response = getattr(client, method)(
        path, data={"code": "x", "title": "x"}, content_type="application/json", **header
    )

    assert response.status_code in (403, 405)
    assert Plan.objects.filter(code="tth-2023", title=plan.title).exists()


def test_api_is_read_only_for_a_signed_in_session(signed_in, plan):
    response = signed_in.delete("/api/plans/tth-2023/")

    assert response.status_code in (403, 405)
    assert Plan.objects.filter(code="tth-2023").exists()
