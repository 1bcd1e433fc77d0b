"""Fast rendering of the search page: the form's controls and the result cards.

Django's widget templates render every ``<option>`` through the template engine; on the
search page (eight selects, rendered on every request) that was most of the server time.
The result cards, twenty per page, cost as much again through ``{% include %}`` (about a
hundred template nodes each). These functions write the same HTML directly, every value
escaped (``conditional_escape``, or the standard library's ``html.escape``, which is what
Django's ``escape`` calls), every text through the same translations. What does not
change between requests (a select's options, the cards' labels) is built once per
language and process; the search pays only for what depends on the request.

A card leaves out how many places are left: that changes with every placement, which
does not change the bank's version, so a card carries a marker (``<!--places:…-->``)
that ``fill_places`` replaces per request from one grouped query. Cached results can
then live as long as the offers themselves are unchanged.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from html import escape as escape_text

from django import forms, template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from meedoen.directory.models import Sector
from meedoen.students.models import GuidanceLevel

from ..models import WEEKDAYS, Kind

register = template.Library()

PLACES_MARKER = "<!--places:{}:{}-->"
PLACES_RE = re.compile(r"<!--places:(\d+):(\d+)-->")
ONE_DECIMAL = Decimal("0.1")


# The options of a select per language and choices: (value, escaped value, escaped label).
# The search form's choices are fixed lazy translations, so this holds a few dozen entries
# per language; it is emptied should it ever grow past ``MAX_OPTION_LISTS``.
_OPTIONS: dict[tuple, list[tuple[str, str, str]]] = {}
MAX_OPTION_LISTS = 64


def _options(choices) -> list[tuple[str, str, str]]:
    """Each choice's value, escaped value and escaped label in the current language,
    built once per language and process instead of on every request. The key holds the
    choices themselves: a lazy label hashes and compares as its translation."""
    key = (get_language(), tuple(choices))
    found = _OPTIONS.get(key)
    if found is None:
        if len(_OPTIONS) >= MAX_OPTION_LISTS:
            _OPTIONS.clear()
        found = [(str(k), conditional_escape(k), conditional_escape(label)) for k, label in key[1]]
        _OPTIONS[key] = found
    return found


@register.simple_tag
def bank_control(bound_field) -> SafeString:
    """The control of a search-form field: select, checkbox, date, number or text input."""
    field = bound_field.field
    widget = field.widget
    name, html_id = escape_text(bound_field.html_name), escape_text(bound_field.id_for_label)
    value = bound_field.value()
    if isinstance(widget, forms.Select):
        selected = "" if value is None else str(value)
        options = "".join(
            f'<option value="{key}"{" selected" if raw == selected else ""}>{label}</option>'
            for raw, key, label in _options(field.choices)
        )
        html = f'<select name="{name}" id="{html_id}">{options}</select>'
    elif isinstance(widget, forms.CheckboxInput):
        checked = " checked" if widget.check_test(value) else ""
        html = f'<input type="checkbox" name="{name}" id="{html_id}"{checked}>'
    else:
        shown = (
            "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
        )
        shown = conditional_escape(shown)
        if isinstance(field, forms.IntegerField | forms.FloatField):
            step = "any" if isinstance(field, forms.FloatField) else "1"
            html = (
                f'<input type="number" name="{name}" id="{html_id}" value="{shown}" step="{step}">'
            )
        else:
            input_type = escape_text(getattr(widget, "input_type", "text"))
            html = f'<input type="{input_type}" name="{name}" id="{html_id}" value="{shown}">'
    return mark_safe(html)  # noqa: S308 - every value above is escaped


@register.simple_tag
def bank_field(bound_field) -> SafeString:
    """A search-form field: its label and control in a ``div.field``."""
    error = " has-error" if bound_field.errors else ""
    html_id = escape_text(bound_field.id_for_label)
    label = conditional_escape(bound_field.label)
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<div class="field{error}"><label for="{html_id}">{label}</label>'
        f"{bank_control(bound_field)}</div>"
    )


def places_tag(places_left: int) -> str:
    """The tag on a card that says how many places are left (or that it is full)."""
    if places_left:
        text = ngettext("%(n)s place left", "%(n)s places left", places_left) % {"n": places_left}
        return f'<li class="tag tag-ok">{escape_text(text)}</li>'
    return f'<li class="tag tag-full">{escape_text(gettext("Full"))}</li>'


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


# The cards' fixed labels per language (month abbreviations, sectors, kinds, guidance
# levels, weekdays): the same lazy translations on every page, looked up once per process.
_CARD_LABELS: dict[str, dict] = {}


def _labels(choices) -> dict:
    """Escaped labels of ``choices`` in the current language (``get_FOO_display``
    rebuilds its choices on every call)."""
    return {value: escape_text(str(label)) for value, label in choices}


def _card_labels() -> dict:
    """The cards' labels in the current language, built once per language and process."""
    language = get_language()
    found = _CARD_LABELS.get(language)
    if found is None:
        found = {
            "months": {month: escape_text(str(name).title()) for month, name in MONTHS_3.items()},
            "sectors": _labels(Sector.choices),
            "kinds": _labels(Kind.choices),
            "guidance_levels": {
                value: escape_text(str(label).lower()) for value, label in GuidanceLevel.choices
            },
            "weekdays": _labels(WEEKDAYS),
            "guidance": escape_text(gettext("Guidance")),
        }
        _CARD_LABELS[language] = found
    return found


def _day(value, months: dict) -> str:
    """``value|date:"j M Y"`` (``months``: the ``M`` of each month, as ``DateFormat``)."""
    return f"{value.day} {months[value.month]} {value.year:04d}"


def _first_words(text: str, count: int) -> str:
    """``text|truncatewords:count``, as Django's filter writes it (words split on any
    whitespace, joined by one space, " …" after a cut), without its lazy ``Truncator``."""
    words = text.split()
    if len(words) <= count:
        return " ".join(words)
    cut = " ".join(words[:count])
    return cut if cut.endswith(" …") else f"{cut} …"


def _one_decimal(value: float, separator: str) -> str:
    """``value|floatformat:1`` for a distance (a finite number; no thousands grouping,
    which Django's ``number_format`` applies only with ``USE_THOUSAND_SEPARATOR``):
    rounded half up from its decimal representation, with the language's separator."""
    rounded = Decimal(repr(value)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return str(rounded if rounded else rounded.copy_abs()).replace(".", separator)


@register.simple_tag(takes_context=True)
def offer_cards(context, vacancies) -> SafeString:
    """The result cards of a page of offers (``selectors.search_page``), each with a
    places marker for ``fill_places``. Links go to ``detail_url`` (public or not); the
    public bank keeps its ``region`` parameter on them."""
    request = context.get("request")
    region = request.GET.get("region") if context.get("public") and request else ""
    suffix = f"?region={escape_text(region)}" if region else ""
    # One reverse for the page: the id is the only part of the path that changes.
    url = reverse(context["detail_url"], args=[987654321]).replace("987654321", "{}")
    labels = _card_labels()
    months, sectors, kinds = labels["months"], labels["sectors"], labels["kinds"]
    guidance_levels, weekdays = labels["guidance_levels"], labels["weekdays"]
    guidance = labels["guidance"]
    grouping = settings.USE_THOUSAND_SEPARATOR
    separator = get_format("DECIMAL_SEPARATOR")
    # Within this page only: the same hours or age on several cards is translated once.
    hours_of: dict[int, str] = {}
    age_of: dict[int, str] = {}
    cards = []
    for v in vacancies:
        org = escape_text(v.organisation.name)
        if v.city:
            org += " · " + escape_text(v.city)
        distance = getattr(v, "distance", None)
        if distance is not None:
            km = floatformat(distance, 1) if grouping else _one_decimal(distance, separator)
            org += f" · <strong>{km} km</strong>"
        hours = hours_of.get(v.expected_hours)
        if hours is None:
            n = v.expected_hours
            hours = escape_text(ngettext("%(n)s hour", "%(n)s hours", n) % {"n": n})
            hours_of[n] = hours
        age = age_of.get(v.min_age)
        if age is None:
            age = escape_text(gettext("from %(age)s years") % {"age": v.min_age})
            age_of[v.min_age] = age
        extra = ""
        if v.guidance_offered != GuidanceLevel.STANDARD:
            label = guidance_levels.get(v.guidance_offered) or escape_text(v.guidance_offered)
            extra = f'<li class="tag">{guidance}: {label}</li>'
        when = f"{_day(v.start_date, months)} – {_day(v.end_date, months)}"
        if v.weekdays:
            when += " · " + ", ".join(
                weekdays.get(d) or escape_text(str(d)) for d in sorted(v.weekdays)
            )
        sector = sectors.get(v.sector) or escape_text(v.sector)
        kind = kinds.get(v.kind) or escape_text(v.kind)
        cards.append(
            f'<li class="offer-card">\n'
            f'  <h2 class="offer-title"><a href="{url.format(v.pk)}{suffix}">'
            f"{escape_text(v.title)}</a></h2>\n"
            f'  <p class="offer-org">{org}</p>\n'
            f'  <p class="offer-desc">{escape_text(_first_words(v.description, 28))}</p>\n'
            f'  <ul class="tags">\n'
            f'    <li class="tag tag-{escape_text(v.sector)}">{sector}</li>\n'
            f'    <li class="tag">{kind}</li>\n'
            f'    <li class="tag">{age}</li>\n'
            f'    <li class="tag">{hours}</li>\n'
            f"    {extra}{PLACES_MARKER.format(v.pk, v.capacity)}\n"
            f"  </ul>\n"
            f'  <p class="offer-when">{when}</p>\n'
            f"</li>\n"
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value above is escaped
