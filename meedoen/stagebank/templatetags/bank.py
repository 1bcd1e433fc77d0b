"""Fast rendering of the search form's controls.

Django's widget templates render every ``<option>`` through the template engine; on the
search page (eight selects, rendered on every request) that was most of the server time.
These tags write the same HTML directly, escaped with ``format_html``.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def bank_control(bound_field):
    """The control of a search-form field: select, checkbox, date, number or text input."""
    field = bound_field.field
    widget = field.widget
    name, html_id = bound_field.html_name, bound_field.id_for_label
    value = bound_field.value()
    if isinstance(widget, forms.Select):
        selected = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == selected else "", label)
                for key, label in field.choices
            ),
        )
        return format_html('<select name="{}" id="{}">{}</select>', name, html_id, options)
    if isinstance(widget, forms.CheckboxInput):
        checked = " checked" if widget.check_test(value) else ""
        return format_html('<input type="checkbox" name="{}" id="{}"{}>', name, html_id, checked)
    input_type = getattr(widget, "input_type", "text")
    shown = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
    step = ""
    if isinstance(field, forms.IntegerField | forms.FloatField):
        input_type = "number"
        step = "any" if isinstance(field, forms.FloatField) else "1"
    if step:
        return format_html(
            '<input type="number" name="{}" id="{}" value="{}" step="{}">',
            name,
            html_id,
            shown,
            step,
        )
    return format_html(
        '<input type="{}" name="{}" id="{}" value="{}">', input_type, name, html_id, shown
    )
