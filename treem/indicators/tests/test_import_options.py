"""DHIS2's import options: what treem takes (query and payload), what it refuses, and the importOptions
object it echoes."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from treem.core.errors import InputErrors
from treem.indicators.import_options import SUPPORTED_OPTIONS, ImportOptions, import_options


def refusal(query: dict | QueryDict, payload: dict | None = None) -> str:
    with pytest.raises(InputErrors) as raised:
        import_options(query, payload)
    return "\n".join(raised.value.messages)


def test_no_option_is_treem_s_default_all_or_nothing_create_and_update():
    options = import_options({})

    assert options == ImportOptions(dry_run=False, strategy="CREATE_AND_UPDATE", atomic=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"dryRun": ["true"]}, {"dry_run": True}),
        ({"dryRun": ["FALSE"]}, {"dry_run": False}),
        ({"importStrategy": ["create"]}, {"strategy": "CREATE"}),
        ({"importStrategy": ["UPDATE"]}, {"strategy": "UPDATE"}),
        ({"importStrategy": ["DELETE"]}, {"strategy": "DELETE"}),
        ({"importStrategy": ["CREATE_AND_UPDATE"]}, {"strategy": "CREATE_AND_UPDATE"}),
        ({"strategy": ["delete"]}, {"strategy": "DELETE"}),
        ({"importStrategy": ["NEW_AND_UPDATES"]}, {"strategy": "CREATE_AND_UPDATE"}),
        ({"importStrategy": ["NEW"]}, {"strategy": "CREATE"}),
        ({"strategy": ["UPDATES"]}, {"strategy": "UPDATE"}),
        ({"importStrategy": ["DELETES"]}, {"strategy": "DELETE"}),
        ({"atomicMode": ["NONE"]}, {"atomic": False}),
        ({"atomicMode": ["all"]}, {"atomic": True}),
        ({"firstRowIsHeader": ["true"]}, {"first_row_is_header": True}),
        ({"firstRowIsHeader": ["false"]}, {"first_row_is_header": False}),
        ({"format": ["csv"]}, {"format": "csv"}),
    ],
)
def test_each_supported_option_is_taken(query, expected):
    options = import_options(query)

    assert {name: getattr(options, name) for name in expected} == expected


@pytest.mark.parametrize(
    "name",
    [
        "idScheme",
        "dataElementIdScheme",
        "orgUnitIdScheme",
        "categoryOptionComboIdScheme",
        "attributeOptionComboIdScheme",
        "dataSetIdScheme",
    ],
)
def test_id_schemes_take_code_and_refuse_uid_name_and_attributes(name):
    assert import_options({name: ["code"]}) == ImportOptions()
    for scheme in ("UID", "NAME", "ATTRIBUTE:xyz123"):
        message = refusal({name: [scheme]})
        assert name in message and scheme in message and "treem chỉ nhận mã (CODE)" in message


@pytest.mark.parametrize(
    "name, accepted, refused",
    [
        ("async", "false", "true"),
        ("skipAudit", "false", "true"),
        ("skipExistingCheck", "false", "true"),
        ("force", "false", "true"),
        ("strictPeriods", "false", "true"),
        ("strictDataElements", "false", "true"),
        ("strictOrganisationUnits", "false", "true"),
        ("strictAttributeOptionCombos", "false", "true"),
        ("strictCategoryOptionCombos", "true", "false"),
        ("requireCategoryOptionCombo", "false", "true"),
        ("requireAttributeOptionCombo", "false", "true"),
        ("skipPatternValidation", "false", "true"),
        ("mergeMode", "REPLACE", "MERGE"),
        ("reportMode", "FULL", "DEBUG"),
        ("format", "json", "xml"),
        ("dryRun", "true", "yes"),
        ("importStrategy", "UPDATE", "REPLACE"),
        ("atomicMode", "NONE", "OBJECT"),
        ("firstRowIsHeader", "true", "1"),
    ],
)
def test_an_option_takes_only_what_treem_does_and_refuses_the_rest_naming_it(name, accepted, refused):
    import_options({name: [accepted]})

    message = refusal({name: [refused]})

    assert name in message and refused in message


@pytest.mark.parametrize("name", ["preheatCache", "skipCache"])
def test_performance_hints_change_nothing_and_are_taken(name):
    assert import_options({name: ["true"]}) == import_options({name: ["false"]}) == ImportOptions()


def test_an_unknown_parameter_is_refused_naming_it_and_names_are_case_sensitive():
    assert "dryrun" in refusal({"dryrun": ["true"]})
    assert "orgUnit" in refusal({"orgUnit": ["19750"]})


def test_a_parameter_repeated_with_different_values_is_refused_and_with_the_same_is_taken():
    assert "dryRun" in refusal(QueryDict("dryRun=true&dryRun=false"))
    assert import_options(QueryDict("dryRun=true&dryRun=TRUE")).dry_run is True


def test_strategy_and_import_strategy_must_agree():
    assert import_options({"strategy": ["NEW"], "importStrategy": ["CREATE"]}).strategy == "CREATE"
    assert "strategy" in refusal({"strategy": ["UPDATE"], "importStrategy": ["CREATE"]})


def test_payload_options_are_taken_and_must_agree_with_the_query():
    payload = {"dryRun": True, "importStrategy": "update", "idScheme": "CODE", "orgUnitIdScheme": "code"}

    options = import_options({}, payload)

    assert (options.dry_run, options.strategy) == (True, "UPDATE")
    assert import_options({"dryRun": ["true"]}, {"dryRun": True}).dry_run is True
    assert "dryRun" in refusal({"dryRun": ["false"]}, {"dryRun": True})
    assert "UID" in refusal({}, {"dataElementIdScheme": "UID"})
    assert "dryRun" in refusal({}, {"dryRun": 1})


def test_first_row_is_header_is_for_csv_only():
    assert "firstRowIsHeader" in refusal({"firstRowIsHeader": ["true"]}, {})


def test_every_problem_is_named_at_once():
    message = refusal({"dryRun": ["maybe"], "async": ["true"], "bogus": ["1"]})

    assert "maybe" in message and "async" in message and "bogus" in message


def test_as_dhis2_echoes_dhis2_s_import_options_object():
    echoed = import_options(
        {"dryRun": ["true"], "importStrategy": ["NEW"], "atomicMode": ["NONE"]}
    ).as_dhis2()

    assert echoed["idSchemes"] == {
        "idScheme": "CODE",
        "dataElementIdScheme": "CODE",
        "orgUnitIdScheme": "CODE",
        "categoryOptionComboIdScheme": "CODE",
        "attributeOptionComboIdScheme": "CODE",
        "dataSetIdScheme": "CODE",
    }
    assert {
        k: echoed[k] for k in ("dryRun", "async", "importStrategy", "atomicMode", "skipAudit", "force")
    } == {
        "dryRun": True,
        "async": False,
        "importStrategy": "CREATE",
        "atomicMode": "NONE",
        "skipAudit": False,
        "force": False,
    }
    assert ImportOptions(first_row_is_header=False).as_dhis2()["firstRowIsHeader"] is False


def test_the_options_table_lists_every_option_the_reader_accepts():
    assert {"dryRun", "importStrategy", "strategy", "idScheme", "atomicMode", "async"} <= set(
        SUPPORTED_OPTIONS
    )
    for name, values in SUPPORTED_OPTIONS.items():
        assert values, name
        import_options({name: [values[0]]})


def test_a_null_payload_option_is_not_given():
    assert import_options({"dryRun": ["true"]}, {"dryRun": None, "importStrategy": None}).dry_run is True
