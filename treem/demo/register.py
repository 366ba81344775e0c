"""Demo register of children in special circumstances (DEMO): about forty children of the demo communes, with
their groups (of art. 10 of the Law on Children, or at risk), their support and their benefits.

`load_demo_register(province_code)` writes CHILDREN through the register services (`do_register_child`,
`do_add_circumstance`, `do_add_support`), as the officers would: the demo commune officer ("xa") in its
own commune, the demo case manager ("truonghop") elsewhere. Every date is counted back from today, so the
register tells the same story whenever the demo is loaded:

- Kinh children and children of Thừa Thiên Huế's minorities (Tà Ôi — Pa Kô is Tà Ôi in the official list —,
  Cơ Tu, Bru - Vân Kiều); children with a severe or extremely severe disability;
- children in two groups at once, children at risk only, children whose group (or risk) has ended, a risk
  that became a special circumstance;
- care, nurturing and help; health insurance cards, education support; monthly social assistance at the
  amount the rules (treem.register.benefits, data/benefits/) give for each day: a new row each time the
  base or the coefficient changes (the new base of a decree, a birthday, a new group), none after 16;
- one child who turned 4 a few weeks ago (its coefficient went down on its birthday), one who turned 16;
- children eligible for monthly social assistance who do not receive it yet, and one still paid the amount
  first recorded, never raised to the new base, so the list of those not receiving (all) they are owed
  shows something.

The children lie in the communes of treem.demo.cases.demo_communes (three communes in each of the first three
districts, or of today's communes where there are no districts any more). Nothing here is about a real person: every name ends in NAME_SUFFIX, every body in "(DEMO)";
children are `is_demo`. Idempotent: a child whose demo name (its blind index, through the case manager's
scope) is already there is left as it is, so loading again adds nothing. Each child is one transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from treem.accounts.models import Role, User
from treem.accounts.policy import scope_for
from treem.cases.duplicates import children_for
from treem.cases.models import NAME_INDEX_PURPOSE, Child
from treem.core.crypto import blind_index
from treem.register.benefits import amount_changes, benefit_rules, latest_birth_for_age
from treem.register.models import Circumstance
from treem.register.services import do_add_circumstance, do_add_support, do_register_child
from treem.units.models import AdministrativeUnit

from .cases import commune_officer, demo_communes
from .users import USERNAMES

NAME_SUFFIX = " (DEMO)"
M = 30  # days in a month, near enough for a demo story
Y = 365
DAY = datetime.timedelta(days=1)

# Ethnicity codes of data/register/reference.yaml: the province's majority and its minorities.
KINH, BRU, CO_TU, TA_OI = "01", "23", "26", "31"

# Bodies that give support, all marked DEMO.
COMMUNE = "UBND xã (DEMO)"
DISTRICT = "UBND huyện (DEMO)"
SOCIAL_WORK = "Trung tâm Công tác xã hội tỉnh (DEMO)"
SHELTER = "Trung tâm Bảo trợ xã hội tỉnh (DEMO)"
INSURANCE = "Bảo hiểm xã hội huyện (DEMO)"
SCHOOLS = "Phòng Giáo dục và Đào tạo (DEMO)"
WOMEN = "Hội Liên hiệp Phụ nữ xã (DEMO)"
HEALTH = "Trung tâm Y tế huyện (DEMO)"
LEGAL = "Trung tâm Trợ giúp pháp lý nhà nước tỉnh (DEMO)"

# (group, started days ago, ended days ago or None); a start before the child's birth means from birth.
Group = tuple[str, int, int | None]
# (kind, provider, started days ago, ended days ago or None)
Help = tuple[str, str, int, int | None]


@dataclass(frozen=True)
class DemoChild:
    """A demo child: its demo name, sex, age today (years and days past the birthday), where (district and
    commune by position, as in treem.demo.cases), ethnicity, disability, household, groups, support, and
    since how many days ago it receives monthly social assistance (None: it does not)."""

    key: str
    name: str
    sex: str
    age: tuple[int, int]
    place: tuple[int, int]
    ethnicity: str = KINH
    disability: str = ""
    household: str = ""
    groups: tuple[Group, ...] = ()
    helps: tuple[Help, ...] = ()
    assistance_since: int | None = None
    raised: bool = True  # False: the first amount recorded was never raised when the base or coefficient rose
    notes: str = field(default="", compare=False)

    @property
    def full_name(self) -> str:
        return self.name + NAME_SUFFIX


F, MALE = "female", "male"
INSURED: Help = ("health_insurance", INSURANCE, 2 * Y, None)

CHILDREN = [
    # Monthly social assistance, several rules and dates.
    DemoChild("R01", "Nguyễn Thị Ngọc Anh", F, (4, 20), (0, 0), groups=(("orphan_both", 3 * Y, None),),
              helps=(("nurturing", WOMEN, 3 * Y, None), INSURED), assistance_since=3 * Y - 2 * M,
              notes="turned 4 twenty days ago: 2.5 until the day before, 1.5 since"),
    DemoChild("R02", "Hồ Văn Kiên", MALE, (9, 100), (0, 1), TA_OI, "extremely_severe", "poor",
              groups=(("disabled", 6 * Y, None),), helps=(("care", SOCIAL_WORK, 2 * Y, None), INSURED),
              assistance_since=5 * Y),
    DemoChild("R03", "Alăng Thị Sương", F, (7, 40), (0, 2), CO_TU, "severe", "near_poor",
              groups=(("disabled", 4 * Y, None),), helps=(("education_support", SCHOOLS, Y, None),),
              assistance_since=3 * Y + 5 * M),
    DemoChild("R04", "Hồ Thị Cu", F, (12, 200), (1, 0), BRU, household="poor",
              groups=(("orphan_both", 5 * Y, None), ("school_dropout_work", 8 * M, None)),
              helps=(("nurturing", SHELTER, 5 * Y, None), ("education_support", SCHOOLS, 4 * M, None)),
              assistance_since=4 * Y, notes="two groups at once"),
    DemoChild("R05", "Trần Văn Phúc", MALE, (2, 90), (1, 1), groups=(("abandoned", 3 * Y, None),),
              helps=(("nurturing", SHELTER, 3 * Y, None), INSURED), assistance_since=2 * Y + 60),
    DemoChild("R07", "Kăn Văn Tuấn", MALE, (11, 30), (2, 0), TA_OI, household="poor",
              groups=(("no_carer", 2 * Y, None),), helps=(("nurturing", WOMEN, 2 * Y, None),),
              assistance_since=2 * Y - 3 * M),
    DemoChild("R14", "Pả Thị Lan", F, (5, 150), (1, 1), TA_OI, "severe", "poor",
              groups=(("orphan_both", 2 * Y, None), ("disabled", 4 * Y, None)),
              helps=(("nurturing", SHELTER, 2 * Y, None), INSURED), assistance_since=4 * Y,
              notes="two groups and a disability: the highest coefficient, 2.0"),
    DemoChild("R19", "Ngô Thị Kim Oanh", F, (16, 60), (0, 0), groups=(("orphan_both", 6 * Y, None),),
              helps=(("nurturing", WOMEN, 6 * Y, None),), assistance_since=5 * Y,
              notes="turned 16 two months ago: assistance ended the day before"),
    DemoChild("R20", "Lê Văn Quang", MALE, (6, 10), (0, 1), disability="severe",
              groups=(("disabled", 5 * Y, None), ("violence_harm", 5 * M, None)),
              helps=(("care", SOCIAL_WORK, 5 * M, None), ("help", LEGAL, 4 * M, None)), assistance_since=3 * Y),
    DemoChild("R32", "Hồ Thị Nhung", F, (3, 45), (1, 1), TA_OI, household="poor",
              groups=(("orphan_one", 2 * Y, 5 * M), ("orphan_both", 5 * M, None)),
              helps=(("nurturing", WOMEN, 5 * M, None), INSURED), assistance_since=4 * M,
              notes="at risk first, then in special circumstances"),
    DemoChild("R34", "A Viết Thị Hiền", F, (8, 300), (2, 0), TA_OI, "extremely_severe", "poor",
              groups=(("disabled", 7 * Y, None),), assistance_since=6 * Y,
              helps=(("care", HEALTH, 3 * Y, None), INSURED, ("education_support", SCHOOLS, 2 * Y, None))),
    DemoChild("R36", "Hồ Văn Nghĩa", MALE, (2, 10), (2, 2), BRU, "severe", "near_poor",
              groups=(("disabled", Y, None),), helps=(INSURED,), assistance_since=10 * M),
    DemoChild("R38", "Lê Văn Tùng", MALE, (12, 70), (0, 1), groups=(("abandoned", 9 * Y, None),),
              helps=(("nurturing", SHELTER, 9 * Y, None), ("education_support", SCHOOLS, 3 * Y, None)),
              assistance_since=5 * Y),
    DemoChild("R39", "Bling Văn Tâm", MALE, (6, 220), (0, 2), CO_TU, household="poor",
              groups=(("no_carer", 2 * Y, None),), helps=(("nurturing", WOMEN, 2 * Y, None), INSURED),
              assistance_since=2 * Y - M),
    # Eligible for monthly social assistance, not receiving it (yet), or not all of it.
    DemoChild("R41", "Pơ Loong Thị Vy", F, (10, 120), (1, 2), CO_TU, household="poor",
              groups=(("orphan_both", 6 * Y, None),), helps=(("nurturing", WOMEN, 6 * Y, None), INSURED),
              assistance_since=5 * Y, raised=False, notes="still paid the amount of the older base"),
    DemoChild("R15", "Hoàng Minh Khôi", MALE, (3, 120), (1, 2), disability="extremely_severe",
              groups=(("disabled", 2 * M, None),), helps=(("care", HEALTH, 2 * M, None),)),
    DemoChild("R16", "Arất Văn Bình", MALE, (1, 180), (2, 0), CO_TU, groups=(("abandoned", M, None),),
              helps=(("nurturing", SHELTER, M, None),)),
    DemoChild("R17", "Trương Thị Bảo Ngọc", F, (12, 15), (2, 1), groups=(("orphan_both", 6 * M, None),),
              helps=(("nurturing", WOMEN, 6 * M, None),)),
    DemoChild("R18", "Hồ Văn Dũng", MALE, (9, 250), (2, 2), TA_OI, "severe", "poor",
              groups=(("disabled", 5 * Y, None),), helps=(INSURED,)),
    # Special circumstances without monthly social assistance (no rule of it applies).
    DemoChild("R06", "Lê Thị Thu Hà", F, (14, 80), (1, 2),
              groups=(("violence_harm", 8 * M, None), ("sexually_abused", 8 * M, None)),
              helps=(("care", SOCIAL_WORK, 8 * M, None), ("help", LEGAL, 7 * M, None)), notes="two groups"),
    DemoChild("R08", "Phan Thị Mỹ Linh", F, (6, 35), (2, 1), groups=(("hiv", 3 * Y, None),),
              helps=(("care", HEALTH, 3 * Y, None), INSURED)),
    DemoChild("R09", "Zơ Râm Thị Nhi", F, (15, 90), (2, 2), CO_TU, household="poor",
              groups=(("exploited", Y, 3 * M),), helps=(("help", SOCIAL_WORK, 10 * M, 3 * M),)),
    DemoChild("R10", "Nguyễn Văn Hùng", MALE, (15, 200), (0, 0), groups=(("law_violation", 10 * M, 2 * M),),
              helps=(("help", LEGAL, 10 * M, 2 * M),)),
    DemoChild("R11", "Võ Văn Tài", MALE, (13, 10), (0, 1), household="poor",
              groups=(("school_dropout_work", Y, None),), helps=(("education_support", SCHOOLS, 3 * M, None),)),
    DemoChild("R12", "Hồ Văn Thắng", MALE, (10, 40), (0, 2), BRU, household="poor",
              groups=(("serious_illness_poor", 2 * Y, None),), helps=(("care", HEALTH, 2 * Y, None), INSURED)),
    DemoChild("R13", "Đặng Thị Hồng", F, (13, 160), (1, 0), groups=(("trafficked", Y, 4 * M),),
              helps=(("care", SOCIAL_WORK, Y, 4 * M), ("help", LEGAL, Y, 6 * M))),
    DemoChild("R31", "Trịnh Văn An", MALE, (10, 5), (1, 0),
              groups=(("family_violence", 2 * Y, 9 * M), ("violence_harm", 9 * M, None)),
              helps=(("care", SOCIAL_WORK, 9 * M, None),), notes="at risk first, then harmed"),
    DemoChild("R33", "Lương Văn Đức", MALE, (13, 300), (1, 2), groups=(("drug_addicted", 7 * M, None),),
              helps=(("care", HEALTH, 7 * M, None),)),
    DemoChild("R35", "Nguyễn Hữu Phước", MALE, (4, 180), (2, 1), groups=(("migrant_refugee", 3 * M, None),),
              helps=(("care", SOCIAL_WORK, 3 * M, None),)),
    DemoChild("R37", "Phan Thị Thanh Tâm", F, (9, 75), (0, 0), groups=(("sexually_abused", 18 * M, 6 * M),),
              helps=(("care", SOCIAL_WORK, 18 * M, 6 * M), ("help", LEGAL, 17 * M, 8 * M))),
    DemoChild("R40", "Trần Thị Diệu", F, (14, 20), (1, 0), household="near_poor",
              groups=(("serious_illness_poor", 3 * Y, Y),), helps=(("care", HEALTH, 3 * Y, Y),)),
    # At risk only.
    DemoChild("R21", "Nguyễn Thị Thảo", F, (10, 130), (0, 2), groups=(("parents_divorced", Y, None),)),
    DemoChild("R22", "Trần Gia Bảo", MALE, (8, 60), (1, 0), groups=(("family_violence", 5 * M, None),),
              helps=(("help", WOMEN, 4 * M, None),)),
    DemoChild("R23", "Hồ Thị Miên", F, (13, 210), (1, 1), TA_OI, household="poor",
              groups=(("poor_household", 2 * Y, None),), helps=(("education_support", SCHOOLS, 2 * Y, None),)),
    DemoChild("R24", "Phạm Văn Lộc", MALE, (12, 5), (1, 2), groups=(("parent_in_prison", 3 * Y, None),)),
    DemoChild("R25", "Bh'riu Thị Hạnh", F, (7, 260), (2, 0), CO_TU, household="near_poor",
              groups=(("orphan_one", 4 * Y, None),), helps=(INSURED,)),
    DemoChild("R26", "Lê Thị Yến Nhi", F, (11, 170), (2, 1), groups=(("parents_away", 3 * Y, None),)),
    DemoChild("R27", "Hồ Văn Lực", MALE, (14, 330), (2, 2), BRU, groups=(("street_migrant", 6 * M, M),),
              helps=(("help", SOCIAL_WORK, 5 * M, M),), notes="a risk that has ended"),
    DemoChild("R28", "Nguyễn Văn Tín", MALE, (9, 95), (0, 0), groups=(("family_drugs_prostitution", Y, None),),
              helps=(("care", SOCIAL_WORK, 10 * M, None),)),
    DemoChild("R29", "Đoàn Thị Như Ý", F, (5, 55), (0, 1), household="poor",
              groups=(("orphan_one", 3 * Y, None), ("poor_household", 2 * Y, None))),
    DemoChild("R30", "Kăn Thị Mai", F, (15, 25), (0, 2), TA_OI, groups=(("other_risk", 8 * M, 2 * M),),
              helps=(("help", WOMEN, 7 * M, 2 * M),)),
]  # fmt: skip


@dataclass
class RegisterLoaded:
    created: int = 0
    unchanged: int = 0


def birth_date(spec: DemoChild, today: datetime.date) -> datetime.date:
    """The birthday `spec.age` describes: `years` whole years old today, the last birthday `days` days ago."""
    years, days = spec.age
    return latest_birth_for_age(today - days * DAY, years)


def _start(today: datetime.date, ago: int, born: datetime.date) -> datetime.date:
    return max(today - ago * DAY, born)


def _end(today: datetime.date, ago: int | None) -> datetime.date | None:
    return None if ago is None else today - ago * DAY


def _assistance(actor: User, spec: DemoChild, child: Child, circumstances: list[Circumstance],
                start: datetime.date, today: datetime.date) -> None:  # fmt: skip
    """One row of monthly social assistance per amount: from `start`, a new row whenever the amount the
    rules give changes, none while the child is not eligible."""
    changes = amount_changes(child, circumstances, start, today)
    if not spec.raised:
        changes = [change for change in changes if change[1] is not None][:1]
    kind = benefit_rules().benefit
    for number, (day, amount) in enumerate(changes, start=1):
        if amount is None:
            continue
        ended = changes[number][0] - DAY if number < len(changes) else None
        do_add_support(actor, child, kind=kind, started_on=day, ended_on=ended, amount=Decimal(amount),
                       provider=DISTRICT, decision=f"DEMO-{spec.key}.{number}/QĐ-UBND")  # fmt: skip


@transaction.atomic
def _load_child(spec: DemoChild, commune: AdministrativeUnit, actor: User, today: datetime.date) -> None:
    born = birth_date(spec, today)
    child = do_register_child(actor, commune_code=commune.code, name=spec.full_name, sex=spec.sex,
                              date_of_birth=born, ethnicity=spec.ethnicity, disability=spec.disability,
                              household=spec.household, is_demo=True)  # fmt: skip
    circumstances = [
        do_add_circumstance(
            actor, child, group=group, started_on=_start(today, since, born), ended_on=_end(today, until)
        )
        for group, since, until in spec.groups
    ]
    for kind, provider, since, until in spec.helps:
        do_add_support(actor, child, kind=kind, provider=provider, started_on=_start(today, since, born),
                       ended_on=_end(today, until))  # fmt: skip
    if spec.assistance_since is not None:
        _assistance(actor, spec, child, circumstances, _start(today, spec.assistance_since, born), today)


def load_demo_register(province_code: str, today: datetime.date | None = None) -> RegisterLoaded:
    """Register the demo children of CHILDREN that are not there yet (see the module's docstring)."""
    day = today or timezone.localdate()
    roles = (Role.COMMUNE_OFFICER, Role.CASE_MANAGER)
    officers = {
        user.role: user
        for user in User.objects.filter(is_demo=True, username__in=[USERNAMES[r] for r in roles])
    }
    if Role.CASE_MANAGER not in officers:
        raise ValueError("load_demo_register needs the demo case manager; create the demo users first")
    communes = demo_communes(province_code)
    seen = children_for(scope_for(officers[Role.CASE_MANAGER])).filter(is_demo=True)
    loaded = RegisterLoaded()
    for spec in CHILDREN:
        if seen.filter(name_index=blind_index(spec.full_name, purpose=NAME_INDEX_PURPOSE)).exists():
            loaded.unchanged += 1
            continue
        district, number = spec.place
        in_district = communes[district % len(communes)]
        commune = in_district[number % len(in_district)]
        _load_child(spec, commune, commune_officer(commune, officers), day)
        loaded.created += 1
    return loaded
