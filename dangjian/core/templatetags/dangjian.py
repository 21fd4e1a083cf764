"""Small display helpers shared by every app's templates."""
from django import template

register = template.Library()

EMPTY = {"", "None", "none", "null"}


@register.filter
def or_dash(value):
    """A change-log value for a person: auditlog writes a missing value as the string "None"."""
    return "—" if value is None or (isinstance(value, str) and value.strip() in EMPTY) else value
