"""Template helpers of the site's header menu."""

from django import template

from gardens.selectors import coordinated_gardens

register = template.Library()


@register.simple_tag
def gardens_coordinated_by(user) -> list:
    """The gardens ``user`` coordinates (their coordination pages go in the menu)."""
    if not user.is_authenticated:
        return []
    return list(coordinated_gardens(user).order_by("name"))
