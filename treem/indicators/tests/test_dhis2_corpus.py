"""The DHIS2 corpus (tests/data/dhis2_corpus): DHIS2-shaped files, each posted to /api/dataValueSets as a DHIS2
client would, answered with the ImportSummary DHIS2's semantics give and leaving the database as DHIS2 would
(or as the case's `why` says treem deliberately does otherwise). The corpus README describes a case's files."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from treem.accounts.models import Role
from treem.indicators.models import DataValue

from .api_helpers import seed

CORPUS = Path(__file__).parent / "data" / "dhis2_corpus"
SUFFIX = ".expected.json"
CASES = sorted(p.name[: -len(SUFFIX)] for p in CORPUS.glob("*" + SUFFIX))
USERS = {"syt_reporter": (Role.AGENCY_REPORTER, None, "SYT")}


def _input(name: str) -> Path:
    [path] = [p for p in CORPUS.glob(name + ".*") if not p.name.endswith(SUFFIX)]
    return path


def _post(client, path: str, query: str, body: bytes, content_type: str):
    return client.post(path + (f"?{query}" if query else ""), data=body, content_type=content_type)


def _json(response) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def _round_trip(client, request: dict[str, Any], body: bytes) -> tuple[bytes, str]:
    """Post the input, read the values back as asked, and give the export to post again."""
    first = _post(client, request["path"], "", body, request["content_type"])
    assert first.status_code == 200, first.content.decode()
    headers = {"HTTP_ACCEPT": request["accept"]} if "accept" in request else {}
    got = client.get(request["get_path"] + "?" + request["get_query"], **headers)
    assert got.status_code == 200, got.content.decode()
    content_type = request.get("post_back_content_type", "application/json")
    if "csv" in content_type:
        assert "csv" in got["Content-Type"], got["Content-Type"]
        rows = list(csv.reader(io.StringIO(got.content.decode())))
        assert len(rows) - 1 == request["get_count"], rows  # the header and one row per value
    else:
        assert len(_json(got)["dataValues"]) == request["get_count"]
    return got.content, content_type


def _check_conflicts(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Conflicts compared by object, errorCode, property and indexes; the text by a piece of it."""
    assert len(got) == len(expected), got
    remaining = list(got)
    for want in expected:
        fields = {k: v for k, v in want.items() if k != "value_contains"}
        match = [c for c in remaining if all(c.get(k) == v for k, v in fields.items())]
        assert match, f"no conflict like {want} in {got}"
        if "value_contains" in want:
            assert want["value_contains"] in match[0]["value"], match[0]
        remaining.remove(match[0])


def _check_summary(summary: dict[str, Any], expected: dict[str, Any]) -> None:
    assert summary["responseType"] == "ImportSummary"
    keys = ("status", "importCount", "rejectedIndexes")
    assert {k: summary[k] for k in keys} == {k: expected[k] for k in keys}, summary["conflicts"]
    for option, value in expected.get("importOptions", {}).items():
        assert summary["importOptions"][option] == value, summary["importOptions"]
    _check_conflicts(summary["conflicts"], expected["conflicts"])


def _stored() -> dict[tuple[str, str, str, str], DataValue]:
    rows = DataValue.objects.select_related("element", "combo", "unit", "period", "stored_by")
    return {(dv.element.code, dv.combo.code, dv.unit.code, dv.period.code): dv for dv in rows}


def _check_after(after: dict[str, Any], user) -> None:
    stored = _stored()
    assert {cell: dv.value for cell, dv in stored.items()} == {
        tuple(row[:4]): Decimal(row[4]) for row in after["values"]
    }
    for detail in after.get("details", []):
        dv = stored[tuple(detail["cell"])]
        if "comment" in detail:
            assert dv.comment == detail["comment"]
        if "followup" in detail:
            assert dv.followup is detail["followup"]
        if detail.get("stored_by_is_user"):
            assert dv.stored_by == user


@pytest.mark.parametrize("name", CASES)
def test_a_dhis2_file_gets_the_import_summary_dhis2_would_give(client, make_user, name):
    case = json.loads((CORPUS / (name + SUFFIX)).read_text(encoding="utf-8"))
    user = make_user(*USERS[case["user"]])
    if case.get("seed"):
        seed(*map(tuple, case["seed"]))
    client.force_login(user)
    request, expect = case["request"], case["expect"]
    body, content_type = _input(name).read_bytes(), request["content_type"]
    if request["method"] == "ROUNDTRIP":
        body, content_type = _round_trip(client, request, body)
    else:
        assert request["method"] == "POST"

    response = _post(client, request["path"], request.get("query", ""), body, content_type)

    answer = _json(response)
    assert response.status_code == expect["http_status"], json.dumps(
        answer.get("response"), ensure_ascii=False
    )
    assert answer["httpStatusCode"] == expect["http_status"]
    assert answer["status"] == expect["webmessage_status"], answer
    for piece in expect.get("message_contains", []):
        assert piece in answer["message"], answer["message"]
    if "summary" in expect:
        _check_summary(answer["response"], expect["summary"])
    _check_after(case["after"], user)


def test_the_corpus_has_the_cases_the_issue_asks_for():
    assert {
        "set_level_fields",
        "csv_header_aliases",
        "csv_misspelt_dataelement",
        "csv_headerless",
        "csv_unknown_language_header",
        "dry_run_in_payload",
        "dry_run_query",
        "delete_strategy",
        "create_strategy_existing",
        "update_strategy_new",
        "attribute_option_combo",
        "strict_integers",
        "atomic_none_mix",
        "unknown_option",
        "idscheme_uid",
        "xml_body",
        "export_roundtrip",
    } <= set(CASES)
