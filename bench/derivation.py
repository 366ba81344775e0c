#!/usr/bin/env python
"""Derived figures benchmark (issue 10; PostgreSQL only): 2,000,000 children, 1,000,000 cases and the register
of special circumstances over them; recomputing every derived figure of the plan for one province and for
the whole country, and one record change reaching its commune's figure. Prints figures; asserts no timing.

    .venv/bin/python bench/derivation.py [--units all|province] [--period 2026S1] [--runs 5] [--output FILE]
    .venv/bin/python bench/derivation.py --quick           # 20,000 children, database treem_bench10_quick
    .venv/bin/python bench/derivation.py --reuse           # time again on the data already generated
    .venv/bin/python bench/derivation.py --generate-only   # build the data, time nothing

1. Recreates the database in DATABASE_URL (default postgres://postgres@127.0.0.1:5432/treem_bench10; with
   `--units province` treem_bench10_province; its name must contain "bench"), migrates, loads the units
   (`--units all`: every commune of the shipped structure, 10,598; `province`: the 141 communes of province
   46, the stress spread), the agencies and data/plans/tth-2023.yaml (whose derived elements are computed).
2. Children and cases in bulk SQL (bench/case_data.py), then their circumstances and supports
   (bench/register_data.py).
3. Times (median, p95): (a) recomputing every derived element for province 46 and --period (with the
   periods it overlaps, as treem.register.derivation.do_derive does), --runs times; the first run writes
   every value, the next find them unchanged; (b) the same for the whole country, --country-runs times;
   each once more under cProfile and once with its SQL listed (EXPLAIN ANALYZE of the slowest); (c)
   `do_add_circumstance` on a child of commune 19750 through the service, from today and back-dated to
   15/03, until the commune's SPECIAL_CIRCUMSTANCES of every period the change alters shows it (on_commit
   receiver, then the background job for earlier periods). --only recompute|changes picks a part.
Shared helpers (database, percentile, machine) come from bench/indicators.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import case_data  # noqa: E402
import indicators as shared  # noqa: E402
import register_data  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/treem_bench10"
PLAN_FILE = ROOT / "data" / "plans" / "tth-2023.yaml"
PROVINCE, COMMUNE = "46", "19750"
GOALS = {"province": 2.0, "country": 60.0, "change": 1.0}  # seconds
STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=2_000_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--units", choices=["all", "province"], default="all")
    parser.add_argument("--period", default="2026S1", help="the period recomputed (DHIS2 identifier)")
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (median, p95)")
    parser.add_argument("--country-runs", type=int, default=3, help="runs of the whole country")
    parser.add_argument("--changes", type=int, default=10, help="single record changes timed")
    parser.add_argument("--quick", action="store_true", help="20,000 children, 10,000 cases")
    parser.add_argument("--reuse", action="store_true", help="keep the database and its data; time only")
    parser.add_argument("--generate-only", action="store_true", help="build the data and stop")
    parser.add_argument("--only", choices=["all", "recompute", "changes"], default="all", help="what to time")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile and SQL listings")
    parser.add_argument("--output", type=Path, default=None, help="also write the Markdown report here")
    args = parser.parse_args()
    if args.quick:
        args.children, args.cases = 20_000, 10_000
    if args.children < args.cases or args.runs < 1:
        parser.error("--children must be at least --cases, --runs at least 1")
    return args


def configure(args) -> None:
    suffix = "_quick" if args.quick else "_province" if args.units == "province" else ""
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL + suffix)
    url = shared.database_url()
    if not args.reuse:
        shared.recreate_database(url)
    os.environ.setdefault("TREEM_ENCRYPTION_KEYS", "YmVuY2gtb25seS1mZXJuZXQta2V5LTAxMjM0NTY3ODk=")
    os.environ.setdefault("TREEM_BLIND_INDEX_KEY", "bench-only-blind-index-key-0123456789abcdef")
    shared.configure_django()


def build(args) -> dict:
    from django.db import connection

    from treem.cases.models import NAME_INDEX_PURPOSE
    from treem.core.crypto import blind_index, encrypt

    started = time.perf_counter()
    shared.quiet_command("migrate", verbosity=0)
    shared.quiet_command("load_units", **({"all": True} if args.units == "all" else {}))
    shared.quiet_command("load_agencies")
    shared.quiet_command("load_plan", str(PLAN_FILE))
    log(f"migrated; units, agencies and the plan loaded ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        sizes = case_data.generate(
            cursor,
            cases=args.cases,
            children=args.children,
            encrypt=encrypt,
            blind_index=lambda text: blind_index(text, purpose=NAME_INDEX_PURPOSE),
            log=log,
        )
        sizes.pop("stages", None)
        sizes.update(register_data.generate(cursor, log=log))
    sizes["generation seconds"] = round(time.perf_counter() - started)
    return sizes


# --- timing ------------------------------------------------------------------------------------------------


def summary(seconds: list[float]) -> dict:
    if not seconds:
        return dict.fromkeys(("median", "p95", "min", "max"), float("nan")) | {"runs": 0}
    return {"runs": len(seconds), "median": statistics.median(seconds), "p95": shared.percentile(seconds, 95),
            "min": min(seconds), "max": max(seconds)}  # fmt: skip


def recompute(period: str, provinces: list[str] | None):
    from treem.register import derivation

    return derivation.do_derive([period], province_codes=provinces)


def derived_values(period: str, provinces: list[str] | None) -> int:
    """The derived values stored for `period` and the periods it overlaps (do_derive writes them together)."""
    from treem.indicators.models import DataValue
    from treem.register.derivation import derived_elements, overlapping_periods

    periods = overlapping_periods([period])
    values = DataValue.objects.filter(period__code__in=periods, element__in=derived_elements())
    if provinces:
        values = values.filter(unit__path__regex=r"^({})/".format("|".join(provinces)))
    return values.count()


def analyze_values() -> None:
    """After a run that wrote many new values, what autovacuum does a little later: without it the planner
    still believes the table empty (validation.stored_values then reads the whole period: 2.5 s instead of
    0.09 s for a province)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indicators_datavalue")


def time_recompute(label: str, period: str, provinces: list[str] | None, runs: int) -> dict:
    """Run 1 writes every value (none there yet), then the values are analysed; the next runs find them
    unchanged, as a nightly run does."""
    seconds, reports = [], []
    for n in range(runs):
        started = time.perf_counter()
        report = recompute(period, provinces)
        seconds.append(time.perf_counter() - started)
        reports.append(report)
        log(f"{label} run {n + 1}: {seconds[-1]:.2f} s ({_report_line(report)})")
        if n == 0:
            analyze_values()
    result = {"label": label, "first": seconds[0], "first_report": _report_line(reports[0]),
              "report": _report_line(reports[-1]), "values": derived_values(period, provinces)}  # fmt: skip
    result.update(summary(seconds[1:] or seconds))
    return result


def _report_line(report) -> str:
    fields = ("communes", "imported", "updated", "ignored")
    line = ", ".join(f"{f} {getattr(report, f):,}" for f in fields if hasattr(report, f))
    refused = len(getattr(report, "refused", []) or [])
    return line + (f", refused {refused}" if refused else "")


def profile_recompute(period: str, provinces: list[str] | None, explain: int) -> dict:
    """One more run under cProfile, then one with its SQL captured (times per statement, EXPLAIN ANALYZE of
    the slowest SELECTs)."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(recompute, period, provinces)
    profiled = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        recompute(period, provinces)
        total = time.perf_counter() - started
    queries = captured.captured_queries
    by_kind: dict[str, list[float]] = {}
    for q in queries:
        by_kind.setdefault(_shape(q["sql"]), []).append(float(q["time"]))
    shapes = sorted(((sum(t), len(t), k) for k, t in by_kind.items()), reverse=True)[:12]
    slowest = sorted(queries, key=lambda q: -float(q["time"]))
    plans = []
    with connection.cursor() as cursor:
        for q in [q for q in slowest if q["sql"].lstrip().upper().startswith("SELECT")][:explain]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plans.append((float(q["time"]), q["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return {"profiled": profiled, "stats": out.getvalue(), "total": total, "count": len(queries),
            "sql": sum(float(q["time"]) for q in queries), "shapes": shapes, "plans": plans}  # fmt: skip


def _shape(sql: str) -> str:
    """A statement without its literals, to add up the statements of one shape."""
    import re

    text = re.sub(r"'[^']*'", "?", sql)
    text = re.sub(r"\b\d+\b", "?", text)
    text = re.sub(r"(\?, )+\?", "…", text)
    return text[:220]


def commune_officer():
    from treem.accounts.models import Role, User
    from treem.units.models import AdministrativeUnit

    user, _ = User.objects.update_or_create(
        username="bench10-xa",
        defaults={"role": Role.COMMUNE_OFFICER, "unit": AdministrativeUnit.objects.get(code=COMMUNE)},
    )
    return user


def figures_now(commune_id: int, periods: list[str]) -> dict[str, float | None]:
    from treem.indicators.models import DataValue

    found = dict(
        DataValue.objects.filter(
            element__code="SPECIAL_CIRCUMSTANCES", unit_id=commune_id, period__code__in=periods
        ).values_list("period__code", "value")
    )
    return {p: (float(found[p]) if p in found else None) for p in periods}


def change_children(count: int) -> list[int]:
    """Children of COMMUNE under 15 with no circumstance yet (each change takes a new one)."""
    import datetime

    from django.db.models import Exists, OuterRef

    from treem.cases.models import Child
    from treem.register.models import Circumstance

    today = datetime.date.today()
    young = datetime.date(today.year - 15, today.month, 1)
    return list(
        Child.objects.filter(commune__code=COMMUNE, date_of_birth__gt=young)
        .exclude(Exists(Circumstance.objects.filter(child=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )


def time_changes(children: list[int], started_on, periods: list[str]) -> dict:
    """`do_add_circumstance` on each child (of COMMUNE, with none) from `started_on`, then poll until the
    commune's SPECIAL_CIRCUMSTANCES of every period in `periods` is one more. The first is a warm-up."""
    from treem.register.services import do_add_circumstance
    from treem.units.models import AdministrativeUnit

    actor = commune_officer()
    commune = AdministrativeUnit.objects.get(code=COMMUNE)
    service, seen = [], []
    for n, child in enumerate(children):
        before = figures_now(commune.pk, periods)
        started = time.perf_counter()
        do_add_circumstance(actor, child, group="orphan_both", started_on=started_on)
        returned = time.perf_counter()
        while True:
            now = figures_now(commune.pk, periods)
            if all(now[p] is not None and before[p] in (None, now[p] - 1) for p in periods):
                break
            if time.perf_counter() - started > 120:
                log(f"change {n}: not seen after 120 s: before {before}, now {now}")
                break
            time.sleep(0.005)
        done = time.perf_counter()
        if n == 0:
            log(f"warm-up change from {started_on}: {done - started:.3f} s ({before} → {now})")
            continue
        service.append(returned - started)
        seen.append(done - started)
        log(
            f"change {n} from {started_on}: service {returned - started:.3f} s, figures {done - started:.3f} s"
        )
    return {"started_on": started_on, "periods": periods, "service": summary(service), "seen": summary(seen)}


def time_all_changes(count: int) -> list[dict]:
    """Two series: from today (the current periods, recomputed in the receiver) and back-dated to the first
    quarter (its earlier periods recomputed by a background job, treem.register.tasks)."""
    import datetime

    from treem.register.derivation import current_periods, periods_for_change

    today = datetime.date.today()
    back = datetime.date(today.year, 3, 15)
    children = change_children(2 * (count + 1))
    half = len(children) // 2
    return [
        time_changes(children[:half], today, current_periods()),
        time_changes(children[half:], back, periods_for_change(back)),
    ]


def run(args, sizes: dict) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM units_administrativeunit WHERE level = 'commune' AND path LIKE %s",
                       [PROVINCE + "/%"])  # fmt: skip
        province_communes = cursor.fetchone()[0]
    results, profiles, changes = [], [], []
    if args.only in ("all", "recompute"):
        label = f"province {PROVINCE} ({province_communes} communes), {args.period}"
        results.append(time_recompute(label, args.period, [PROVINCE], args.runs))
        if args.units == "all" and args.country_runs:
            results.append(
                time_recompute(f"whole country, {args.period}", args.period, None, args.country_runs)
            )
        if not args.no_profile:
            profiles = [profile_recompute(args.period, p, 3) for p in ([PROVINCE], None)[: len(results)]]
    if args.only in ("all", "changes"):
        changes = time_all_changes(args.changes)
    return report(args, shared.machine(), sizes, results, profiles, changes)


def report(
    args, info: dict, sizes: dict, results: list[dict], profiles: list[dict], changes: list[dict]
) -> str:
    lines = ["# treem derived figures benchmark", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += ["", "## Size", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v:,} |" for k, v in sizes.items() if isinstance(v, int | float)]
    lines += ["", "## Recomputation (seconds)", ""]
    lines += ["| what | values | first run (writes all) | median | p95 | runs | goal | met |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for r, goal in zip(results, (GOALS["province"], GOALS["country"]), strict=False):
        lines.append(
            f"| {r['label']} | {r['values']:,} | {r['first']:.2f} | {r['median']:.2f} | {r['p95']:.2f} |"
            f" {r['runs']} | < {goal:.0f} | {shared.yes(r['p95'] < goal)} |"
        )
    lines += ["", *[f"- {r['label']}: first run {r['first_report']}; last {r['report']}" for r in results]]
    lines += ["", f"## One record change (commune {COMMUNE}; `do_add_circumstance`, end to end)", "",
              "| change | periods watched | service call (commit, receivers) median / p95 s |"
              " until every figure shows it median / p95 / max s | runs | goal < 1 s |",
              "|---|---|---:|---:|---:|---|"]  # fmt: skip
    for c in changes:
        sv, seen = c["service"], c["seen"]
        lines.append(
            f"| from {c['started_on']:%d/%m/%Y} | {', '.join(c['periods'])} | {sv['median']:.3f} / {sv['p95']:.3f} |"
            f" {seen['median']:.3f} / {seen['p95']:.3f} / {seen['max']:.3f} | {seen['runs']} |"
            f" {shared.yes(seen['p95'] < GOALS['change'])} |"
        )
    for r, p in zip(results, profiles, strict=False):
        lines += ["", f"## Profile: {r['label']}", "",
                  f"{p['count']} statements, {p['sql']:.2f} s in SQL of {p['total']:.2f} s. Shapes by total time:", ""]  # fmt: skip
        lines += [f"- {t:.3f} s, {n}×: `{k}`" for t, n, k in p["shapes"]]
        lines += ["", f"cProfile ({p['profiled']:.2f} s under the profiler):", "", "```", p["stats"][-6000:], "```"]  # fmt: skip
        for t, sql, plan in p["plans"]:
            lines += ["", f"EXPLAIN ANALYZE ({t * 1000:.0f} ms):", "", "```", sql[:1500], "", plan, "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    configure(args)
    if args.reuse:
        from django.db import connection

        shared.quiet_command("migrate", verbosity=0)
        sizes = {k: v for k, v in case_data.stored_sizes().items() if isinstance(v, int)}
        with connection.cursor() as cursor:
            sizes.update(register_data.stored_sizes(cursor))
    else:
        sizes = build(args)
    log(f"sizes: {sizes}")
    if args.generate_only:
        return
    text = run(args, sizes)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
