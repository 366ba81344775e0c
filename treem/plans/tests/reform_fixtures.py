"""A small 2025 reform for copy tests, on the session's 2023 data (rolled back after each test): the
Department of Labour ends on 01/03/2025 and hands child protection to Health (and labour to Home
Affairs), the district committees end with the districts on 01/07/2025 and the communes' committees
take over, one 2025 commune hangs straight under the province. Works whether or not the real 2025
units and bodies are loaded too."""

from __future__ import annotations

import datetime

import pytest

from treem.units.models import AdministrativeUnit, Agency, AgencyKind, AgencySuccession, UnitLevel

DUTY_SHIFT = datetime.date(2025, 3, 1)
REFORM = datetime.date(2025, 7, 1)
NEW_YEAR = datetime.date(2026, 1, 1)


def body(code: str, name: str, kind: str = AgencyKind.DEPARTMENT, **dates) -> Agency:
    agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, **dates})
    return agency


def hand_over(old: str, new: Agency, since: datetime.date, duty: str = "") -> None:
    predecessor = Agency.objects.get(code=old)
    if predecessor.valid_to is None or predecessor.valid_to > since:
        predecessor.valid_to = since
        predecessor.save(update_fields=["valid_to"])
    AgencySuccession.objects.update_or_create(
        predecessor=predecessor, successor=new, duty=duty, defaults={"since": since}
    )


@pytest.fixture(name="reform")
def reform_fixture(plan):
    province = plan.province
    below = AdministrativeUnit.objects.filter(path__startswith=province.path).exclude(pk=province.pk)
    below.filter(valid_from__isnull=True, valid_to__isnull=True).update(valid_to=REFORM)
    province_2026 = AdministrativeUnit.objects.version_of(province.code, on=NEW_YEAR)
    communes_2026 = AdministrativeUnit.objects.filter(
        path__startswith=province_2026.path, level=UnitLevel.COMMUNE
    ).valid_on(NEW_YEAR)
    if not communes_2026.exists():
        AdministrativeUnit.objects.create(
            code="19900",
            name="Phường Thuận An",
            level=UnitLevel.COMMUNE,
            unit_type="Phường",
            parent=province_2026,
            valid_from=REFORM,
        )
    health = Agency.objects.get(code="SYT")
    home_affairs = body("SNV", "Sở Nội vụ", valid_from=DUTY_SHIFT)
    hand_over("SLDTBXH", home_affairs, DUTY_SHIFT, "lao động, việc làm, người có công")
    hand_over("SLDTBXH", health, DUTY_SHIFT, "bảo vệ, chăm sóc trẻ em")
    ministry = body("BYT", "Bộ Y tế", AgencyKind.AUTHORITY)
    hand_over("BLDTBXH", ministry, DUTY_SHIFT, "bảo vệ, chăm sóc trẻ em")
    communes = body("UBND-XA", "UBND các xã, phường", AgencyKind.GROUP, valid_from=REFORM)
    for member in Agency.objects.get(code="UBND-HUYEN").members.all():
        if member.valid_to is None:
            member.valid_to = REFORM
            member.save(update_fields=["valid_to"])
    hand_over("UBND-HUYEN", communes, REFORM)
    return plan
