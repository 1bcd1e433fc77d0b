"""Forms of the placement bank. The rules of an offer live in ``services``; the offer form
runs them in ``clean`` so every message appears next to its field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Organisation, Sector
from meedoen.students.models import GuidanceLevel, Level

from .geo import GeoPoint, postcode_coordinates
from .models import WEEKDAYS, DayPart, Format, Kind, QualityCriterion, Vacancy
from .selectors import SearchParams, periods_of_student, school_origin
from .services import CONTENT_FIELDS, vacancy_data_errors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VacancyForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("Suitable levels"), choices=Level.choices, widget=forms.CheckboxSelectMultiple
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    day_parts = forms.MultipleChoiceField(
        label=_("Parts of the day"),
        choices=DayPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        choices=Format.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Vacancy
        fields = CONTENT_FIELDS
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
            "activities": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "group_min": _("Only for a group offer."),
            "capacity": _("How many students can take part in this school year."),
            "street": _("Leave the address empty to use the organisation's address."),
            "latitude": _("Filled in from the postcode when left empty."),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["contact"].queryset = organisation.contacts.all()
        self.fields["kind"].choices = Kind.choices
        if not self.instance.pk:
            for name in ("street", "postcode", "city", "latitude", "longitude"):
                self.initial.setdefault(name, getattr(organisation, name))

    def clean(self):
        cleaned = super().clean()
        data = {name: cleaned.get(name) for name in CONTENT_FIELDS}
        for name, messages in vacancy_data_errors(data, organisation=self.organisation).items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return cleaned


def _blank(label: str, choices) -> list:
    return [("", label), *choices]


SORT_CHOICES = [
    ("", _("Best first")),
    ("relevance", _("Relevance")),
    ("distance", _("Distance")),
    ("newest", _("Newest")),
    ("start", _("Start date")),
]


class SearchForm(forms.Form):
    """The bank's filters, all optional. Invalid values are reported and left out."""

    f = forms.CharField(widget=forms.HiddenInput, required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=_blank(_("Any sector"), Sector.choices), required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=_blank(_("Any level"), Level.choices), required=False
    )
    age = forms.IntegerField(label=_("Age"), min_value=10, max_value=25, required=False)
    kind = forms.ChoiceField(
        label=_("Individual or group"), choices=_blank(_("Either"), Kind.choices), required=False
    )
    guidance = forms.ChoiceField(
        label=_("Guidance at least"),
        choices=_blank(_("Any guidance"), GuidanceLevel.choices),
        required=False,
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=_blank(_("Any format"), Format.choices), required=False
    )
    date_from = forms.DateField(label=_("Available from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Available until"), required=False, widget=DATE)
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=_blank(_("Any day"), WEEKDAYS),
        coerce=int,
        empty_value=None,
        required=False,
    )
    open = forms.BooleanField(label=_("Only with places left"), required=False)
    fits = forms.BooleanField(label=_("Fits my school's internship periods"), required=False)
    near = forms.ChoiceField(
        label=_("Distance from"),
        choices=[
            ("", _("Nowhere in particular")),
            ("school", _("My school")),
            ("postcode", _("A postcode")),
        ],
        required=False,
    )
    pc = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    km = forms.FloatField(label=_("Within (km)"), min_value=0.5, max_value=300, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, public: bool = False, student: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if public:
            self.fields["near"].choices = [
                ("", _("Nowhere in particular")),
                ("postcode", _("A postcode")),
            ]
        if not student:
            del self.fields["fits"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned

    def valid_data(self) -> dict:
        """The filters that are valid (an invalid one is reported and ignored)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    def to_params(
        self, *, user, student, public: bool, school: GeoPoint | None = None
    ) -> tuple[SearchParams, list[str]]:
        """The search to run, and notes for the user about what could not be used.
        ``school``: where "my school" is, when the caller has already looked it up."""
        data = self.valid_data()
        notes: list[str] = []
        params = SearchParams(
            q=data.get("q") or "",
            sector=data.get("sector") or "",
            level=data.get("level") or "",
            age=data.get("age"),
            kind=data.get("kind") or "",
            guidance=data.get("guidance") or "",
            format=data.get("format") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            weekday=data.get("weekday"),
            open_only=bool(data.get("open")),
            radius_km=data.get("km"),
            sort=data.get("sort") or "",
        )
        if student is not None and data.get("fits"):
            params.periods = periods_of_student(student)
        near, postcode = data.get("near") or "", (data.get("pc") or "").strip()
        if postcode and near != "school":
            point = postcode_coordinates(postcode)
            if point is None:
                notes.append(
                    gettext("We do not know where postcode %(pc)s is, so distance is left out.")
                    % {"pc": postcode}
                )
            else:
                params.origin = point
        elif near == "school" and not public:
            params.origin = school if school is not None else school_origin(user, student)
            if params.origin is None:
                notes.append(gettext("No school location is known, so distance is left out."))
        elif near == "postcode":
            notes.append(gettext("Enter a postcode to measure distance from."))
        if params.radius_km is not None and params.origin is None:
            params.radius_km = None
            notes.append(gettext("Choose where to measure the distance from to use a radius."))
        return params, notes


class ReviewForm(forms.Form):
    """The broker's decision on a submitted offer."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    checklist = forms.MultipleChoiceField(
        label=_("Quality criteria"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation receives this by e-mail."),
    )

    def __init__(self, *args, criteria: list[QualityCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = [(c.code, c.label) for c in criteria]


class CriterionForm(forms.Form):
    label = forms.CharField(label=_("Criterion"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=10)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
