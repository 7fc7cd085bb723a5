"""Personas and objects around one draft report with contributions and co-signatures
(imported by the tests/requests_app/test_contributions*.py files)."""

import datetime

import pytest
from django.utils import timezone

from portal import roles
from requests_app.services import contributions as services
from requests_app.services import reports as report_services
from tests.factories import MotionFactory, OrganizationFactory


@pytest.fixture
def motion(department, faction):
    return MotionFactory(
        faction=faction,
        registered=True,
        lead_department=department,
        title="Streifen am Wochenende",
        questions=["Wie oft wird gestreift?", "Was kostet das?"],
    )


@pytest.fixture
def author(prevention_office):
    return prevention_office


@pytest.fixture
def report(motion, author):
    return report_services.report_create(motion=motion, user=author)


@pytest.fixture
def police(db):
    return OrganizationFactory(name="Polizeidirektion Beispiel", kind="external")


@pytest.fixture
def other_department(db):
    return OrganizationFactory(name="Dezernat Soziales Test", kind="department")


@pytest.fixture
def contributor(make_user, police):
    return make_user(roles.CONTRIBUTOR, organizations=[police], email="streife@example.invalid")


@pytest.fixture
def outside_contributor(make_user):
    elsewhere = OrganizationFactory(name="Staatsanwaltschaft Test", kind="external")
    return make_user(roles.CONTRIBUTOR, organizations=[elsewhere])


@pytest.fixture
def signer(make_user, other_department):
    return make_user(roles.APPROVER, organizations=[other_department], email="soz@example.invalid")


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def requested(report, author, police):
    """An open request to the police for question 1, due in a week."""
    return services.contribution_request(
        report=report,
        user=author,
        organization=police,
        questions=list(report.motion.questions.filter(number=1)),
        due_date=in_days(7),
        message="Bitte um Ihre Einschätzung.",
    )


@pytest.fixture
def handed_in(requested, contributor):
    return services.contribution_hand_in(
        contribution=requested,
        user=contributor,
        version=requested.version,
        text="Die Polizei streift **zweimal** je Nacht.",
    )


@pytest.fixture
def cosign(report, author, other_department):
    return services.cosign_request(report=report, user=author, organization=other_department)
