from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()

SYMBOL = {"lt": "<", "le": "≤", "ge": "≥", "gt": ">"}


@register.filter
def target_rule(indicator) -> str:
    """'< 9,5 ‰ trẻ đẻ sống': the direction, threshold (locale-formatted) and unit of an indicator."""
    return f"{SYMBOL[indicator.direction]} {floatformat(indicator.threshold, '-3')} {indicator.get_unit_display()}"


@register.filter
def agency_names(agencies) -> str:
    return ", ".join(str(a) for a in agencies) or _("—")
