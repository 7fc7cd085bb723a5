"""Deadlines by the calendar, extensions, a new lead department and interim replies (issue 15)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from requests_app import statistics
from requests_app.deadlines import default_due_date, next_working_day
from requests_app.models import MotionEvent
from requests_app.services import motions as services
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
Action = MotionEvent.Action


def test_a_due_date_on_a_saxon_holiday_or_weekend_moves_to_the_next_working_day(settings):
    settings.MOTION_ANSWER_PERIOD_DAYS = {"RA": 28, "IA": 28}
    # 04.12.2026 + 28 days = Friday 01.01.2027, New Year: the next working day is Monday 04.01.
    assert default_due_date("IA", datetime.date(2026, 12, 4)) == datetime.date(2027, 1, 4)
    assert next_working_day(datetime.date(2026, 11, 18)) == datetime.date(2026, 11, 19)  # BuB
    assert next_working_day(datetime.date(2026, 12, 5)) == datetime.date(2026, 12, 7)  # Sat
    assert next_working_day(datetime.date(2026, 12, 8)) == datetime.date(2026, 12, 8)
    assert default_due_date("BA", datetime.date(2026, 12, 4)) is None


def test_the_office_extends_the_deadline_and_the_original_stays(client, registered, office):
    original = registered.due_date
    new = original + datetime.timedelta(days=30)
    motion = services.motion_extend_deadline(
        motion=registered, user=office, due_date=new, reason="Zuarbeit der Polizei fehlt."
    )
    assert motion.due_date == next_working_day(new) and motion.original_due_date == original
    event = motion.events.get(action=Action.DEADLINE_EXTENDED)
    assert event.comment == "Zuarbeit der Polizei fehlt." and event.expected_date == motion.due_date
    page = client.get(motion.get_absolute_url()).text
    assert "ursprüngliche Frist" in page and original.strftime("%d.%m.%Y") in page
    assert "Zuarbeit der Polizei fehlt." not in page  # the reason stays internal


@pytest.mark.parametrize("days", [0, -5])
def test_an_extension_not_after_the_current_deadline_is_refused(registered, office, days):
    before = registered.due_date
    with pytest.raises(ValidationError, match="nach der bisherigen Frist"):
        services.motion_extend_deadline(
            motion=registered,
            user=office,
            due_date=before + datetime.timedelta(days=days),
            reason="Grund",
        )
    registered.refresh_from_db()
    assert registered.due_date == before
    assert not registered.events.filter(action=Action.DEADLINE_EXTENDED).exists()


def test_only_the_office_extends_and_a_reason_is_needed(registered, office, owner):
    later = registered.due_date + datetime.timedelta(days=10)
    with pytest.raises(PermissionDenied):
        services.motion_extend_deadline(motion=registered, user=owner, due_date=later, reason="x")
    with pytest.raises(ValidationError, match="Begründung"):
        services.motion_extend_deadline(motion=registered, user=office, due_date=later, reason=" ")


def test_the_extension_form_refuses_a_stale_version(client, registered, office):
    client.force_login(office)
    url = reverse("requests_app:motion_action", args=[registered.pk, "extend"])
    later = registered.due_date + datetime.timedelta(days=10)
    data = {"extend-due_date": later.isoformat(), "extend-reason": "Grund", "extend-version": "0"}
    client.post(url, data)
    registered.refresh_from_db()
    assert registered.original_due_date is None or registered.due_date != next_working_day(later)
    data["extend-version"] = str(registered.version)
    client.post(url, data)
    registered.refresh_from_db()
    assert registered.due_date == next_working_day(later)


def test_the_office_changes_the_lead_department_with_a_reason(registered, office):
    other = OrganizationFactory(name="Dezernat Soziales", kind="department")
    motion = services.motion_change_lead(
        motion=registered, user=office, lead_department=other, reason="Zuständigkeit Jugend."
    )
    assert motion.lead_department == other
    assert "Zuständigkeit Jugend." in motion.events.get(action=Action.LEAD_CHANGED).comment
    with pytest.raises(ValidationError):
        services.motion_change_lead(
            motion=motion, user=office, lead_department=other, reason="nochmal"
        )


def test_an_interim_reply_is_published_on_the_page_in_the_feed_and_counted(
    client, registered, prevention_office, owner
):
    expected = timezone.localdate() + datetime.timedelta(days=40)
    services.motion_interim_reply(
        motion=registered,
        user=prevention_office,
        text="Die Polizeidirektion liefert ihre Zahlen später.",
        expected_date=expected,
    )
    page = client.get(registered.get_absolute_url()).text
    assert "Zwischennachricht" in page and "Die Polizeidirektion liefert" in page
    assert expected.strftime("%d.%m.%Y") in page
    feed = client.get("/feeds/antraege/").text
    assert "Die Polizeidirektion liefert" in feed
    [total] = statistics.answer_statistics()[1]
    assert total.interim_replies == 1
    with pytest.raises(PermissionDenied):
        services.motion_interim_reply(
            motion=registered, user=owner, text="x", expected_date=expected
        )


def test_an_interim_reply_with_a_past_date_is_refused(registered, prevention_office):
    with pytest.raises(ValidationError, match="Vergangenheit"):
        services.motion_interim_reply(
            motion=registered,
            user=prevention_office,
            text="Später.",
            expected_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert not registered.events.filter(action=Action.INTERIM_REPLY).exists()


def test_statistics_count_the_extended_deadline(registered, office):
    past = timezone.localdate() - datetime.timedelta(days=2)
    type(registered).objects.filter(pk=registered.pk).update(due_date=past, original_due_date=past)
    registered.refresh_from_db()
    assert statistics.answer_statistics()[1][0].overdue == 1
    services.motion_extend_deadline(
        motion=registered,
        user=office,
        due_date=timezone.localdate() + datetime.timedelta(days=20),
        reason="Grund",
    )
    [total] = statistics.answer_statistics()[1]
    assert (total.overdue, total.open_within) == (0, 1)
