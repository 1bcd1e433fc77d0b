"""Authorisation-matrix entries of the placement bank's pages and API."""

from meedoen.core.tests.matrix import api_only, everyone, only
from meedoen.stagebank.tests.helpers import S, make_offer

MANAGERS_OF_X = {"admin": 200, "broker": 200, "organisation": 200}
REVIEWERS = {"admin": 200, "broker": 200}
MANAGES_OFFERS = {"admin": 200, "broker": 200, "organisation": 200, "organisation_y": 200}


def published(w):
    return {"pk": make_offer(w, S.PUBLISHED).pk}


def draft(w):
    return {"pk": make_offer(w, S.DRAFT).pk}


def submitted(w):
    return {"pk": make_offer(w, S.SUBMITTED).pk}


def closed(w):
    return {"pk": make_offer(w, S.CLOSED).pk}


MATRIX = {
    "stagebank:search": (None, "get", everyone(200)),
    "stagebank:mine": (None, "get", only(MANAGES_OFFERS)),
    "stagebank:create": (None, "get", only(MANAGES_OFFERS)),
    # A draft is seen only by its organisation's contacts, the broker and the admin.
    "stagebank:detail": (draft, "get", only(MANAGERS_OF_X)),
    "stagebank:edit": (draft, "get", only(MANAGERS_OF_X)),
    # No photo uploaded: 404 for everyone, and never a file of a hidden offer.
    "stagebank:photo": (draft, "get", only({}, anonymous=404)),
    "stagebank:review": (submitted, "get", only(REVIEWERS)),
    "stagebank:transition": (
        lambda w: {**draft(w), "action": "submit"},
        "post",
        only({"admin": 302, "broker": 302, "organisation": 302}),
    ),
    "stagebank:overview": (None, "get", only(REVIEWERS)),
    "stagebank:criteria": (None, "get", only(REVIEWERS)),
    "stagebank:public": (None, "get", everyone(200, anonymous=200)),
    "stagebank:embed": (None, "get", everyone(200, anonymous=200)),
    "stagebank:public_detail": (published, "get", everyone(200, anonymous=200)),
    "stagebank_api:vacancy-list": (None, "get", everyone(200, anonymous=403)),
    "stagebank_api:vacancy-detail": (published, "get", everyone(200, anonymous=403)),
    "stagebank_api:vacancy-submit": (
        draft,
        "post",
        api_only(MANAGERS_OF_X),
    ),
    "stagebank_api:vacancy-pause": (published, "post", api_only(MANAGERS_OF_X)),
    "stagebank_api:vacancy-resume": (
        lambda w: {"pk": make_offer(w, S.PAUSED).pk},
        "post",
        api_only(MANAGERS_OF_X),
    ),
    "stagebank_api:vacancy-close": (published, "post", api_only(MANAGERS_OF_X)),
    "stagebank_api:vacancy-renew": (
        published,
        "post",
        api_only({"admin": 201, "broker": 201, "organisation": 201}),
    ),
    "stagebank_api:vacancy-archive": (closed, "post", api_only(REVIEWERS)),
    # Without a body the broker gets 400 (checklist / reason needed); others cannot see it.
    "stagebank_api:vacancy-publish": (
        submitted,
        "post",
        api_only({"admin": 400, "broker": 400}),
    ),
    "stagebank_api:vacancy-return": (
        submitted,
        "post",
        api_only({"admin": 400, "broker": 400}),
    ),
}
