"""Who may do what with the KPR's data: every permission of the prevention app, answered here.

Views and services ask this module; nothing else checks roles. Everybody may read what is
public; the office of the Kommunaler Präventionsrat (role `PREVENTION_OFFICE`) keeps the
council's data, imports indicators and sees withheld small counts. A refused person gets a
`PermissionDenied` with one German message per kind of refusal (below). The page helpers
answer a meeting that is not the KPR's (or not public, for the public pages) with 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from portal.models import Meeting
from portal.roles import PREVENTION_OFFICE
from prevention.models.council import council_meetings, public_council_meetings

# One message per kind of refusal.
OFFICE_AREA = _("Dieser Bereich ist der Geschäftsstelle des KPR vorbehalten.")
OFFICE_CHANGES = _("Nur die Geschäftsstelle des Präventionsrats darf das ändern.")


def is_office(user) -> bool:
    """The office of the KPR (Geschäftsstelle): keeps meetings, measures, members, indicators."""
    return user.is_authenticated and user.has_role(PREVENTION_OFFICE)


def may_see_withheld(user) -> bool:
    """Small counts are shown as "." to everybody but the office (DESIGN §6)."""
    return is_office(user)


def check_changes(user) -> None:
    """Services call this before they write the KPR's data."""
    if not is_office(user):
        raise PermissionDenied(OFFICE_CHANGES)


def check_import(user) -> None:
    """An indicator import: by the office, or (user None) by the operator's management command."""
    if user is not None:
        check_changes(user)


def office_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The staff pages: 403 for everybody but the office (the login comes first, see settings)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_office(request.user):
            raise PermissionDenied(OFFICE_AREA)
        return view(request, *args, **kwargs)

    return wrapped


def get_public_meeting(pk: int) -> Meeting:
    """A public meeting of the KPR or one of its working groups; anything else is a 404."""
    return get_object_or_404(
        public_council_meetings().select_related("organization", "location"), pk=pk
    )


def get_office_meeting(request: HttpRequest, pk: int) -> Meeting:
    """A meeting the office keeps: 403 for others, 404 for meetings of other bodies."""
    if not is_office(request.user):
        raise PermissionDenied(OFFICE_AREA)
    return get_object_or_404(council_meetings().select_related("organization", "location"), pk=pk)
