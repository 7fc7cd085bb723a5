"""requests_app/access.py: one German message per kind of refusal, the superuser rule, and
the actions the pages offer."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal import roles
from requests_app import access
from requests_app.services import motions as motion_services
from requests_app.services import reports as report_services
from tests.factories import AnswerReportFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "message"),
    [("office", access.FACTION_ONLY), ("other_faction_member", access.FACTION_ONLY)],
)
def test_submitting_is_refused_with_the_factions_message(draft, persona, message, request):
    with pytest.raises(PermissionDenied) as refused:
        motion_services.motion_submit(motion=draft, user=request.getfixturevalue(persona))
    assert str(refused.value) == str(message)


def test_the_office_only_steps_say_so(submitted, owner):
    with pytest.raises(PermissionDenied, match=re.escape(str(access.OFFICE_ONLY))):
        motion_services.motion_reject(motion=submitted, user=owner, reason="x")


def test_a_wrong_state_is_a_validation_error_naming_the_state(submitted, owner):
    with pytest.raises(ValidationError, match="Im Status „eingereicht“ ist das nicht möglich"):
        access.check_motion("edit", motion=submitted, user=owner)


def test_report_refusals_name_who_may(registered, prevention_office, approver, owner):
    report = report_services.report_create(motion=registered, user=prevention_office)
    with pytest.raises(PermissionDenied, match=re.escape(str(access.DRAFTERS_ONLY))):
        report_services.report_submit(report=report, user=approver)
    with pytest.raises(PermissionDenied, match=re.escape(str(access.REVIEWERS_ONLY))):
        report_services.report_approve(report=report, user=prevention_office)
    with pytest.raises(PermissionDenied, match=re.escape(str(access.DEPARTMENT_ONLY))):
        report_services.report_pdf_retry(report=report, user=owner)


def test_a_superuser_is_staff_of_every_department(registered, superuser, make_user):
    assert access.in_lead_department(superuser, registered)
    assert access.can_draft(superuser, registered) and access.can_review(superuser, registered)
    assert not access.in_lead_department(make_user(roles.PREVENTION_OFFICE), registered)


def test_a_corrected_edition_offers_no_second_correction(prevention_office, department):
    first = AnswerReportFactory(motion__lead_department=department, publish=True)
    assert "correct" in access.report_actions(report=first, user=prevention_office)
    AnswerReportFactory(motion=first.motion, edition=2, supersedes=first)
    assert "correct" not in access.report_actions(report=first, user=prevention_office)
    assert "retry_pdf" in access.report_actions(report=first, user=prevention_office)
