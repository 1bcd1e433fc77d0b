"""Forms of the hours app. The rules live in the services; forms only parse input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import School
from meedoen.placements.models import Placement
from meedoen.students.models import SchoolClass


def _placement_label(p: Placement) -> str:
    return f"{p.student.full_name} — {p.organisation.name} ({p.activity})"


class PlacementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _placement_label(obj)


class PlacementMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _placement_label(obj)


class HoursFields(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("End time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration = forms.DecimalField(
        label=_("Or: duration in hours"),
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=2,
        help_text=_("Only when you do not give a start and end time, e.g. 2.5"),
    )
    activity = forms.CharField(label=_("Activity"), max_length=200)
    note = forms.CharField(
        label=_("Short note"), max_length=500, required=False, widget=forms.Textarea(
            attrs={"rows": 2})
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        minutes = None
        if d.get("duration") is not None and not (d.get("start_time") or d.get("end_time")):
            minutes = int(round(d["duration"] * 60))
        return {
            "date": d["date"],
            "start_time": d.get("start_time"),
            "end_time": d.get("end_time"),
            "minutes": minutes,
            "activity": d["activity"],
            "note": d.get("note", ""),
        }


class HourEntryForm(HoursFields):
    placement = PlacementChoiceField(label=_("Placement"), queryset=Placement.objects.none())
    field_order = ["placement", "date", "start_time", "end_time", "duration", "activity", "note"]

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements.select_related("student", "organisation")
        if placements.count() == 1:
            self.fields["placement"].initial = placements.first()


class HourEntryEditForm(HoursFields):
    pass


class GroupHoursForm(HoursFields):
    placements = PlacementMultipleField(
        label=_("Students"),
        queryset=Placement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["placements", "date", "start_time", "end_time", "duration", "activity", "note"]

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placements"].queryset = placements.select_related(
            "student", "organisation"
        ).order_by("student__school_class__name", "student__last_name")


class ReflectionForm(forms.Form):
    what_did_you_do = forms.CharField(
        label=_("What did you do?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe your tasks and a day at the placement."),
    )
    what_did_you_learn = forms.CharField(
        label=_("What did you learn?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("About the work, the people you met, and about yourself."),
    )
    what_would_you_do_again = forms.CharField(
        label=_("What would you do again?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("And what would you do differently next time?"),
    )
    skills_used = forms.CharField(
        label=_("Which skills did you use?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: listening, planning, working together, taking initiative."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or file"),
        help_text=_("A photo (JPEG, PNG, WebP) or a PDF, at most 5 MB."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    placement = PlacementChoiceField(
        label=_("Placement"), queryset=Placement.objects.none(), required=False
    )

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements.select_related("student", "organisation")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(forms.Form):
    role = forms.CharField(label=_("Volunteer role"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferForm(forms.Form):
    school = forms.ModelChoiceField(label=_("New school"), queryset=School.objects.none())
    school_class = forms.ModelChoiceField(
        label=_("Class at the new school"), queryset=SchoolClass.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            school__in=schools
        ).select_related("school")

    def clean(self):
        data = super().clean()
        klass, school = data.get("school_class"), data.get("school")
        if klass and school and klass.school_id != school.pk:
            self.add_error("school_class", _("That class is not of the new school."))
        return data


class RecordImportForm(forms.Form):
    file = forms.FileField(label=_("Record file (.zip)"))
    school = forms.ModelChoiceField(label=_("Your school"), queryset=School.objects.none())

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
