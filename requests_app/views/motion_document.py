"""The public PDF of a motion (Drucksache), stored by the task `render_motion_pdf`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import pagecache
from portal.pdf import stored_pdf_response
from requests_app.models import Motion
from requests_app.motion_pdf import document_file_name
from requests_app.views.motions import _gone_or_404


@login_not_required
@require_safe
def motion_document(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored PDF with its SHA-256 as ETag; 404/410 exactly as the motion page answers.

    Rendering happens in a task, never here; a public motion whose PDF is not stored yet
    answers 404 with a German notice."""
    fields = ("kind", "number", "year", "reference")
    stored = ("document_file", "document_sha256", "document_size")
    motions = Motion.objects.published().only(*fields, *stored)
    try:
        motion = motions.get_by_slug(slug)
        # Only this motion's rows count for the cache: looked up again once scoped.
        if pagecache.scope("motion", motion.pk):
            motion = motions.get_by_slug(slug)
    except Motion.DoesNotExist:
        return _gone_or_404(request, slug)
    if slug != motion.public_slug:  # registered since the link was made: the reference URL
        return redirect("requests_app:motion_document", slug=motion.public_slug)
    if not motion.document_file or not motion.document_sha256:
        raise Http404(_("Das PDF wird gerade erstellt. Bitte versuchen Sie es später noch einmal."))
    return stored_pdf_response(
        request,
        path=motion.document_file.name,
        sha256=motion.document_sha256,
        size=motion.document_size,
        filename=document_file_name(motion),
    )
