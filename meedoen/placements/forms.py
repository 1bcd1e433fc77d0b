"""Forms of the placement pages. They parse input only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import LegalForm, Organisation, postcode_validator
from meedoen.stagebank.models import Vacancy
from meedoen.stagebank.workflows import VacancyStatus
from meedoen.students.models import Student

from .models import AgreementTemplate, PlacementStatus, SchoolPlacementRules
from .workflows import ACTIONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ApplyForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why would you like to do this?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())


class _PlacementFields(forms.Form):
    activity = forms.CharField(label=_("Activity"), max_length=200)
    tasks = forms.CharField(
        label=_("Tasks"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=500, required=False)


def _offer_queryset(region_ids):
    return (
        Vacancy.objects.filter(
            status=VacancyStatus.PUBLISHED, organisation__region_id__in=region_ids
        )
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )


class PlacementForm(_PlacementFields):
    """Placing one student by hand: by student number, at an organisation or an offer."""

    student_number = forms.CharField(label=_("Student number"), max_length=20)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    vacancy = forms.ModelChoiceField(
        label=_("Placement offer"),
        queryset=Vacancy.objects.none(),
        required=False,
        help_text=_("Choose an offer, or an organisation without an offer."),
    )
    field_order = ["student_number", "vacancy", "organisation"]

    def __init__(self, *args, students, region_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.students = students
        self.fields["organisation"].queryset = Organisation.objects.filter(
            region_id__in=region_ids
        ).order_by("name")
        self.fields["vacancy"].queryset = _offer_queryset(region_ids)

    def clean_student_number(self):
        number = self.cleaned_data["student_number"].strip()
        student = self.students.filter(student_number=number).first()
        if student is None:
            raise forms.ValidationError(_("No student of your school has this number."))
        self.cleaned_data["student"] = student
        return number

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation") and not cleaned.get("vacancy"):
            raise forms.ValidationError(_("Choose an organisation or an offer."))
        return cleaned


class GroupForm(_PlacementFields):
    name = forms.CharField(label=_("Name of the group"), max_length=120)
    students = forms.ModelMultipleChoiceField(
        label=_("Students"),
        queryset=Student.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The whole class, or part of it."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    vacancy = forms.ModelChoiceField(
        label=_("Placement offer"), queryset=Vacancy.objects.none(), required=False
    )
    field_order = ["name", "students", "vacancy", "organisation"]

    def __init__(self, *args, students, region_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["organisation"].queryset = Organisation.objects.filter(
            region_id__in=region_ids
        ).order_by("name")
        self.fields["vacancy"].queryset = _offer_queryset(region_ids)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation") and not cleaned.get("vacancy"):
            raise forms.ValidationError(_("Choose an organisation or an offer."))
        return cleaned


class SelfFoundForm(_PlacementFields):
    organisation_name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    non_profit = forms.BooleanField(
        label=_("The organisation is non-profit"), required=False, initial=True
    )
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, validators=[postcode_validator])
    city = forms.CharField(label=_("City"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("E-mail of the contact person"))
    contact_phone = forms.CharField(
        label=_("Phone of the contact person"), max_length=30, required=False
    )
    field_order = [
        "organisation_name",
        "legal_form",
        "non_profit",
        "street",
        "postcode",
        "city",
        "contact_name",
        "contact_email",
        "contact_phone",
    ]

    def clean_postcode(self):
        return self.cleaned_data["postcode"].upper()


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    reason = forms.CharField(required=False, max_length=2000)
    not_paid_work = forms.BooleanField(required=False)


class ReviseForm(_PlacementFields):
    reason = forms.CharField(
        label=_("What changes and why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(label=_("Your full name"), max_length=200)
    confirm = forms.BooleanField(
        label=_("I have read the agreement and agree to it."), required=False
    )


class TemplateForm(forms.ModelForm):
    class Meta:
        model = AgreementTemplate
        fields = ["title", "intro", "insurance", "safety", "conduct", "absence", "extra"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["intro", "insurance", "safety", "conduct", "absence", "extra"]
        }


class RulesForm(forms.ModelForm):
    class Meta:
        model = SchoolPlacementRules
        fields = [
            "require_non_profit",
            "forbid_commercial",
            "require_no_paid_work",
            "check_dates",
            "check_age_level",
            "require_both_guardians",
            "group_students_sign",
            "signing_link_days",
            "reminder_days",
        ]


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("State"), choices=[("", _("All"))] + PlacementStatus.choices, required=False
    )
    school_class = forms.ChoiceField(label=_("Class"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    start_from = forms.DateField(label=_("Starting from"), required=False, widget=DateInput())
    start_until = forms.DateField(label=_("Starting until"), required=False, widget=DateInput())

    def __init__(self, *args, classes, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].choices = [("", _("All"))] + [
            (str(c.pk), c.name) for c in classes
        ]
        self.fields["organisation"].choices = [("", _("All"))] + [
            (str(o.pk), o.name) for o in organisations
        ]
