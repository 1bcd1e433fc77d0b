"""Forms of the matching rounds: plain fields; the services decide what is allowed."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.students.models import Level

from .models import DEFAULT_CHOICES, MAX_CHOICES, YEARS_OF_STUDY, Mode


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def years_field() -> forms.TypedMultipleChoiceField:
    """A region round's years of study (the cohorts' ``year_of_study``), none for all.
    Anything else than 1-6 gets the same message as the student import."""
    invalid = _("The year of study must be a number from 1 to 6.")
    return forms.TypedMultipleChoiceField(
        label=_("Years of study"),
        choices=[(year, str(year)) for year in YEARS_OF_STUDY],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every year."),
        error_messages={"invalid_choice": invalid, "invalid_list": invalid},
    )


class RoundSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    max_choices = forms.IntegerField(
        label=_("Number of choices per student"),
        min_value=1,
        max_value=MAX_CHOICES,
        initial=DEFAULT_CHOICES,
    )
    opens_on = forms.DateField(label=_("Students can choose from"), widget=DateInput())
    closes_on = forms.DateField(label=_("Students can choose until"), widget=DateInput())


class RoundCreateForm(RoundSettingsForm):
    field_order = ["period", "name", "max_choices", "opens_on", "closes_on"]

    period = forms.ModelChoiceField(label=_("Internship period"), queryset=None)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + datetime.timedelta(days=14)


class RoundEditForm(RoundSettingsForm):
    offers = forms.TypedMultipleChoiceField(
        label=_("Offers students can choose from"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, offer_choices, region_round: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offers"].choices = offer_choices
        if region_round:
            self.fields["years"] = years_field()
            self.order_fields(["name", "years", "max_choices", "opens_on", "closes_on"])


class FollowUpForm(forms.Form):
    opens_on = forms.DateField(label=_("Students can choose from"), widget=DateInput())
    closes_on = forms.DateField(label=_("Students can choose until"), widget=DateInput())


class RunForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)


class RegionRoundCreateForm(RoundSettingsForm):
    """The broker's region round: the window the schools' periods lie in and the levels."""

    field_order = [
        "name",
        "window_start",
        "window_end",
        "levels",
        "years",
        "max_choices",
        "opens_on",
        "closes_on",
    ]

    window_start = forms.DateField(label=_("Internship periods from"), widget=DateInput())
    window_end = forms.DateField(label=_("Internship periods until"), widget=DateInput())
    levels = forms.MultipleChoiceField(
        label=_("Levels"),
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every level."),
    )
    years = years_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + datetime.timedelta(days=14)


class EnrolForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Internship period"), queryset=None)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
