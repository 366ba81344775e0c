#!/usr/bin/env python
"""Reporting benchmark: the province's consolidated report and the submissions board at national scale.
Prints figures; not a test, asserts no timing.

    .venv/bin/python bench/reporting.py [--runs 20] [--output FILE]                # SQLite, a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/treem_bench_rep .venv/bin/python bench/reporting.py

1. A throwaway database: without DATABASE_URL a temporary SQLite file; with a PostgreSQL DATABASE_URL
   the database named there is DROPPED and recreated (its name must contain "bench"). Migrates, loads every
   unit of the shipped structure (`load_units --all`), the agencies, the 2023 plan, and the demo
   (`load_demo`: demo figures of province 46 and the bodies' demo reports of the 2023 rounds).
2. Times the consolidated report of the province's consolidated round (M-2023-12-05, gathering the
   accepted reports of M-2023-11-15): `consolidated_content(round)`, then `consolidated_docx(content)`
   and `annex_xlsx(content)`; median and max of --runs.
3. Times `selectors.board(scope, plan)` for the province's 27 bodies (national, province coordinator and
   district officer scopes) and counts its queries; then adds the bodies of the 62 other provinces (14
   provincial bodies each and a People's Committee per district, as members of the plan's reporter
   groups: ≈ 1,600 bodies owing 5 milestones) with submissions in mixed states, and times and counts
   again: median and p95 of --runs, queries per call (they should not grow with the number of bodies).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20231205
PROVINCE = "46"
PLAN_FILE = ROOT / "data" / "plans" / "tth-2023.yaml"
GOALS = {"docx_s": 1.0, "board_p95_ms": 300}
STARTED = time.perf_counter()
# The bodies of a synthesized province: (code suffix, name, kind, reporter group)
BODIES = [
    ("SLDTBXH", "Sở Lao động – Thương binh và Xã hội", "department", "SO-NGANH"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "department", "SO-NGANH"),
    ("STC", "Sở Tài chính", "department", "SO-NGANH"),
    ("STP", "Sở Tư pháp", "department", "SO-NGANH"),
    ("SYT", "Sở Y tế", "department", "SO-NGANH"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "department", "SO-NGANH"),
    ("SVHTT", "Sở Văn hóa và Thể thao", "department", "SO-NGANH"),
    ("CAT", "Công an tỉnh", "police", "SO-NGANH"),
    ("MTTQ", "Ủy ban MTTQVN tỉnh", "front", "DOAN-THE"),
    ("TINHDOAN", "Tỉnh Đoàn", "youth_union", "DOAN-THE"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "mass_organisation", "DOAN-THE"),
    ("HND", "Hội Nông dân tỉnh", "mass_organisation", "DOAN-THE"),
    ("HCCB", "Hội Cựu chiến binh tỉnh", "mass_organisation", "DOAN-THE"),
    ("LDLD", "Liên đoàn Lao động tỉnh", "mass_organisation", "DOAN-THE"),
]
STATES = [("accepted", 70), ("submitted", 8), ("returned", 5), ("draft", 7), (None, 10)]


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per timing")
    parser.add_argument("--output", type=Path, default=None, help="also write the Markdown report here")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile one national board and one DOCX (cProfile, top 12)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


# --- database --------------------------------------------------------------------------------------------


def prepare_database(folder: str) -> str:
    """Point DATABASE_URL at a throwaway database; returns its vendor ("sqlite" or "postgresql")."""
    raw = os.environ.get("DATABASE_URL", "")
    if not raw:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench-reporting.sqlite3"
        return "sqlite"
    url = urllib.parse.urlparse(raw)
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            "bench/reporting.py: DATABASE_URL must be PostgreSQL (or unset for a temporary SQLite file)."
        )
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            f"The bench drops and recreates its database; '{name}' does not look like one (needs 'bench')."
        )
    import psycopg
    from psycopg import sql

    params = {
        "host": url.hostname or "localhost",
        "port": url.port or 5432,
        "user": urllib.parse.unquote(url.username or ""),
        "dbname": "postgres",
    }
    if url.password:
        params["password"] = urllib.parse.unquote(url.password)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return "postgresql"


def configure_django() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ["DEBUG"] = "0"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo users: no PBKDF2


def quiet_command(name: str, *args, **options) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out, **options)
    return out.getvalue()


# --- timing ----------------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def timed(function, runs: int) -> tuple[list[float], object]:
    """Seconds of each of `runs` calls (after one warm-up call), and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def profiled(function, top: int = 12) -> str:
    """The `top` functions of one call by cumulative time (cProfile)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(function)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())


def query_count(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


# --- the consolidated report -----------------------------------------------------------------------------


def time_report(runs: int) -> dict:
    from treem.reporting.documents.docx import consolidated_docx
    from treem.reporting.documents.xlsx import annex_xlsx
    from treem.reporting.models import ReportingRound
    from treem.reporting.report_content import consolidated_content

    rnd = ReportingRound.objects.select_related("plan__province", "milestone").get(code="M-2023-12-05")
    content_times, content = timed(lambda: consolidated_content(rnd), runs)
    docx_times, docx = timed(lambda: consolidated_docx(content), runs)
    xlsx_times, xlsx = timed(lambda: annex_xlsx(content), runs)
    return {
        "round": rnd.code,
        "task reports": len(content.task_reports),
        "content": content_times,
        "docx": docx_times,
        "xlsx": xlsx_times,
        "docx bytes": len(docx),
        "xlsx bytes": len(xlsx),
        "content queries": query_count(lambda: consolidated_content(rnd)),
    }


# --- the board -------------------------------------------------------------------------------------------


def scopes() -> dict:
    from treem.accounts.models import Role, User
    from treem.accounts.policy import scope_for
    from treem.units.models import AdministrativeUnit, Agency

    province = AdministrativeUnit.objects.get(code=PROVINCE)
    national, _ = User.objects.get_or_create(username="bench-national", defaults={"role": Role.NATIONAL})
    district = User.objects.get(username="huyen")  # load_demo's district officer
    coordinator, _ = User.objects.get_or_create(
        username="bench-coordinator",
        defaults={
            "role": Role.PROVINCE_COORDINATOR,
            "unit": province,
            "agency": Agency.objects.get(code="SLDTBXH"),
        },
    )
    return {
        "national": scope_for(national),
        "province coordinator (46)": scope_for(coordinator),
        f"district officer ({district.unit.code})": scope_for(district),
    }


def time_boards(plan, runs: int) -> dict:
    from treem.reporting import selectors

    rows = {}
    for name, scope in scopes().items():
        times, board = timed(lambda scope=scope: selectors.board(scope, plan), runs)
        cells = sum(1 for row in board.rows for cell in row.cells if cell is not None)
        rows[name] = {
            "bodies": len(board.rows),
            "cells": cells,
            "queries": query_count(lambda scope=scope: selectors.board(scope, plan)),
            "median": statistics.median(times) * 1000,
            "p95": percentile(times, 95) * 1000,
        }
    return rows


def synthesize_country(plan) -> dict:
    """The bodies of every other province, as members of the plan's reporter groups, and their
    submissions at the plan's rounds in mixed states (bulk: no services, no history)."""
    from django.db import transaction

    from treem.reporting import selectors
    from treem.reporting.models import Submission
    from treem.units.models import AdministrativeUnit, Agency, UnitLevel

    rng = random.Random(SEED)
    groups = {g.code: g for g in Agency.objects.filter(code__in={b[3] for b in BODIES} | {"UBND-HUYEN"})}
    provinces = (
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).exclude(code=PROVINCE).order_by("code")
    )
    with transaction.atomic():
        new, membership = [], []
        for province in provinces:
            for suffix, name, kind, group in BODIES:
                new.append(Agency(code=f"{suffix}-{province.code}", name=f"{name} ({province.name})",
                                  short_name=suffix, kind=kind, unit=province))  # fmt: skip
                membership.append(group)
            for district in AdministrativeUnit.objects.filter(parent=province, level=UnitLevel.DISTRICT):
                new.append(Agency(code=f"UBND-{district.code}", name=f"Ủy ban nhân dân {district.name}",
                                  short_name=f"UBND {district.name}", kind="district_committee", unit=district))  # fmt: skip
                membership.append("UBND-HUYEN")
        Agency.objects.bulk_create(new)
        created = {a.code: a for a in Agency.objects.filter(code__in=[a.code for a in new])}
        through = Agency.members.through
        through.objects.bulk_create(
            [
                through(from_agency_id=groups[g].pk, to_agency_id=created[a.code].pk)
                for a, g in zip(new, membership, strict=True)
            ]
        )
        submissions = []
        for rnd in selectors.rounds_of(plan):
            for body in selectors.owed_bodies(rnd.milestone):
                if body.code not in created:
                    continue
                state = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
                if state is None:
                    continue
                moment = datetime.datetime.combine(
                    rnd.deadline + datetime.timedelta(days=rng.randint(-5, 8)),
                    datetime.time(9),
                    tzinfo=datetime.UTC,
                )
                handed = state != "draft"
                submissions.append(
                    Submission(
                        round=rnd,
                        agency=body,
                        state=state,
                        version=1 if handed else 0,
                        first_submitted_at=moment if handed else None,
                        submitted_at=moment if handed else None,
                    )  # fmt: skip
                )
        Submission.objects.bulk_create(submissions, batch_size=1000)
    return {"bodies added": len(new), "submissions added": len(submissions)}


# --- report ----------------------------------------------------------------------------------------------


def machine(vendor: str) -> dict:
    import django
    from django.db import connection

    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]} (same machine)"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (temporary file)"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "database": database,
        "Python / Django": f"{platform.python_version()} / {django.get_version()}",
        "load average at the end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:,.0f} ms (max {max(seconds) * 1000:,.0f})"


def report(args, info: dict, report_times: dict, small: dict, country: dict, large: dict) -> str:
    lines = ["# treem reporting benchmark", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    docx_total = [a + b for a, b in zip(report_times["content"], report_times["docx"], strict=True)]
    lines += ["", f"## Consolidated report of {report_times['round']} ({args.runs} runs, median)", ""]
    lines += ["| step | time | |", "|---|---:|---|"]
    lines += [
        f"| `consolidated_content(round)` | {ms(report_times['content'])} | "
        f"{report_times['content queries']} queries, {report_times['task reports']} task reports |",
        f"| `consolidated_docx(content)` | {ms(report_times['docx'])} | {report_times['docx bytes']:,} bytes |",
        f"| `annex_xlsx(content)` | {ms(report_times['xlsx'])} | {report_times['xlsx bytes']:,} bytes |",
        f"| **content + DOCX** | **{ms(docx_total)}** | goal < {GOALS['docx_s']:.0f} s: "
        f"{'met' if statistics.median(docx_total) < GOALS['docx_s'] else '**not met**'} |",
    ]
    lines += ["", f"## Board ({args.runs} runs)", ""]
    lines += [
        "| bodies | scope | rows | cells | queries | median ms | p95 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for label, rows in (("province 46 only", small), ("63 provinces", large)):
        for scope, r in rows.items():
            lines.append(
                f"| {label} | {scope} | {r['bodies']:,} | {r['cells']:,} | {r['queries']} | "
                f"{r['median']:,.1f} | {r['p95']:,.1f} |"
            )
    counts = {r["queries"] for rows in (small, large) for r in rows.values()}
    worst = max(r["p95"] for r in large.values())
    lines += [
        "",
        f"Added for the national case: {country['bodies added']:,} bodies, {country['submissions added']:,} submissions.",
        f"Queries per board call: {sorted(counts)} — {'constant' if len(counts) == 1 else '**not constant**'}.",
        f"Worst p95 at national scale: {worst:,.1f} ms — goal < {GOALS['board_p95_ms']} ms: "
        f"{'met' if worst < GOALS['board_p95_ms'] else '**not met**'}.",
    ]
    return "\n".join(lines) + "\n"


def profiles(plan) -> str:
    from treem.reporting import selectors
    from treem.reporting.documents.docx import consolidated_docx
    from treem.reporting.models import ReportingRound
    from treem.reporting.report_content import consolidated_content

    national = next(iter(scopes().values()))
    content = consolidated_content(ReportingRound.objects.get(code="M-2023-12-05"))
    parts = [
        (
            "`selectors.board(national scope, plan)`, 63 provinces",
            profiled(lambda: selectors.board(national, plan)),
        ),
        ("`consolidated_docx(content)`", profiled(lambda: consolidated_docx(content))),
    ]
    text = ""
    for title, body in parts:
        text += f"\n## Profile: {title}\n\n```\n{body}\n```\n"
    return text


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="treem-bench-rep-") as folder:
        vendor = prepare_database(folder)
        configure_django()
        quiet_command("migrate", verbosity=0)
        log("migrated")
        quiet_command("load_units", all=True)
        quiet_command("load_agencies")
        quiet_command("load_plan", str(PLAN_FILE))
        log("units, agencies, plan loaded")
        quiet_command("load_demo")
        log("demo loaded")

        from treem.plans.models import Plan

        plan = Plan.objects.get(code="tth-2023")
        gc.freeze()  # as treem/wsgi.py does once the app has started: the set-up's objects are not rescanned
        report_times = time_report(args.runs)
        log("consolidated report timed")
        small = time_boards(plan, args.runs)
        country = synthesize_country(plan)
        if vendor == "postgresql":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        log(f"country synthesized: {country}")
        large = time_boards(plan, args.runs)
        text = report(args, machine(vendor), report_times, small, country, large)
        if args.profile:
            text += profiles(plan)
        text += f"\nTotal bench time: {(time.perf_counter() - STARTED) / 60:.1f} min.\n"
        print(text)
        if args.output:
            args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
