"""The frame of a report built from the database (report_content): the issuing body and its superior,
the number, place and date, the summary (trích yếu), the signer and the recipients, and the default
opening and closing paragraphs. The words come from the plan and the unit tree, never from one
province's name written in code."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from treem.core.formatting import format_long_date
from treem.core.periods import period_label
from treem.plans.models import Plan
from treem.units.models import Agency

from .documents.content import DocumentHeader
from .models import ReportingRound

DOCUMENT_TYPE = "BÁO CÁO"
PROVINCE_PREFIXES = ("Tỉnh ", "Thành phố ", "TP. ")
COMMITTEE = "Ủy ban nhân dân "


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def province_place(plan: Plan) -> str:
    """'Thừa Thiên Huế': the province's name in the plan's year without its kind."""
    name = plan.province_name
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def province_committee(plan: Plan) -> str:
    """'UBND TỈNH THỪA THIÊN HUẾ': the plan's issuer, else the province's People's Committee."""
    issuer = str((plan.document or {}).get("issuer") or "") or COMMITTEE + lower_first(plan.province_name)
    if issuer.startswith(COMMITTEE):
        issuer = "UBND " + issuer[len(COMMITTEE) :]
    return issuer.upper()


def symbol_of(agency: Agency) -> str:
    """'Sở LĐ-TB&XH' → 'SLĐTBXH': an upper-case word kept, another word's initial."""
    words = re.split(r"[\s\-–&.,]+", agency.short_name or agency.name)
    return "".join(w if w.isupper() else w[:1].upper() for w in words if w)


def number_line(number: str, agency: Agency) -> str:
    number = number.strip()
    if not number:
        return f"Số:       /BC-{symbol_of(agency)}"
    if number.isdigit():
        return f"Số: {number}/BC-{symbol_of(agency)}"
    return f"Số: {number}"


def summary_of(round: ReportingRound) -> str:
    """The trích yếu: 'Kết quả …' from the milestone's description, naming the plan."""
    description = round.milestone.description.strip()
    found = description.lower().find("kết quả")
    text = "Kết quả " + lower_first(description) if found < 0 else upper_first(description[found:])
    if "kế hoạch" not in text.lower():
        text += f" Kế hoạch “{round.plan.title}”"
    return text


def consolidated_header(
    round: ReportingRound, texts: dict, *, number: str, report_date: datetime.date | None
) -> DocumentHeader:
    plan = round.plan
    document = plan.document or {}
    signer = document.get("report_signer") or {}
    recipients = [f"- {agency};" for agency in round.milestone.recipients.order_by("code")]
    return DocumentHeader(
        parent_body=province_committee(plan),
        issuing_body=plan.owner.name.upper(),
        number=number_line(number, plan.owner),
        place=str(document.get("place") or province_place(plan)),
        date_text=format_long_date(report_date or round.deadline),
        document_type=DOCUMENT_TYPE,
        summary=summary_of(round),
        signer_title=texts.get("signer_title") or str(signer.get("title") or "").upper(),
        signer_name=texts.get("signer_name") or str(signer.get("name") or ""),
        recipients=[*recipients, "- Lưu: VT."],
    )


def default_introduction(round: ReportingRound) -> str:
    plan = round.plan
    return _(
        "Thực hiện Kế hoạch “%(plan)s” của %(issuer)s, %(owner)s báo cáo kết quả thực hiện %(period)s như sau:"
    ) % {
        "plan": plan.title,
        "issuer": (plan.document or {}).get("issuer") or plan.province_name,
        "owner": plan.owner.name,
        "period": lower_first(period_label(round.period or str(plan.year))),
    }


def default_closing(round: ReportingRound) -> str:
    return _("Trên đây là báo cáo %(summary)s của %(owner)s./.") % {
        "summary": lower_first(summary_of(round)),
        "owner": round.plan.owner.name,
    }
