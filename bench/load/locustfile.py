"""Users entering and importing overlapping figures at the same time (issue 7, item 3). Run by `run.py`.

Every simulated user is a province coordinator of Thừa Thiên Huế (made by `prepare.py`: load-01 …) and
works on the same few communes of Huế (district 474), period 2023S1, on figures tied by rules (neonatal ≤
under-1 deaths ≤ under-5 deaths; insured ≤ children under 6; the special-circumstances counts), with values
drawn so that some writes break a rule (those must be refused, never stored):

- `grid_cell` (most often): one cell typed in the entry grid (HTMX POST), as the grid page does;
- `api_batch`: a DHIS2 dataValueSets batch of 6–16 of those values in random order (200, or 409 when a rule
  or a concurrent write refuses it);
- `excel_round_trip`: the Excel template filled, uploaded (preview), then confirmed (302, or 200 with the
  conflicts when the figures changed since the preview).

Only 5xx answers (and a lost connection) count as failures: a refused value is the server doing its job.
The host must be 127.0.0.1 (loopback only).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task
from openpyxl import load_workbook

PASSWORD = os.environ.get("LOAD_PASSWORD", "Tai-thu-dong-thoi-2023")
USERS = int(os.environ.get("LOAD_USER_COUNT", "50"))
PERIOD = "2023S1"
DISTRICT = "474"
COMMUNES = os.environ.get("LOAD_COMMUNES", "19750,19753,19756,19759,19762,19768").split(",")
SYT = f"/so-lieu/SYT/{PERIOD}/{DISTRICT}/"
SLDTBXH = f"/so-lieu/SLDTBXH/{PERIOD}/{DISTRICT}/"
# element → (entry page, low, high): ranges that overlap, so that some writes break a rule.
FIGURES = {
    "NEONATAL_DEATHS": (SYT, 0, 8),
    "DEATHS_UNDER1": (SYT, 3, 12),
    "DEATHS_UNDER5": (SYT, 8, 20),
    "INSURED_UNDER6": (SYT, 300, 520),
    "CHILDREN_UNDER6": (SYT, 450, 600),
    "SPECIAL_CIRCUMSTANCES": (SLDTBXH, 20, 60),
    "SPECIAL_CIRCUMSTANCES_CARED": (SLDTBXH, 10, 45),
    "SPECIAL_CIRCUMSTANCES_ELIGIBLE": (SLDTBXH, 10, 45),
}
PENDING = re.compile(r'action="([^"]+/tai-len/(\d+)/xac-nhan/)"')
_next_user = iter(range(1, 10_000))


@events.test_start.add_listener
def only_loopback(environment: Any, **kwargs: Any) -> None:
    host = urlparse(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"the load test runs against 127.0.0.1 only, not {host!r}")


def draw() -> tuple[str, str, str]:
    element = random.choice(list(FIGURES))
    _page, low, high = FIGURES[element]
    return element, random.choice(COMMUNES), str(random.randint(low, high))


class Coordinator(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.username = f"load-{(next(_next_user) - 1) % USERS + 1:02d}"
        self.client.get("/dang-nhap/", name="login page")
        self.client.post(
            "/dang-nhap/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
            name="login",
            allow_redirects=False,
        )

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _check(self, response: Any, *expected: int) -> None:
        """5xx and lost connections fail; any other answer not `expected` fails too (a broken flow)."""
        if response.status_code in expected:
            response.success()
        else:
            response.failure(f"{response.status_code}: {response.text[:200]!r}")

    @task(6)
    def grid_cell(self) -> None:
        element, unit, value = draw()
        page = FIGURES[element][0]
        with self.client.post(
            f"{page}o/{unit}/{element}/default/",
            {"value": value},
            headers={"X-CSRFToken": self.csrf(), "HX-Request": "true"},
            name="grid cell",
            catch_response=True,
        ) as response:
            self._check(response, 200)

    @task(3)
    def api_batch(self) -> None:
        rows = {}
        for _ in range(random.randint(6, 16)):
            element, unit, value = draw()
            rows[(element, unit)] = value
        body = {
            "dataValues": [
                {"dataElement": e, "period": PERIOD, "orgUnit": u, "value": v} for (e, u), v in rows.items()
            ]
        }
        with self.client.post(
            "/api/dataValueSets/",
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf()},
            name="api dataValueSets",
            catch_response=True,
        ) as response:
            self._check(response, 200, 409)

    @task(1)
    def excel_round_trip(self) -> None:
        page = random.choice([SYT, SLDTBXH])
        template = self.client.get(f"{page}mau.xlsx", name="excel template")
        if template.status_code != 200:
            return
        wb = load_workbook(io.BytesIO(template.content))
        ws = wb.worksheets[0]
        columns = {ws.cell(5, c).value: c for c in range(3, ws.max_column + 1)}
        rows = {ws.cell(r, 1).value: r for r in range(8, ws.max_row + 1)}
        for _ in range(random.randint(3, 10)):
            element, unit, value = draw()
            if element in columns and unit in rows and FIGURES[element][0] == page:
                ws.cell(rows[unit], columns[element]).value = int(value)
        out = io.BytesIO()
        wb.save(out)
        with self.client.post(
            f"{page}tai-len/",
            {"csrfmiddlewaretoken": self.csrf()},
            files={"file": ("so-lieu.xlsx", out.getvalue())},
            name="excel upload (preview)",
            catch_response=True,
        ) as response:
            self._check(response, 200)
            found = PENDING.search(response.text)
        if not found:
            return  # nothing to write, or a rule broken in the file: shown, nothing staged
        with self.client.post(
            found.group(1),
            {"csrfmiddlewaretoken": self.csrf()},
            name="excel confirm",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._check(response, 302, 200)
