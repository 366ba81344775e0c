"""The scope matrix of the case pages and the case API (issue 9): every route the resolver knows under
/ho-so/ and every API route about cases, against each role, with cases in the officer's own commune, in
another commune of the district, in another district and in the other province (Đà Nẵng, 48).

- A route that opens one case (its code, perhaps a record id, in the URL): a case outside the role's case
  scope is a 404 with the same body as a code that exists nowhere, leaves no access event and, posted to,
  changes nothing; a case inside opens (200) and leaves exactly one access event, for that case.
- A route without a case (lists, tasks, dashboard, intake, export, access log): whatever it answers, it
  never shows the child's or the reporter's name of a case outside the scope, and to a role without case
  access no name at all, even when asked for another commune, district or province in the query string.

Routes are read from the resolver, so a new case route is covered the day it is added; a route whose
parameters this file does not know fails `test_the_harness_knows_every_parameter_of_the_case_routes`.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Case, StepRecord
from treem.cases.services import do_register_notification
from treem.units.models import AdministrativeUnit

from .conftest import local, notification

# --- the routes, from the resolver -------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # the whole pattern, prefixes of includes joined
    name: str  # the namespaced name to reverse ("" when unnamed)
    params: tuple[str, ...]

    def __str__(self) -> str:  # the test's id: "cases:detail", "case-detail.format"
        return (self.name or self.pattern) + (".format" if "format" in self.params else "")


def _params(pattern) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def _walk(patterns, prefix: str = "", namespaces: tuple = (), params: tuple = ()):  # type: ignore[no-untyped-def]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), spaces, params + _params(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else ""
            yield Route(prefix + str(pattern.pattern), name, params + _params(pattern.pattern))


def _is_case_route(route: Route) -> bool:
    if route.pattern.startswith("ho-so/"):
        return True
    return route.pattern.startswith("api/") and re.search(r"case|child", route.pattern, re.I) is not None


ROUTES = [route for route in _walk(get_resolver().url_patterns) if _is_case_route(route)]
CODE_PARAMS = {"code", "case_code", "case", "case_pk", "case_id"}
RECORD_PARAMS = {"record", "record_id", "record_pk"}


def _opens_a_case(route: Route) -> bool:
    return bool(set(route.params) & (CODE_PARAMS | RECORD_PARAMS | {"pk", "id"}))


CASE_ROUTES = [route for route in ROUTES if _opens_a_case(route)]
LIST_ROUTES = [route for route in ROUTES if not _opens_a_case(route)]
STEP = "initial_assessment"  # the step a freshly notified case may record next


def _value(param: str, route: Route, case_ref: str, case_pk: str, record_pk: str) -> str:
    """The URL value of one parameter for a case (its code and id) and one of its records."""
    if param in {"code", "case_code", "case"}:
        return case_ref
    if param in {"case_pk", "case_id"}:
        return case_pk
    if param in RECORD_PARAMS:
        return record_pk
    if param in {"pk", "id"}:
        return record_pk if "record" in route.pattern else case_pk
    if param in {"step", "step_code"}:
        return STEP
    if param == "fmt":
        return "docx"
    if param == "format":
        return "json"
    raise LookupError(f"{route}: unknown parameter {param!r}; teach test_scope_matrix._value about it")


def url_of(route: Route, case_ref: str, case_pk: object, record_pk: object) -> str:
    kwargs = {p: _value(p, route, case_ref, str(case_pk), str(record_pk)) for p in route.params}
    return reverse(route.name, kwargs=kwargs)


# --- the world: four cases in four places, and the roles -------------------------------------------------

NAMES = {  # place → (child's name, reporter's name): none of them a real person
    "19903": ("Đặng Thị Hồng Nhung", "Chu Văn Khải Hoàn"),
    "19912": ("Lý Văn Khánh Toàn", "Mạc Thị Diễm Kiều"),
    "474": ("Vương Thị Mỹ Duyên", "Ông Văn Thạch Sanh"),
    "48": ("Tôn Nữ Quỳnh Giao", "Lã Văn Trọng Nghĩa"),
}
SEES = {  # role (the `officers` fixture's key) → the places whose cases it reads
    "commune": {"19903"},
    "commune_19912": {"19912"},
    "district": {"19903", "19912"},
    "district_474": {"474"},
    "manager": {"19903", "19912", "474"},
    "manager_48": {"48"},
    "leader": set(),
    "reporter": set(),
    "coordinator": set(),
    "national": set(),
}
ROLES = sorted(SEES)
MISSING_CODE = "00000-2000-0000"


def _commune(under: str) -> str:
    unit = AdministrativeUnit.objects.filter(level="commune", path__startswith=under).order_by("path").first()
    assert unit is not None, f"no commune under {under}"
    return unit.code


@dataclass
class Place:
    commune: str
    case: Case
    record: StepRecord
    child_name: str
    reporter_name: str


@pytest.fixture
def world(officers) -> dict[str, Place]:
    """One case in each place, registered through the services by the province's case manager."""
    communes = {"19903": "19903", "19912": "19912", "474": _commune("46/474/"), "48": _commune("48/")}
    places = {}
    for place, commune in communes.items():
        actor = officers["manager_48" if place == "48" else "manager"]
        child, reporter = NAMES[place]
        moment = local(2024, 4, 25, 9, 0)
        case = do_register_notification(
            actor, commune_code=commune, values=notification(moment, child_name=child),
            secret_values={"description": f"Ghi chú về {child}", "reporter_name": reporter}, at=moment,
        )  # fmt: skip
        places[place] = Place(commune, case, case.records.get(), child, reporter)
    return places


@pytest.fixture
def signed_in(client, officers):
    def sign_in(role: str):
        sign_in_with_factor(client, officers[role])
        return client

    return sign_in


# --- reading responses -------------------------------------------------------------------------------------


def _content(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """What a response shows, as text: an XLSX or DOCX file's XML unzipped, else the body decoded."""
    raw = _content(response)
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return raw.decode("utf-8", "replace")


def _body(response, *values: str) -> str:  # type: ignore[no-untyped-def]
    """A 404's body to compare with another one: its <main> for a page, the values asked for blanked."""
    text = _text(response)
    main = re.search(r"<main[^>]*>.*?</main>", text, re.S)
    text = main.group(0) if main else text
    for value in values:
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "<asked>", text)
    return text


def _forms(name: str) -> set[str]:
    """A name as a page, a JSON body or an XML file could carry it."""
    forms = {unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)}
    forms |= {json.dumps(form)[1:-1] for form in list(forms)}
    forms |= {form.encode("ascii", "xmlcharrefreplace").decode() for form in list(forms)}
    return forms


def _shown(text: str, name: str) -> bool:
    return any(form in text for form in _forms(name))


def _last_event_id() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _state() -> tuple:
    """Everything a refused post must leave as it was."""
    return (
        AccessEvent.objects.count(),
        StepRecord.objects.count(),
        sorted(Case.objects.values_list("pk", "commune_id", "last_step", "state")),
    )


# --- the tests ---------------------------------------------------------------------------------------------


def test_the_routes_come_from_the_resolver():
    patterns = {route.pattern for route in ROUTES}

    assert {"ho-so/<str:code>/", "ho-so/<str:code>/in/<int:record>.<str:fmt>", "ho-so/"} <= patterns
    assert len(CASE_ROUTES) >= 4 and len(LIST_ROUTES) >= 6


def test_the_harness_knows_every_parameter_of_the_case_routes():
    unknown = []
    for route in ROUTES:
        try:
            url_of(route, "46-2024-0001", 1, 1) if route.params else reverse(route.name)
        except Exception as error:  # noqa: BLE001 - every route's problem is listed
            unknown.append(f"{route}: {error}")

    assert not unknown


def _outside_twins(route: Route, place: Place, inside: list[Place]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(URL of the case outside, URL of the same shape that exists nowhere, values to blank) to try."""
    case, record = place.case, place.record
    twins = [
        (
            url_of(route, case.code, case.pk, record.pk),
            url_of(route, MISSING_CODE, 10**9, record.pk),
            (case.code, MISSING_CODE, str(case.pk), str(10**9)),
        )
    ]
    if set(route.params) & RECORD_PARAMS and inside:  # a case of its own with another area's record
        own = inside[0].case
        twins.append(
            (
                url_of(route, own.code, own.pk, record.pk),
                url_of(route, own.code, own.pk, 10**9),
                (str(record.pk), str(10**9)),
            )
        )
    return twins


ASSESSED = {
    "assessed_at": "2024-04-25T10:00:00+07:00",
    "assessed_by": "Cán bộ xã",
    "verified": True,
    "risk": "low",
}
WRITE = {
    "step": STEP,
    "values": ASSESSED,
    "secret_values": {"findings": "Đã kiểm tra"},
    "commune_code": "19912",
}


def _write(route: Route) -> dict:
    """A valid write for the route (a step of the procedure, or a move to 19912): the API's JSON body, or a
    page's form; what the services would do if the scope were not checked first."""
    if route.pattern.startswith("api/"):
        return {"data": WRITE, "content_type": "application/json"}
    form = {**ASSESSED, "assessed_at": "2024-04-25T10:00", "verified": "true", "findings": "Đã kiểm tra"}
    return {"data": {**form, "commune": "19912", "commune_code": "19912", "confirm": "yes"}}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", CASE_ROUTES, ids=str)
def test_a_case_outside_the_scope_is_the_same_404_as_none_and_leaves_no_trace(signed_in, world, route, role):
    client = signed_in(role)
    inside = [world[place] for place in sorted(SEES[role])]
    for place_name, place in world.items():
        if place_name in SEES[role]:
            continue
        for outside, missing, blanks in _outside_twins(route, place, inside):
            before = _state()

            got, twin = client.get(outside), client.get(missing)
            posted, posted_twin = client.post(outside, **_write(route)), client.post(missing, **_write(route))

            assert (got.status_code, twin.status_code) == (404, 404), outside
            assert _body(got, *blanks) == _body(twin, *blanks), outside
            assert posted.status_code in (404, 405) and posted.status_code == posted_twin.status_code, outside
            assert _body(posted, *blanks) == _body(posted_twin, *blanks), outside
            assert not _shown(_text(got) + _text(posted), place.child_name), outside
            assert _state() == before, f"{outside} left a trace or changed something"


@pytest.mark.parametrize("role", [role for role in ROLES if SEES[role]])
@pytest.mark.parametrize("route", CASE_ROUTES, ids=str)
def test_a_case_inside_the_scope_opens_with_exactly_one_access_event(signed_in, officers, world, route, role):
    client = signed_in(role)
    for place_name in sorted(SEES[role]):
        case, record = world[place_name].case, world[place_name].record
        url = url_of(route, case.code, case.pk, record.pk)
        last = _last_event_id()

        response = client.get(url)

        assert response.status_code == 200, url
        events = list(AccessEvent.objects.filter(id__gt=last).values_list("case_id", "actor_id"))
        assert events == [(case.pk, officers[role].pk)], url


def _guesses(world: dict[str, Place]) -> list[dict[str, str]]:
    """Query strings asking a list for another commune, district or province."""
    asked = [{}]
    for place in world.values():
        unit = place.case.commune
        for code in [unit.code, unit.parent.code if unit.parent else "", unit.path.split("/")[0]]:
            asked.append(
                {key: code for key in ("xa", "commune", "unit", "don_vi", "huyen", "tinh", "province")}
            )
    return asked


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_a_list_never_names_a_child_or_reporter_outside_the_scope(signed_in, world, route, role):
    client = signed_in(role)
    url = reverse(route.name, kwargs={p: _value(p, route, "", "", "") for p in route.params})
    hidden = [place for name, place in world.items() if name not in SEES[role]]

    for query in _guesses(world):
        text = _text(client.get(url, query))

        for place in hidden:
            assert not _shown(text, place.child_name), f"{url} {query} names the child of {place.commune}"
            assert not _shown(text, place.reporter_name), (
                f"{url} {query} names the reporter of {place.commune}"
            )


@pytest.mark.parametrize("name", ["cases:list", "case-list"])
def test_a_list_names_the_children_of_its_own_area_so_the_checks_above_can_see_a_name(signed_in, world, name):
    text = _text(signed_in("district").get(reverse(name)))

    assert _shown(text, world["19903"].child_name) and _shown(text, world["19912"].child_name)
    assert not _shown(text, world["474"].child_name) and not _shown(text, world["48"].child_name)
