"""Forms of the reports: the bottleneck text, the subsidy calculator, a new scheme version."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.directory.models import Organisation

from .models import SchemeKind
from .selectors import year_choices
from .subsidy import PARAMETERS


class NoteForm(forms.Form):
    bottlenecks = forms.CharField(
        label=_("Bottlenecks in this school year"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Your own account for the end-of-year report; the suggestions below come from the data."
        ),
    )


class CalculatorForm(forms.Form):
    """The inputs of one scheme: the target (school, municipality or region), the year,
    and the figures Meedoen cannot know, entered by the person."""

    target = forms.TypedChoiceField(label=_("For"), coerce=int)
    year = forms.TypedChoiceField(label=_("School year"), coerce=int)

    def __init__(self, *args, kind: str, targets, region_organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["target"].choices = [(t.pk, str(t)) for t in targets]
        self.fields["year"].choices = year_choices()
        count = {"min_value": 0, "max_value": 10_000_000_000}
        if kind == SchemeKind.PILOT:
            self.fields["expected_students"] = forms.IntegerField(
                label=_("Expected number of students (participation declaration)"),
                required=False,
                help_text=_("Empty: the students of the school's internship periods that year."),
                **count,
            )
        elif kind == SchemeKind.ADDITIONAL:
            self.fields["counted_pupils"] = forms.IntegerField(
                label=_("Counted pupils of the school (telleerlingen)"),
                help_text=_("From the school's funding letter; Meedoen does not hold this figure."),
                **count,
            )
        elif kind == SchemeKind.MUNICIPAL:
            self.fields["year"].required = False
            self.fields["inhabitants"] = forms.IntegerField(
                label=_("Inhabitants of the municipality"),
                required=False,
                help_text=_("Empty: the number stored for the municipality."),
                **count,
            )
            self.fields["national_inhabitants"] = forms.IntegerField(
                label=_("Inhabitants of the Netherlands"), **count
            )
            self.fields["weighted_pupils"] = forms.IntegerField(
                label=_("Weighted counted pupils of the municipality's school locations"),
                required=False,
                **count,
            )
            self.fields["national_weighted_pupils"] = forms.IntegerField(
                label=_("Weighted counted pupils of the Netherlands"), required=False, **count
            )
        elif kind == SchemeKind.NATIONAL_ORGANISATION:
            self.fields["organisations"] = forms.ModelMultipleChoiceField(
                label=_("Organisations with a declaration of intent"),
                queryset=region_organisations
                if region_organisations is not None
                else Organisation.objects.none(),
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Local branches of the national organisations that signed one."),
            )


class SchemeForm(forms.Form):
    """A new version of a scheme: every parameter of its kind as text (amounts in euros)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("Source"), max_length=300, required=False)

    def __init__(self, *args, kind: str, initial_parameters: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for p in PARAMETERS[kind]:
            self.fields[f"p_{p.key}"] = forms.CharField(
                label=p.label,
                required=False,
                max_length=30,
                initial=(initial_parameters or {}).get(p.key, ""),
            )

    def parameters(self) -> dict:
        return {
            p.key: self.cleaned_data.get(f"p_{p.key}", "")
            for p in PARAMETERS[self.kind]
            if self.cleaned_data.get(f"p_{p.key}", "") != ""
        }
