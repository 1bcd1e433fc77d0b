"""What the bank keeps per browser session, for ``results_ttl()`` seconds: the whole page
as it was rendered (a repeated search), the page's frame (a new search in the same
session renders only the bank, not the site's header and navigation again) and the
student's record. All three are read in one round trip to the cache.

Each is keyed by the session key and the CSRF cookie (the frame's forms carry a token for
that cookie's secret) and the language, and none is used while a message waits to be
shown once. A page is stored with the bank's version, so a changed offer is never served
from here; its places left and the frame's navigation may be up to ``results_ttl()``
seconds old, as the student's record is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .selectors import cache_for_version, cached_for_version, results_cache_key, results_ttl

# Where the frame takes the page's body and its own address (the language switch returns
# to it). Neither can come from a person: names and addresses in the frame are escaped,
# and a frame with either marker more than once is not kept.
FRAME_BODY = "<!--meedoen:bank-body-->"
FRAME_PATH = "meedoen-bank-page-address"


@dataclass
class SessionCache:
    """This request's session entries: ``page`` (None if not cached) and what else was
    found; ``keys`` is None when nothing may be served or kept."""

    keys: dict[str, str] | None = None
    version: int | None = None
    page: bytes | None = None
    found: dict = field(default_factory=dict)

    def get(self, name: str, default=None):
        return self.found.get(self.keys[name], default) if self.keys else default


def _keys(request: HttpRequest, ttl: int) -> dict[str, str] | None:
    session_key = request.session.session_key
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not ttl or not session_key or not csrf_cookie or len(messages.get_messages(request)):
        return None
    language = get_language()
    htmx = bool(getattr(request, "htmx", False) and not request.htmx.boosted)
    return {
        "page": results_cache_key(
            "page", session_key, csrf_cookie, language, request.get_full_path(), htmx
        ),
        "frame": results_cache_key("frame", session_key, csrf_cookie, language),
        "student": f"stagebank:student:{session_key}:{request.user.pk}",
    }


def read(request: HttpRequest) -> SessionCache:
    """This session's page for this request, its frame and student, in one round trip."""
    keys = _keys(request, results_ttl())
    if keys is None:
        return SessionCache()
    version, page, found = cached_for_version(keys["page"], also=(keys["frame"], keys["student"]))
    return SessionCache(keys=keys, version=version, page=page, found=found)


def keep_page(entries: SessionCache, content: bytes) -> None:
    if entries.keys:
        cache_for_version(entries.keys["page"], entries.version, content, results_ttl())


def keep_student(entries: SessionCache, student) -> None:
    """Keep the student's record (False: the person has none) without its user object."""
    if not entries.keys:
        return
    user = student._state.fields_cache.pop("user", None) if student else None
    try:
        cache.set(entries.keys["student"], student, results_ttl())
    finally:
        if user is not None:
            student._state.fields_cache["user"] = user


def framed(request: HttpRequest, entries: SessionCache, template: str, body: str) -> str:
    """``body`` in the page ``template`` (which shows ``{{ body }}`` in base.html's frame),
    the frame from this session's cache or rendered and kept there."""
    frame = entries.get("frame")
    if frame is None:
        frame = render_to_string(
            template, {"body": mark_safe(FRAME_BODY), "next_path": FRAME_PATH}, request
        )
        if frame.count(FRAME_BODY) != 1 or frame.count(FRAME_PATH) != 1:
            return render_to_string(template, {"body": mark_safe(body)}, request)  # noqa: S308
        if entries.keys:
            cache.set(entries.keys["frame"], frame, results_ttl())
    before, after = frame.replace(FRAME_PATH, escape(request.get_full_path()), 1).split(FRAME_BODY)
    return before + body + after
