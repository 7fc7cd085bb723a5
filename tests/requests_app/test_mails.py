"""requests_app/mails.py: every mail is German with German dates and absolute links, whatever
the language of the request that sent it."""

import datetime

import pytest
from django.utils import timezone, translation

from requests_app.services import motions as services

pytestmark = pytest.mark.django_db


def test_mails_sent_from_an_english_page_are_german(
    submitted, office, department, owner, prevention_office, mailoutbox, commit
):
    due = timezone.localdate() + datetime.timedelta(days=30)
    with translation.override("en"), commit():
        services.motion_register(
            motion=submitted, user=office, lead_department=department, due_date=due
        )
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    department_mail, owner_mail = by_address[prevention_office.email], by_address[owner.email]
    # a Ratsanfrage is an "Anfrage" (issue 19)
    assert department_mail.subject.startswith("Neue Anfrage in Ihrer Federführung: RA-")
    assert owner_mail.subject.startswith("Ihre Anfrage „")
    assert f"Frist: {due:%d.%m.%Y}" in department_mail.body
    assert "Neuer Status: in Bearbeitung." in owner_mail.body
    assert f"Frist: {due:%d.%m.%Y}" in owner_mail.body
    assert f"http://127.0.0.1:8000/arbeitsbereich/antraege/{submitted.pk}/" in owner_mail.body


def test_a_motion_without_due_date_says_so(
    faction, office, department, prevention_office, mailoutbox, commit
):
    from tests.factories import MotionFactory

    motion = MotionFactory(faction=faction, kind="BA", submitted=True)
    with commit():
        services.motion_register(motion=motion, user=office, lead_department=department)
    [department_mail] = [mail for mail in mailoutbox if mail.to == [prevention_office.email]]
    assert "Frist: keine" in department_mail.body
