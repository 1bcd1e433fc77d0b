"""The agreement (stageovereenkomst): model texts, rendering to HTML and to PDF.

The Leiden covenant asks for an agreement "recognisable to organisations", in an
individual and a group model, signed before the student starts. The required clauses
are fixed: parties, dates, hours, tasks, supervisor, insurance through the school,
safety, conduct, and what to do on absence or a problem. Each of the last four opens
with a fixed sentence; the coordinator adds the school's own text (which may not be
empty) in the ``AgreementTemplate``. The agreement is written in Dutch, as the parties
sign it.
"""

from __future__ import annotations

import hashlib

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import AgreementKind, AgreementTemplate

# The sentence each editable clause always opens with; the school's text follows it.
FIXED_CLAUSES = {
    "insurance": (
        "Verzekering",
        "De leerling is tijdens de maatschappelijke stage, en op weg ernaartoe en terug, "
        "verzekerd via de school (ongevallen- en aansprakelijkheidsverzekering).",
    ),
    "safety": (
        "Veiligheid",
        "De stagebieder zorgt voor een veilige stageplek die past bij de leeftijd van de "
        "leerling, en voor uitleg vooraf. School en stagebieder zijn samen verantwoordelijk "
        "voor de veiligheid van de leerling; de school is eindverantwoordelijk.",
    ),
    "conduct": (
        "Gedrag",
        "De leerling houdt zich aan de afspraken en huisregels van de stagebieder en gaat "
        "vertrouwelijk om met wat hij of zij tijdens de stage over anderen te weten komt.",
    ),
    "absence": (
        "Afwezigheid en problemen",
        "Bij ziekte of verhindering meldt de leerling zich zo snel mogelijk af bij de "
        "begeleider van de stagebieder én bij de stagecoördinator van de school. Bij een "
        "probleem neemt de stagebieder contact op met de stagecoördinator; de school "
        "begeleidt de oplossing, zo nodig samen met de makelaar.",
    ),
}

DEFAULT_TEXTS = {
    AgreementKind.INDIVIDUAL: {
        "title": "Stageovereenkomst maatschappelijke stage",
        "intro": "De ondergetekenden maken de volgende afspraken over de maatschappelijke "
        "stage van de leerling bij de stagebieder. De stage is onbetaald en vervangt geen "
        "betaald werk.",
    },
    AgreementKind.GROUP: {
        "title": "Groepsovereenkomst maatschappelijke stage",
        "intro": "De ondergetekenden maken de volgende afspraken over de maatschappelijke "
        "stage van de hieronder genoemde groep leerlingen bij de stagebieder. De stage is "
        "onbetaald en vervangt geen betaald werk.",
    },
}
DEFAULT_CLAUSE_TEXTS = {
    "insurance": "De school meldt schade of een ongeval zo snel mogelijk bij haar verzekeraar. "
    "De stagebieder meldt een ongeval direct bij de stagecoördinator.",
    "safety": "De leerling doet geen werk dat volgens de arbeidsregels niet is toegestaan "
    "voor jongeren van deze leeftijd, en werkt niet zonder toezicht met kwetsbare personen.",
    "conduct": "De leerling is op tijd, draagt passende kleding en volgt de aanwijzingen van "
    "de begeleider op. Foto's van cliënten of deelnemers worden niet zonder toestemming "
    "gemaakt of gedeeld.",
    "absence": "De stagebieder meldt afwezigheid zonder afmelding dezelfde dag bij de "
    "stagecoördinator. Bij een ongeval of incident belt de stagebieder direct de school.",
}
EDITABLE_CLAUSES = ["insurance", "safety", "conduct", "absence"]


def template_for(school, kind: str) -> AgreementTemplate:
    """The school's template of this kind; the model text until the coordinator edits it."""
    template = AgreementTemplate.objects.filter(school=school, kind=kind).first()
    if template is None:
        template = AgreementTemplate(school=school, kind=kind, **default_template_fields(kind))
    return template


def default_template_fields(kind: str) -> dict:
    return {**DEFAULT_TEXTS[AgreementKind(kind)], **DEFAULT_CLAUSE_TEXTS, "extra": ""}


def _person(student, guardians) -> dict:
    return {
        "name": student.full_name,
        "class": str(student.school_class or ""),
        "date_of_birth": student.date_of_birth.isoformat(),
        "guardians": [g.name for g in guardians],
    }


def snapshot(*, agreement, placements, version_number: int, signers: list[dict]) -> dict:
    """Everything the agreement says, as plain data (kept with the version)."""
    first = placements[0]
    group = first.group if agreement.group_id else None
    source = group or first
    school = agreement.school
    organisation = first.organisation
    contact = source.contact
    location = school.locations.order_by("pk").first()
    return {
        "version": version_number,
        "issued_on": timezone.localdate().isoformat(),
        "kind": agreement.kind,
        "group_name": group.name if group else "",
        "school": {
            "name": school.name,
            "brin": school.brin,
            "address": location.address_line if location else "",
        },
        "organisation": {
            "name": organisation.name,
            "address": organisation.address_line,
        },
        "supervisor": {
            "name": contact.name if contact else "",
            "function": contact.function if contact else "",
            "email": contact.email if contact else "",
            "phone": contact.phone if contact else "",
        },
        "students": [
            _person(p.student, signer_guardians(signers, p.student.pk)) for p in placements
        ],
        "activity": source.activity,
        "tasks": source.tasks,
        "start_date": source.start_date.isoformat() if source.start_date else "",
        "end_date": source.end_date.isoformat() if source.end_date else "",
        "hours": source.hours,
        "signers": [{"party": s["party"], "name": s["name"]} for s in signers],
    }


def signer_guardians(signers: list[dict], student_pk: int):
    return [s["guardian"] for s in signers if s.get("guardian") and s["student"].pk == student_pk]


def render_html(*, data: dict, template: AgreementTemplate) -> str:
    """The agreement's body as an HTML fragment (no inline styles: shown in the app too)."""
    import datetime

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    clauses = [
        {
            "title": FIXED_CLAUSES[key][0],
            "fixed": FIXED_CLAUSES[key][1],
            "text": getattr(template, key),
        }
        for key in EDITABLE_CLAUSES
    ]
    party_labels = {
        "student": "Leerling",
        "guardian": "Ouder/verzorger",
        "organisation": "Stagebieder",
        "school": "School",
    }
    with translation.override("nl"):
        return render_to_string(
            "placements/agreement_body.html",
            {
                "d": data,
                "template": template,
                "clauses": clauses,
                "start": day(data["start_date"]),
                "end": day(data["end_date"]),
                "issued_on": day(data["issued_on"]),
                "signers": [
                    {"party": party_labels.get(s["party"], s["party"]), "name": s["name"]}
                    for s in data["signers"]
                ],
            },
        )


def render_pdf(*, html: str, title: str) -> bytes:
    """The PDF of an agreement body (WeasyPrint)."""
    from weasyprint import HTML

    document = render_to_string("placements/agreement_pdf.html", {"body": html, "title": title})
    return HTML(string=document).write_pdf()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
