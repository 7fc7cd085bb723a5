"""The KPR's demo content: public facts, roles instead of invented names, idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.models import AgendaItem, Meeting, Membership, Organization
from prevention.models import Attendance, Funding, Measure, PreventionCouncil

pytestmark = pytest.mark.django_db
MODELS = (PreventionCouncil, Membership, Organization, Meeting, AgendaItem, Measure, Funding)


def snapshot():
    return {
        model.__name__: sorted(
            (row.pk, getattr(row, "modified", None)) for row in model._default_manager.all()
        )
        for model in (*MODELS, Attendance)
    }


def test_demo_council_has_the_public_facts(demo):
    profile = PreventionCouncil.objects.get()
    assert profile.organization.short_name == "KPR"
    assert profile.founded_on.isoformat() == "1998-02-04"
    assert profile.reconstituted_on.isoformat() == "2019-08-22"
    assert profile.chair_title == "Bürgermeister für Recht, Sicherheit und Umweltschutz"
    assert profile.office_building == "Weißes Haus"
    assert "Beispieldaten" in profile.demo_note


def test_demo_chair_is_a_role_without_an_invented_person(demo):
    chair = Membership.objects.get(organization__short_name="KPR", role="chair")
    assert chair.person is None
    assert chair.on_behalf_of.name == "Dezernat Recht, Sicherheit und Umweltschutz"
    members = set(
        Membership.objects.filter(organization__short_name="KPR").values_list(
            "on_behalf_of__name", flat=True
        )
    )
    assert {
        "Polizeidirektion Chemnitz",
        "Staatsanwaltschaft Chemnitz",
        "Dezernat Soziales",
        "Stadtordnungsdienst",
    } <= members


def test_demo_has_seven_working_groups_meetings_and_funded_measures(demo):
    assert Organization.objects.filter(kind="working_group", parent__short_name="KPR").count() == 7
    years = {m.start.year for m in Meeting.objects.filter(organization__short_name="KPR")}
    assert years == set(range(2019, 2028))
    assert AgendaItem.objects.filter(public=False).exists()
    kpr_meetings = Meeting.objects.filter(organization__short_name="KPR")
    past, upcoming = (
        kpr_meetings.filter(start__lt=timezone.now()),
        kpr_meetings.filter(start__gte=timezone.now()),
    )
    assert all(m.minutes and m.state == "held" for m in past)
    # The demo always has upcoming meetings: planned, without minutes.
    assert upcoming.exists()
    assert all(not m.minutes and m.state == "planned" for m in upcoming)
    assert Measure.objects.filter(demo_content=True).count() >= 7
    assert min(Funding.objects.values_list("year", flat=True)) == 2019
    assert Measure.objects.filter(districts__name="Zentrum").exists()


def test_second_demo_run_changes_nothing(demo):
    first = snapshot()
    call_command("loaddemo")
    assert snapshot() == first


def test_demo_pages_render(demo, client):
    assert client.get("/praeventionsrat/").status_code == 200
    meeting = Meeting.objects.filter(organization__short_name="KPR").first()
    html = client.get(f"/praeventionsrat/sitzungen/{meeting.pk}/").content.decode()
    assert "Nichtöffentlicher Teil" in html
    assert "Fördermittel- und Personalangelegenheiten" not in html
