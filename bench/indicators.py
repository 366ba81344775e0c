#!/usr/bin/env python
"""National-scale benchmark of the indicator engine (PostgreSQL only). Prints figures; not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/treem_bench .venv/bin/python bench/indicators.py \
        [--provinces 63] [--periods 10] [--communes-per-district N] [--requests 50] [--runs 5]

1. Drops and recreates the bench database (its name must contain "bench"), migrates, loads every unit of
   the shipped 2023 structure (63 provinces, ~10,600 communes), the agencies and the 2023 plan.
2. Generates every data element of the plan for every commune of the chosen provinces, every half-year
   up to 2023S2 and every combo (with the demo generator, so the values pass the validation rules),
   writes one DHIS2 dataValueSets JSON file per period and times `import_datavalues FILE --no-outliers`
   on each; the last file runs under cProfile and its 15 costliest functions are printed.
3. Times evaluate(plan, "2023", …) for all provinces and for one province with its districts (median of
   --runs), next to a hand-written GROUP BY over the same values, and checks that both agree.
4. Times the scorecard page over real HTTP (a `runserver` process, DEBUG off, a signed-in province
   coordinator); if the page does not exist yet, times evaluate() for the province instead and says so.
5. Prints the machine and every figure as Markdown.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import math
import os
import platform
import pstats
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20231231
LAST_PERIOD = (2023, 2)  # the data ends with 2023S2
CHILDREN_PER_COMMUNE = 2_300  # ~25 million children over ~10,600 communes
PROVINCE = "46"  # the plan's province (Thừa Thiên Huế)
PLAN_FILE = ROOT / "data" / "plans" / "tth-2023.yaml"
GOALS = {"import": 50_000, "ratio": 1.5, "page_p95": 300}
STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--provinces", type=int, default=63, help="how many provinces get data (46 always)")
    parser.add_argument("--periods", type=int, default=10, help="six-monthly periods ending with 2023S2")
    parser.add_argument("--communes-per-district", type=int, default=None, help="at most N (default all)")
    parser.add_argument("--runs", type=int, default=5, help="runs per evaluation timing (median)")
    parser.add_argument("--requests", type=int, default=50, help="scorecard requests")
    parser.add_argument("--no-profile", action="store_true", help="import the last file without cProfile")
    parser.add_argument("--output", type=Path, default=None, help="also write the Markdown report here")
    args = parser.parse_args()
    if args.periods < 1 or args.provinces < 1 or args.runs < 1 or args.requests < 1:
        parser.error("--provinces, --periods, --runs and --requests must be at least 1")
    return args


# --- database --------------------------------------------------------------------------------------------


def database_url() -> urllib.parse.ParseResult:
    raw = os.environ.get("DATABASE_URL", "")
    url = urllib.parse.urlparse(raw)
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            "bench/indicators.py measures the national case on PostgreSQL and refuses to run on "
            f"{url.scheme or 'SQLite (no DATABASE_URL)'}.\nSet e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/treem_bench"
        )
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            f"The bench drops and recreates its database; '{name}' does not look like one (needs 'bench')."
        )
    return url


def recreate_database(url: urllib.parse.ParseResult) -> None:
    import psycopg
    from psycopg import sql

    name = url.path.lstrip("/")
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


def configure_django() -> None:
    # Production-like: DEBUG off (no query log), plain static storage (no collectstatic needed).
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ["DEBUG"] = "0"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
    import django

    django.setup()


def quiet_command(name: str, *args, **options) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out, **options)
    return out.getvalue()


# --- data ------------------------------------------------------------------------------------------------


def period_codes(count: int) -> list[str]:
    year, half = LAST_PERIOD
    codes = []
    for _ in range(count):
        codes.append(f"{year}S{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return codes[::-1]


def chosen_provinces(count: int):
    from treem.units.models import AdministrativeUnit, UnitLevel

    provinces = list(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by("code"))
    chosen = [p for p in provinces if p.code == PROVINCE]
    chosen += [p for p in provinces if p.code != PROVINCE][: max(0, count - 1)]
    return sorted(chosen, key=lambda p: p.code)


def write_files(plan, provinces, periods: list[str], per_district: int | None, folder: Path) -> list[tuple]:
    """One dataValueSets JSON file per period; returns [(period, path, values)]."""
    from treem.demo.figures import demo_communes, demo_values
    from treem.plans.metadata import plan_elements
    from treem.units.models import UnitLevel

    rng = random.Random(SEED)
    communes = []
    for province in provinces:
        n = province_commune_count(province, UnitLevel.COMMUNE)
        sample = demo_communes(province, rng, CHILDREN_PER_COMMUNE * n)
        if per_district:
            taken: dict[int, int] = defaultdict(int)
            kept = []
            for commune in sample:
                if taken[commune.unit.parent_id] < per_district:
                    taken[commune.unit.parent_id] += 1
                    kept.append(commune)
            sample = kept
        communes += sample
    log(f"{len(communes):,} communes in {len(provinces)} provinces")
    files = []
    rows = demo_values(list(plan_elements(plan)), communes, periods, rng)
    for period, group in itertools.groupby(rows, key=lambda row: row[3]):
        values = [
            {"dataElement": e, "period": p, "orgUnit": u, "categoryOptionCombo": c, "value": str(v)}
            for e, c, u, p, v in group
        ]
        path = folder / f"datavalues-{period}.json"
        path.write_text(json.dumps({"dataValues": values}, separators=(",", ":")), encoding="utf-8")
        files.append((period, path, len(values)))
        log(f"wrote {path.name}: {len(values):,} values, {path.stat().st_size / 1e6:.0f} MB")
    return files


def province_commune_count(province, level) -> int:
    from treem.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.filter(path__startswith=province.path, level=level).count()


# --- import ----------------------------------------------------------------------------------------------


def import_file(path: Path) -> dict:
    try:
        out = quiet_command("import_datavalues", str(path), no_outliers=True)
    except SystemExit:
        sys.exit(f"import of {path.name} reported conflicts; the generator is wrong")
    return json.loads(out[: out.rindex("}") + 1])


def statement_kind(sql: str) -> str:
    """'SELECT indicators_datavalue', 'INSERT indicators_historicaldatavalue'…"""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {table.group(1) if table else ''}".strip()


def time_imports(files: list[tuple], profile_last: bool) -> dict:
    timed, profiled = (files[:-1], files[-1]) if profile_last and len(files) > 1 else (files, None)
    per_file = []
    for period, path, count in timed:
        started = time.perf_counter()
        summary = import_file(path)
        seconds = time.perf_counter() - started
        assert summary["importCount"]["imported"] == count, summary["importCount"]
        per_file.append((period, count, seconds))
        log(f"imported {period}: {count:,} values in {seconds:.1f} s = {count / seconds:,.0f} values/s")
    result = {"per_file": per_file, "profile": None}
    if profiled:
        from django.db import connection

        period, path, count = profiled
        profiler = cProfile.Profile()
        statements: dict[str, list] = defaultdict(lambda: [0, 0.0])

        def timed_sql(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                entry = statements[statement_kind(sql)]
                entry[0] += 1
                entry[1] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(timed_sql):
            summary = profiler.runcall(import_file, path)
        seconds = time.perf_counter() - started
        assert summary["importCount"]["imported"] == count, summary["importCount"]
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        stats.sort_stats("cumulative").print_stats(15)
        by_cumulative = text.getvalue()
        text = io.StringIO()
        stats.stream = text
        stats.sort_stats("tottime").print_stats(15)
        result["profile"] = (period, count, seconds, by_cumulative, text.getvalue(), dict(statements))
        log(f"imported {period} under cProfile: {count:,} values in {seconds:.1f} s")
    # re-importing a file already stored (every value unchanged) is the other common case
    period, path, count = files[0]
    started = time.perf_counter()
    summary = import_file(path)
    seconds = time.perf_counter() - started
    assert summary["importCount"]["ignored"] == count, summary["importCount"]
    result["reimport"] = (period, count, seconds)
    log(f"re-imported {period} (all unchanged): {count / seconds:,.0f} values/s")
    return result


# --- evaluation ------------------------------------------------------------------------------------------


def median_ms(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


BARE_SQL = """
SELECT substr(u.path, 1, %s) AS ancestor, x.element_id, x.combo_id, SUM(x.value), COUNT(*)
FROM (
    SELECT v.unit_id, v.element_id, v.combo_id,
           CASE WHEN v.element_id = ANY(%s)
                THEN (array_agg(v.value ORDER BY p.end_date DESC, p.start_date DESC))[1]
                ELSE SUM(v.value) END AS value
    FROM {values} v JOIN {periods} p ON p.id = v.period_id
    WHERE v.period_id = ANY(%s) AND v.element_id = ANY(%s) {where}
    GROUP BY v.unit_id, v.element_id, v.combo_id
) x JOIN {units} u ON u.id = x.unit_id
GROUP BY 1, 2, 3
"""
# Each unit's figure first (its newest period for `last` elements, the sum of its periods for `sum`
# elements: the bench data has no overlapping periods), then the units add up by ancestor, as evaluate()
# does. COUNT(*) is then the number of reporting units.
# One province: pick its units' ids first (path prefix index), so the unit_id index finds their values
# instead of a scan over the whole country's values of the period.
IN_SUBTREE = "AND v.unit_id = ANY(ARRAY(SELECT id FROM {units} WHERE path LIKE %s))"


def bare_sql(levels: list[int], period_ids: list[int], elements: list, prefix: str | None) -> list:
    """The sums evaluate() needs, written by hand: per ancestor, element and combo."""
    from django.db import connection

    from treem.indicators.models import AggregationType, DataValue, Period
    from treem.units.models import AdministrativeUnit

    units = AdministrativeUnit._meta.db_table
    query = BARE_SQL.format(
        values=DataValue._meta.db_table,
        periods=Period._meta.db_table,
        units=units,
        where=IN_SUBTREE.format(units=units) if prefix else "",
    )
    last_ids = [e.pk for e in elements if e.aggregation == AggregationType.LAST]
    element_ids = [e.pk for e in elements]
    rows = []
    with connection.cursor() as cursor:
        for length in levels:
            params = [length, last_ids, period_ids, element_ids] + ([prefix + "%"] if prefix else [])
            cursor.execute(query, params)
            rows += cursor.fetchall()
    return rows


def sums_from_rows(rows) -> dict:
    """(ancestor, element id, combo id) → sum."""
    return {(ancestor, element_id, combo_id): total for ancestor, element_id, combo_id, total, _count in rows}


def side(expression: str, path: str, sums: dict, elements: dict):
    from treem.indicators.expressions import parse

    total, found = Decimal(0), False
    for term in parse(expression):
        element = elements[term.element]
        for combo in element.combos.all():
            if term.combo and combo.code != term.combo:
                continue
            if (path, element.pk, combo.pk) in sums:
                total += sums[(path, element.pk, combo.pk)]
                found = True
    return total if found else None


def compare(evaluations, rows, elements: dict) -> tuple[int, int, list]:
    """How many (indicator, unit) numerator/denominator pairs agree between evaluate() and the bare SQL."""
    sums = sums_from_rows(rows)
    agree, mismatches = 0, []
    for e in evaluations:
        numerator = side(e.indicator.numerator, e.unit.path, sums, elements)
        denominator = side(e.indicator.denominator, e.unit.path, sums, elements)
        if (numerator, denominator) == (e.numerator, e.denominator):
            agree += 1
        else:
            mismatches.append(
                (e.indicator.code, e.unit.code, e.numerator, numerator, e.denominator, denominator)
            )
    return agree, len(evaluations), mismatches


def time_evaluation(plan, provinces, runs: int) -> dict:
    from django.db import connection

    from treem.indicators.periods import contained_periods, get_period
    from treem.plans.evaluation import evaluate
    from treem.plans.metadata import plan_elements
    from treem.units.geometry import CODE_WIDTH, LEVEL_RANK
    from treem.units.models import AdministrativeUnit, UnitLevel

    def path_length(level: str) -> int:
        """The length of the path of a unit of this level in the shipped tree ("46/474/" for a district)."""
        return sum(CODE_WIDTH[name] + 1 for name, rank in LEVEL_RANK.items() if rank <= LEVEL_RANK[level])

    with connection.cursor() as cursor:  # what autovacuum would have done by now on a live system
        cursor.execute("VACUUM ANALYZE")
    period = get_period("2023")
    periods = list(contained_periods(period).order_by("-end_date", "start_date"))
    period_ids = [p.pk for p in periods]
    elements = {e.code: e for e in plan_elements(plan)}
    province = next(p for p in provinces if p.code == PROVINCE)
    districts = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
    cases = {
        "national": (provinces, [path_length(UnitLevel.PROVINCE)], None),
        "province": (
            [province, *districts],
            [path_length(UnitLevel.PROVINCE), path_length(UnitLevel.DISTRICT)],
            province.path,
        ),
    }
    out = {}
    for name, (units, levels, prefix) in cases.items():
        evaluate(plan, "2023", units)  # warm caches and connections alike for both
        bare_sql(levels, period_ids, list(elements.values()), prefix)
        engine_ms, evaluations = median_ms(lambda units=units: evaluate(plan, "2023", units), runs)
        sql_ms, rows = median_ms(
            lambda levels=levels, prefix=prefix: bare_sql(
                levels, period_ids, list(elements.values()), prefix
            ),
            runs,
        )
        agree, total, mismatches = compare(evaluations, rows, elements)
        statuses = defaultdict(int)
        for e in evaluations:
            statuses[e.status] += 1
        out[name] = {
            "units": len(units),
            "engine_ms": engine_ms,
            "sql_ms": sql_ms,
            "agree": agree,
            "total": total,
            "mismatches": mismatches[:5],
            "statuses": dict(statuses),
        }
        log(f"evaluate {name}: {engine_ms:.0f} ms, bare SQL {sql_ms:.0f} ms, agree {agree}/{total}")
    return out


# --- scorecard page --------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def fetch(opener, url: str, cookie: str) -> tuple[int, float, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=120) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, (time.perf_counter() - started) * 1000, body


def signed_in_cookie(province) -> str:
    from django.conf import settings
    from django.test import Client

    from treem.accounts.models import Role, User
    from treem.units.models import Agency

    user, _ = User.objects.get_or_create(
        username="bench-dieuphoi",
        defaults={
            "role": Role.PROVINCE_COORDINATOR,
            "unit": province,
            "agency": Agency.objects.filter(code="SLDTBXH").first(),
        },
    )
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def time_page(plan, province, requests: int, runs: int) -> dict:
    from treem.plans.evaluation import evaluate
    from treem.units.models import AdministrativeUnit

    path = f"/bang-theo-doi/?period=2023&unit={province.code}"
    cookie = signed_in_cookie(province)
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "STATIC_MANIFEST": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback: no redirect to HTTPS
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    server_log = tempfile.NamedTemporaryFile("w+", prefix="treem-bench-server-", suffix=".log", delete=False)
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    result: dict = {"path": path, "server": "manage.py runserver (threaded, DEBUG off)"}
    try:
        if not wait_for(port, server):
            result["error"] = f"the server did not start (see {server_log.name})"
        else:
            opener = urllib.request.build_opener(NoRedirect)
            url = f"http://127.0.0.1:{port}{path}"
            status, _, body = fetch(opener, url, cookie)
            result["status"] = status
            if status != 200:
                result["error"] = f"GET {path} answered {status}"
            elif plan.indicators.first().code.encode() not in body:
                result["error"] = f"GET {path} answered 200 without the plan's indicators"
            else:
                result["bytes"] = len(body)
                for _ in range(3):  # warm-up
                    fetch(opener, url, cookie)
                times = []
                for _ in range(requests):
                    status, ms, _ = fetch(opener, url, cookie)
                    if status != 200:
                        result["error"] = f"a request answered {status}"
                        break
                    times.append(ms)
                if times:
                    result["median_ms"] = statistics.median(times)
                    result["p95_ms"] = percentile(times, 95)
                    result["requests"] = len(times)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
        if "error" not in result:
            os.unlink(server_log.name)  # kept only to explain a failure
    if "median_ms" not in result:
        units = [province, *AdministrativeUnit.objects.filter(parent=province).order_by("code")]
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            evaluate(plan, "2023", units)
            times.append((time.perf_counter() - started) * 1000)
        result["fallback"] = True
        result["median_ms"] = statistics.median(times)
        result["p95_ms"] = percentile(times, 95)
        result["requests"] = len(times)
    log(f"scorecard: median {result['median_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")
    return result


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


# --- report ----------------------------------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    import django

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    return {
        "CPU": cpu,
        "cores": os.cpu_count(),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "PostgreSQL": f"{pg} (shared_buffers {shared_buffers}, work_mem {work_mem}, same machine)",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "OS": platform.platform(),
        "treem": f"commit {commit}",
        "load average at the end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(args, info: dict, sizes: dict, setup: dict, imports: dict, evaluation: dict, page: dict) -> str:
    lines = ["# treem indicator benchmark", ""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += ["", "## Size", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sizes.items()]
    lines += ["", "## Set-up (not goals)", "", "| step | seconds |", "|---|---:|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in setup.items()]

    values = sum(c for _, c, _ in imports["per_file"])
    seconds = sum(s for _, _, s in imports["per_file"])
    throughput = values / seconds if seconds else 0
    reimport_period, reimport_count, reimport_seconds = imports["reimport"]
    nat, prov = evaluation["national"], evaluation["province"]
    nat_ratio, prov_ratio = nat["engine_ms"] / nat["sql_ms"], prov["engine_ms"] / prov["sql_ms"]
    indicators = nat["total"] // nat["units"]
    page_label = (
        "evaluate() for the province (fallback: the page is missing)"
        if page.get("fallback")
        else f"GET {page['path']} over HTTP"
    )
    lines += ["", "## Figures", "", "| measure | figure | goal | met |", "|---|---|---|---|"]
    lines += [
        f"| import (`import_datavalues --no-outliers`, {len(imports['per_file'])} files, new values) "
        f"| {throughput:,.0f} values/s ({values:,} values in {seconds:.0f} s) "
        f"| ≥ {GOALS['import']:,} values/s | {yes(throughput >= GOALS['import'])} |",
        f"| re-import of {reimport_period} (all {reimport_count:,} unchanged) "
        f"| {reimport_count / reimport_seconds:,.0f} values/s | — | — |",
        f"| evaluate, whole country ({nat['units']} provinces × {indicators} indicators, 2023) "
        f"| {nat['engine_ms']:,.0f} ms vs bare SQL {nat['sql_ms']:,.0f} ms = {nat_ratio:.2f}× "
        f"| ≤ {GOALS['ratio']}× | {yes(nat_ratio <= GOALS['ratio'])} |",
        f"| evaluate, one province (46 + {prov['units'] - 1} districts, 2023; bare SQL picks the "
        "province's units first) "
        f"| {prov['engine_ms']:,.0f} ms vs bare SQL {prov['sql_ms']:,.0f} ms = {prov_ratio:.2f}× "
        f"| ≤ {GOALS['ratio']}× | {yes(prov_ratio <= GOALS['ratio'])} |",
        f"| scorecard: {page_label}, {page['requests']} requests "
        f"| median {page['median_ms']:,.0f} ms, p95 {page['p95_ms']:,.0f} ms "
        f"| p95 < {GOALS['page_p95']} ms | {yes(page['p95_ms'] < GOALS['page_p95'])} |",
    ]
    lines += ["", "Evaluation and the bare SQL agree on numerator and denominator for "]
    lines[-1] += "; ".join(f"{v['agree']}/{v['total']} ({k})" for k, v in evaluation.items()) + "."
    for name, v in evaluation.items():
        if v["mismatches"]:
            lines += [f"First mismatches ({name}): {v['mismatches']}"]
    lines += ["", "Statuses: " + "; ".join(f"{k}: {v['statuses']}" for k, v in evaluation.items())]
    if page.get("error"):
        lines += ["", f"Scorecard page: {page['error']}; timed evaluate() for the province instead."]
    lines += [
        "",
        "### Import per file",
        "",
        "| period | values | seconds | values/s |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {p} | {c:,} | {s:.1f} | {c / s:,.0f} |" for p, c, s in imports["per_file"]]
    if imports["profile"]:
        period, count, secs, by_cumulative, by_tottime, statements = imports["profile"]
        lines += [
            "",
            f"### cProfile of importing {period} ({count:,} values, {secs:.0f} s under the profiler)",
            "",
            "Top 15 by cumulative time:",
            "",
            "```",
            by_cumulative.strip(),
            "```",
            "",
            "Top 15 by own time:",
            "",
            "```",
            by_tottime.strip(),
            "```",
            "",
            "SQL statements run through Django's cursor during that import (COPY and COMMIT go around it; "
            "see `_copy` and `commit` above):",
            "",
            "| statement | count | seconds |",
            "|---|---:|---:|",
        ]
        for kind, (n, total) in sorted(statements.items(), key=lambda kv: -kv[1][1]):
            lines += [f"| `{kind}` | {n:,} | {total:.2f} |"]
    lines += ["", f"Command: `{' '.join(sys.argv)}`"]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    url = database_url()
    setup: dict[str, float] = {}

    started = time.perf_counter()
    recreate_database(url)
    configure_django()
    quiet_command("migrate", verbosity=0)
    setup["create database + migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    quiet_command("load_units", all=True)
    quiet_command("load_agencies")
    quiet_command("load_plan", str(PLAN_FILE))
    setup["load_units --all, load_agencies, load_plan"] = time.perf_counter() - started
    log("database ready")

    from treem.plans.metadata import plan_elements
    from treem.plans.models import Plan
    from treem.units.models import AdministrativeUnit, UnitLevel

    plan = Plan.objects.get(code="tth-2023")
    provinces = chosen_provinces(args.provinces)
    periods = period_codes(args.periods)
    with tempfile.TemporaryDirectory(prefix="treem-bench-") as folder:
        started = time.perf_counter()
        files = write_files(plan, provinces, periods, args.communes_per_district, Path(folder))
        setup["generate + write JSON files"] = time.perf_counter() - started
        imports = time_imports(files, profile_last=not args.no_profile)
    elements = list(plan_elements(plan))
    from treem.indicators.models import DataValue

    communes_with_data = DataValue.objects.values("unit_id").distinct().count()
    sizes = {
        "provinces with data": len(provinces),
        "communes with data": f"{communes_with_data:,} (of "
        f"{AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).count():,} loaded)",
        "data elements × combos": f"{len(elements)} elements, {sum(e.combos.count() for e in elements)} combos",
        "periods": f"{len(periods)} ({periods[0]}…{periods[-1]})",
        "data values stored": f"{DataValue.objects.count():,}",
    }
    evaluation = time_evaluation(plan, provinces, args.runs)
    province = next(p for p in provinces if p.code == PROVINCE)
    page = time_page(plan, province, args.requests, args.runs)
    text = report(args, machine(), sizes, setup, imports, evaluation, page)
    text += f"\nTotal bench time: {(time.perf_counter() - STARTED) / 60:.1f} min.\n"
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
