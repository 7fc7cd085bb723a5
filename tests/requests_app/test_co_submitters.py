"""Co-submitters (issue 15): a motion can have several submitters of the faction; all are named
on its page and all get its e-mails. Only council members of the motion's faction qualify."""

import re

import pytest

from portal import roles
from requests_app.models import Motion
from requests_app.services.motions import motion_submit
from tests.factories import OrganizationFactory, PersonFactory
from tests.requests_app.test_forms_and_flows import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(make_user, faction):
    def member(given, family, email, factions=(faction,)):
        return make_user(
            roles.COUNCIL_MEMBER,
            organizations=list(factions),
            email=email,
            person=PersonFactory(given_name=given, family_name=family, public=True),
        )

    other = OrganizationFactory(kind="faction", name="Andere Fraktion")
    return {
        "author": member("Anna", "Autorin", "anna@example.org"),
        "colleague": member("Bernd", "Beispiel", "bernd@example.org"),
        "stranger": member("Carla", "Fremd", "carla@example.org", factions=(other,)),
    }


def test_the_author_names_a_colleague_who_then_gets_the_motions_mails(
    client, members, faction, mailoutbox, django_capture_on_commit_callbacks
):
    author, colleague = members["author"], members["colleague"]
    client.force_login(author)
    page = client.get("/arbeitsbereich/antraege/neu/").content.decode()
    assert "Bernd Beispiel" in page and "Carla Fremd" not in page
    assert "Anna Autorin" not in page.split("Miteinreichende", 1)[1].split("</fieldset>")[0]

    data = form_data(faction=faction.pk, co_submitters=[colleague.person_id])
    response = client.post("/arbeitsbereich/antraege/neu/", data)
    assert response.status_code == 302
    motion = Motion.objects.get(title="Beleuchtung Stadthallenpark")
    assert set(motion.submitters.all()) == {author.person, colleague.person}

    with django_capture_on_commit_callbacks(execute=True):
        motion_submit(motion=motion, user=author)
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert {"anna@example.org", "bernd@example.org"} <= recipients
    assert "carla@example.org" not in recipients
    public = client.get(motion.get_absolute_url()).content.decode()
    assert "Anna Autorin" in public and "Bernd Beispiel" in public


def test_someone_outside_the_faction_cannot_be_named_and_nothing_is_saved(client, members, faction):
    client.force_login(members["author"])
    data = form_data(faction=faction.pk, co_submitters=[members["stranger"].person_id])
    response = client.post("/arbeitsbereich/antraege/neu/", data)
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    assert not Motion.objects.exists()


def test_the_service_refuses_a_stranger_in_german(members, faction):
    from django.core.exceptions import ValidationError

    from requests_app.services.motions import motion_create

    with pytest.raises(ValidationError, match="Nur Ratsmitglieder der Fraktion"):
        motion_create(
            user=members["author"],
            faction=faction,
            kind="RA",
            title="Test",
            co_submitters=[members["stranger"].person],
        )
    assert not Motion.objects.exists()


def test_editing_keeps_or_changes_the_co_submitters(client, members, faction):
    author, colleague = members["author"], members["colleague"]
    client.force_login(author)
    client.post(
        "/arbeitsbereich/antraege/neu/",
        form_data(faction=faction.pk, co_submitters=[colleague.person_id]),
    )
    motion = Motion.objects.get()
    edit = client.get(f"/arbeitsbereich/antraege/{motion.pk}/bearbeiten/").content.decode()
    assert re.search(rf'name="co_submitters" value="{colleague.person_id}"[^>]*checked', edit)
    data = form_data(version=str(motion.version))
    client.post(f"/arbeitsbereich/antraege/{motion.pk}/bearbeiten/", data)
    assert list(Motion.objects.get().submitters.all()) == [author.person]
