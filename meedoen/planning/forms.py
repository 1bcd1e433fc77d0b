"""Forms of the period planning. They parse input; the rules live in ``services.py``."""

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Sector
from meedoen.stagebank.models import WEEKDAYS, Format, Kind
from meedoen.students.models import Cohort, SchoolClass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(cohort)s (%(n)s students)") % {"cohort": obj, "n": obj.student_count}


class PeriodForm(forms.Form):
    cohort = CohortChoiceField(label=_("Cohort (year of study and level)"), queryset=None)
    classes = forms.ModelMultipleChoiceField(
        label=_("Classes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the period is for the whole cohort."),
    )
    format = forms.ChoiceField(label=_("MaS format"), choices=Format.choices)
    kind = forms.ChoiceField(
        label=_("Individual or group"), choices=Kind.choices, initial=Kind.INDIVIDUAL
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays (ribbon only)"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a ribbon: the days on which the students go, every week of the range."),
    )
    students = forms.IntegerField(label=_("Expected number of students"))
    hours_per_student = forms.IntegerField(label=_("Hours per student"), initial=30)
    sectors = forms.TypedMultipleChoiceField(
        label=_("Only these sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the students may choose any sector."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, school, school_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = (
            Cohort.objects.filter(school=school, school_year=school_year)
            .annotate(
                student_count=Count("classes__students", filter=Q(classes__students__active=True))
            )
            .order_by("year_of_study", "level")
        )
        self.fields["classes"].queryset = (
            SchoolClass.objects.filter(school=school, cohort__school_year=school_year)
            .select_related("cohort")
            .order_by("name")
        )
        self.fields["classes"].label_from_instance = lambda c: f"{c.name} ({c.cohort})"

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["classes"] = list(data["classes"])
        return data


class PlanningYearForm(forms.Form):
    submission_deadline = forms.DateField(
        label=_("Deadline for submission"), required=False, widget=DateInput()
    )
    peak_share = forms.IntegerField(
        label=_("Peak threshold (% of open places)"),
        help_text=_("A week is a peak when demand exceeds this share of the open places."),
    )


class CopyYearForm(forms.Form):
    from_year = forms.TypedChoiceField(label=_("Copy the periods of"), coerce=int, choices=())

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_year"].choices = years
