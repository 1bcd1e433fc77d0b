"""Forms of the students app: access grants and the import upload."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.accounts.models import User
from meedoen.directory.models import Membership, Role, School

from .importer import MAX_FILE_BYTES
from .models import SchoolClass, Student


class AccessGrantForm(forms.Form):
    grantee = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    school_class = forms.ModelChoiceField(
        label=_("Class"), queryset=SchoolClass.objects.none(), required=False
    )
    student_number = forms.CharField(
        label=_("Or one student (student number)"), required=False, max_length=20
    )
    expires_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    include_support_needs = forms.BooleanField(label=_("May read support needs"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        people = Membership.objects.filter(role=Role.MENTOR, school=school).values("user")
        brokers = Membership.objects.filter(role=Role.BROKER, region=school.region).values("user")
        self.fields["grantee"].queryset = User.objects.filter(pk__in=people.union(brokers))
        self.fields["school_class"].queryset = SchoolClass.objects.filter(school=school)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=180)

    def clean(self):
        data = super().clean()
        number = (data.get("student_number") or "").strip()
        if bool(data.get("school_class")) == bool(number):
            raise forms.ValidationError(_("Choose either a class or one student."))
        if number:
            student = Student.objects.filter(school=self.school, student_number=number).first()
            if student is None:
                self.add_error("student_number", _("No student with this number at your school."))
            data["student"] = student
        else:
            data["student"] = None
        return data

    def expires_at(self) -> datetime.datetime:
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


class ImportUploadForm(forms.Form):
    """The export file to import, and the school it is for (hidden when there is one)."""

    EXTENSIONS = (".csv", ".txt", ".xlsx")

    file = forms.FileField(
        label=_("Export file (CSV or XLSX)"),
        help_text=_(
            "An export of students from Magister, SOMtoday or a similar system, at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
            self.fields["school"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB; export fewer columns or one year at a time.")
            )
        if not upload.name.lower().endswith(self.EXTENSIONS):
            raise forms.ValidationError(
                _("Choose a CSV or XLSX file (a name ending in .csv or .xlsx).")
            )
        return upload
