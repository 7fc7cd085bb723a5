"""Staff pages for the council's master data: profile, members, working groups."""

import pytest
from django.urls import reverse

from portal.concurrency import rows_version, version_of
from portal.models import Membership, Organization
from prevention.models import PreventionCouncil
from tests.factories import MembershipFactory, OrganizationFactory, PreventionCouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, prevention_office):
    client.force_login(prevention_office)
    return client


@pytest.fixture
def profile():
    return PreventionCouncilFactory()


def profile_data(profile, **values):
    data = {
        "former_name": profile.former_name,
        "founded_on": "1998-02-04",
        "reconstituted_on": "2019-08-22",
        "chair_title": profile.chair_title,
        "office_building": "Weißes Haus",
        "version": version_of(profile),
    }
    data.update(values)
    return data


def test_profile_is_saved(office, profile):
    url = reverse("prevention:office_profile")
    response = office.post(url, profile_data(profile, mission="Neuer **Auftrag**"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.mission == "Neuer **Auftrag**"


def test_profile_reconstitution_before_founding_is_refused(office, profile):
    url = reverse("prevention:office_profile")
    response = office.post(url, profile_data(profile, reconstituted_on="1990-01-01"))
    assert "Neukonstituierung kann nicht vor der Gründung liegen" in response.content.decode()
    profile.refresh_from_db()
    assert profile.reconstituted_on.year == 2019


def test_stale_profile_is_refused(office, profile):
    url = reverse("prevention:office_profile")
    data = profile_data(profile)
    office.post(url, dict(data, chair_title="Erste"))
    response = office.post(url, dict(data, chair_title="Zweite"))
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    profile.refresh_from_db()
    assert profile.chair_title == "Erste"


def test_profile_is_created_for_an_existing_council_organization(office):
    kpr = OrganizationFactory(kind="prevention_council", name="KPR Test")
    response = office.post(
        reverse("prevention:office_profile"), {"chair_title": "Bürgermeister", "version": ""}
    )
    assert response.status_code == 302
    assert PreventionCouncil.objects.get().organization == kpr


def members_data(kpr, rows, **extra):
    existing = list(Membership.objects.filter(organization=kpr).order_by("role", "pk"))
    data = {
        "version": rows_version(Membership.objects.filter(organization=kpr)),
        "mitglied-TOTAL_FORMS": str(len(rows)),
        "mitglied-INITIAL_FORMS": str(len(existing)),
        "mitglied-MIN_NUM_FORMS": "0",
        "mitglied-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(rows):
        if index < len(existing):
            data[f"mitglied-{index}-id"] = existing[index].pk
        for key, value in values.items():
            data[f"mitglied-{index}-{key}"] = value
    data.update(extra)
    return data


def test_member_organisation_is_added_and_removed(office, profile):
    kpr = profile.organization
    police = OrganizationFactory(name="Polizeidirektion Chemnitz", kind="external")
    url = reverse("prevention:office_members")
    row = {"role": "member", "role_title": "Leitung", "on_behalf_of": police.pk}
    response = office.post(url, members_data(kpr, [dict(row, voting_right="on")]))
    assert response.status_code == 302
    membership = Membership.objects.get(organization=kpr)
    assert membership.on_behalf_of == police and membership.person is None
    office.post(url, members_data(kpr, [dict(row, DELETE="on")]))
    assert not Membership.objects.filter(organization=kpr).exists()
    assert Membership.all_objects.get(pk=membership.pk).deleted


def test_member_without_person_or_organisation_is_refused(office, profile):
    url = reverse("prevention:office_members")
    response = office.post(url, members_data(profile.organization, [{"role": "member"}]))
    assert "braucht eine Person oder eine entsendende Organisation" in response.content.decode()
    assert not Membership.objects.exists()


def test_stale_members_form_is_refused(office, profile):
    kpr = profile.organization
    url = reverse("prevention:office_members")
    stale = members_data(kpr, [])
    MembershipFactory(organization=kpr)  # someone else adds a member meanwhile
    police = OrganizationFactory(kind="external")
    stale.update(
        {
            "mitglied-TOTAL_FORMS": "1",
            "mitglied-0-role": "member",
            "mitglied-0-on_behalf_of": police.pk,
        }
    )
    response = office.post(url, stale)
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    assert Membership.objects.filter(organization=kpr).count() == 1


def test_working_group_is_created_under_the_council(office, profile, client):
    url = reverse("prevention:office_working_groups")
    data = {
        "version": rows_version(Organization.objects.none()),
        "ag-TOTAL_FORMS": "1",
        "ag-INITIAL_FORMS": "0",
        "ag-MIN_NUM_FORMS": "0",
        "ag-MAX_NUM_FORMS": "1000",
        "ag-0-name": "AG Sucht",
        "ag-0-short_name": "Sucht",
    }
    assert office.post(url, data).status_code == 302
    group = Organization.objects.get(name="AG Sucht")
    assert (group.kind, group.parent) == ("working_group", profile.organization)
    office.logout()
    assert "AG Sucht" in client.get(reverse("prevention:council")).content.decode()


def test_members_page_is_404_without_a_council(office):
    assert office.get(reverse("prevention:office_members")).status_code == 404
