"""Hostile input to load_units and load_agencies: every refusal is a Vietnamese message, never a traceback,
and nothing is written. A retire day before a unit began is refused, and a path already taken is named
instead of failing in the database."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command

from treem.core.errors import InputErrors
from treem.units import agency_loading, services
from treem.units.models import AdministrativeUnit, Agency

REFORM = datetime.date(2025, 7, 1)
HUẾ_ONLY = "code,name,type,parent_code\n46,Thành phố Huế,thành phố trung ương,\n"


def communes_2025():
    return AdministrativeUnit.objects.filter(path__startswith="46/", valid_from=REFORM)


def test_a_retire_day_before_the_units_began_is_refused_naming_one(db):
    services.load_structure_2025("46")

    with pytest.raises(InputErrors) as refused:
        services.load_units(services.read_units_csv(HUẾ_ONLY), retire_missing_on=datetime.date(2022, 1, 1))

    first = communes_2025().order_by("path").first()
    assert refused.value.messages == [
        f"--retire-missing-on 01/01/2022: {first.name} ({first.code}) có từ 01/07/2025; phải sau ngày đó."
    ]
    assert not communes_2025().filter(valid_to__isnull=False).exists()


def test_the_retire_day_refusal_is_a_message_from_the_command(db, tmp_path, capsys):
    services.load_structure_2025("46")
    path = tmp_path / "hue.csv"
    path.write_text(HUẾ_ONLY, encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("load_units", csv=path, retire_missing_on=datetime.date(2022, 1, 1))

    assert "--retire-missing-on 01/01/2022" in capsys.readouterr().err


def test_a_later_retire_day_still_ends_the_units_not_listed(db):
    services.load_structure_2025("46")

    summary = services.load_units(
        services.read_units_csv(HUẾ_ONLY), retire_missing_on=datetime.date(2026, 1, 1)
    )

    assert summary.retired == communes_2025().count() > 0


def test_a_version_whose_path_is_taken_is_named_instead_of_failing_in_the_database(db):
    services.load_structure_2025("46")
    # What a retire day before 01/07/2025 used to leave: the 2025 communes ended before they began.
    communes_2025().update(valid_to=datetime.date(2022, 1, 1))

    with pytest.raises(InputErrors) as refused:
        services.load_structure_2025("46")

    assert any("đã có phiên bản" in m and "cột code" in m for m in refused.value.messages)


def test_a_units_csv_that_is_not_utf8_is_a_message(db, tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(b"code,name,type,parent_code\n99,T\xecnh,t\xecnh,\n")

    with pytest.raises(CommandError):
        call_command("load_units", csv=path)

    assert "không phải văn bản UTF-8" in capsys.readouterr().err
    assert not AdministrativeUnit.objects.filter(code="99").exists()


def test_a_missing_units_csv_is_a_message(db, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("load_units", csv=tmp_path / "none.csv")

    assert "Không đọc được tệp none.csv" in capsys.readouterr().err


HEAD = 'province: "46"\nvalid_from: 2025-07-01\nagencies:\n'


def agency_line(**fields: str) -> str:
    values = {"code": "ZZ1", "name": "x", "kind": "department", "unit": '"46"', **fields}
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in values.items()) + "}\n"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe bad utf", "không phải văn bản UTF-8 (byte thứ 1)"),
        ((HEAD + agency_line(valid_from="2026-02-31")).encode(), "agencies[0].valid_from: ngày '2026-02-31'"),
        ((HEAD + agency_line(valid_from="31/02/2026")).encode(), "agencies[0].valid_from: ngày '31/02/2026'"),
        ((HEAD + agency_line(valid_from="20250101")).encode(), "agencies[0].valid_from: ngày phải viết"),
        ((HEAD + agency_line(valid_from="[1]")).encode(), "agencies[0].valid_from: ngày phải viết"),
        (("a: " + "[" * 5000 + "]" * 5000 + "\n").encode(), "lồng nhau quá sâu"),
        ((HEAD + agency_line(code="[1, 2]", name="{a: b}")).encode(), "agencies[0].code: phải là một chuỗi"),
        ((HEAD + agency_line(code='"X\\0Y"')).encode(), "agencies[0].code: có ký tự không hợp lệ (NUL)"),
        ((HEAD + agency_line(code="A" * 5000)).encode(), "agencies[0].code: dài quá 30 ký tự"),
        ((HEAD + agency_line(name="N" * 300)).encode(), "agencies[0].name: dài quá 255 ký tự"),
        ((HEAD + agency_line(short_name='"\\0"')).encode(), "agencies[0].short_name: có ký tự không hợp lệ"),
        ((HEAD + agency_line(kind="[department]")).encode(), "agencies[0].kind: phải là một chuỗi"),
        ((HEAD + agency_line(unit="474")).encode(), "agencies[0].unit: phải là một chuỗi"),
        (
            (
                HEAD
                + agency_line()
                + "successions:\n  - {predecessor: [a], successor: ZZ1, since: 2025-08-01}\n"
            ).encode(),
            "successions[0].predecessor: phải là một chuỗi",
        ),
        (
            (
                HEAD
                + agency_line()
                + 'successions:\n  - {predecessor: SYT, successor: ZZ1, since: 2025-08-01, duty: "\\0"}\n'
            ).encode(),
            "successions[0].duty: có ký tự không hợp lệ",
        ),
        (
            (HEAD + "groups:\n  - {code: G, name: g, members: [[SYT]]}\n").encode(),
            "groups[0].members: phải là",
        ),
        ((b'province: "46"\nagencies: [\n'), "dòng 3: không phải YAML hợp lệ"),
        (("a: 1" + "0" * 5000 + "\nagencies: []\n").encode(), "có giá trị không đọc được"),
        (b"x: " + b"a" * (2 * 1024 * 1024), "lớn hơn 2 MB"),
    ],
)
def test_a_hostile_agency_file_is_refused_with_a_message_and_nothing_written(db, tmp_path, content, message):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    before = Agency.objects.count()

    with pytest.raises(InputErrors) as refused:
        agency_loading.load_agencies(path)

    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert Agency.objects.count() == before


def test_an_alias_bomb_is_refused_quickly(db, tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nagencies: *h\ngroups:\n  - {code: G, name: g, members: *h}\n")

    with pytest.raises(InputErrors) as refused:
        agency_loading.load_agencies(path)

    assert any("agencies: phải là một danh sách" in m for m in refused.value.messages)


def test_an_unquoted_date_still_loads(db, tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(HEAD + agency_line(code="ZZ-OK", valid_from="2025-08-01"), encoding="utf-8")

    agency_loading.load_agencies(path)

    assert Agency.objects.get(code="ZZ-OK").valid_from == datetime.date(2025, 8, 1)
