"""Small template filters for the planning pages."""

from django import template

register = template.Library()


@register.filter
def index(sequence, i):
    """``values|index:3``: the item at position 3 (empty when out of range)."""
    try:
        return sequence[int(i)]
    except (IndexError, TypeError, ValueError, KeyError):
        return ""


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` for dictionaries with non-string keys."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
