"""The e-mails of contributions and co-signatures (templates requests_app/mails/contribution_*
and cosign_*), queued after the commit through portal.mail like every workflow mail."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from portal import formats
from portal.mail import absolute_url, send_after_commit
from portal.models import User
from portal.roles import APPROVER, CONTRIBUTOR
from requests_app.mails import _in_portal_language
from requests_app.models import ContributionRequest, CoSignRequest

FOLDER = "requests_app/mails"


def _addresses(users: QuerySet[User]) -> list[str]:
    return list(
        users.filter(is_active=True).exclude(email="").distinct().values_list("email", flat=True)
    )


def _people_of(organization_id: int, *roles: str) -> list[str]:
    return _addresses(User.objects.filter(organizations=organization_id, groups__name__in=roles))


def _author(user: User | None) -> list[str]:
    return _addresses(User.objects.filter(pk=user.pk)) if user is not None else []


def _report_page(report_id: int) -> str:
    return absolute_url(reverse("requests_app:contributions_report", kwargs={"pk": report_id}))


def _queue(name: str, recipients, **context) -> None:
    send_after_commit(template=f"{FOLDER}/{name}", recipients=recipients, context=context)


def _about(contribution: ContributionRequest) -> dict:
    motion = contribution.report.motion
    return {
        "reference": motion.reference,
        "title": motion.title,
        "organization": contribution.organization.name,
        "due_date": formats.date(contribution.due_date, "SHORT_DATE_FORMAT"),
        "questions": ", ".join(str(q.number) for q in contribution.questions.order_by("number")),
    }


@_in_portal_language
def contribution_requested(*, contribution: ContributionRequest) -> None:
    """Ask the contributors of the organization for their contribution."""
    _queue(
        "contribution_requested",
        _people_of(contribution.organization_id, CONTRIBUTOR),
        **_about(contribution),
        url=absolute_url(contribution.get_absolute_url()),
    )


@_in_portal_language
def contribution_handed_in(*, contribution: ContributionRequest) -> None:
    """Tell the author that the contribution has arrived."""
    _queue(
        "contribution_handed_in",
        _author(contribution.requested_by),
        **_about(contribution),
        url=_report_page(contribution.report_id),
    )


@_in_portal_language
def contribution_overdue(*, contribution: ContributionRequest) -> None:
    """Remind the organization of a contribution past its due date (once per request)."""
    _queue(
        "contribution_overdue",
        _people_of(contribution.organization_id, CONTRIBUTOR),
        **_about(contribution),
        url=absolute_url(contribution.get_absolute_url()),
    )


@_in_portal_language
def cosign_requested(*, cosign: CoSignRequest) -> None:
    _queue(
        "cosign_requested",
        _people_of(cosign.organization_id, APPROVER, CONTRIBUTOR),
        reference=cosign.report.motion.reference,
        title=cosign.report.title,
        organization=cosign.organization.name,
        url=absolute_url(cosign.get_absolute_url()),
    )


@_in_portal_language
def cosign_decided(*, cosign: CoSignRequest) -> None:
    _queue(
        "cosign_decided",
        _author(cosign.requested_by),
        reference=cosign.report.motion.reference,
        title=cosign.report.title,
        organization=cosign.organization.name,
        state=cosign.get_state_display(),
        comment=cosign.comment,
        url=_report_page(cosign.report_id),
    )
