"""The English interface: the catalogue is complete, the shipped .mo matches it, and a user who picks
English sees English while Vietnamese (the source language) stays the default."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import gettext, ngettext, override, pgettext
from django.utils.translation.template import templatize

LOCALE_DIR = settings.BASE_DIR / "treem" / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
APP_DIR = settings.BASE_DIR / "treem"
PLAN_URL = "/ke-hoach/tth-2023/"
LOGIN_URL = "/dang-nhap/"

# %(name)s, %(n)d, %s and {name}: what a translation must carry over unchanged.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    context: str | None = None  # msgctxt: the same Vietnamese with another meaning (pgettext)
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""). Enough of the format for Django's
    makemessages output: flags, msgid/msgid_plural/msgstr[n], continuation lines, obsolete #~ lines."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, current = Entry(), None
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                if current == "msgid":
                    entry.msgid += _unquote(line)
                elif current == "msgid_plural":
                    entry.msgid_plural = (entry.msgid_plural or "") + _unquote(line)
                else:
                    entry.msgstrs[-1] += _unquote(line)
            else:
                keyword, value = line.split(" ", 1)
                if keyword == "msgctxt":
                    current, entry.context = "msgctxt", _unquote(value)
                elif keyword == "msgid":
                    current, entry.msgid = "msgid", _unquote(value)
                elif keyword == "msgid_plural":
                    current, entry.msgid_plural = "msgid_plural", _unquote(value)
                elif keyword.startswith("msgstr"):
                    current = "msgstr"
                    entry.msgstrs.append(_unquote(value))
        if entry.msgstrs or entry.obsolete:
            entries.append(entry)
    return entries


def messages() -> list[Entry]:
    """The catalogue's live messages (no header, no obsolete entries)."""
    return [e for e in read_po(PO_FILE) if e.msgid and not e.obsolete]


def marked_in_python() -> set[str]:
    """Literal msgids of gettext calls in the app's Python code (what makemessages extracts)."""
    found = set()
    for path in APP_DIR.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in GETTEXT_NAMES and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def marked_in_templates() -> set[str]:
    """Msgids of {% translate %} and {% blocktranslate %} in the app's templates, as Django derives
    them for xgettext ({{ var }} in a block becomes %(var)s)."""
    found = set()
    call = re.compile(r"\bn?gettext\(u?('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
    for path in APP_DIR.rglob("*.html"):
        for literal in call.findall(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
            found.add(ast.literal_eval(literal))
    return found


# The catalogue


def test_the_english_catalogue_exists_with_its_compiled_file():
    assert PO_FILE.is_file()
    assert MO_FILE.is_file()
    assert len(messages()) > 200


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [e.msgid for e in messages() if not all(s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid for e in read_po(PO_FILE) if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_both_english_forms():
    plurals = [e for e in messages() if e.msgid_plural]
    assert plurals, "the upload preview's error count is a plural message"
    for entry in plurals:
        assert len(entry.msgstrs) == 2, entry.msgid
        assert entry.msgstrs[0] != entry.msgstrs[1], entry.msgid


def test_translations_keep_every_placeholder_of_the_vietnamese_text():
    for entry in messages():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for msgstr in entry.msgstrs:
            assert sorted(PLACEHOLDER.findall(msgstr)) == expected, (entry.msgid, msgstr)


def test_translations_are_english_not_copies_of_the_vietnamese():
    vietnamese = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
    still_vietnamese = [e.msgid for e in messages() if any(vietnamese.search(s) for s in e.msgstrs)]
    assert still_vietnamese == []


def test_every_string_marked_for_translation_in_the_app_is_in_the_catalogue():
    """A new {% translate %} or gettext() needs makemessages + a translation + compilemessages."""
    in_catalogue = {e.msgid for e in messages()}
    missing = (marked_in_python() | marked_in_templates()) - in_catalogue
    assert sorted(missing) == [], "run makemessages -l en, translate, compilemessages (docs/i18n.md)"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_accepts_the_catalogue_and_counts_only_translated_messages():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.", result.stderr.strip()), result.stderr


def test_the_shipped_mo_gives_every_translation_of_the_po():
    """The .mo in the repository is what Django reads; it must be compiled from the current .po."""
    stale = []
    with override("en"):
        for entry in messages():
            if entry.context is not None:
                got = [pgettext(entry.context, entry.msgid)]
            elif entry.msgid_plural:
                got = [ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            else:
                got = [gettext(entry.msgid)]
            if got != entry.msgstrs:
                stale.append((entry.msgid, got, entry.msgstrs))
    assert stale == [], "run compilemessages -l en after editing the .po"


# The pages


def _text(response) -> str:
    return response.content.decode()


def _choose(client, language: str, next_url: str = PLAN_URL):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_a_signed_in_user_who_switches_to_english_sees_the_plan_in_english(client, make_user, plan):
    client.force_login(make_user("leader", "46"))

    switched = _choose(client, "en")
    assert switched.status_code == 302
    assert switched.headers["Location"] == PLAN_URL

    html = _text(client.get(PLAN_URL))
    assert '<html lang="en">' in html
    for english in [
        "I. TARGETS",
        "2. Specific targets",
        "V. REPORTING — DEADLINE SCHEDULE",
        "Data-supplying agency",
    ]:
        assert english in html
    for nav in ["Plans</a>", "Indicator scorecard</a>", "Administrative units</a>", "Sign out</button>"]:
        assert nav in html
    assert "Leadership (view only)" in html
    for vietnamese in ["MỤC TIÊU", "Mục tiêu cụ thể", "Đăng xuất", "Bảng theo dõi chỉ tiêu"]:
        assert vietnamese not in html
    # Numbers follow the English format: a decimal point, a thousands comma.
    assert "&lt; 9.5‰ live births" in html
    assert "&lt; 600/100,000 children" in html


def test_english_sticks_for_the_following_pages_until_vietnamese_is_chosen_again(client, make_user, plan):
    client.force_login(make_user("province_coordinator", "46"))
    _choose(client, "en")
    assert "Search by name or GSO code" in _text(client.get("/don-vi/"))

    _choose(client, "vi", "/don-vi/")
    html = _text(client.get(PLAN_URL))
    assert "Mục tiêu cụ thể" in html
    assert "&lt; 9,5‰ trẻ đẻ sống" in html
    assert "Specific targets" not in html


def test_the_login_page_is_in_english_for_a_visitor_with_the_language_cookie(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _text(client.get(LOGIN_URL))
    for english in ["Sign in", "Username", "Password", "Child protection and care plan management system"]:
        assert english in html
    assert "Mật khẩu" not in html


def test_a_new_visitor_gets_vietnamese(client, db):
    html = _text(client.get(LOGIN_URL))
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html
    assert "Password" not in html


def test_a_signed_in_user_who_never_chose_a_language_reads_the_plan_in_vietnamese(client, make_user, plan):
    client.force_login(make_user("leader", "46"))
    html = _text(client.get(PLAN_URL))
    assert "I. MỤC TIÊU" in html
    assert "Đăng xuất" in html
    assert "TARGETS" not in html


def test_a_browser_asking_for_english_still_gets_vietnamese_until_the_user_chooses(client, db):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert "Đăng nhập" in response.content.decode()
    assert response.headers["Content-Language"] == "vi"
