"""Fast rendering of the search page: the form's controls and the result cards.

Django's widget templates render every ``<option>`` through the template engine; on the
search page (eight selects, rendered on every request) that was most of the server time.
The result cards, twenty per page, cost as much again through ``{% include %}`` (about a
hundred template nodes each). These functions write the same HTML directly, every value
escaped (``format_html``, ``escape``), every text through the same translations.

A card leaves out how many places are left: that changes with every placement, which
does not change the bank's version, so a card carries a marker (``<!--places:…-->``)
that ``fill_places`` replaces per request from one grouped query. Cached results can
then live as long as the offers themselves are unchanged.
"""

import re

from django import forms, template
from django.template.defaultfilters import floatformat, truncatewords
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from meedoen.directory.models import Sector
from meedoen.students.models import GuidanceLevel

from ..models import WEEKDAYS, Kind

register = template.Library()

PLACES_MARKER = "<!--places:{}:{}-->"
PLACES_RE = re.compile(r"<!--places:(\d+):(\d+)-->")


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


@register.simple_tag
def bank_field(bound_field):
    """A search-form field: its label and control in a ``div.field``."""
    return format_html(
        '<div class="field{}"><label for="{}">{}</label>{}</div>',
        " has-error" if bound_field.errors else "",
        bound_field.id_for_label,
        bound_field.label,
        bank_control(bound_field),
    )


def places_tag(places_left: int) -> str:
    """The tag on a card that says how many places are left (or that it is full)."""
    if places_left:
        text = ngettext("%(n)s place left", "%(n)s places left", places_left) % {"n": places_left}
        return f'<li class="tag tag-ok">{escape(text)}</li>'
    return f'<li class="tag tag-full">{escape(gettext("Full"))}</li>'


def fill_places(html: str, taken: dict[int, int]) -> SafeString:
    """Replace each card's places marker by its tag, given the places ``taken`` per offer
    (``selectors.taken_places``); the marker holds the offer's id and capacity."""
    return mark_safe(  # noqa: S308 - the markers become our own escaped tags
        PLACES_RE.sub(
            lambda m: places_tag(max(0, int(m.group(2)) - taken.get(int(m.group(1)), 0))),
            html,
        )
    )


def marked_offer_ids(html: str) -> list[int]:
    """The offers whose places marker is in ``html``."""
    return [int(pk) for pk, _ in PLACES_RE.findall(html)]


def _labels(choices) -> dict:
    """Escaped labels of ``choices`` in the current language, looked up once per page
    (``get_FOO_display`` rebuilds its choices on every call)."""
    return {value: escape(str(label)) for value, label in choices}


def _day(value, months: dict) -> str:
    """``value|date:"j M Y"`` (``months``: the ``M`` of each month, as ``DateFormat``)."""
    return f"{value.day} {months[value.month]} {value.year:04d}"


@register.simple_tag(takes_context=True)
def offer_cards(context, vacancies) -> SafeString:
    """The result cards of a page of offers (``selectors.search_page``), each with a
    places marker for ``fill_places``. Links go to ``detail_url`` (public or not); the
    public bank keeps its ``region`` parameter on them."""
    request = context.get("request")
    region = request.GET.get("region") if context.get("public") and request else ""
    suffix = f"?region={escape(region)}" if region else ""
    # One reverse for the page: the id is the only part of the path that changes.
    url = reverse(context["detail_url"], args=[987654321]).replace("987654321", "{}")
    months = {month: escape(str(name).title()) for month, name in MONTHS_3.items()}
    sectors, kinds = _labels(Sector.choices), _labels(Kind.choices)
    guidance_levels = {value: escape(str(label).lower()) for value, label in GuidanceLevel.choices}
    weekdays = _labels(WEEKDAYS)
    guidance = escape(gettext("Guidance"))
    cards = []
    for v in vacancies:
        org = escape(v.organisation.name)
        if v.city:
            org += " · " + escape(v.city)
        distance = getattr(v, "distance", None)
        if distance is not None:
            org += f" · <strong>{floatformat(distance, 1)} km</strong>"
        hours = ngettext("%(n)s hour", "%(n)s hours", v.expected_hours) % {"n": v.expected_hours}
        hours = escape(hours)
        age = escape(gettext("from %(age)s years") % {"age": v.min_age})
        extra = ""
        if v.guidance_offered != GuidanceLevel.STANDARD:
            label = guidance_levels.get(v.guidance_offered) or escape(v.guidance_offered)
            extra = f'<li class="tag">{guidance}: {label}</li>'
        when = f"{_day(v.start_date, months)} – {_day(v.end_date, months)}"
        if v.weekdays:
            when += " · " + ", ".join(weekdays.get(d) or escape(d) for d in sorted(v.weekdays))
        sector = sectors.get(v.sector) or escape(v.sector)
        kind = kinds.get(v.kind) or escape(v.kind)
        cards.append(
            f'<li class="offer-card">\n'
            f'  <h2 class="offer-title"><a href="{url.format(v.pk)}{suffix}">'
            f"{escape(v.title)}</a></h2>\n"
            f'  <p class="offer-org">{org}</p>\n'
            f'  <p class="offer-desc">{escape(truncatewords(v.description, 28))}</p>\n'
            f'  <ul class="tags">\n'
            f'    <li class="tag tag-{escape(v.sector)}">{sector}</li>\n'
            f'    <li class="tag">{kind}</li>\n'
            f'    <li class="tag">{age}</li>\n'
            f'    <li class="tag">{hours}</li>\n'
            f"    {extra}{PLACES_MARKER.format(v.pk, v.capacity)}\n"
            f"  </ul>\n"
            f'  <p class="offer-when">{when}</p>\n'
            f"</li>\n"
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value above is escaped
