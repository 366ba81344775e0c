"""The scope matrix of the register's pages (issue 10): every route the resolver knows under /so-theo-doi/,
against each role, with a child (a circumstance and a support each) in the officer's own commune, in
another commune of the district, in another district and in the other province (Đà Nẵng, 48).

- A route that opens one child (/so-theo-doi/tre-em/<pk>/…, perhaps with a circumstance's or support's
  id): a child outside the role's case scope is a 404 with the same body as an id that exists nowhere,
  leaves no access event and, posted to, changes nothing; so is an item of another area's child asked
  under the role's own child. A child inside opens (200) with exactly one access event, for that child.
- Any other route (the list, the new child form, the eligible list, the upload pages): whatever it
  answers, it never names a child outside the scope, and to a role without case records no child at all,
  even when asked for another commune, district or province, or for the name itself.

Routes are read from the resolver, so a new register route is covered the day it is added; a route whose
parameters this file does not know fails `test_the_harness_knows_every_parameter_of_the_register_routes`.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Child
from treem.cases.tests import conftest as case_fixtures
from treem.register import services
from treem.register.models import Circumstance, Support
from treem.units.models import AdministrativeUnit

officers = case_fixtures.officers
PREFIX = "so-theo-doi/"
CHILD_PREFIX = PREFIX + "tre-em/"
MISSING = 10**9
DAY = datetime.date(2024, 3, 1)

# --- the routes, from the resolver -------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    params: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.pattern


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


ROUTES = [route for route in _walk(get_resolver().url_patterns) if route.pattern.startswith(PREFIX)]
CHILD_ROUTES = [r for r in ROUTES if r.pattern.startswith(CHILD_PREFIX) and "pk" in r.params]
OTHER_ROUTES = [r for r in ROUTES if r not in CHILD_ROUTES]


def _value(param: str, route: Route, child: object, circumstance: object, support: object) -> str:
    if param == "pk":
        return str(
            child if route in CHILD_ROUTES else MISSING
        )  # elsewhere (an upload): one that is not there
    if param == "item":
        if "/hoan-canh/" in route.pattern:
            return str(circumstance)
        if "/ho-tro/" in route.pattern:
            return str(support)
    raise LookupError(f"{route}: unknown parameter {param!r}; teach test_scope_matrix._value about it")


def url_of(
    route: Route, child: object = MISSING, circumstance: object = MISSING, support: object = MISSING
) -> str:
    return reverse(
        route.name, kwargs={p: _value(p, route, child, circumstance, support) for p in route.params}
    )


# --- the world: four children in four places, and the roles ----------------------------------------------

NAMES = {  # none of them a real person
    "19903": "Đặng Thị Hồng Nhung",
    "19912": "Lý Văn Khánh Toàn",
    "474": "Vương Thị Mỹ Duyên",
    "48": "Tôn Nữ Quỳnh Giao",
}
SEES = {
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


@dataclass
class Place:
    child: Child
    circumstance: Circumstance
    support: Support
    name: str


def _commune(under: str) -> str:
    unit = AdministrativeUnit.objects.filter(level="commune", path__startswith=under).order_by("path").first()
    assert unit is not None, f"no commune under {under}"
    return unit.code


@pytest.fixture
def world(officers) -> dict[str, Place]:
    communes = {"19903": "19903", "19912": "19912", "474": _commune("46/474/"), "48": _commune("48/")}
    places = {}
    for place, commune in communes.items():
        actor = officers["manager_48" if place == "48" else "manager"]
        child = services.do_register_child(
            actor, commune_code=commune, name=NAMES[place], date_of_birth=datetime.date(2017, 6, 1)
        )
        circumstance = services.do_add_circumstance(actor, child, group="orphan_both", started_on=DAY)
        support = services.do_add_support(
            actor, child, kind="social_assistance", started_on=DAY, amount=540000, provider="UBND xã"
        )
        places[place] = Place(child, circumstance, support, NAMES[place])
    return places


@pytest.fixture
def signed_in(client, officers):
    def sign_in(role: str):
        sign_in_with_factor(client, officers[role])
        return client

    return sign_in


def _url(route: Route, place: Place) -> str:
    return url_of(route, place.child.pk, place.circumstance.pk, place.support.pk)


# --- reading responses -------------------------------------------------------------------------------------


def _text(response) -> str:  # type: ignore[no-untyped-def]
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return raw.decode("utf-8", "replace")


def _body(response, *values: str) -> str:  # type: ignore[no-untyped-def]
    text = _text(response)
    main = re.search(r"<main[^>]*>.*?</main>", text, re.S)
    text = main.group(0) if main else text
    for value in values:
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "<asked>", text)
    return text


def _shown(text: str, name: str) -> bool:
    forms = {unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)}
    forms |= {form.encode("ascii", "xmlcharrefreplace").decode() for form in list(forms)}
    return any(form in text for form in forms)


def _last_event_id() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _state() -> tuple:
    return (
        AccessEvent.objects.count(),
        sorted(
            Child.objects.values_list("pk", "sex", "date_of_birth", "disability", "household", "commune_id")
        ),
        sorted(Circumstance.objects.values_list("pk", "child_id", "group", "started_on", "ended_on")),
        sorted(Support.objects.values_list("pk", "child_id", "kind", "started_on", "ended_on", "amount")),
    )


# A valid write for every form of a child's page: what the services would do if the scope were not checked.
WRITE = {
    "sex": "male", "date_of_birth": "01/06/2017", "disability": "severe", "household": "poor",
    "group": "abandoned", "started_on": "01/03/2024", "ended_on": "15/03/2024", "confirm": "yes",
    "kind": "care", "provider": "UBND xã", "amount": "100.000",
}  # fmt: skip


# --- the tests ---------------------------------------------------------------------------------------------


def test_the_routes_come_from_the_resolver():
    names = {route.name for route in ROUTES}

    assert {"register:list", "register:detail", "register:circumstance-end", "register:support-end"} <= names
    assert len(CHILD_ROUTES) == 6 and {"register:list", "register:create"} <= {r.name for r in OTHER_ROUTES}


def test_the_harness_knows_every_parameter_of_the_register_routes():
    unknown = []
    for route in ROUTES:
        try:
            url_of(route, 1, 1, 1)
        except Exception as error:  # noqa: BLE001 - every route's problem is listed
            unknown.append(f"{route}: {error}")

    assert not unknown


def _outside_twins(route: Route, place: Place, inside: list[Place]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(URL of the child outside, the same URL with ids that exist nowhere, values to blank)."""
    twins = [(_url(route, place), url_of(route), (str(place.child.pk), str(MISSING)))]
    if "item" in route.params and inside:  # the role's own child with another area's circumstance or support
        own = inside[0].child.pk
        foreign = url_of(route, own, place.circumstance.pk, place.support.pk)
        item = str(place.circumstance.pk if "/hoan-canh/" in route.pattern else place.support.pk)
        twins.append((foreign, url_of(route, own), (item, str(MISSING))))
    return twins


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", CHILD_ROUTES, ids=str)
def test_a_child_outside_the_scope_is_the_same_404_as_none_and_leaves_no_trace(signed_in, world, route, role):
    client = signed_in(role)
    inside = [world[place] for place in sorted(SEES[role])]
    for place_name, place in world.items():
        if place_name in SEES[role]:
            continue
        for outside, missing, blanks in _outside_twins(route, place, inside):
            before = _state()

            got, twin = client.get(outside), client.get(missing)
            posted, posted_twin = client.post(outside, WRITE), client.post(missing, WRITE)

            assert (got.status_code, twin.status_code) == (404, 404), outside
            assert _body(got, *blanks) == _body(twin, *blanks), outside
            assert posted.status_code in (404, 405) and posted.status_code == posted_twin.status_code, outside
            assert _body(posted, *blanks) == _body(posted_twin, *blanks), outside
            assert not _shown(_text(got) + _text(posted), place.name), outside
            assert _state() == before, f"{outside} left a trace or changed something"


@pytest.mark.parametrize("role", [role for role in ROLES if SEES[role]])
@pytest.mark.parametrize("route", CHILD_ROUTES, ids=str)
def test_a_child_inside_the_scope_opens_with_exactly_one_access_event(
    signed_in, officers, world, route, role
):
    client = signed_in(role)
    for place_name in sorted(SEES[role]):
        place = world[place_name]
        url = _url(route, place)
        last = _last_event_id()

        response = client.get(url)

        assert response.status_code == 200, url
        events = list(AccessEvent.objects.filter(id__gt=last).values_list("child_id", "actor_id", "action"))
        assert events == [(place.child.pk, officers[role].pk, "read")], url


def _guesses(world: dict[str, Place]) -> list[dict[str, str]]:
    """Query strings asking a page for another commune, district or province, or a child by name."""
    asked: list[dict[str, str]] = [{}]
    for place in world.values():
        unit = place.child.commune
        for code in [unit.code, unit.parent.code if unit.parent else "", unit.path.split("/")[0]]:
            asked.append(
                {key: code for key in ("xa", "commune", "unit", "don_vi", "huyen", "tinh", "province")}
            )
        asked.append({"q": place.name, "nhom": "orphan_both"})
    return asked


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", OTHER_ROUTES, ids=str)
def test_a_page_without_a_child_never_names_a_child_outside_the_scope(signed_in, world, route, role):
    client = signed_in(role)
    url = url_of(route)
    hidden = [place for name, place in world.items() if name not in SEES[role]]

    for query in _guesses(world):
        shown = _text(client.get(url, query))
        if "q" in query:  # the search box gives back what was typed: only the rest of the page counts
            shown = shown.replace(f'value="{query["q"]}"', 'value=""')

        for place in hidden:
            assert not _shown(shown, place.name), (
                f"{url} {query} names the child of {place.child.commune.code}"
            )


def test_the_list_names_the_children_of_its_own_area_so_the_checks_above_can_see_a_name(signed_in, world):
    shown = _text(signed_in("district").get(reverse("register:list")))

    assert _shown(shown, NAMES["19903"]) and _shown(shown, NAMES["19912"])
    assert not _shown(shown, NAMES["474"]) and not _shown(shown, NAMES["48"])


def test_a_list_read_writes_one_event_per_child_shown_and_none_for_the_others(signed_in, officers, world):
    last = _last_event_id()

    signed_in("district").get(reverse("register:list"))

    events = sorted(AccessEvent.objects.filter(id__gt=last).values_list("child_id", "action"))
    assert events == sorted((world[p].child.pk, "read") for p in ("19903", "19912"))
