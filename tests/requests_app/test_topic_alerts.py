"""Alerts by topic (issue 15): new motions or answers of one faction, one lead department,
naming one district, or containing a keyword, with the same double opt-in as every alert."""

import re

import pytest

from portal import roles
from prevention.models import District
from prevention.models.districts import load_districts
from requests_app import alerts
from requests_app.models import AlertSubscription
from requests_app.services.motions import motion_submit
from tests.factories import (
    AlertSubscriptionFactory,
    AnswerReportFactory,
    MotionFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zentrum():
    load_districts()
    return District.objects.get(name="Zentrum")


def _subscribe(client, commit, **data):
    payload = {"email": "leser@example.org", "topic": alerts.MOTIONS, **data}
    with commit(execute=True):
        return client.post("/benachrichtigungen/", payload)


def test_a_keyword_alert_is_confirmed_and_then_mails_matching_new_motions_only(
    client, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    response = _subscribe(client, django_capture_on_commit_callbacks, keyword="Straßenbeleuchtung")
    assert response.status_code == 302
    [confirmation] = mailoutbox
    assert "neue Anträge und Anfragen mit dem Stichwort „straßenbeleuchtung“" in confirmation.body
    confirm = re.search(r"https?://\S+(/benachrichtigungen/bestaetigen/\S+/)", confirmation.body)
    client.post(confirm.group(1))

    faction = OrganizationFactory(kind="faction")
    member = make_user(roles.COUNCIL_MEMBER, organizations=[faction])
    wanted = MotionFactory(
        faction=faction, title="Mehr Licht", text="Die Strassenbeleuchtung im Park …"
    )
    unwanted = MotionFactory(faction=faction, title="Spielplatz", text="Neue Schaukeln")
    with django_capture_on_commit_callbacks(execute=True):
        motion_submit(motion=wanted, user=member)
        motion_submit(motion=unwanted, user=member)
    assert len(mailoutbox) == 2
    alert = mailoutbox[-1]
    assert alert.subject == "Neu eingereicht: Mehr Licht"
    assert wanted.get_absolute_url() in alert.body
    assert alert.extra_headers["List-Unsubscribe"].startswith("<http")


def test_answer_alerts_follow_faction_department_and_district(
    mailoutbox, django_capture_on_commit_callbacks, zentrum
):
    faction, other_faction = (
        OrganizationFactory(kind="faction"),
        OrganizationFactory(kind="faction"),
    )
    department = OrganizationFactory(kind="department")
    motion = MotionFactory(
        registered=True,
        faction=faction,
        lead_department=department,
        title="Videoschutz",
        questions=["Wie oft wurde im Zentrum kontrolliert?"],
    )
    AnswerReportFactory(motion=motion, publish=True)
    AlertSubscriptionFactory(email="fraktion@example.org", faction=faction)
    AlertSubscriptionFactory(email="andere@example.org", faction=other_faction)
    AlertSubscriptionFactory(email="dezernat@example.org", department=department)
    AlertSubscriptionFactory(email="stadtteil@example.org", district=zentrum)
    AlertSubscriptionFactory(email="antraege@example.org", scope="motions")  # not answers
    AlertSubscriptionFactory(email="wort@example.org", keyword="hundewiese")
    with django_capture_on_commit_callbacks(execute=True):
        alerts.notify_report_published(motion_pk=motion.pk, title="Antwort", url="/b/")
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "dezernat@example.org",
        "fraktion@example.org",
        "stadtteil@example.org",
    ]
    district_mail = next(m for m in mailoutbox if m.to == ["stadtteil@example.org"])
    assert "die den Stadtteil Zentrum nennen" in district_mail.body


def test_a_confidential_or_draft_motion_alerts_nobody(
    make_user, mailoutbox, django_capture_on_commit_callbacks
):
    AlertSubscriptionFactory(email="alles@example.org", scope="motions")
    hidden = MotionFactory(registered=True, confidential=True)
    draft = MotionFactory()
    assert alerts.recipients(hidden.pk, alerts.Scope.MOTIONS) == []
    assert alerts.recipients(draft.pk, alerts.Scope.MOTIONS) == []
    with django_capture_on_commit_callbacks(execute=True):
        alerts.notify_motion_submitted(motion_pk=hidden.pk)
        alerts.notify_motion_submitted(motion_pk=draft.pk)
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"keyword": "ab"}, "mindestens drei Zeichen"),
        ({"keyword": "Park", "district": "zentrum"}, "höchstens eine Einschränkung"),
        ({"department": "dezernat"}, "nur für Antworten"),
    ],
)
def test_a_topic_nobody_could_be_alerted_about_is_refused_in_german(
    client, mailoutbox, django_capture_on_commit_callbacks, zentrum, data, message
):
    department = OrganizationFactory(kind="department")
    values = {"zentrum": zentrum.pk, "dezernat": department.pk}
    data = {key: values.get(value, value) for key, value in data.items()}
    response = _subscribe(client, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AlertSubscription.objects.exists()
    assert mailoutbox == []


def test_the_same_topic_twice_is_one_subscription_and_other_topics_are_separate(
    django_capture_on_commit_callbacks,
):
    faction = OrganizationFactory(kind="faction")
    with django_capture_on_commit_callbacks(execute=True):
        for topic in [
            alerts.Topic(scope="motions", keyword="Park"),
            alerts.Topic(scope="motions", keyword=" park "),
            alerts.Topic(scope="motions", faction=faction),
            alerts.Topic(scope="answers", faction=faction),
        ]:
            alerts.alert_subscribe(email="a@example.org", motion=None, topic=topic)
    assert sorted(AlertSubscription.objects.values_list("topic_key", flat=True)) == [
        f"answers;faction={faction.pk}",
        f"motions;faction={faction.pk}",
        "motions;keyword=park",
    ]


def test_the_subscribe_page_offers_topics_and_narrowings(client, zentrum):
    page = client.get("/benachrichtigungen/").content.decode()
    for text in ["neu eingereichten Anträgen und Anfragen", "nur mit diesem Stichwort", "Zentrum"]:
        assert text in page


def test_a_faction_page_links_the_alert_for_its_new_motions(client):
    faction = OrganizationFactory(kind="faction", name="Fraktion Licht")
    MotionFactory(registered=True, faction=faction)
    page = client.get(f"/benachrichtigungen/?faction={faction.pk}").content.decode()
    assert re.search(rf'<option value="{faction.pk}" selected>Fraktion Licht</option>', page)
    assert re.search(rf'value="{alerts.MOTIONS}"[^>]*checked', page)
