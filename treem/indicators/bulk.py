"""Fast insertion of new data values with their history rows.

National imports bring millions of values; building a Django model instance per value costs more than
the database does. New values go in as plain tuples: on PostgreSQL by COPY, elsewhere by executemany.
Their history rows (the "+" rows django-simple-history would write: who, when) are then made by the
database itself in one INSERT … SELECT over the rows this import just wrote, which all carry the
import's own `updated_at` timestamp.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection

from .models import DataValue

# element, combo, unit, period, value, comment, user, followup: the first columns of VALUE_COLUMNS
NewValue = tuple[int, int, int, int, Decimal, str, int | None, bool]

VALUE_COLUMNS = [
    "element_id",
    "combo_id",
    "unit_id",
    "period_id",
    "value",
    "comment",
    "stored_by_id",
    "followup",
    "updated_at",
    "created_at",
]
ROW_COLUMNS = ["id", *VALUE_COLUMNS]


def insert_new_values(rows: Sequence[NewValue], now: datetime.datetime) -> None:
    """Insert new values stamped `now` (which must be unique to this import) and their history rows."""
    if not rows:
        return
    table = connection.ops.quote_name(DataValue._meta.db_table)
    if connection.vendor == "postgresql":
        _copy_values(table, rows, now)
    else:
        _executemany(table, VALUE_COLUMNS, [(*row, now, now) for row in rows])
    _write_history(table, now, {row[3] for row in rows})


def _write_history(table: str, now: datetime.datetime, period_ids: set[int]) -> None:
    history_table = connection.ops.quote_name(DataValue.history.model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ROW_COLUMNS)
    periods = ", ".join(["%s"] * len(period_ids))
    stamp = connection.ops.adapt_datetimefield_value(now)
    sql = (
        f"INSERT INTO {history_table} ({columns}, history_date, history_change_reason, history_type, history_user_id) "  # noqa: S608
        f"SELECT {columns}, %s, NULL, '+', stored_by_id FROM {table} "
        f"WHERE updated_at = %s AND period_id IN ({periods})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp, stamp, *period_ids])


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escape(text: str) -> str:
    return text.translate(COPY_ESCAPES) if text else ""


def _copy_values(table: str, rows: Sequence[NewValue], now: datetime.datetime) -> None:
    """COPY in text format, written in large blocks: psycopg's per-row writer costs more than the server."""
    names = ", ".join(connection.ops.quote_name(c) for c in VALUE_COLUMNS)
    stamp = now.isoformat()
    null = "\\N"
    # psycopg's own cursor: wrap its errors as Django's (a duplicate is an IntegrityError, a deadlock an
    # OperationalError the write path tries again), as Django's cursor would.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for i in range(0, len(rows), 50_000):
                block = "".join(
                    f"{e}\t{c}\t{u}\t{p}\t{v}\t{_escape(comment)}\t{null if user is None else user}\t"
                    f"{'t' if followup else 'f'}\t{stamp}\t{stamp}\n"
                    for e, c, u, p, v, comment, user, followup in rows[i : i + 50_000]
                )
                copy.write(block.encode())


def _executemany(table: str, columns: list[str], rows: list[tuple]) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    stamps = [columns.index("updated_at"), columns.index("created_at")]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            chunk = [
                tuple(
                    connection.ops.adapt_datetimefield_value(cell) if at in stamps else cell
                    for at, cell in enumerate(row)
                )
                for row in rows[i : i + 5000]
            ]
            cursor.executemany(sql, chunk)
