"""Student import pages (being written)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def student_import(request):
    raise Http404
