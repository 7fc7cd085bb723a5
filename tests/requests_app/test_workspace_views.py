"""The work area's motion pages, tried as owner, colleague, other faction, office, department."""

import pytest
from django.urls import reverse

from requests_app.models import Motion
from tests.factories import MeetingFactory, MotionFactory

pytestmark = pytest.mark.django_db


def detail_url(motion):
    return reverse("requests_app:workspace_motion", kwargs={"pk": motion.pk})


def edit_url(motion):
    return reverse("requests_app:motion_edit", kwargs={"pk": motion.pk})


def action_url(motion, action):
    return reverse("requests_app:motion_action", kwargs={"pk": motion.pk, "action": action})


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("other_faction_member", 404),
        ("office", 200),
        ("prevention_office", 404),
        ("anonymous", 302),
    ],
)
def test_draft_detail_is_only_for_faction_and_office(draft, as_persona, persona, status):
    response = as_persona(persona).get(detail_url(draft))
    assert response.status_code == status
    if status == 200:
        assert "Entwurf Radwege" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("other_faction_member", 404),
        ("office", 403),
        ("prevention_office", 404),
        ("anonymous", 302),
    ],
)
def test_draft_edit_page_is_only_for_the_faction(draft, as_persona, persona, status):
    assert as_persona(persona).get(edit_url(draft)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("other_faction_member", 404),
        ("office", 200),
        ("prevention_office", 200),
        ("anonymous", 302),
    ],
)
def test_registered_motion_is_open_to_its_lead_department(registered, as_persona, persona, status):
    assert as_persona(persona).get(detail_url(registered)).status_code == status


@pytest.mark.parametrize("persona", ["owner", "colleague", "office", "prevention_office"])
def test_registered_motion_cannot_be_edited_by_anyone(registered, as_persona, persona):
    assert as_persona(persona).get(edit_url(registered)).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_faction_member", 404),
        ("prevention_office", 404),
        ("office", 403),
        ("anonymous", 302),
    ],
)
def test_outsiders_cannot_submit_a_draft(draft, as_persona, persona, status):
    assert as_persona(persona).post(action_url(draft, "submit")).status_code == status
    draft.refresh_from_db()
    assert draft.status == Motion.Status.DRAFT


def test_detail_offers_only_the_allowed_actions(draft, submitted, as_persona):
    html = as_persona("owner").get(detail_url(draft)).content.decode()
    assert "Anfrage einreichen" in html and "Entwurf bearbeiten" in html  # a Ratsanfrage
    assert "Registrieren" not in html
    html = as_persona("office").get(detail_url(draft)).content.decode()
    assert "Anfrage einreichen" not in html and "Registrieren" not in html
    html = as_persona("office").get(detail_url(submitted)).content.decode()
    assert "Registrieren" in html and "Zurückgeben" in html and "Zurückweisen" in html
    assert "Anfrage einreichen" not in html


# --- the motion form ----------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "kind": "RA",
        "title": "Beleuchtung Stadthallenpark",
        "text": "Wir fragen:",
        "reasoning": "",
        "version": "",
        "fragen-TOTAL_FORMS": "2",
        "fragen-INITIAL_FORMS": "0",
        "fragen-MIN_NUM_FORMS": "0",
        "fragen-MAX_NUM_FORMS": "1000",
        "fragen-0-text": "Wie viele Leuchten sind defekt?",
        "fragen-1-text": "Wann werden sie ersetzt?",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_member_creates_a_draft_with_questions(as_persona, owner, faction):
    client = as_persona("owner")
    assert client.get(reverse("requests_app:motion_create")).status_code == 200
    response = client.post(
        reverse("requests_app:motion_create"), form_data(faction=faction.pk), follow=True
    )
    motion = Motion.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(motion)
    assert "Der Entwurf wurde gespeichert." in response.content.decode()
    assert motion.status == "draft" and motion.faction == faction
    assert [q.text for q in motion.questions.all()] == [
        "Wie viele Leuchten sind defekt?",
        "Wann werden sie ersetzt?",
    ]


def test_create_without_title_shows_the_error_summary(as_persona, faction):
    response = as_persona("owner").post(
        reverse("requests_app:motion_create"), form_data(faction=faction.pk, title="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte korrigieren Sie Ihre Eingaben" in html
    assert 'href="#id_title"' in html
    assert not Motion.objects.exists()


def test_create_for_another_faction_is_refused(as_persona, other_faction_member):
    from tests.factories import OrganizationFactory

    foreign = OrganizationFactory(kind="faction")
    response = as_persona("owner").post(
        reverse("requests_app:motion_create"), form_data(faction=foreign.pk)
    )
    assert response.status_code == 200
    assert "Auswahl" in response.content.decode()  # not one of the choices
    assert not Motion.objects.exists()


def test_create_page_for_member_without_faction_explains(client, make_user):
    client.force_login(make_user("council_member"))
    html = client.get(reverse("requests_app:motion_create")).content.decode()
    assert "keine Fraktion zugeordnet" in html


def test_add_question_button_adds_a_row_without_saving(as_persona, faction):
    data = form_data(faction=faction.pk, add_question="1")
    del data["save"]
    html = as_persona("owner").post(reverse("requests_app:motion_create"), data).content.decode()
    assert 'name="fragen-2-text"' in html and "Frage 3" in html
    assert "Wann werden sie ersetzt?" in html
    assert not Motion.objects.exists()


def test_preview_renders_markdown_without_saving(as_persona, faction):
    data = form_data(faction=faction.pk, text="**wichtig** <script>alert(1)</script>", preview="1")
    del data["save"]
    html = as_persona("owner").post(reverse("requests_app:motion_create"), data).content.decode()
    assert "<strong>wichtig</strong>" in html
    assert "<script>alert(1)" not in html
    assert not Motion.objects.exists()


def test_edit_removes_a_question_and_renumbers(draft, as_persona):
    draft.questions.all().delete()
    for n, text in enumerate(["Eins?", "Zwei?", "Drei?"], start=1):
        draft.questions.create(number=n, text=text)
    data = form_data(
        version=draft.version,
        **{
            "fragen-TOTAL_FORMS": "3",
            "fragen-INITIAL_FORMS": "3",
            "fragen-0-text": "Eins?",
            "fragen-1-text": "Zwei?",
            "fragen-1-DELETE": "on",
            "fragen-2-text": "Drei?",
        },
    )
    response = as_persona("colleague").post(edit_url(draft), data)
    assert response.status_code == 302
    assert [(q.number, q.text) for q in draft.questions.all()] == [(1, "Eins?"), (2, "Drei?")]


def test_second_save_of_a_stale_form_is_refused_and_overwrites_nothing(draft, as_persona):
    opened = draft.version
    first = as_persona("owner").post(edit_url(draft), form_data(version=opened, title="Erste"))
    assert first.status_code == 302
    second = as_persona("colleague").post(
        edit_url(draft), form_data(version=opened, title="Zweite")
    )
    html = second.content.decode()
    assert second.status_code == 200
    assert "Jemand anderes hat diesen Eintrag gespeichert" in html
    assert 'value="Zweite"' in html  # the colleague's input is still in the form
    draft.refresh_from_db()
    assert draft.title == "Erste"


# --- actions ------------------------------------------------------------------------------------


def test_owner_submits_and_sees_the_message(draft, as_persona):
    response = as_persona("owner").post(
        action_url(draft, "submit"), {"submit-confirm": "on"}, follow=True
    )
    assert "Die Anfrage wurde eingereicht. Sie ist jetzt öffentlich." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_submit_without_questions_shows_the_german_error(draft, as_persona):
    draft.questions.all().delete()
    response = as_persona("owner").post(
        action_url(draft, "submit"), {"submit-confirm": "on"}, follow=True
    )
    assert "mindestens eine Frage" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_office_registers_from_the_detail_page(submitted, as_persona, department):
    response = as_persona("office").post(
        action_url(submitted, "register"),
        {"register-lead_department": department.pk, "register-due_date": ""},
        follow=True,
    )
    html = response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "registered"
    assert submitted.reference in html and "Die Anfrage wurde registriert." in html


def test_return_without_reason_shows_the_error_summary(submitted, as_persona):
    response = as_persona("office").post(action_url(submitted, "return"), {"return-reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte korrigieren Sie Ihre Eingaben" in html and 'href="#id_return-reason"' in html
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_office_records_a_ba_decision(as_persona, faction):
    motion = MotionFactory(faction=faction, kind="BA", registered=True)
    meeting = MeetingFactory()
    as_persona("office").post(
        action_url(motion, "treat"),
        {
            "treat-meeting": meeting.pk,
            "treat-agenda_number": "Ö 4",
            "treat-decision": "rejected",
            "treat-votes_yes": "10",
            "treat-votes_no": "40",
            "treat-votes_abstain": "2",
        },
    )
    motion.refresh_from_db()
    assert (motion.meeting, motion.decision, motion.votes_no) == (meeting, "rejected", 40)


def test_unknown_action_is_404(draft, as_persona):
    assert as_persona("owner").post(action_url(draft, "explode")).status_code == 404


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_shows_my_factions_motions_with_deadline_light(
    draft, registered, as_persona, other_faction_member
):
    MotionFactory(faction=other_faction_member.organizations.get(), title="Fremder Entwurf")
    html = as_persona("colleague").get(reverse("ratsportal:workspace")).content.decode()
    assert "Meine Anträge" in html
    assert "Entwurf Radwege" in html and "Registriert Licht" in html
    assert "Fremder Entwurf" not in html
    assert "noch 20 Tage" in html


def test_dashboard_shows_the_office_inbox(submitted, draft, as_persona):
    html = as_persona("office").get(reverse("ratsportal:workspace")).content.decode()
    assert "Posteingang des Ratsbüros" in html
    assert "Eingereicht Parks" in html
    assert "Entwurf Radwege" not in html


def test_dashboard_shows_the_departments_motions(registered, submitted, as_persona):
    html = as_persona("prevention_office").get(reverse("ratsportal:workspace")).content.decode()
    assert "Anträge in Federführung Ihres Dezernats" in html
    assert "Registriert Licht" in html and "noch 20 Tage" in html
    assert "Eingereicht Parks" not in html
    assert "Meine Anträge" not in html


def test_dashboard_query_count_does_not_grow(client, owner, faction, django_assert_max_num_queries):
    client.force_login(owner)
    for _ in range(3):
        MotionFactory(faction=faction, registered=True)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("ratsportal:workspace"))
    for _ in range(30):
        MotionFactory(faction=faction, registered=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("ratsportal:workspace"))


def test_office_dashboard_lists_open_registered_motions(registered, faction, as_persona):
    MotionFactory(faction=faction, registered=True, confidential=True, title="Vertraulich offen")
    html = as_persona("office").get(reverse("ratsportal:workspace")).content.decode()
    assert "Registrierte Anträge ohne Antwort" in html
    assert "Registriert Licht" in html and "Vertraulich offen" in html


@pytest.mark.parametrize(("persona", "shown"), [("owner", True), ("anonymous", False)])
def test_public_detail_links_insiders_to_the_work_area(registered, as_persona, persona, shown):
    html = as_persona(persona).get(registered.get_absolute_url()).content.decode()
    assert ("Im Arbeitsbereich öffnen" in html) is shown


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("other_faction_member", 200),
        ("office", 403),
        ("prevention_office", 403),
        ("anonymous", 302),
    ],
)
def test_only_council_members_open_the_new_motion_form(as_persona, persona, status):
    assert as_persona(persona).get(reverse("requests_app:motion_create")).status_code == status


def test_my_motions_list_editable_drafts_first(registered, draft, as_persona):
    registered.title = "Zuletzt geändert"
    registered.save()  # newer than the draft, still listed after it
    html = as_persona("owner").get(reverse("ratsportal:workspace")).content.decode()
    assert html.index("Entwurf Radwege") < html.index("Zuletzt geändert")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Laterne\x0b\x01", "Steuerzeichen"),
        ("title", "Laterne\r\nBcc: alle@example.org", "ohne Zeilenumbruch"),
        ("text", "Wir fragen:\x00", "Nullzeichen"),  # Django's own check comes first
        ("fragen-0-text", "Wie viele?\x1b[31m", "Steuerzeichen"),
    ],
)
def test_control_characters_are_refused_with_a_german_message(
    as_persona, faction, field, value, message
):
    response = as_persona("owner").post(
        reverse("requests_app:motion_create"), form_data(faction=faction.pk, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Motion.objects.exists()


def test_the_feed_survives_a_control_character_saved_before_the_check(client):
    motion = MotionFactory(submitted=True, title="Laterne")
    Motion.all_objects.filter(pk=motion.pk).update(title="Laterne\x0b\x01", text="Text\x0b")
    response = client.get(reverse("requests_app:feed_motions"))
    assert response.status_code == 200
    assert "Laterne" in response.content.decode()


def test_the_office_work_area_shows_the_most_urgent_motions_and_links_to_all(
    as_persona, department, django_assert_max_num_queries
):
    """Years of motions must not make the work area a megabyte page: each list shows the first
    50, earliest deadline first, says how many there are and links to the full list."""
    from requests_app.workspace import LIMIT

    MotionFactory.create_batch(LIMIT + 5, registered=True, lead_department=department)
    client = as_persona("office")
    with django_assert_max_num_queries(25):
        page = client.get(reverse("ratsportal:workspace")).content.decode()
    assert f"Die ersten {LIMIT} von {LIMIT + 5}." in page
    assert "/antraege/?status=registered" in page
    assert page.count('class="motion-table') <= 3
    section = page.split('id="offene-antraege"')[1].split("</section>")[0]
    assert section.count("<tr>") == LIMIT + 1  # header row and 50 motions


# --- the lists the work area shares (rendered once per data version, issue 20) -------------------


def workspace_section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"')[1].split("</section>")[0]


@pytest.mark.parametrize("persona", ["office", "prevention_office"])
def test_the_work_area_query_count_does_not_grow_with_the_motions(
    as_persona, department, persona, django_assert_max_num_queries
):
    from requests_app.workspace import LIMIT

    MotionFactory.create_batch(LIMIT + 1, registered=True, lead_department=department)
    MotionFactory.create_batch(LIMIT + 1, submitted=True)
    client = as_persona(persona)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("ratsportal:workspace"))
    MotionFactory.create_batch(20, registered=True, lead_department=department)
    MotionFactory.create_batch(20, submitted=True)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(reverse("ratsportal:workspace")).content.decode()
    assert f"Die ersten {LIMIT} von {LIMIT + 21}." in page


@pytest.mark.parametrize(
    ("persona", "heading_id"),
    [
        ("office", "posteingang"),
        ("office", "offene-antraege"),
        ("prevention_office", "federfuehrung"),
    ],
)
def test_the_shared_lists_are_read_once_per_data_version(
    as_persona, submitted, registered, persona, heading_id
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_persona(persona)
    first = client.get(reverse("ratsportal:workspace")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("ratsportal:workspace")).content.decode()
    assert workspace_section(again, heading_id) == workspace_section(first, heading_id)
    assert not [query for query in queries if 'FROM "requests_app_motion"' in query["sql"]]


def test_the_office_lists_are_never_stale_after_a_registration(
    as_persona, submitted, office, department
):
    from requests_app.services.motions import motion_register

    client = as_persona("office")
    page = client.get(reverse("ratsportal:workspace")).content.decode()
    assert "Eingereicht Parks" in workspace_section(page, "posteingang")
    motion_register(motion=submitted, user=office, lead_department=department)
    page = client.get(reverse("ratsportal:workspace")).content.decode()
    assert "Eingereicht Parks" not in workspace_section(page, "posteingang")
    assert "Eingereicht Parks" in workspace_section(page, "offene-antraege")
    page = as_persona("prevention_office").get(reverse("ratsportal:workspace")).content.decode()
    assert "Eingereicht Parks" in workspace_section(page, "federfuehrung")


def test_the_shared_lists_follow_the_language_and_the_day(as_persona, registered):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    client = as_persona("prevention_office")
    assert "noch 20 Tage" in client.get(reverse("ratsportal:workspace")).content.decode()
    client.cookies["django_language"] = "en"
    assert "20 days left" in client.get(reverse("ratsportal:workspace")).content.decode()
    del client.cookies["django_language"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        assert "noch 19 Tage" in client.get(reverse("ratsportal:workspace")).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("prevention_office", "draft"), ("approver", "in_review")]
)
def test_the_report_lists_query_count_does_not_grow_with_the_reports(
    as_persona, department, persona, status, django_assert_max_num_queries
):
    from tests.factories import AnswerReportFactory

    def reports(count: int) -> None:
        for _ in range(count):
            motion = MotionFactory(registered=True, lead_department=department)
            AnswerReportFactory(motion=motion, status=status, title=f"Bericht {motion.pk}")

    reports(2)
    client = as_persona(persona)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("ratsportal:workspace"))
    reports(5)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(reverse("ratsportal:workspace")).content.decode()
    assert page.count(">Bericht ") == 7
