"""`manage.py derive_figures`: compute the derived figures (treem.register.derivation) and write them through
the engine, for the periods asked for (default: the periods holding today) and the provinces asked for
(default: every province). Prints what was written and every commune refused."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import CommandParser

from treem.core.deadlines import today as local_today
from treem.core.errors import InputErrors
from treem.core.formatting import format_count
from treem.core.management.base import LoaderCommand
from treem.core.periods import PeriodError, parse_period
from treem.register import derivation
from treem.units.models import AdministrativeUnit, UnitLevel


class Command(LoaderCommand):
    help = (
        "Tính các chỉ số dữ liệu tự động từ sổ theo dõi trẻ em và hồ sơ trường hợp, ghi qua đường nhập số "
        "liệu. Mặc định: các kỳ chứa ngày hôm nay, mọi tỉnh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period", action="append", default=[], help="DHIS2 period id (2026, 2026S1, 2026Q3); repeatable"
        )
        parser.add_argument("--province", action="append", default=[], help="province GSO code; repeatable")
        parser.add_argument(
            "--all-periods-since",
            action="store_true",
            help="every year, half and quarter from the elements' derived_since to today",
        )

    def handle(
        self, *args: Any, period: list[str], province: list[str], all_periods_since: bool, **options: Any
    ) -> None:
        problems: list[str] = []
        codes = [code.strip() for given in period for code in given.split(",") if code.strip()]
        for code in codes:
            try:
                parse_period(code)
            except PeriodError as exc:
                problems.append(f"--period: {exc}")
        known = set(
            AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code__in=province).values_list(
                "code", flat=True
            )
        )
        problems += [f"--province: không có tỉnh mã '{code}'" for code in province if code not in known]
        if problems:
            raise InputErrors(problems)
        elements = derivation.derived_elements()
        if all_periods_since:
            starts = [e.derived_since for e in elements if e.derived_since is not None]
            first = min(starts) if starts else datetime.date.max
            codes = derivation.periods_between(first, local_today(), first) if starts else []
        elif not codes:
            codes = derivation.current_periods()
        began = time.monotonic()
        report = derivation.do_derive(codes, province_codes=province or None, elements=elements)
        self.stdout.write(
            f"Kỳ: {', '.join(report.periods) or '—'}; {format_count(report.communes)} xã; "
            f"{format_count(report.imported)} giá trị mới, {format_count(report.updated)} cập nhật, "
            f"{format_count(report.ignored)} không đổi; {time.monotonic() - began:.1f} giây."
        )
        for refusal in report.refused:
            self.stderr.write(f"Xã {refusal.commune} không ghi được: {'; '.join(refusal.reasons)}")
        if report.refused:
            raise SystemExit(1)
