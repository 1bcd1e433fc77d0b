"""Student import pages: upload an export, see the dry run, confirm.

The uploaded file never travels back through the browser: after the dry run its
bytes are kept on the server (a file under ``MEEDOEN_IMPORT_DIR``, by default
``var/imports/``, named by a random token), and the session holds the token, the
file's SHA-256 and the school. "Confirm import" posts only the token; the file is
checked against the hash, imported for real, and removed. Staged files older than
a session are pruned on the next upload.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.core.policy import access_or_404
from meedoen.directory.models import School
from meedoen.directory.selectors import schools_managed_by

from .forms import ImportUploadForm
from .importer import MAX_FILE_BYTES
from .services_import import students_import

SESSION_KEY = "students_import"
TEMPLATE = "students/import.html"


def staging_dir() -> Path:
    return Path(getattr(settings, "MEEDOEN_IMPORT_DIR", settings.BASE_DIR / "var" / "imports"))


def _managed_schools(request: HttpRequest) -> QuerySet[School]:
    """The schools this person imports for; none at all looks like a missing page."""
    schools = schools_managed_by(request.user).order_by("name")
    if not schools.exists():
        raise Http404
    return schools


@login_required
@require_http_methods(["GET", "POST"])
def student_import(request: HttpRequest) -> HttpResponse:
    schools = _managed_schools(request)
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": ImportUploadForm(schools=schools)})
    if request.POST.get("school"):
        access_or_404(schools, pk=request.POST["school"])
    form = ImportUploadForm(request.POST, request.FILES, schools=schools)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form})
    school = form.cleaned_data["school"]
    upload = form.cleaned_data["file"]
    data = upload.read(MAX_FILE_BYTES + 1)
    report = students_import(
        actor=request.user,
        school=school,
        rows_or_file=ContentFile(data, name=upload.name),
        dry_run=True,
    )
    token = None
    if report.ok and report.has_changes:
        token = _stage(request, school=school, name=upload.name, data=data)
    else:
        _discard(request)
    return render(
        request,
        TEMPLATE,
        {
            "form": ImportUploadForm(schools=schools, initial={"school": school}),
            "report": report,
            "school": school,
            "file_name": upload.name,
            "token": token,
        },
    )


@login_required
@require_POST
def student_import_confirm(request: HttpRequest) -> HttpResponse:
    schools = _managed_schools(request)
    staged = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not staged or not secrets.compare_digest(str(staged.get("token", "")), token):
        messages.error(request, _("There is no checked file to import; upload the file again."))
        return render(request, TEMPLATE, {"form": ImportUploadForm(schools=schools)})
    school = access_or_404(schools, pk=staged.get("school"))
    data = _read_staged(staged)
    _discard(request)
    if data is None:
        messages.error(request, _("The checked file has expired; upload the file again."))
        return render(request, TEMPLATE, {"form": ImportUploadForm(schools=schools)})
    report = students_import(
        actor=request.user,
        school=school,
        rows_or_file=ContentFile(data, name=staged["name"]),
        dry_run=False,
    )
    if report.applied:
        messages.success(request, _("The students have been imported."))
    return render(
        request,
        TEMPLATE,
        {
            "form": ImportUploadForm(schools=schools, initial={"school": school}),
            "report": report,
            "school": school,
            "file_name": staged["name"],
        },
    )


def _stage(request: HttpRequest, *, school: School, name: str, data: bytes) -> str:
    """Keep the checked file on the server until it is confirmed; return its token."""
    _discard(request)
    directory = staging_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _prune(directory)
    token = secrets.token_hex(16)
    (directory / token).write_bytes(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "sha256": hashlib.sha256(data).hexdigest(),
        "school": school.pk,
        "name": Path(name).name[:200],
    }
    return token


def _read_staged(staged: dict) -> bytes | None:
    token = str(staged.get("token", ""))
    if len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        return None
    try:
        data = (staging_dir() / token).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != staged.get("sha256"):
        return None
    return data


def _discard(request: HttpRequest) -> None:
    staged = request.session.pop(SESSION_KEY, None)
    token = str((staged or {}).get("token", ""))
    if len(token) == 32 and token.isalnum():
        (staging_dir() / token).unlink(missing_ok=True)


def _prune(directory: Path) -> None:
    """Remove staged files older than a session: their confirm step can no longer come."""
    cutoff = time.time() - settings.SESSION_COOKIE_AGE
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
