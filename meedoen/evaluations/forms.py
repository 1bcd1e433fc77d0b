"""Forms of the evaluations app, built from a region's question set."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SCALE_MAX, SCALE_MIN, QuestionSet, QuestionType

SCALE_LABELS = {
    1: _("1 — poor"),
    2: _("2 — insufficient"),
    3: _("3 — fair"),
    4: _("4 — good"),
    5: _("5 — excellent"),
}


class EvaluationForm(forms.Form):
    """One field per question: ``q_<id>``; scaled questions as radio buttons 1–5."""

    def __init__(self, *args, question_set: QuestionSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_set = question_set
        for q in question_set.questions.all():
            if q.type == QuestionType.SCALE:
                self.fields[f"q_{q.pk}"] = forms.TypedChoiceField(
                    label=q.label,
                    choices=[(i, SCALE_LABELS[i]) for i in range(SCALE_MIN, SCALE_MAX + 1)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=q.required,
                )
            else:
                self.fields[f"q_{q.pk}"] = forms.CharField(
                    label=q.label,
                    required=q.required,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def answers(self) -> dict:
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_")
        }


class LinkEvaluationForm(EvaluationForm):
    respondent = forms.CharField(label=_("Your name"), max_length=200, required=False)
    follow_up_role = forms.CharField(
        label=_("Would you like the student to keep volunteering? Describe the role"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if not. The student is invited and can answer."),
    )
    follow_up_description = forms.CharField(
        label=_("More about the role"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuestionSetForm(forms.Form):
    lines = forms.CharField(
        label=_("Questions, one per line"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Each line is a question answered on a scale of 1 to 5. Start a line with "
            "[open] for an open question. Saving makes a new version; answers already "
            "given keep their questions."
        ),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
