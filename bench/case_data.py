"""The case register at scale for bench/cases.py: children, cases and step records written in bulk SQL
(INSERT … SELECT over generate_series), not through the services. Not a test; imported by bench/cases.py.

- Children: `children` rows spread evenly over every commune loaded; names from a small set of distinct
  fake names ("BENCH Trẻ 0001"…), each encrypted once with treem.core.crypto and reused, with its blind
  index (so the app decrypts them and a name search finds them); the register's details (ethnicity,
  disability, household) drawn as CHILD_DETAILS says. Their circumstances and supports: bench/register_data.py.
- Cases: child i has case i for i ≤ `cases` (same commune). Each case is drawn into a stage of the procedure
  (STAGES: share, age range, the steps recorded); its `received_at` lies that many days back from now;
  `last_step`, `risk`, `state`, `closed_at` and `next_due_at` follow from the stage (12 hours after receipt
  while the initial assessment or the emergency measure is due, 7 calendar days — five working days over a
  weekend — while the detailed assessment or the plan is due, none after that), so a share of open cases is
  overdue as in a real backlog. Codes "<commune>-<year>-<sequence>" numbered per commune and year.
- Step records: every step of the case's stage, spaced evenly between receipt and now; each step's values
  carry what the procedure reads (the notification's received_at, risks, the approval's decision, the
  review's outcome); confidential values are one encrypted token per step, reused.
No history rows (django-simple-history) and no access events are written for the generated cases.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable

SEED = 0.4646
NAMES = 1000
HARMS = ["violence", "sexual_abuse", "exploitation", "abandonment", "neglect", "trafficking", "other"]
NOTIFY, INITIAL, EMERGENCY, DETAILED = (
    "notification",
    "initial_assessment",
    "emergency_measure",
    "detailed_assessment",
)
PLAN, APPROVAL, REFERRAL, FOLLOW, REVIEW, CLOSURE = (
    "support_plan", "plan_approval", "service_referral", "follow_up", "review", "closure"
)  # fmt: skip
EARLY = [NOTIFY, INITIAL, DETAILED, PLAN, APPROVAL, REFERRAL, REFERRAL, FOLLOW]
# stage: (share %, days back (min, max), risk ("" none, "high", "draw": medium or low), due rule, steps)
STAGES = {
    "notified": (2.0, (0.0, 1.5), "", "12h", [NOTIFY]),
    "high_risk": (1.0, (0.0, 1.0), "high", "12h", [NOTIFY, INITIAL]),
    "emergency": (1.5, (0.5, 7.0), "high", "7d", [NOTIFY, INITIAL, EMERGENCY]),
    "assessed": (4.0, (0.5, 20.0), "draw", "7d", [NOTIFY, INITIAL]),
    "detailed": (4.0, (2.0, 20.0), "draw", "7d", [NOTIFY, INITIAL, DETAILED]),
    "planned": (3.0, (4.0, 40.0), "draw", None, [NOTIFY, INITIAL, DETAILED, PLAN]),
    "referred": (3.5, (7.0, 60.0), "draw", None, EARLY[:-1]),
    "followed": (6.0, (20.0, 200.0), "draw", None, EARLY),
    "reviewed": (4.0, (60.0, 365.0), "draw", None, [*EARLY, REVIEW]),
    "closed": (71.0, (60.0, 1095.0), "draw", None, [*EARLY, REVIEW, CLOSURE]),
}
# Fixed values of each step (the time field is added per record).
STEP_VALUES = {
    NOTIFY: ("received_at", {"received_by": "BENCH Cán bộ", "source": "hotline_111"}),
    INITIAL: ("assessed_at", {"assessed_by": "BENCH Cán bộ", "verified": True}),
    EMERGENCY: ("taken_at", {"decided_by": "BENCH Chủ tịch", "measures": ["safe_place"]}),
    DETAILED: ("assessed_at", {"assessed_by": "BENCH Cán bộ"}),
    PLAN: ("prepared_at", {"prepared_by": "BENCH Cán bộ", "services": ["psychological_support"],
                           "review_date": "2026-12-31"}),
    APPROVAL: ("decided_at", {"approver": "BENCH Chủ tịch", "decision": "approved"}),
    REFERRAL: ("referred_at", {"service": "psychological_support", "provider_kind": "social_work",
                               "provider_name": "BENCH Trung tâm CTXH", "response": "accepted"}),
    FOLLOW: ("visited_at", {"visited_by": "BENCH Cán bộ", "child_safe": True}),
    REVIEW: ("reviewed_at", {"reviewed_by": "BENCH Cán bộ"}),
    CLOSURE: ("closed_at", {"decided_by": "BENCH Chủ tịch", "reason": "safe"}),
}  # fmt: skip
DUE = {INITIAL: "12 hours", EMERGENCY: "12 hours", DETAILED: "7 days", PLAN: "7 days"}
LOCAL = "'Asia/Ho_Chi_Minh'"
# The register's details of child g (SQL over generate_series' g): 85 % Kinh ("01"), the rest spread over the
# other 53 ethnicities; 1 % with a disability (0.4 % mild, 0.4 % severe, 0.2 % extremely severe); 6 % of
# poor and 6 % of near-poor households. Multipliers keep them independent of the commune (g % communes).
CHILD_DETAILS = """
    CASE WHEN (g * 613) % 100 < 85 THEN '01' ELSE lpad((2 + (g * 31) % 53)::text, 2, '0') END,
    CASE WHEN (g * 7877) % 1000 < 4 THEN 'mild' WHEN (g * 7877) % 1000 < 8 THEN 'severe'
         WHEN (g * 7877) % 1000 < 10 THEN 'extremely_severe' ELSE '' END,
    CASE WHEN (g * 104729) % 100 < 6 THEN 'poor' WHEN (g * 104729) % 100 < 12 THEN 'near_poor' ELSE '' END"""


def _iso(column: str) -> str:
    """SQL: the ISO form (local time, +07:00) of a timestamptz column, as the forms store it."""
    return f"""to_char({column} AT TIME ZONE {LOCAL}, 'YYYY-MM-DD"T"HH24:MI:SS') || '+07:00'"""


def _stage_table(cursor) -> None:
    rows = []
    low = 0.0
    for name, (share, (young, old), risk, due, steps) in STAGES.items():
        rows.append((name, low, low + share, young, old, risk, due, steps[-1], len(steps)))
        low += share
    cursor.execute(
        "CREATE TEMP TABLE bench_stage (name text, lo float, hi float, young float, old float, risk text,"
        " due text, last_step text, steps int)"
    )
    cursor.executemany("INSERT INTO bench_stage VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
    cursor.execute("CREATE TEMP TABLE bench_path (stage text, ord int, step text, value_key text)")
    path_rows = []
    for name, (*_, steps) in STAGES.items():
        for ordinal, step in enumerate(steps):
            path_rows.append((name, ordinal, step, f"{step}:{name}"))
    cursor.executemany("INSERT INTO bench_path VALUES (%s, %s, %s, %s)", path_rows)


def _value_table(cursor, encrypt: Callable[[str], str]) -> None:
    """One row per (step, stage): the step's fixed values, its time field and its encrypted secret."""
    cursor.execute(
        "CREATE TEMP TABLE bench_values (value_key text PRIMARY KEY, time_field text, fixed jsonb,"
        " secret text, due interval)"
    )
    tokens = {
        step: encrypt(json.dumps({"notes": f"BENCH {step}"}, ensure_ascii=False)) for step in STEP_VALUES
    }
    rows = []
    for name, (*_, steps) in STAGES.items():
        for step in set(steps):
            time_field, fixed = STEP_VALUES[step]
            fixed = dict(fixed)
            if step in (INITIAL, DETAILED, REVIEW):
                fixed["risk"] = "high" if name in ("high_risk", "emergency") else "medium"
            if step == REVIEW:
                fixed["outcome"] = "close" if name == "closed" else "continue"
            rows.append((f"{step}:{name}", time_field, json.dumps(fixed), tokens[step], DUE.get(step)))
    cursor.executemany("INSERT INTO bench_values VALUES (%s, %s, %s, %s, %s::interval)", rows)


TABLES = ("cases_child", "cases_case", "cases_steprecord")


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the indexes of TABLES that back no constraint; returns their definitions to build them again."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [list(TABLES)],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def generate(cursor, *, cases: int, children: int, encrypt, blind_index, log) -> dict:
    """Write `children` children and `cases` cases with their step records; returns the sizes. The caller's
    cursor is a Django cursor on PostgreSQL (a superuser: foreign-key triggers are off while it writes), in
    autocommit. Secondary indexes are dropped first and built again at the end."""
    started = time.perf_counter()
    indexes = _drop_secondary_indexes(cursor)
    cursor.execute("SET session_replication_role = replica")  # no FK checks: consistent by construction
    cursor.execute("SET maintenance_work_mem = '256MB'")
    rng = random.Random(46)
    cursor.execute("SELECT setseed(%s)", [SEED])
    cursor.execute(
        "CREATE TEMP TABLE bench_commune AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, id, code"
        " FROM units_administrativeunit WHERE level = 'commune'"
    )
    cursor.execute("SELECT count(*) FROM bench_commune")
    communes = cursor.fetchone()[0]
    cursor.execute("CREATE TEMP TABLE bench_name (i int, token text, idx text)")
    names = [f"BENCH Trẻ {n:04d} {rng.choice(['An', 'Bình', 'Chi', 'Dũng'])}" for n in range(NAMES)]
    cursor.executemany(
        "INSERT INTO bench_name VALUES (%s, %s, %s)",
        [(i, encrypt(name), blind_index(name)) for i, name in enumerate(names)],
    )
    _stage_table(cursor)
    _value_table(cursor, encrypt)
    cursor.execute("SELECT coalesce(max(id), 0) FROM cases_child")
    child_base = cursor.fetchone()[0]
    cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
    case_base = cursor.fetchone()[0]
    log(f"{communes:,} communes; writing {children:,} children")
    cursor.execute(
        f"""
        INSERT INTO cases_child (id, name, name_index, sex, date_of_birth, birth_year_estimate, commune_id,
                                 created_at, is_demo, ethnicity, disability, household)
        SELECT {child_base} + g, n.token, n.idx, CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END,
               CASE WHEN g % 4 = 0 THEN NULL ELSE current_date - (random() * 5800)::int END,
               CASE WHEN g % 4 = 0 THEN extract(year FROM now())::int - (g % 16) END,
               c.id, now() - interval '3 years' * random(), false, {CHILD_DETAILS}
        FROM generate_series(1::bigint, {int(children)}) g
        JOIN bench_commune c ON c.i = g % {communes}
        JOIN bench_name n ON n.i = (g * 7919) % {NAMES}
        """
    )
    log(f"children written ({time.perf_counter() - started:.0f} s); drawing {cases:,} cases")
    harms = "ARRAY[" + ", ".join(f"'{h}'" for h in HARMS) + "]"
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_case AS
        SELECT g, c.id AS commune_id, c.code AS commune_code, s.name AS stage, s.steps, s.last_step, s.due,
               now() - (s.young + (s.old - s.young) * random()) * interval '1 day' AS received_at,
               CASE s.risk WHEN 'draw' THEN (ARRAY['medium','medium','low','low','low'])
                    [1 + floor(random() * 5)::int] ELSE s.risk END AS risk,
               (SELECT jsonb_agg(DISTINCT h) FROM unnest(CASE WHEN g % 5 = 0
                    THEN ARRAY[({harms})[1 + g % 7], ({harms})[1 + (g / 7) % 7]]
                    ELSE ARRAY[({harms})[1 + g % 7]] END) AS u(h)) AS harms
        FROM (SELECT g, random() * 100 AS r FROM generate_series(1::bigint, {int(cases)}) g) d
        JOIN bench_stage s ON d.r >= s.lo AND d.r < s.hi
        JOIN bench_commune c ON c.i = g % {communes}
        """
    )
    cursor.execute(
        f"""
        INSERT INTO cases_case (id, child_id, commune_id, code, state, cycle, received_at, risk, harms,
                                last_step, next_due_at, closed_at, created_by_id, is_demo, created_at,
                                updated_at)
        SELECT {case_base} + g, {child_base} + g, commune_id,
               commune_code || '-' || extract(year FROM received_at AT TIME ZONE {LOCAL})::int || '-' ||
                 lpad((row_number() OVER (PARTITION BY commune_id,
                       extract(year FROM received_at AT TIME ZONE {LOCAL}) ORDER BY received_at, g))::text, 4, '0'),
               CASE WHEN stage = 'closed' THEN 'closed' ELSE 'open' END, 1, received_at,
               CASE WHEN stage = 'notified' THEN '' ELSE risk END, harms, last_step,
               CASE due WHEN '12h' THEN received_at + interval '12 hours'
                        WHEN '7d' THEN received_at + interval '7 days' END,
               CASE WHEN stage = 'closed' THEN received_at + (now() - received_at) * 0.95 END,
               NULL, false, received_at, now()
        FROM bench_case
        """
    )
    log(f"cases written ({time.perf_counter() - started:.0f} s); writing their step records")
    cursor.execute(
        f"""
        INSERT INTO cases_steprecord (case_id, step, cycle, values, secret, recorded_at, recorded_by_id,
                                      due_at, is_late)
        SELECT {case_base} + b.g, p.step, 1,
               v.fixed || jsonb_build_object(v.time_field, {_iso("t.at")})
                 || CASE WHEN p.step = 'notification' THEN jsonb_build_object('harms', b.harms) ELSE '{{}}' END
                 || CASE WHEN v.fixed ? 'risk' AND b.stage NOT IN ('high_risk', 'emergency')
                         THEN jsonb_build_object('risk', b.risk) ELSE '{{}}' END,
               v.secret, t.at, NULL, b.received_at + v.due, coalesce(t.at >= b.received_at + v.due, false)
        FROM bench_case b
        JOIN bench_path p ON p.stage = b.stage
        JOIN bench_values v ON v.value_key = p.value_key
        CROSS JOIN LATERAL (SELECT CASE WHEN p.ord = 0 THEN b.received_at
             ELSE b.received_at + (now() - b.received_at) * 0.95 * p.ord / greatest(b.steps - 1, 1) END AS at) t
        """
    )
    cursor.execute("SELECT count(*) FROM cases_steprecord")
    records = cursor.fetchone()[0]
    for table in TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    cursor.execute("SET session_replication_role = DEFAULT")
    log(f"step records written ({time.perf_counter() - started:.0f} s); building {len(indexes)} indexes")
    for definition in indexes:
        cursor.execute(definition)
    log(f"indexes built ({time.perf_counter() - started:.0f} s); VACUUM ANALYZE")
    for table in TABLES:
        cursor.execute(f"VACUUM ANALYZE {table}")
    cursor.execute("SELECT stage, count(*) FROM bench_case GROUP BY stage ORDER BY stage")
    stages = dict(cursor.fetchall())
    cursor.execute("SELECT count(*) FROM cases_case WHERE state = 'open' AND next_due_at <= now()")
    overdue = cursor.fetchone()[0]
    for table in ("bench_case", "bench_stage", "bench_path", "bench_values", "bench_name", "bench_commune"):
        cursor.execute(f"DROP TABLE {table}")
    return {
        "communes": communes,
        "children": children,
        "cases": cases,
        "step records": records,
        "overdue open cases": overdue,
        "stages": stages,
        "seconds": time.perf_counter() - started,
    }


def stored_sizes() -> dict:
    """The sizes of a register generated earlier (bench/cases.py --reuse)."""
    from django.db import connection  # Django is set up by then

    sizes: dict = {"stages": {}, "seconds": 0.0}
    with connection.cursor() as cursor:
        for label, sql in (
            ("communes", "SELECT count(*) FROM units_administrativeunit WHERE level = 'commune'"),
            ("children", "SELECT count(*) FROM cases_child"),
            ("cases", "SELECT count(*) FROM cases_case"),
            ("step records", "SELECT count(*) FROM cases_steprecord"),
            ("access events", "SELECT count(*) FROM cases_accessevent"),
        ):
            cursor.execute(sql)
            sizes[label] = cursor.fetchone()[0]
        cursor.execute("SELECT last_step, count(*) FROM cases_case GROUP BY 1 ORDER BY 1")
        sizes["stages"] = dict(cursor.fetchall())
    return sizes
