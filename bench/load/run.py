#!/usr/bin/env python
"""Bounded load test of concurrent entry and imports (issue 7, item 3). Prints figures; not a test.

    .venv/bin/python bench/load/run.py [--target postgresql|sqlite|both] [--users 50] [--run-time 60]

For each target it
1. makes a database of its own (PostgreSQL: `treem_load` on 127.0.0.1, dropped and recreated; SQLite:
   var/load/treem-load.sqlite3, deleted and recreated), migrates it and loads units, agencies and the plan;
2. makes the load users and the starting figures (`db_tasks.py prepare`);
3. starts the server: on PostgreSQL the production server (gunicorn, README "Production server"), on SQLite
   `make run`'s (`DEBUG=1 manage.py runserver`), on 127.0.0.1 and a free port;
4. runs locust headless against it (`locustfile.py`: --users N, --run-time S, then it stops by itself);
5. stops the server and checks the database (`db_tasks.py check`): every committed value keeps the rules,
   every value's last history row is its value;
6. prints, per target, requests/s, median and p95 per kind of request, the server errors (5xx answers and
   tracebacks in the server's log) and the checks, as Markdown (also written to var/load/report.md).

Only 127.0.0.1 is ever contacted. Users are capped at 100 and the run time at 600 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "load"
PG_URL = "postgres://postgres@127.0.0.1:5432/treem_load"
SQLITE_PATH = OUT / "treem-load.sqlite3"
PASSWORD = "Tai-thu-dong-thoi-2023"
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 4


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        LOAD_PASSWORD=PASSWORD,
    )
    return env


def server_env(target: str, database_url: str) -> dict[str, str]:
    env = base_env(database_url)
    if target == "postgresql":  # production settings, over plain HTTP on the loopback
        env.update(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(64),
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            STATIC_MANIFEST="0",
        )
    else:  # make run
        env.update(DEBUG="1")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def make_database(target: str) -> str:
    if target == "postgresql":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS treem_load WITH (FORCE)")
            conn.execute("CREATE DATABASE treem_load")
        return PG_URL
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def setup(target: str, users: int) -> str:
    url = make_database(target)
    env = base_env(url)
    log(f"{target}: migrate and load units, agencies, plan")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_units", "-v0")
    manage(env, "load_agencies", "-v0")
    manage(env, "load_plan", str(ROOT / "data" / "plans" / "tth-2023.yaml"), "-v0")
    subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "load" / "db_tasks.py"), "prepare", str(users), PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def server_command(target: str, port: int) -> list[str]:
    if target == "postgresql":
        return [
            str(BIN / "gunicorn"),
            "treem.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={GUNICORN_WORKERS}",
            f"--threads={GUNICORN_THREADS}",
            "--timeout=60",
        ]
    return [str(BIN / "python"), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped while starting; see its log")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer within 60 s")


def run_target(target: str, users: int, run_time: int) -> dict[str, object]:
    url = setup(target, users)
    port = free_port()
    server_log = OUT / f"server-{target}.log"
    log(f"{target}: starting {' '.join(server_command(target, port)[:2])} on 127.0.0.1:{port}")
    with open(server_log, "wb") as log_file:
        server = subprocess.Popen(
            server_command(target, port),
            cwd=ROOT,
            env=server_env(target, url),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(port, server)
            prefix = OUT / f"locust-{target}"
            log(f"{target}: locust, {users} users for {run_time} s")
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "load" / "locustfile.py"),
                    "--headless",
                    f"--users={users}",
                    f"--spawn-rate={max(1, users // 5)}",
                    f"--run-time={run_time}s",
                    "--stop-timeout=15",
                    f"--host=http://127.0.0.1:{port}",
                    f"--csv={prefix}",
                    f"--json-file={prefix}",
                    "--only-summary",
                    "--exit-code-on-error=0",
                ],
                cwd=ROOT,
                env=base_env(url) | {"LOAD_USER_COUNT": str(users)},
                check=True,
                timeout=run_time + 120,
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    checks = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "load" / "db_tasks.py"), "check"],
        cwd=ROOT,
        env=base_env(url),
        check=True,
        capture_output=True,
        text=True,
    )
    text = server_log.read_text(errors="replace")
    return {
        "target": target,
        "server": " ".join(server_command(target, 0)[1:]).replace(":0", ":PORT"),
        "stats": read_stats(prefix),
        "failures": read_failures(prefix),
        "tracebacks": text.count("Traceback (most recent call last)"),
        "server_5xx_logged": text.count("Internal Server Error"),
        "checks": json.loads(checks.stdout),
    }


def percentile(times: dict[str, int], share: float) -> int:
    """The response time (ms) under which `share` of the requests finished, from locust's histogram."""
    total = sum(times.values())
    seen = 0
    for ms, count in sorted((int(k), v) for k, v in times.items()):
        seen += count
        if seen >= share * total:
            return ms
    return 0


def read_stats(prefix: Path) -> list[dict[str, object]]:
    """Per kind of request, then all but the sign-in: count, failures, requests/s, median, p95 (from
    locust's final JSON; its CSV can miss the last seconds)."""
    entries = json.loads(Path(f"{prefix}.json").read_text())
    start = min(e["start_time"] for e in entries)
    end = max(e["last_request_timestamp"] or start for e in entries)
    seconds = max(end - start, 1e-9)

    def row(name: str, group: list[dict[str, object]]) -> dict[str, object]:
        times: dict[str, int] = {}
        for e in group:
            for ms, count in e["response_times"].items():  # type: ignore[union-attr]
                times[ms] = times.get(ms, 0) + count
        requests = sum(int(e["num_requests"]) for e in group)  # type: ignore[call-overload]
        return {
            "name": name,
            "requests": requests,
            "failures": sum(int(e["num_failures"]) for e in group),  # type: ignore[call-overload]
            "rps": requests / seconds,
            "median": percentile(times, 0.5),
            "p95": percentile(times, 0.95),
        }

    rows = [row(str(e["name"]), [e]) for e in sorted(entries, key=lambda e: str(e["name"]))]
    work = [e for e in entries if not str(e["name"]).startswith("login")]
    return [*rows, row("entry and imports (all but sign-in)", work), row("all requests", entries)]


def read_failures(prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def report(results: list[dict[str, object]], users: int, run_time: int) -> str:
    lines = [f"Concurrent entry and imports: {users} users, {run_time} s, 127.0.0.1", ""]
    for r in results:
        checks = r["checks"]
        assert isinstance(checks, dict)
        lines += [
            f"### {r['target']}: `{r['server']}`",
            "",
            "| request | count | 5xx / failed | requests/s | median ms | p95 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in r["stats"]:  # type: ignore[attr-defined]
            lines.append(
                f"| {row['name']} | {row['requests']} | {row['failures']} | {row['rps']:.1f} | "
                f"{row['median']} | {row['p95']} |"
            )
        lines += [
            "",
            f"- server errors: {r['server_5xx_logged']} logged 5xx, {r['tracebacks']} tracebacks in the server log",
            f"- values stored: {checks['values']}, history rows: {checks['history_rows']}, "
            f"import audit events: {checks['value_import_events']}",
            f"- cells breaking a rule: {len(checks['cells_breaking_a_rule'])} at the end; committed states "
            f"(each write of each unit and period, replayed from the history) breaking a rule: "
            f"{checks['committed_states_breaking_a_rule_count']} of {checks['committed_states']}",
            f"- values whose last history row disagrees with the value: "
            f"{checks['values_whose_history_disagrees_count']}",
            "",
        ]
        for failure in r["failures"]:  # type: ignore[attr-defined]
            lines.append(
                f"  - failure: {failure.get('Name')}: {failure.get('Error')} ×{failure.get('Occurrences')}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", type=int, default=60, help="seconds")
    args = parser.parse_args()
    if not 1 <= args.users <= 100 or not 5 <= args.run_time <= 600:
        parser.error("--users must be 1–100 and --run-time 5–600 s")
    OUT.mkdir(parents=True, exist_ok=True)
    targets = ["postgresql", "sqlite"] if args.target == "both" else [args.target]
    results = [run_target(t, args.users, args.run_time) for t in targets]
    text = report(results, args.users, args.run_time)
    (OUT / "report.md").write_text(text + "\n")
    (OUT / "report.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(text)


if __name__ == "__main__":
    main()
