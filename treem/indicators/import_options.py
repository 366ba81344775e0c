"""DHIS2's import options for dataValueSets (query parameters of a POST, and the same names in a JSON
payload): the ones treem implements, and the ones it accepts only with the value that describes what it does
anyway. Anything else is refused, never ignored (docs/indicators.md lists SUPPORTED_OPTIONS)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from treem.core.errors import InputErrors
from treem.core.uploads import excerpt

from .value_inputs import CREATE, CREATE_AND_UPDATE, DELETE, STRATEGIES, UPDATE

# DHIS2's older names of the strategies, still accepted by its API.
LEGACY_STRATEGIES = {
    "NEW_AND_UPDATES": CREATE_AND_UPDATE,
    "NEW": CREATE,
    "UPDATES": UPDATE,
    "DELETES": DELETE,
}
ID_SCHEMES = (
    "idScheme",
    "dataElementIdScheme",
    "orgUnitIdScheme",
    "categoryOptionComboIdScheme",
    "attributeOptionComboIdScheme",
    "dataSetIdScheme",
)
BOOLEAN = ("true", "false")

# Every option treem takes → the values it accepts (upper-case for enums, lower-case for booleans; a
# value is compared case-insensitively). An option with fewer values than DHIS2 defines is one treem
# accepts only where it describes what treem does anyway.
SUPPORTED_OPTIONS: dict[str, tuple[str, ...]] = {
    "dryRun": BOOLEAN,
    "importStrategy": (*STRATEGIES, *LEGACY_STRATEGIES),
    "strategy": (*STRATEGIES, *LEGACY_STRATEGIES),  # DHIS2's deprecated name of importStrategy
    **{name: ("CODE",) for name in ID_SCHEMES},  # treem identifies everything by its code
    "atomicMode": ("ALL", "NONE"),
    "firstRowIsHeader": BOOLEAN,  # CSV only; absent: the first row is a header when it is not data
    "async": ("false",),  # an import is answered when done; there are no import jobs
    "skipAudit": ("false",),  # every change is kept in the value's history
    "skipExistingCheck": ("false",),  # stored values are always looked up (and updated)
    "force": ("false",),  # locked and closed periods are never overridden
    "strictPeriods": ("false",),  # no data sets, so no data set period type to check against
    "strictDataElements": ("false",),  # no data sets to belong to
    "strictOrganisationUnits": ("false",),  # no data set assignments
    "strictAttributeOptionCombos": ("false",),  # only the default attribute option combo exists
    "strictCategoryOptionCombos": ("true",),  # the combo must be one of the element's, always
    "requireCategoryOptionCombo": ("false",),  # absent means `default`
    "requireAttributeOptionCombo": ("false",),  # absent means the default
    "skipPatternValidation": ("false",),
    "mergeMode": ("REPLACE",),  # a value replaces the stored one
    "reportMode": ("FULL", "ERRORS"),  # the summary always has the counts and every conflict
    "preheatCache": BOOLEAN,  # DHIS2 performance hint only: no effect on what is imported
    "skipCache": BOOLEAN,  # same
    "format": ("JSON", "CSV"),  # must match the body; XML/ADX/PDF are not read
}
# The options a JSON dataValueSet may carry itself (DHIS2 reads them from the payload too).
PAYLOAD_OPTIONS = (
    "dryRun",
    "strategy",
    "importStrategy",
    "idScheme",
    "dataElementIdScheme",
    "orgUnitIdScheme",
    "categoryOptionComboIdScheme",
    "dataSetIdScheme",
)
# Why a DHIS2 value treem does not take is refused, for the options where a reason helps.
REASONS = {
    **{
        name: gettext_lazy("treem chỉ nhận mã (CODE) cho phần tử, đơn vị, phân tổ và tập dữ liệu")
        for name in ID_SCHEMES
    },
    "async": gettext_lazy("treem nhập ngay và trả kết quả trong cùng yêu cầu (không có tác vụ nền)"),
    "skipAudit": gettext_lazy("treem luôn ghi lịch sử thay đổi của từng số liệu"),
    "skipExistingCheck": gettext_lazy("treem luôn đối chiếu số liệu đã có"),
    "force": gettext_lazy("kỳ đã khoá hoặc đã đóng không thể ghi đè"),
    "strictPeriods": gettext_lazy("treem không có tập dữ liệu (data set) để kiểm tra loại kỳ"),
    "strictDataElements": gettext_lazy("treem không có tập dữ liệu (data set)"),
    "strictOrganisationUnits": gettext_lazy("treem không có tập dữ liệu (data set) gán cho đơn vị"),
    "strictAttributeOptionCombos": gettext_lazy("treem chỉ có phương án thuộc tính mặc định"),
    "strictCategoryOptionCombos": gettext_lazy("treem luôn kiểm tra phân tổ thuộc phần tử dữ liệu"),
    "requireCategoryOptionCombo": gettext_lazy("treem hiểu phân tổ để trống là 'default'"),
    "requireAttributeOptionCombo": gettext_lazy("treem hiểu phương án thuộc tính để trống là mặc định"),
    "format": gettext_lazy("treem chỉ đọc JSON và CSV"),
}


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    strategy: str = CREATE_AND_UPDATE
    atomic: bool = True  # atomicMode ALL: any conflict and nothing is written
    first_row_is_header: bool | None = None  # None: decided by the first row (dhis2_csv)
    format: str | None = None  # "json" or "csv" when the query names it

    def as_dhis2(self) -> dict[str, Any]:
        """DHIS2's importOptions object, as an ImportSummary echoes it."""
        return {
            "idSchemes": {name: "CODE" for name in ID_SCHEMES},
            "dryRun": self.dry_run,
            "async": False,
            "importStrategy": self.strategy,
            "atomicMode": "ALL" if self.atomic else "NONE",
            "mergeMode": "REPLACE",
            "reportMode": "FULL",
            "skipExistingCheck": False,
            "skipAudit": False,
            "skipPatternValidation": False,
            "strictPeriods": False,
            "strictDataElements": False,
            "strictCategoryOptionCombos": True,
            "strictAttributeOptionCombos": False,
            "strictOrganisationUnits": False,
            "requireCategoryOptionCombo": False,
            "requireAttributeOptionCombo": False,
            "force": False,
            "firstRowIsHeader": self.first_row_is_header,
        }


def _normal(name: str, value: str) -> str:
    """The value as SUPPORTED_OPTIONS spells it (booleans lower-case, enums upper-case)."""
    allowed = SUPPORTED_OPTIONS[name]
    text = value.strip()
    if name == "format":
        return text.upper()
    if allowed[0] in BOOLEAN:
        text = text.lower()
    else:
        text = text.upper()
    if name in ("importStrategy", "strategy"):
        text = LEGACY_STRATEGIES.get(text, text)
    return text


def _check(name: str, value: str, origin: str, errors: list[str]) -> str | None:
    normal = _normal(name, value)
    allowed = SUPPORTED_OPTIONS[name]
    if normal in allowed:  # DHIS2's older strategy names are already mapped onto the new ones (_normal)
        return normal
    shown = [v for v in allowed if v not in LEGACY_STRATEGIES]
    reason = REASONS.get(name)
    errors.append(
        _("%(origin)s %(name)s='%(value)s' không được hỗ trợ%(reason)s; giá trị được nhận: %(allowed)s.")
        % {
            "origin": origin,
            "name": name,
            "value": excerpt(value),
            "reason": f" ({reason})" if reason else "",
            "allowed": ", ".join(shown),
        }
    )
    return None


def _query_values(query: Mapping[str, Sequence[str]] | Any) -> Iterable[tuple[str, list[str]]]:
    if hasattr(query, "lists"):  # a QueryDict: every value of a repeated parameter
        return [(k, list(v)) for k, v in query.lists()]
    return [(k, [v] if isinstance(v, str) else list(v)) for k, v in query.items()]


def import_options(
    query: Mapping[str, Sequence[str]] | Any, payload: Mapping[str, object] | None = None
) -> ImportOptions:
    """The options of one import from the query parameters (names as DHIS2 spells them; values in any
    case) and the options a JSON payload carries (`ValueSet.options`; None for CSV, where
    firstRowIsHeader belongs). InputErrors (every problem named) for an unknown option, a value treem
    does not take, a parameter repeated with different values, or the query and payload disagreeing."""
    errors: list[str] = []
    found: dict[str, str] = {}
    origin_query = _("Tham số")
    for name, values in _query_values(query):
        if name not in SUPPORTED_OPTIONS:
            errors.append(
                _("Tham số '%(name)s' không được hỗ trợ (DHIS2 import option treem không có).")
                % {"name": excerpt(name)}
            )
            continue
        checked = {c for v in values if (c := _check(name, v, origin_query, errors)) is not None}
        if len(checked) > 1:
            errors.append(
                _("Tham số %(name)s được gửi nhiều lần với giá trị khác nhau: %(values)s.")
                % {"name": name, "values": ", ".join(excerpt(v) for v in values)}
            )
        elif checked:
            found[name] = checked.pop()
    if payload is not None and "firstRowIsHeader" in found:
        errors.append(_("Tham số firstRowIsHeader chỉ dùng cho tệp CSV."))
    for name, raw in (payload or {}).items():
        if name not in PAYLOAD_OPTIONS:
            errors.append(_("dataValueSet có trường '%(name)s' không được hỗ trợ.") % {"name": excerpt(name)})
            continue
        if raw is None:  # null: not given
            continue
        if isinstance(raw, bool):
            text = "true" if raw else "false"
        elif isinstance(raw, str):
            text = raw
        else:
            text = excerpt(raw)
        value = _check(name, text, "dataValueSet:", errors)
        if value is not None and found.get(name, value) != value:
            errors.append(
                _("Tham số %(name)s=%(query)s khác với %(name)s=%(payload)s trong dataValueSet.")
                % {"name": name, "query": found[name], "payload": value}
            )
        elif value is not None:
            found[name] = value
    strategies = {found[k] for k in ("importStrategy", "strategy") if k in found}
    if len(strategies) > 1:
        errors.append(
            _("importStrategy và strategy (tên cũ của nó) khác nhau: %(values)s.")
            % {"values": ", ".join(sorted(strategies))}
        )
    if errors:
        raise InputErrors(errors)
    header = found.get("firstRowIsHeader")
    return ImportOptions(
        dry_run=found.get("dryRun") == "true",
        strategy=strategies.pop() if strategies else CREATE_AND_UPDATE,
        atomic=found.get("atomicMode", "ALL") == "ALL",
        first_row_is_header=None if header is None else header == "true",
        format=found["format"].lower() if "format" in found else None,
    )
