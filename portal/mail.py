"""The one mail path: a template per mail, rendered and sent by a task after the commit.

A service calls `send_after_commit(template=..., recipients=..., context=...)`. After the
transaction commits, the task `send_templated` renders, in the portal's language,

- `<template>.subject.txt` (one line) and `<template>.txt` (the text body), and
- `<template>.html` when it exists (an HTML alternative),

and sends one message per address, so recipients never see each other. The context goes
through the task queue: plain JSON values only (strings, numbers, lists, dicts); links are made
absolute with `absolute_url()`. Files go along as `attachments=[attachment(name, bytes, type)]`
(base64 in the queue, small files only, e.g. a calendar entry) and are attached to each message.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A link for a mail: the portal's public address (PORTAL_BASE_URL) in front of a path."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def render(template: str, context: dict) -> tuple[str, str, str | None]:
    """(subject, text, html or None) of one mail, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}.subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, text, html


def attachment(filename: str, content: bytes, mimetype: str) -> dict:
    """A file for `send_after_commit(attachments=[...])`, as JSON the task queue can carry."""
    return {
        "filename": filename,
        "content": base64.b64encode(content).decode("ascii"),
        "mimetype": mimetype,
    }


@task
def send_templated(
    *,
    template: str,
    recipients: list[str],
    context: dict,
    headers: dict | None = None,
    attachments: list[dict] | None = None,
) -> int:
    """Render one mail and send it to each address separately; returns how many were sent."""
    subject, text, html = render(template, context)
    files = [
        (item["filename"], base64.b64decode(item["content"]), item["mimetype"])
        for item in attachments or []
    ]
    sent = 0
    for address in sorted(set(recipients)):
        message = EmailMultiAlternatives(subject, text, None, [address], headers=headers)
        if html is not None:
            message.attach_alternative(html, "text/html")
        for filename, content, mimetype in files:
            message.attach(filename, content, mimetype)
        sent += message.send()
    return sent


def send_after_commit(
    *,
    template: str,
    recipients: Iterable[str],
    context: dict,
    headers: dict | None = None,
    attachments: list[dict] | None = None,
) -> None:
    """Queue the mail once the current transaction commits (at once outside one)."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    transaction.on_commit(
        lambda: send_templated.enqueue(
            template=template,
            recipients=addresses,
            context=context,
            headers=headers,
            attachments=attachments,
        )
    )
