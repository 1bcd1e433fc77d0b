"""Words for people: a student's result and its reasons, and the odds, as a parent reads them.

The engine explains each result as data (``Explanation.as_dict``): the offer and rank the
student got, and for every choice listed above it why not - ineligible (level, age,
guidance) or full (in the fair-lottery mode with the student's own position in the
offer's order and the position of the last student it took). Here that becomes sentences.
Chances are said in tens ("8 in 10"), the way a parent would say them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Round

RULE_WORDS = {
    "level": lambda: _("it is not meant for your level"),
    "age": lambda: _("you are younger than its minimum age"),
    "guidance": lambda: _("it cannot give the guidance you need"),
}


def absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def offer_titles(round_: Round) -> dict[int, str]:
    """Offer id → "title (organisation)" for the round's offers (one query)."""
    rows = round_.offers.values_list("vacancy_id", "vacancy__title", "vacancy__organisation__name")
    return {pk: f"{title} ({org})" for pk, title, org in rows}


def explanation_lines(explanation: dict, titles: dict[int, str]) -> list[str]:
    """The student's result and why, in sentences (empty explanation: nothing)."""
    if not explanation:
        return []
    offer, rank = explanation.get("offer"), explanation.get("rank")
    lines = []
    if offer is not None:
        title = titles.get(offer, str(offer))
        if explanation.get("adjusted"):
            lines.append(
                _("You have a place at %(offer)s. Your coordinator chose this place for you.")
                % {"offer": title}
            )
        elif rank == 1:
            lines.append(_("You got your first choice: %(offer)s.") % {"offer": title})
        else:
            lines.append(
                _("You got choice %(rank)s on your list: %(offer)s.")
                % {"rank": rank, "offer": title}
            )
    elif explanation.get("adjusted"):
        lines.append(_("Your coordinator could not give you a place in this round."))
    else:
        lines.append(_("There was no place for you in this round."))
    for note in explanation.get("higher_choices", []):
        title = titles.get(note.get("offer"), str(note.get("offer")))
        if note.get("reason") == "ineligible":
            why = ", ".join(RULE_WORDS[r]() for r in note.get("rules", []) if r in RULE_WORDS)
            lines.append(
                _("Choice %(rank)s, %(offer)s, was not possible: %(why)s.")
                % {"rank": note["rank"], "offer": title, "why": why}
            )
            continue
        capacity = note.get("capacity", 0)
        if capacity == 0:
            lines.append(
                _("Choice %(rank)s, %(offer)s, had no free places left.")
                % {"rank": note["rank"], "offer": title}
            )
        elif note.get("own_position") and note.get("last_admitted"):
            lines.append(
                ngettext(
                    "Choice %(rank)s, %(offer)s, was full: its %(n)s place went to a student "
                    "who came before you. You were number %(own)s in its order; the last "
                    "student it took was number %(last)s.",
                    "Choice %(rank)s, %(offer)s, was full: its %(n)s places went to students "
                    "who came before you. You were number %(own)s in its order; the last "
                    "student it took was number %(last)s.",
                    capacity,
                )
                % {
                    "rank": note["rank"],
                    "offer": title,
                    "n": capacity,
                    "own": note["own_position"],
                    "last": note["last_admitted"],
                }
            )
        else:
            lines.append(
                ngettext(
                    "Choice %(rank)s, %(offer)s, was full: its %(n)s place was given so that "
                    "as many students as possible got a place they chose.",
                    "Choice %(rank)s, %(offer)s, was full: its %(n)s places were given so that "
                    "as many students as possible got a place they chose.",
                    capacity,
                )
                % {"rank": note["rank"], "offer": title, "n": capacity}
            )
    if offer is None and not explanation.get("higher_choices") and not explanation.get("adjusted"):
        lines.append(_("You had not chosen any offers that were possible for you."))
    return lines


def next_step_text(entry) -> str:
    if entry.result_placement_id:
        return _("Your school will now check and approve the placement.")
    if entry.mediation_placement_id:
        return _("The broker has found a place for you.")
    return _(
        "What next: your school can open a second round, the broker can help you find a "
        "place (mediation), or you can propose a place you found yourself."
    )


def chance_words(p: float) -> str:
    """A probability in words: "8 in 10", "almost certain", "less than 1 in 10"."""
    if p <= 0:
        return _("no chance")
    if p >= 1:
        return _("certain")
    tens = round(p * 10)
    if tens >= 10:
        return _("almost certain")
    if tens <= 0:
        return _("less than 1 in 10")
    return _("%(n)s in 10") % {"n": tens}


def odds_sentences(row: dict[str, float], max_rank: int) -> list[str]:
    """Per student: the chance of each choice (that has any) and of no place."""
    out = []
    for r in range(1, max_rank + 1):
        p = row.get(str(r), 0.0)
        if p > 0:
            if r == 1:
                out.append(_("%(chance)s chance of the first choice") % {"chance": chance_words(p)})
            else:
                out.append(
                    _("%(chance)s chance of choice %(rank)s")
                    % {"chance": chance_words(p), "rank": r}
                )
    none = row.get("none", 0.0)
    if none > 0:
        out.append(_("%(chance)s chance of no place") % {"chance": chance_words(none)})
    return out
