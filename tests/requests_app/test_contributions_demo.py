"""The demo's contributor accounts and requests (requests_app/demo_contributions.py)."""

import io

import pytest
from django.urls import reverse

from portal.models import User
from requests_app import demo_contributions
from requests_app.models import ContributionRequest, MotionEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo):
    demo_contributions.load(stdout=io.StringIO())


def test_police_account_sees_its_open_request_only(loaded, client):
    police = User.objects.get(username="polizei")
    assert police.check_password("demo") and police.has_role("contributor")
    client.force_login(police)
    workspace = client.get(reverse("ratsportal:workspace")).content.decode()
    request = ContributionRequest.objects.get(organization__name="Polizeidirektion Chemnitz")
    assert request.get_absolute_url() in workspace
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Zuarbeit einreichen" in page
    assert client.get(request.report.get_workspace_url()).status_code == 404


def test_the_stadtordnungsdienst_has_handed_in(loaded):
    contribution = ContributionRequest.objects.get(organization__name="Stadtordnungsdienst")
    assert contribution.is_handed_in and "(Beispieldaten)" in contribution.text
    assert contribution.handed_in_by.username == "ordnungsdienst"


def test_loading_twice_changes_nothing(loaded):
    counts = (
        ContributionRequest.objects.count(),
        MotionEvent.objects.count(),
        User.objects.count(),
    )
    demo_contributions.load(stdout=io.StringIO())
    assert counts == (
        ContributionRequest.objects.count(),
        MotionEvent.objects.count(),
        User.objects.count(),
    )
    assert demo_contributions.accounts_summary() == [
        ("polizei", "Zuarbeit, Polizeidirektion Chemnitz"),
        ("ordnungsdienst", "Zuarbeit, Stadtordnungsdienst"),
    ]
