"""Encryption at rest (issue 9): the reporter's name and the notes are not readable in the database file,
while the case page and the selectors show them decrypted; rows written under an old key still open after
a new key is put first (treem/core/tests/test_crypto.py covers the tokens themselves).

The first test commits (pytest-django's `transactional_db`) so that what it wrote is really in the database:
on SQLite the file (`VACUUM INTO` a copy, and the live file with its write-ahead log) is searched byte by
byte; on PostgreSQL every row of every table, cast to text, and `pg_dump`'s output. It loads the units
itself, and the database is flushed after it (pytest-django runs it after the tests that roll back).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.selectors import case_in_scope
from treem.cases.services import do_record_step, do_register_notification

from .conftest import CHILD_NAME, REPORTER_NAME, local, notification

CHILD = "Huỳnh Thị Ngọc Trâm Anh"
REPORTER = "Quách Văn Đức Thịnh"
NOTES = "Ông hàng xóm nghe tiếng trẻ khóc thét ở nhà bên cạnh lúc nửa đêm"
FINDINGS = "Trên cánh tay trẻ có nhiều vết bầm tím cũ và mới"
PHONE = "0987 654 321"
SECRETS = [CHILD, REPORTER, NOTES, FINDINGS, PHONE]


def _folded(text: str) -> str:
    """Without diacritics (đ → d): how a careless index or slug would store it."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c))


def needles(text: str) -> set[bytes]:
    """Every way the text could sit in a database file: UTF-8 in NFC and NFD, folded to ASCII (as typed
    and lower case), JSON-escaped, and PostgreSQL's hex of a bytea."""
    forms = {unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text), _folded(text)}
    forms |= {form.lower() for form in list(forms)}
    forms |= {json.dumps(form)[1:-1] for form in list(forms)}
    found = {form.encode("utf-8") for form in forms}
    found |= {form.encode("utf-8").hex().encode() for form in forms}
    return found


def _sqlite_files(tmp_path: Path) -> bytes:
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    live = Path(connection.settings_dict["NAME"])
    files = [copy, live, Path(f"{live}-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def _postgresql_rows() -> bytes:
    """Every row of every table, each cast to text (bytea shows as hex)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} AS t")
            found += [row[0] for row in cursor.fetchall()]
    return "\n".join(found).encode("utf-8")


def _pg_dump() -> bytes:
    """pg_dump's data, or nothing when this machine's pg_dump cannot dump the server (an older client): the
    rows above are the complete check, the dump a second look as an administrator would take it."""
    if not shutil.which("pg_dump"):
        return b""
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-h", db["HOST"] or "localhost", "-U", db["USER"]]
    command += ["-p", str(db["PORT"] or 5432), db["NAME"]]
    environment = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    done = subprocess.run(command, capture_output=True, env=environment, timeout=120, check=False)
    return done.stdout if done.returncode == 0 else b""


def database_contents(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        return _sqlite_files(tmp_path)
    return _postgresql_rows() + _pg_dump()


@pytest.fixture
def committed_case(transactional_db, django_db_serialized_rollback, make_user):
    """A case with a notification and an initial assessment, committed; the units loaded for it."""
    call_command("load_units", verbosity=0)
    officer = make_user(Role.COMMUNE_OFFICER, "19903")
    received = local(2024, 4, 25, 9, 0)
    case = do_register_notification(
        officer, commune_code="19903", values=notification(received, child_name=CHILD),
        secret_values={"description": NOTES, "reporter_name": REPORTER, "reporter_phone": PHONE}, at=received,
    )  # fmt: skip
    assessed = {
        "assessed_at": received.isoformat(),
        "assessed_by": "Cán bộ xã",
        "verified": True,
        "risk": "low",
    }
    do_record_step(officer, case, "initial_assessment", assessed, {"findings": FINDINGS}, at=received)
    return officer, case


def test_names_and_notes_are_not_readable_in_the_database_file(committed_case, client, tmp_path):
    officer, case = committed_case
    sign_in_with_factor(client, officer)
    page = client.get(reverse("cases:detail", args=[case.code]))  # reads leave their traces first

    contents = database_contents(tmp_path)

    assert len(contents) > 10_000 and case.code.encode() in contents  # the data is there, sealed
    assert any(needle in contents for needle in needles("Cán bộ xã (DEMO)"))  # and plain text is found
    for secret in SECRETS:
        leaked = [needle for needle in needles(secret) if needle in contents]
        assert not leaked, f"{secret!r} readable in the database as {leaked}"
    shown = case_in_scope(scope_for(officer), case.code, user=officer, what="test: decrypted")
    assert shown is not None and shown.child.name == CHILD
    secrets = "".join(record.secret for record in shown.records.all())
    assert all(text in secrets for text in [REPORTER, NOTES, FINDINGS, PHONE])
    assert page.status_code == 200
    assert all(text in page.content.decode() for text in [CHILD, NOTES, FINDINGS])


KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()


def test_rows_written_under_an_old_key_still_open_after_a_new_key_is_put_first(
    officers, register, settings, client
):
    settings.TREEM_ENCRYPTION_KEYS = [KEY_OLD]
    officer = officers["commune"]
    case = register(officer, "19903")

    settings.TREEM_ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    reopened = case_in_scope(scope_for(officer), case.code, user=officer, what="test: after rotation")
    sign_in_with_factor(client, officer)
    page = client.get(reverse("cases:detail", args=[case.code]))

    assert reopened is not None and reopened.child.name == CHILD_NAME
    assert REPORTER_NAME in reopened.records.get().secret
    assert page.status_code == 200 and CHILD_NAME in page.content.decode()
