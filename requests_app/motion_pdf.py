"""The motion as a document (Drucksache, issue 14): what its PDF shows and when it is outdated.

A motion's PDF shows what was submitted: reference, title, kind, faction, the public submitters,
the submission date, text, questions and reasoning. The task `render_motion_pdf`
(requests_app/tasks.py) renders it with the same WeasyPrint path as the answer reports and
stores it with its hashes. `document_source()` hashes exactly the data the PDF shows: the task
renders again only when that changes (a returned motion submitted again with a new text, the
reference given at registration), never for a status change the document does not show.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal import markdown
from portal.mail import absolute_url
from requests_app.models import Motion

# Demo motions say so in their text (requests_app/demo.py); their PDF says it on top.
SYNTHETIC_MARK = "Beispieldaten"


def document_data(motion: Motion) -> dict:
    """The plain data the PDF shows (JSON values, so it can be hashed)."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(motion.get_kind_display())
    submitted = timezone.localdate(motion.submitted_at) if motion.submitted_at else None
    return {
        "reference": motion.reference,
        "title": motion.title,
        "kind": kind,
        "faction": motion.faction.name,
        "submitters": [str(person) for person in motion.submitters.public().order_by("pk")],
        "date": submitted.strftime("%d.%m.%Y") if submitted else "",
        "text": motion.text,
        "questions": list(motion.questions.order_by("number").values_list("text", flat=True)),
        "reasoning": motion.reasoning,
        "url": absolute_url(motion.get_absolute_url()),
        "synthetic": SYNTHETIC_MARK in f"{motion.text}\n{motion.reasoning}",
    }


def document_source(data: dict) -> str:
    """SHA-256 of the data a PDF was rendered from: equal data, no new rendering."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def motion_pdf_html(data: dict) -> str:
    """The complete HTML document WeasyPrint renders (lang and title for PDF/UA)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "doc": data,
            "text": markdown.render_markdown(data["text"]) if data["text"] else "",
            "reasoning": markdown.render_markdown(data["reasoning"]) if data["reasoning"] else "",
            "url": data["url"],
            "city": settings.PORTAL_CITY_NAME,
        }
        return render_to_string("pdf/motion.html", context)


def document_file_name(motion: Motion) -> str:
    """The name the PDF is downloaded under: the motion's public slug."""
    return f"drucksache-{motion.public_slug}.pdf"
