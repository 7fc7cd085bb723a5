"""manage.py send_deadline_reminders: amber and red motions, once per motion and light."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from requests_app.services.motions import deadline_reminders_send
from tests.factories import MotionFactory

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("send_deadline_reminders", stdout=out)
    return out.getvalue()


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_reminds_amber_and_red_motions_once(
    faction, department, prevention_office, mailoutbox, django_capture_on_commit_callbacks
):
    MotionFactory(
        faction=faction, registered=True, lead_department=department, due_date=in_days(30)
    )
    amber = MotionFactory(
        faction=faction, registered=True, lead_department=department, due_date=in_days(5)
    )
    red = MotionFactory(
        faction=faction, registered=True, lead_department=department, due_date=in_days(-3)
    )
    answered = MotionFactory(
        faction=faction, registered=True, lead_department=department, due_date=in_days(-3)
    )
    answered.status = "answered"
    answered.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert "2 Erinnerung(en) versandt." in run()
    assert sorted(m.subject for m in mailoutbox) == sorted(
        [f"Frist läuft ab: {amber.reference}", f"Frist überschritten: {red.reference}"]
    )
    assert all(m.to == [prevention_office.email] for m in mailoutbox)
    assert "http://" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assert "0 Erinnerung(en) versandt." in run()
    assert len(mailoutbox) == 2


def test_an_amber_motion_is_reminded_again_when_it_turns_red(
    faction, department, prevention_office, mailoutbox, django_capture_on_commit_callbacks
):
    motion = MotionFactory(
        faction=faction, registered=True, lead_department=department, due_date=in_days(2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send() == 1
        assert deadline_reminders_send(today=in_days(1)) == 0  # still amber
        assert deadline_reminders_send(today=in_days(3)) == 1  # now red
        assert deadline_reminders_send(today=in_days(10)) == 0
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        "Frist läuft ab",
        "Frist überschritten",
    ]
    assert motion.reminders.count() == 2
