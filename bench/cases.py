#!/usr/bin/env python
"""Case register benchmark (PostgreSQL only): 1,000,000 cases, 2,000,000 children, and the case pages over
HTTP. Prints figures; not a test, asserts no timing.

    .venv/bin/python bench/cases.py [--cases 1000000] [--units all|province] [--requests 50] [--output FILE]
    .venv/bin/python bench/cases.py --quick          # a smoke run: 5,000 cases, 10 requests (see below)
    .venv/bin/python bench/cases.py --reuse          # time again on the data already generated (migrated first)

1. Recreates the database in DATABASE_URL (default postgres://postgres@127.0.0.1:5432/treem_bench_cases, or
   treem_bench_cases_all with `--units all`; its name must contain "bench"), migrates, loads the units (`load_units`: the 141 communes of province 46;
   with `--units all`, `load_units --all`: every commune of the shipped structure) and the agencies.
   --quick uses its own database (treem_bench_cases_quick by default) and keeps it when it exists
   (migrations take half a minute): it empties the case tables and keeps the units loaded; it lists no
   queries (unless --explain).
2. Generates the register in bulk SQL (bench/case_data.py): --children children (default twice --cases)
   over every commune loaded, --cases cases in every stage of the procedure with their step records.
3. Signs in a commune officer (commune 19750), a district officer (474) and the province's case manager
   (46) with a verified second factor (treem.accounts.testing_otp.sign_in_with_factor), starts
   `manage.py runserver` (DEBUG off) and times --requests GETs of each page: the case lists (open, closed),
   the dashboards, the task list, the case page (a different case each time; it writes an access event).
   Median and p95; a page stops after PAGE_BUDGET_S seconds (and at least 10 requests).
   A page that does not answer 200 yet is timed in-process through its selectors instead, and says so.
4. For each page, the queries of one request (in-process, test client) with their times; for a page whose
   p95 misses the goal (200 ms), or with --explain, EXPLAIN ANALYZE of its slowest SELECTs.
Shared helpers (database, server, percentile, machine) come from bench/indicators.py. The derived figures
of issue 10 over the same children and cases (with their register rows): bench/derivation.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import case_data  # noqa: E402
import indicators as shared  # noqa: E402  (the helpers of the indicator bench)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/treem_bench_cases"
GOAL_P95_MS = 200
PAGE_BUDGET_S = 60  # a page stops being timed after 60 s (and at least 10 requests)
COMMUNE, DISTRICT, PROVINCE = "19750", "474", "46"
STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--children", type=int, default=None, help="default: twice --cases")
    parser.add_argument(
        "--units",
        choices=["all", "province"],
        default="province",
        help="communes loaded: province 46 (load_units, 141) or every one (--all, 10,598)",
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--quick", action="store_true", help="5,000 cases in province 46, 10 requests")
    parser.add_argument("--reuse", action="store_true", help="keep the database and its data; time only")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every page's slowest queries")
    parser.add_argument("--output", type=Path, default=None, help="also write the Markdown report here")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.requests = 5_000, 10
    args.children = args.children or 2 * args.cases
    if args.cases < 1 or args.children < args.cases or args.requests < 1:
        parser.error("--cases and --requests must be at least 1, --children at least --cases")
    return args


def database_exists(url) -> bool:
    import psycopg

    params = {"host": url.hostname or "localhost", "port": url.port or 5432, "dbname": "postgres",
              "user": urllib.parse.unquote(url.username or ""), "password": url.password or None}  # fmt: skip
    with psycopg.connect(**params, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [url.path.lstrip("/")]
        ).fetchone()
    return found is not None


def configure(args) -> None:
    """Point Django at the bench database: recreated, or kept (--reuse; --quick when it exists: its case
    tables are emptied, as `args.keep` says)."""
    suffix = "_quick" if args.quick else "_all" if args.units == "all" else ""
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL + suffix)
    url = shared.database_url()  # PostgreSQL, a name with "bench", else it exits
    args.keep = args.reuse or (args.quick and database_exists(url))
    if not args.keep:
        shared.recreate_database(url)
    # DEBUG off with SECRET_KEY set is a deployment: crypto needs its own keys (bench-only, public).
    os.environ.setdefault("TREEM_ENCRYPTION_KEYS", "YmVuY2gtb25seS1mZXJuZXQta2V5LTAxMjM0NTY3ODk=")
    os.environ.setdefault("TREEM_BLIND_INDEX_KEY", "bench-only-blind-index-key-0123456789abcdef")
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    shared.configure_django()


def build(args) -> dict:
    from django.db import connection

    from treem.cases.models import NAME_INDEX_PURPOSE
    from treem.core.crypto import blind_index, encrypt

    shared.quiet_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM units_administrativeunit WHERE level = 'commune'")
        loaded = cursor.fetchone()[0]
        if args.keep and loaded:  # --quick on an existing database: its units kept, its case tables emptied
            cursor.execute(
                "TRUNCATE cases_accessevent, cases_steprecord, cases_historicalcase, cases_case, cases_child"
                " RESTART IDENTITY CASCADE"
            )
            args.units = f"kept ({loaded:,} communes)"
    if not args.units.startswith("kept"):
        shared.quiet_command("load_units", **({"all": True} if args.units == "all" else {}))
        shared.quiet_command("load_agencies")
    log(f"migrated; units and agencies loaded ({args.units})")
    with connection.cursor() as cursor:
        return case_data.generate(
            cursor,
            cases=args.cases,
            children=args.children,
            encrypt=encrypt,
            blind_index=lambda text: blind_index(text, purpose=NAME_INDEX_PURPOSE),
            log=log,
        )


# --- who asks, and what ------------------------------------------------------------------------------------


def bench_users() -> dict:
    from treem.accounts.models import Role, User
    from treem.units.models import AdministrativeUnit, Agency

    def user(username: str, role: str, unit: str, agency: str | None = None):
        found, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "unit": AdministrativeUnit.objects.get(code=unit),
                "agency": Agency.objects.filter(code=agency).first() if agency else None,
            },
        )
        return found

    return {
        "commune": user("bench-xa", Role.COMMUNE_OFFICER, COMMUNE),
        "district": user("bench-huyen", Role.DISTRICT_OFFICER, DISTRICT, f"UBND-{DISTRICT}"),
        "manager": user("bench-truonghop", Role.CASE_MANAGER, PROVINCE),
    }


def cookie_for(user) -> str:
    from django.conf import settings
    from django.test import Client

    from treem.accounts.testing_otp import sign_in_with_factor

    client = Client()
    sign_in_with_factor(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def case_codes(user, count: int) -> list[str]:
    from treem.accounts.policy import scope_for
    from treem.cases.selectors import cases_for

    codes = list(cases_for(scope_for(user)).order_by("?").values_list("code", flat=True)[:count])
    return codes or ["none"]


def pages(users: dict, codes: list[str]) -> list[dict]:
    """Each page: its label, who asks, the paths asked in turn, and the in-process fallback."""
    from treem.accounts.policy import scope_for
    from treem.cases import selectors

    def listing(user):
        scope = scope_for(user)
        return lambda _path: (selectors.cases_for(scope).count(),
                              list(selectors.cases_for(scope).select_related("commune", "child")[:50]))  # fmt: skip

    def dashboard(user):
        scope = scope_for(user)
        return lambda _path: [selectors.case_counts(scope, by) for by in selectors.GROUPINGS]

    def detail(user):
        scope = scope_for(user)

        def read(path: str):
            case = selectors.case_in_scope(scope, path.strip("/").split("/")[-1], user=user, what="bench")
            return list(case.records.all()) if case else None

        return read

    return [
        {"label": "case list, commune officer", "user": users["commune"], "paths": ["/ho-so/"],
         "fallback": listing(users["commune"])},
        {"label": "case list, district officer", "user": users["district"], "paths": ["/ho-so/"],
         "fallback": listing(users["district"])},
        {"label": "closed cases, district officer", "user": users["district"], "paths": ["/ho-so/?state=closed"],
         "fallback": None},
        {"label": "case list, case manager (province)", "user": users["manager"], "paths": ["/ho-so/"],
         "fallback": listing(users["manager"])},
        {"label": "district dashboard, district officer", "user": users["district"], "paths": ["/ho-so/thong-ke/"],
         "fallback": dashboard(users["district"])},
        {"label": "province dashboard, case manager", "user": users["manager"], "paths": ["/ho-so/thong-ke/"],
         "fallback": dashboard(users["manager"])},
        {"label": "task list, commune officer", "user": users["commune"], "paths": ["/ho-so/viec-can-lam/"],
         "fallback": None},
        {"label": "case page, commune officer (writes an access event)", "user": users["commune"],
         "paths": [f"/ho-so/{code}/" for code in codes], "fallback": detail(users["commune"])},
    ]  # fmt: skip


# --- timing ------------------------------------------------------------------------------------------------


def start_server() -> tuple[subprocess.Popen, int, str]:
    port = shared.free_port()
    env = {**os.environ, "DEBUG": "0", "STATIC_MANIFEST": "0", "SECURE_SSL_REDIRECT": "0"}
    server_log = tempfile.NamedTemporaryFile("w+", prefix="treem-bench-cases-", suffix=".log", delete=False)
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    if not shared.wait_for(port, server):
        sys.exit(f"the server did not start (see {server_log.name})")
    return server, port, server_log.name


def summary(times: list[float]) -> dict:
    return {
        "median_ms": statistics.median(times),
        "p95_ms": shared.percentile(times, 95),
        "requests": len(times),
    }


def time_page(page: dict, port: int, requests: int) -> dict:
    opener = urllib.request.build_opener(shared.NoRedirect)
    cookie = cookie_for(page["user"])
    paths = page["paths"]
    status, _, body = shared.fetch(opener, f"http://127.0.0.1:{port}{paths[0]}", cookie)
    result: dict = {"label": page["label"], "path": paths[0] if len(paths) == 1 else "/ho-so/<code>/",
                    "status": status}  # fmt: skip
    if status == 200:
        result["bytes"] = len(body)
        for path in paths[1:3]:  # warm-up
            shared.fetch(opener, f"http://127.0.0.1:{port}{path}", cookie)
        times, statuses = [], set()
        budget_end = time.perf_counter() + PAGE_BUDGET_S
        for n in range(requests):
            if n >= 10 and time.perf_counter() > budget_end:
                break  # a slow page: at least 10 requests, then no more than its time budget
            status, ms, _ = shared.fetch(
                opener, f"http://127.0.0.1:{port}{paths[(n + 3) % len(paths)]}", cookie
            )
            statuses.add(status)
            times.append(ms)
        result.update(summary(times), statuses=sorted(statuses), how="HTTP")
    elif page["fallback"] is not None:
        times = []
        for n in range(requests + 3):
            started = time.perf_counter()
            page["fallback"](paths[n % len(paths)])
            times.append((time.perf_counter() - started) * 1000)
        result.update(summary(times[3:]), how=f"in-process selectors (page answered {status})")
    else:
        result["how"] = f"not timed: the page answered {status}"
    log(
        f"{page['label']}: {result.get('median_ms', 0):.0f} / {result.get('p95_ms', 0):.0f} ms ({result['how']})"
    )
    return result


def queries_of(page: dict, explain: bool) -> dict:
    """The queries one request runs (in-process, test client), slowest first, with EXPLAIN ANALYZE of the
    slowest SELECTs when asked."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from treem.accounts.testing_otp import sign_in_with_factor

    client = Client()
    sign_in_with_factor(client, page["user"])
    path = page["paths"][-1]
    client.get(path)  # warm
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        total = (time.perf_counter() - started) * 1000
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    found = {"status": response.status_code, "total_ms": total, "count": len(queries),
             "sql_ms": sum(float(q["time"]) for q in queries) * 1000, "slowest": queries[:5], "plans": []}  # fmt: skip
    if explain:
        with connection.cursor() as cursor:
            for query in [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")][:3]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                found["plans"].append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return found


# --- report ------------------------------------------------------------------------------------------------


def report(args, info: dict, sizes: dict | None, results: list[dict], profiles: list[dict]) -> str:
    lines = ["# treem case register benchmark", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    if sizes:
        lines += ["", "## Size", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v:,} |" for k, v in sizes.items() if isinstance(v, int)]
        if sizes["seconds"]:
            lines += [f"| generation | {sizes['seconds']:.0f} s (bulk SQL) |"]
        lines += [f"| stages | {', '.join(f'{k} {v:,}' for k, v in sizes['stages'].items())} |"]
    lines += ["", f"## Pages (up to {args.requests} requests each; goal p95 < {GOAL_P95_MS} ms)", ""]
    lines += [
        "| page | path | how | requests | median ms | p95 ms | met |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        if "p95_ms" in r:
            met = shared.yes(r["p95_ms"] < GOAL_P95_MS)
            how = r["how"] + (
                f" ({', '.join(map(str, r['statuses']))})" if r.get("statuses", [200]) != [200] else ""
            )
            lines.append(
                f"| {r['label']} | `{r['path']}` | {how} | {r['requests']} | {r['median_ms']:.0f} | {r['p95_ms']:.0f} | {met} |"
            )
        else:
            lines.append(f"| {r['label']} | `{r['path']}` | {r['how']} | — | — | — | — |")
    for r, p in zip(results, profiles, strict=True):
        if p is None:
            continue
        lines += ["", f"### Queries of one request: {r['label']}", ""]
        lines += [
            f"{p['count']} queries, {p['sql_ms']:.0f} ms in SQL of {p['total_ms']:.0f} ms (status {p['status']}). Slowest:",
            "",
        ]
        lines += [f"- {float(q['time']) * 1000:.1f} ms: `{q['sql'][:300]}`" for q in p["slowest"]]
        for sql, plan in p["plans"]:
            lines += ["", "```", sql[:600], "", plan, "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    configure(args)
    if args.reuse:  # the data kept, the schema brought up to date (a new index is built here)
        shared.quiet_command("migrate", verbosity=0)
    sizes = case_data.stored_sizes() if args.reuse else build(args)
    if sizes:
        log(f"{'stored' if args.reuse else 'generated'}: {sizes}")
    users = bench_users()
    all_pages = pages(users, case_codes(users["commune"], max(args.requests, 10)))
    server, port, server_log = start_server()
    try:
        results = [time_page(page, port, args.requests) for page in all_pages]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    os.unlink(server_log)
    profiles = [
        queries_of(page, args.explain or r.get("p95_ms", 0) >= GOAL_P95_MS)
        if r["status"] == 200 and not (args.quick and not args.explain)
        else None
        for page, r in zip(all_pages, results, strict=True)
    ]
    text = report(args, shared.machine(), sizes, results, profiles)
    text += f"\nCommand: `{' '.join(sys.argv)}`; total bench time {(time.perf_counter() - STARTED) / 60:.1f} min.\n"
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
