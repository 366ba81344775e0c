"""What a report says, built from the database as plain `ReportContent` (documents.content): the
consolidated report of a round (the plan's indicators for the round's period over the province and a year
before, a sentence per indicator written from the figures, what each body did on each task, difficulties,
proposals, the bodies that did not report, and the annex by district) and one body's own submission.

Every number and date goes through `core.formatting`. The words around them come from the plan and the
unit tree (issuing body, province, place), never from one province's name written in code. `texts`
overrides the parts a coordinator edits in a draft (see EDITABLE). Values computed from small counts of
children's records are not published (report_disclosure)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import cast

from django.db.models import Field, Model, QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from treem.core import comparisons
from treem.core.formatting import format_long_date, format_number, format_threshold
from treem.core.numbers import round_half_up
from treem.core.periods import period_dates, period_label
from treem.plans.evaluation import Evaluation, Status, evaluate
from treem.plans.models import Indicator, MilestoneKind, Plan
from treem.units.models import AdministrativeUnit, AgencyKind

from . import selectors
from .documents.content import (
    AnnexTable,
    DocumentHeader,
    ReportContent,
    Section,
    TargetRow,
    TaskReport,
)
from .documents.xlsx import targets_table
from .models import ReportingRound, Submission, SubmissionState, TaskProgress
from .report_disclosure import HIDDEN, NOT_HIDDEN, Hidden, Withheld, hidden_sentence, not_compared
from .report_header import (  # noqa: F401 (the header's names, kept importable from here)
    COMMITTEE,
    DOCUMENT_TYPE,
    PROVINCE_PREFIXES,
    consolidated_header,
    default_closing,
    default_introduction,
    lower_first,
    number_line,
    province_committee,
    province_place,
    summary_of,
    symbol_of,
    upper_first,
)

EDITABLE = ("introduction", "difficulties", "proposals", "closing", "signer_title", "signer_name")
SENTENCES = "sentences"  # texts["sentences"][indicator code]
LEADING_VERBS = re.compile(r"^(giảm|tăng|nâng|duy trì|phấn đấu|bảo đảm|đảm bảo)\s+", re.I)
TRAILING_THRESHOLD = re.compile(
    r"\s+(dưới|xuống còn|xuống|trên|đạt|không quá|ít nhất|trở lên|lên)\s+[\d.,]+\s*\S*$", re.I
)


# --- the consolidated report ----------------------------------------------------------------------------


def consolidated_content(
    round: ReportingRound,
    *,
    texts: dict | None = None,
    number: str = "",
    report_date: datetime.date | None = None,
) -> ReportContent:
    """The consolidated report of a round, with the coordinator's edited parts (`texts`) in place."""
    texts = texts or {}
    plan = round.plan
    source = source_round(round)
    submissions = list(
        Submission.objects.filter(round=source, state=SubmissionState.ACCEPTED).select_related("agency")
    )
    period = round.period or str(plan.year)
    indicators = active_indicators(plan)
    units = districts(plan, period)
    # One evaluate() for the province and its districts (the annex): the districts' sums add up to the
    # province's in Python, from the same GROUP BY.
    evaluated = evaluate(plan, period, [plan.province, *units], indicators)
    current = [ev for ev in evaluated if ev.unit.pk == plan.province.pk]
    previous_code = year_before(period)
    previous = {ev.indicator.pk: ev for ev in evaluate(plan, previous_code, [plan.province], indicators)}
    progress = _progress(submissions)  # read once for the tasks, the difficulties and the proposals
    edited = texts.get(SENTENCES) or {}
    withheld = Withheld(indicators, period, previous_code)
    rows = []
    for ev in current:
        before = previous.get(ev.indicator.pk)
        hidden = withheld.of(ev, before)
        sentence = edited.get(ev.indicator.code) or indicator_sentence(
            ev, before, period, previous_code, hidden=hidden
        )
        rows.append(target_row(ev, before, sentence, hidden=hidden))
    content = ReportContent(
        header=consolidated_header(round, texts, number=number, report_date=report_date),
        introduction=paragraphs(texts.get("introduction") or default_introduction(round)),
        target_rows=rows,
        task_reports=[_task_report(p) for p in _by_task(progress)],
        sections=[
            Section(_("III. KHÓ KHĂN, VƯỚNG MẮC"), _gathered(texts, "difficulties", progress)),
            Section(_("IV. ĐỀ XUẤT, KIẾN NGHỊ"), _gathered(texts, "proposals", progress)),
            Section(_("V. CƠ QUAN, ĐƠN VỊ CHƯA BÁO CÁO"), missing_bodies(source)),
            Section("", paragraphs(texts.get("closing") or default_closing(round))),
        ],
    )
    by_district = [ev for ev in evaluated if ev.unit.pk != plan.province.pk]
    content.annex = _annex_tables(indicators, rows, units, by_district, withheld)
    return content


def source_round(round: ReportingRound) -> ReportingRound:
    """The round whose submissions the report gathers: the round itself, or, for the office's own
    consolidated report, the latest earlier report round of the same period (its bodies' reports)."""
    if round.milestone.kind != MilestoneKind.CONSOLIDATED_REPORT:
        return round
    earlier = (
        selectors.rounds_of(round.plan)
        .filter(milestone__period=round.milestone.period, milestone__date__lte=round.milestone.date)
        .exclude(milestone__kind=MilestoneKind.CONSOLIDATED_REPORT)
        .order_by("-milestone__date", "-milestone__order")
        .first()
    )
    return earlier or round


def active_indicators(plan: Plan) -> list[Indicator]:
    return list(
        plan.indicators.filter(is_active=True).select_related("target").order_by("target__order", "order")
    )


def year_before(period: str) -> str:
    """The same period a year earlier (2023 → 2022, 2023S1 → 2022S1): what "cùng kỳ" compares with."""
    _kind, start, _end = period_dates(period)
    return f"{start.year - 1}{period[4:]}"


def number_with_unit(value: Decimal, indicator: Indicator, *, short: bool = False) -> str:
    """8.7 → '8,7 ‰ trẻ đẻ sống' (short: '8,7‰'); a symbol unit is written against the number."""
    unit = _label(Indicator, "unit", indicator.unit)
    if short and len(unit.split()[0]) == 1:
        unit = unit.split()[0]
    text = format_number(round_half_up(value, 2))
    return f"{text}{' ' if unit[:1].isalpha() else ''}{unit}"


def _result(value: Decimal | None, ind: Indicator, hidden: bool) -> str:
    return str(HIDDEN) if hidden else number_with_unit(value, ind) if value is not None else "—"


def target_row(
    ev: Evaluation, before: Evaluation | None, sentence: str, *, hidden: Hidden = NOT_HIDDEN
) -> TargetRow:
    """`hidden`: whether the value, and last year's, are computed from a small count (not published)."""
    ind = ev.indicator
    return TargetRow(
        target_code=str(ind.target.number),
        indicator_code=ind.code,
        text=ind.text,
        threshold=format_threshold(ind),
        result=_result(ev.value, ind, hidden[0]),
        status=str(Status.LABELS[ev.status]),
        previous=_result(before.value if before else None, ind, hidden[1]),
        sentence=sentence,
    )


def subject(indicator: Indicator) -> str:
    """What the indicator measures, from its text without the plan's verb and threshold."""
    text = TRAILING_THRESHOLD.sub("", LEADING_VERBS.sub("", indicator.text.strip())).strip(" ;,.")
    return upper_first(text)


VERDICTS = {
    Status.ACHIEVED: gettext_lazy("đạt chỉ tiêu kế hoạch"),
    Status.NOT_ACHIEVED: gettext_lazy("không đạt chỉ tiêu kế hoạch"),
    Status.ON_TRACK: gettext_lazy("đúng tiến độ so với chỉ tiêu kế hoạch"),
    Status.BEHIND: gettext_lazy("chậm so với tiến độ chỉ tiêu kế hoạch"),
    Status.PARTIAL: gettext_lazy("chưa đủ số liệu để đánh giá so với chỉ tiêu kế hoạch"),
}


def indicator_sentence(
    ev: Evaluation, before: Evaluation | None, period: str, previous: str, *, hidden: Hidden = NOT_HIDDEN
) -> str:
    """'Tỷ suất … năm 2023 là 8,7‰, đạt chỉ tiêu kế hoạch (dưới 9,5‰), giảm 0,4‰ so với năm 2022.'
    `hidden` as target_row's: a hidden value is neither written nor compared."""
    ind = ev.indicator
    what = subject(ind)
    when = lower_first(period_label(period))
    plan_words = f"{comparisons.words(ind.direction)} {number_with_unit(ind.threshold, ind, short=True)}"
    words = {"what": what, "when": when, "plan": plan_words}
    if ev.status == Status.NOT_APPLICABLE:
        return _("%(what)s %(when)s: không áp dụng cho địa bàn.") % words
    if ev.value is None:
        return _("%(what)s %(when)s: chưa có số liệu để đánh giá (chỉ tiêu kế hoạch: %(plan)s).") % words
    words["verdict"] = str(VERDICTS[ev.status])
    if hidden[0]:
        return hidden_sentence(words)
    words["value"] = number_with_unit(ev.value, ind, short=True)
    sentence = _("%(what)s %(when)s là %(value)s, %(verdict)s (%(plan)s)") % words
    compared = not_compared(lower_first(period_label(previous))) if hidden[1] else None
    return f"{sentence}, {compared or change_words(ev, before, previous)}."


def change_words(ev: Evaluation, before: Evaluation | None, previous: str) -> str:
    """'giảm 0,4‰ so với năm 2022', 'không đổi so với …', or that there is nothing to compare with."""
    when = lower_first(period_label(previous))
    if before is None or before.value is None or ev.value is None:
        return _("chưa có số liệu %(when)s để so sánh") % {"when": when}
    now, then = round_half_up(ev.value, 2), round_half_up(before.value, 2)
    if now == then:
        return _("không đổi so với %(when)s") % {"when": when}
    word = _("tăng") if now > then else _("giảm")
    amount = number_with_unit(abs(now - then), ev.indicator, short=True)
    return _("%(word)s %(amount)s so với %(when)s") % {"word": word, "amount": amount, "when": when}


def task_reports(progress: QuerySet[TaskProgress]) -> list[TaskReport]:
    entries = progress.select_related("task", "submission__agency").order_by(
        "task__order", "submission__agency__code"
    )
    return [_task_report(p) for p in entries]


def _task_report(p: TaskProgress) -> TaskReport:
    status = _label(TaskProgress, "status", p.status)
    return TaskReport(p.task.code, p.task.text, str(p.submission.agency), status, p.done, p.results)


def _progress(submissions: list[Submission]) -> list[TaskProgress]:
    """The submissions' task entries, by body code then task (as `gathered` lists them)."""
    entries = TaskProgress.objects.filter(submission__in=submissions).select_related(
        "task", "submission__agency"
    )
    return list(entries.order_by("submission__agency__code", "task__order"))


def _by_task(progress: list[TaskProgress]) -> list[TaskProgress]:
    """`_progress` in the order of `task_reports` (task, then body code in the database's collation)."""
    rank: dict[str, int] = {}
    for p in progress:
        rank.setdefault(p.submission.agency.code, len(rank))
    return sorted(progress, key=lambda p: (p.task.order, rank[p.submission.agency.code]))


def _label(model: type[Model], field: str, value: str) -> str:
    """As `get_<field>_display()`, whose table of lazy labels Django rebuilds and hashes on every call."""
    key = (model, field, get_language())
    if key not in _LABELS:
        choices = cast(Field, model._meta.get_field(field)).flatchoices
        _LABELS[key] = {v: str(label) for v, label in choices}
    return _LABELS[key].get(value, value)


_LABELS: dict[tuple[type[Model], str, str | None], dict[str, str]] = {}


def paragraphs(text: str) -> list[str]:
    """A text typed with blank lines between paragraphs, as paragraphs."""
    return [part.strip() for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]


def _gathered(texts: dict, part: str, progress: list[TaskProgress]) -> list[str]:
    if texts.get(part):
        return paragraphs(texts[part])
    lines = [
        f"- {p.submission.agency}: {getattr(p, part).strip()}" for p in progress if getattr(p, part) != ""
    ]
    return lines or [_("Không có.")]


def gathered(part: str, submissions: list[Submission]) -> list[str]:
    """Each body's difficulties (or proposals), prefixed with its short name."""
    lines = []
    entries = TaskProgress.objects.filter(submission__in=submissions).exclude(**{part: ""})
    for p in entries.select_related("submission__agency").order_by("submission__agency__code", "task__order"):
        lines.append(f"- {p.submission.agency}: {getattr(p, part).strip()}")
    return lines or [_("Không có.")]


def missing_bodies(round: ReportingRound) -> list[str]:
    """The bodies that owe the round and have handed nothing in (nor had it accepted)."""
    reported = set(
        Submission.objects.filter(
            round=round, state__in=[SubmissionState.SUBMITTED, SubmissionState.ACCEPTED]
        ).values_list("agency_id", flat=True)
    )
    names = [f"- {body.name}" for body in selectors.owed_bodies(round.milestone) if body.pk not in reported]
    return names or [_("Tất cả cơ quan, đơn vị đã gửi báo cáo.")]


# --- the annex --------------------------------------------------------------------------------------


def districts(plan: Plan, period: str) -> list[AdministrativeUnit]:
    _kind, start, end = period_dates(period)
    return list(plan.province.children.existing_during(start, end).order_by("path"))


def annex(plan: Plan, period: str, indicators: list[Indicator], rows: list[TargetRow]) -> list[AnnexTable]:
    """The indicators by target (the results table) and by district: values, then statuses; one
    evaluate() call for every district at once (its sums are grouped in SQL)."""
    units = districts(plan, period)
    results = evaluate(plan, period, units, indicators) if units else []
    return _annex_tables(indicators, rows, units, results, Withheld(indicators, period, period))


def _annex_value(ev: Evaluation, hidden: bool) -> str | float | None:
    return str(HIDDEN) if hidden else float(round_half_up(ev.value, 2)) if ev.value is not None else None


def _annex_tables(
    indicators: list[Indicator],
    rows: list[TargetRow],
    units: list[AdministrativeUnit],
    results: list[Evaluation],
    withheld: Withheld,
) -> list[AnnexTable]:
    by_unit: dict[int, list[Evaluation]] = {}
    for ev in results:
        by_unit.setdefault(ev.unit.pk, []).append(ev)
    hidden = withheld.in_annex(indicators, results)
    codes = [ind.code for ind in indicators]
    values: list[list[str | float | int | None]] = []
    statuses: list[list[str | float | int | None]] = []
    for unit in units:
        evs = by_unit.get(unit.pk, [])
        values.append(
            [
                unit.code,
                unit.name,
                *[_annex_value(e, (unit.pk, e.indicator.pk) in hidden) for e in evs],
            ]
        )
        statuses.append([unit.code, unit.name, *[str(Status.LABELS[e.status]) for e in evs]])
    headings = [_("Mã"), _("Đơn vị"), *codes]
    return [
        targets_table(rows),  # the renderer's own table of the results, by target
        AnnexTable(_("Theo huyện - kết quả"), headings, values),
        AnnexTable(_("Theo huyện - đánh giá"), headings, statuses),
    ]


# --- one body's submission ----------------------------------------------------------------------------


def submission_content(submission: Submission) -> ReportContent:
    """A body's own report to the coordinating office, in the same frame: its tasks, its difficulties and
    proposals; dated the day it was handed in (the deadline while not yet handed in)."""
    rnd, agency = submission.round, submission.agency
    plan = rnd.plan
    day = submission.submitted_at.date() if submission.submitted_at else rnd.deadline
    parent = province_committee(plan) if agency.kind == AgencyKind.DEPARTMENT else ""
    to = rnd.milestone.via or plan.owner
    header = DocumentHeader(
        parent_body=parent,
        issuing_body=agency.name.upper(),
        number=number_line("", agency),
        place=str((plan.document or {}).get("place") or province_place(plan)),
        date_text=format_long_date(day),
        document_type=DOCUMENT_TYPE,
        summary=summary_of(rnd),
        recipients=[f"- {to};", "- Lưu: VT."],
    )
    progress = TaskProgress.objects.filter(submission=submission)
    sections = [
        Section(_("KHÓ KHĂN, VƯỚNG MẮC"), _own(progress, "difficulties")),
        Section(_("ĐỀ XUẤT, KIẾN NGHỊ"), _own(progress, "proposals")),
    ]
    return ReportContent(
        header=header,
        introduction=paragraphs(submission.note),
        task_reports=task_reports(progress),
        sections=sections,
    )


def _own(progress: QuerySet[TaskProgress], part: str) -> list[str]:
    lines = [
        f"- {p.task.code}: {getattr(p, part).strip()}"
        for p in progress.exclude(**{part: ""}).select_related("task").order_by("task__order")
    ]
    return lines or [_("Không có.")]
