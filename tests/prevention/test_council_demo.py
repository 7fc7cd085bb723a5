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


def held_kpr_meetings():
    return Meeting.objects.filter(organization__short_name="KPR", state="held").order_by("start")


def test_demo_council_never_meets_at_weekends(demo):
    starts = Meeting.objects.filter(organization__short_name="KPR").values_list("start", flat=True)
    weekends = [start for start in starts if timezone.localtime(start).weekday() >= 5]
    assert weekends == []


def test_demo_minutes_differ_from_meeting_to_meeting(demo, client):
    meetings = list(held_kpr_meetings())
    assert len(meetings) > 10
    assert len({m.minutes for m in meetings}) == len(meetings)
    later = meetings[5]
    html = client.get(f"/praeventionsrat/sitzungen/{later.pk}/").content.decode()
    assert (
        "Niederschrift vom" in html and timezone.localtime(later.start).strftime("%d.%m.%Y") in html
    )
    # the measures running at the time are named in the minutes
    assert "Gemeinsame Präsenzstreifen von Polizei und Stadtordnungsdienst" in later.minutes
    assert "Beispieldaten" in later.minutes


def test_held_demo_meetings_have_a_public_pdf_attachment(demo, client):
    meeting = held_kpr_meetings().last()
    attachment = meeting.attachments.get()
    assert attachment.public and "Beispieldaten" in attachment.name
    html = client.get(f"/praeventionsrat/sitzungen/{meeting.pk}/").content.decode()
    url = f"/praeventionsrat/sitzungen/{meeting.pk}/anlagen/{attachment.pk}/"
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-") and b"%%EOF" in body[-32:]
    planned = Meeting.objects.filter(organization__short_name="KPR", state="planned").first()
    assert not planned.attachments.exists()


def test_loaddemo_moves_a_weekend_meeting_of_an_older_demo(demo):
    import datetime
    from zoneinfo import ZoneInfo

    from prevention.demo_minutes import DEMO_MARK

    monday = datetime.datetime(2023, 3, 13, 16, tzinfo=ZoneInfo("Europe/Berlin"))
    meeting = Meeting.objects.get(organization__short_name="KPR", start=monday)
    old_minutes = f"{DEMO_MARK}\n\n## Niederschrift vom 12.03.2023\n"
    Meeting.objects.filter(pk=meeting.pk).update(
        start=monday - datetime.timedelta(days=1), minutes=old_minutes
    )
    count = Meeting.objects.count()
    call_command("loaddemo")
    meeting.refresh_from_db()
    assert meeting.start == monday and Meeting.objects.count() == count
    assert meeting.minutes != old_minutes and "Montag, 13.03.2023" in meeting.minutes
