"""Every parser of outside input and every form, fed hypothesis-generated input: each answers with a
clear refusal (InputErrors/ValueError, or a 4xx page), never an unexpected exception or a 500.

Parsers: DHIS2 JSON and CSV, DHIS2 import options, the Excel template reader (random bytes, and templates with random XML),
typed numbers, period ids, the units CSV, YAML data files. Forms and endpoints: the dataValueSets API
(POST JSON/CSV, GET parameters), the grid cell, the Excel upload, the entry choice, completion, the audit
log filter, the scorecard filters, the sign-in form.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from urllib.parse import urlencode

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treem.accounts.models import Role
from treem.core.errors import InputErrors
from treem.core.numbers import parse_typed_number
from treem.core.periods import parse_period
from treem.core.yamlfile import load_with_lines
from treem.entry import excel
from treem.indicators import dhis2_read
from treem.indicators.import_options import SUPPORTED_OPTIONS, import_options
from treem.units.services import read_units_csv

TEXT = st.characters(codec="utf-8")  # what a request or a file can carry (no lone surrogates)
FUZZ = settings(
    max_examples=int(os.environ.get("TREEM_FUZZ_EXAMPLES", "40")),  # more for a longer hunt
    deadline=None,
    derandomize=os.environ.get("CI")
    == "true",  # CI repeats the examples checked here; a developer hunts anew
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PAGE = "/so-lieu/SYT/2023S1/474/"
FIELDS = [
    "dataElement",
    "period",
    "orgUnit",
    "categoryOptionCombo",
    "attributeOptionCombo",
    "value",
    "comment",
    "deleted",
    "followup",
    "storedBy",
    "valeu",
]
CSV_HEADER = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted"

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(TEXT, max_size=30)
    | st.sampled_from(["LIVE_BIRTHS", "19750", "2023S1", "1e1000000", "9999", "1.234,5", "default", "-0"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(TEXT, max_size=8), inner, max_size=4),
)
SET_FIELDS = [
    "period",
    "orgUnit",
    "attributeOptionCombo",
    "dataSet",
    "completeDate",
    "dryRun",
    "idScheme",
    "bogus",
]
data_value_sets = st.fixed_dictionaries(
    {"dataValues": st.lists(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=7), max_size=5)},
    optional={name: scalars for name in SET_FIELDS},
)
json_texts = st.one_of(
    data_value_sets.map(lambda d: json.dumps(d, allow_nan=True)),
    json_values.map(lambda d: json.dumps(d, allow_nan=True)),
    st.text(alphabet='{}[]",:0123456789.eE-+ tnulfarse\\', max_size=60),
)
csv_cells = st.text(TEXT, max_size=12) | st.sampled_from(
    ["LIVE_BIRTHS", "2023S1", "19750", "default", "4", '"', '"a', "true", "yes", "1e1000000", "9999"]
)
csv_texts = st.lists(st.lists(csv_cells, max_size=12), max_size=6).map(
    lambda rows: "\n".join([CSV_HEADER, *(",".join(row) for row in rows)])
) | st.text(TEXT, max_size=80)


@pytest.fixture
def signed_in(client, make_user):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))
    return client


def allowed(fn, *args, errors=(InputErrors, ValueError)) -> None:
    try:
        fn(*args)
    except errors:
        pass


# --- parsers ------------------------------------------------------------------------------------------------------


def read_value_set(read, text: str, **options) -> None:
    """A file is refused whole, or read into inputs and row conflicts that each say where they came from."""
    try:
        value_set = read(text, **options)
    except InputErrors:
        return
    assert isinstance(value_set, dhis2_read.ValueSet)
    for item in value_set.inputs:
        assert item.index is not None and item.where
    for conflict in value_set.conflicts:
        assert conflict.code and conflict.indexes and conflict.where


@FUZZ
@given(text=json_texts)
def test_the_dhis2_json_reader(text):
    read_value_set(dhis2_read.read_json, text)


@FUZZ
@given(text=csv_texts, header=st.sampled_from([None, True, False]))
def test_the_dhis2_csv_reader(text, header):
    read_value_set(dhis2_read.read_csv, text, first_row_is_header=header)


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from([*SUPPORTED_OPTIONS, "bogus"]),
        st.lists(
            st.text(TEXT, max_size=12) | st.sampled_from(["true", "FALSE", "CODE", "NEW", "NONE"]), max_size=3
        ),
        max_size=4,
    ),
    payload=st.none()
    | st.dictionaries(st.sampled_from(["dryRun", "importStrategy", "idScheme", "x"]), scalars),
)
def test_the_import_options(query, payload):
    allowed(import_options, query, payload, errors=(InputErrors,))


@FUZZ
@given(raw=scalars)
def test_typed_numbers(raw):
    for integer in (True, False):
        allowed(lambda integer=integer: parse_typed_number(raw, integer_expected=integer))


@FUZZ
@given(code=st.text(TEXT, max_size=12) | st.from_regex(r"[0-9]{4}(S[0-9]|Q[0-9]|[0-9]{2})?", fullmatch=True))
def test_period_ids(code):
    allowed(parse_period, code)


@FUZZ
@given(text=st.text(TEXT, max_size=200))
def test_yaml_data_files(text):
    allowed(load_with_lines, text, errors=(yaml.YAMLError, RecursionError))


@pytest.mark.django_db
@FUZZ
@given(
    text=st.lists(st.lists(csv_cells, max_size=5), max_size=5).map(
        lambda rows: "\n".join(["code,name,type,parent_code", *(",".join(r) for r in rows)])
    )
)
def test_the_units_csv_reader(text):
    allowed(read_units_csv, text)


@pytest.fixture
def template_bytes(signed_in) -> bytes:
    return signed_in.get(PAGE + "mau.xlsx").content


def _mutated(template: bytes, part: str, at: float, junk: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in source.namelist():
            data = source.read(name)
            if name == part:
                cut = int(len(data) * at)
                data = data[:cut] + junk.encode() + data[cut + len(junk) :]
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.django_db
@FUZZ
@given(
    part=st.sampled_from(
        ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/styles.xml"]
    ),
    at=st.floats(min_value=0, max_value=1),
    junk=st.text(alphabet="<>/=\"'&;#x0123456789abcdefrvtcs: !?-[]", max_size=40),
)
def test_the_excel_reader_on_templates_with_random_xml(template_bytes, part, at, junk):
    allowed(lambda: excel.read_workbook(_mutated(template_bytes, part, at, junk)), errors=(InputErrors,))


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=300))
def test_the_excel_reader_on_random_bytes(data):
    allowed(excel.read_workbook, io.BytesIO(data), errors=(InputErrors,))


# --- forms and endpoints --------------------------------------------------------------------------------------------


params = st.dictionaries(
    st.sampled_from(
        [
            "period",
            "orgUnit",
            "dataElement",
            "unit",
            "plan",
            "agency",
            "trang",
            "action",
            "actor",
            "date_from",
            "date_to",
            "object_id",
            "dryRun",
            "q",
            "print",
            "page",
        ]
    ),
    st.text(TEXT, max_size=20)
    | st.sampled_from(["2023S1", "46", "19750", "9999", "1000S1", "-1", "true", "%00"]),
    max_size=5,
)


@FUZZ
@given(body=json_texts | csv_texts, csv=st.booleans(), query=params)
def test_the_data_value_sets_api(signed_in, body, csv, query):
    response = signed_in.post(
        "/api/dataValueSets/?" + urlencode(query),
        data=body,
        content_type="text/csv" if csv else "application/json",
    )
    assert response.status_code < 500
    assert signed_in.get("/api/dataValueSets/", query).status_code < 500


@FUZZ
@given(query=params)
def test_pages_with_filters(signed_in, query):
    for url in (
        "/so-lieu/",
        "/nhat-ky/",
        "/bang-theo-doi/",
        PAGE,
        "/don-vi/",
        "/api/evaluations/",
        "/api/units/",
    ):
        assert signed_in.get(url, query).status_code < 500, url


@FUZZ
@given(
    value=csv_cells | st.text(TEXT, max_size=40),
    element=st.sampled_from(["LIVE_BIRTHS", "X", "CHILDREN_UNDER5"]),
    combo=st.sampled_from(["default", "rural", "zz"]),
)
def test_the_grid_cell(signed_in, value, element, combo):
    assert signed_in.post(f"{PAGE}o/19750/{element}/{combo}/", {"value": value}).status_code < 500


@FUZZ
@given(data=st.binary(max_size=200), name=st.text(TEXT, max_size=20), action=st.text(TEXT, max_size=10))
def test_the_upload_and_completion_forms(signed_in, data, name, action):
    upload = SimpleUploadedFile((name or "x") + ".xlsx", data)
    assert signed_in.post(PAGE + "tai-len/", {"file": upload}).status_code < 500
    assert signed_in.post(PAGE + "hoan-thanh/", {"action": action}).status_code < 500


@pytest.mark.django_db
@FUZZ
@given(username=st.text(TEXT, max_size=30), password=st.text(TEXT, max_size=30))
def test_the_sign_in_form(client, username, password):
    assert client.post("/dang-nhap/", {"username": username, "password": password}).status_code < 500
