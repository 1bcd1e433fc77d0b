"""The default question sets, created for a region on first use (Dutch, with English)."""

from .models import EvaluationKind, QuestionType

S, T = QuestionType.SCALE, QuestionType.TEXT

# kind -> [(code, type, Dutch, English, required)]
DEFAULT_QUESTIONS = {
    EvaluationKind.STUDENT: [
        ("welcome", S, "Ik voelde me welkom bij de organisatie.", "I felt welcome.", True),
        (
            "guidance",
            S,
            "Ik kreeg goede begeleiding tijdens mijn stage.",
            "I was well supervised during my placement.",
            True,
        ),
        (
            "meaningful",
            S,
            "Het werk was zinvol en leuk om te doen.",
            "The work was meaningful and enjoyable.",
            True,
        ),
        (
            "recommend",
            S,
            "Ik zou deze stageplek aanraden aan andere leerlingen.",
            "I would recommend this placement to other students.",
            True,
        ),
        ("remarks", T, "Wat kan de organisatie beter doen?", "What could be done better?", False),
    ],
    EvaluationKind.ORGANISATION: [
        (
            "attendance",
            S,
            "Aanwezigheid en op tijd komen",
            "Attendance and punctuality",
            True,
        ),
        ("attitude", S, "Inzet en houding", "Effort and attitude", True),
        ("cooperation", S, "Samenwerken met anderen", "Working with others", True),
        ("remarks", T, "Opmerkingen over de leerling", "Remarks about the student", False),
    ],
    EvaluationKind.SCHOOL: [
        (
            "contact",
            S,
            "Bereikbaarheid en communicatie van de organisatie",
            "The organisation's availability and communication",
            True,
        ),
        (
            "supervision",
            S,
            "Kwaliteit van de begeleiding van de leerling",
            "Quality of the student's supervision",
            True,
        ),
        ("agreements", S, "Nakomen van de afspraken", "Keeping to the agreements", True),
        (
            "remarks",
            T,
            "Opmerkingen over de samenwerking",
            "Remarks about the cooperation",
            False,
        ),
    ],
}

# The kinds that judge the organisation and its offer (and so can flag it).
KINDS_ABOUT_ORGANISATION = {EvaluationKind.STUDENT, EvaluationKind.SCHOOL}
