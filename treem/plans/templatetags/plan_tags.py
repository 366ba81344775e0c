import datetime

from django import template
from django.utils.translation import gettext as _

from treem.core.formatting import format_date, format_threshold

register = template.Library()


@register.filter
def target_rule(indicator) -> str:
    """'< 9,5 ‰ trẻ đẻ sống': the direction, threshold (locale-formatted) and unit of an indicator."""
    return format_threshold(indicator)


@register.filter
def agency_names(agencies) -> str:
    return ", ".join(str(a) for a in agencies) or _("—")


@register.filter
def document_date(value) -> str:
    """A document header's date as the plan file writes it (YYYY-MM-DD) printed dd/mm/yyyy."""
    try:
        return format_date(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)
