"""The register follows today's tree: a commune code in an upload or a form names the commune that exists
today (after the 2025 reform, 2025 phường Thuận An, not the 2023 commune 19900 of the same code)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import Child
from treem.register.services import do_register_child
from treem.register.upload_template import build_template
from treem.units.testing_reform import build_reform_trees, user_at

from .test_upload import GOOD, post, staged_pk, workbook


@pytest.fixture
def trees(db):
    return build_reform_trees()


@pytest.fixture
def manager(trees):
    return user_at(Role.CASE_MANAGER, trees.province)


@pytest.fixture
def client_in(client, manager):
    sign_in_with_factor(client, manager)
    return client


def test_the_upload_resolves_a_commune_code_to_todays_version(client_in, trees):
    pk = staged_pk(post(client_in, workbook(GOOD | {"commune": "19900"})))

    response = client_in.post(reverse("register:upload-preview", args=[pk]))

    assert response.status_code == 302
    assert Child.objects.latest("pk").commune == trees.commune_2025


def test_an_upload_naming_a_commune_that_no_longer_exists_says_so(client_in, trees):
    response = post(client_in, workbook(GOOD | {"commune": "19750"}))

    assert response.status_code == 400
    assert "Phường Tây Lộc (19750) không còn tồn tại từ ngày 01/07/2025" in response.content.decode()


def test_a_child_registered_by_code_goes_to_todays_commune(manager, trees):
    child = do_register_child(manager, commune_code="19900", name="Nguyễn Thị Thử")

    assert child.commune == trees.commune_2025


def test_the_template_lists_todays_communes_only(manager, trees):
    from io import BytesIO

    from openpyxl import load_workbook

    from treem.accounts.policy import scope_for

    book = load_workbook(BytesIO(build_template(scope_for(manager))))
    codes = {row[0].value for row in book["Danh mục"].iter_rows(min_row=2, min_col=19, max_col=19)}
    assert codes - {None} == {u.code for u in trees.communes_2025}


def test_derived_figures_of_a_period_spanning_both_trees_go_to_the_later_commune_only(trees):
    import datetime

    from treem.register.derivation import _superseded, _versions_of

    versions = _versions_of([trees.commune_2023, trees.commune_2025])
    year_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    half_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))

    assert _superseded(trees.commune_2023, versions, *year_2025)  # its figure by code would land on 2025's
    assert not _superseded(trees.commune_2025, versions, *year_2025)
    assert not _superseded(trees.commune_2023, versions, *half_2025)
