"""``{% retention_periods %}``: the configured retention times as a list (privacy page)."""

from django import template

from civic.privacy import retention_periods as configured_periods

register = template.Library()


@register.inclusion_tag("civic/privacy/retention_list.html")
def retention_periods():
    return {"periods": configured_periods()}
