"""Forms and flows of issue 19: preview, focus after "weitere Frage" and errors, the
confirmation before submitting, deleting a draft, the word per kind, the returned and rejected
notices, a stale save saved deliberately on top."""

import re

import pytest
from django.urls import reverse

from portal import roles
from requests_app.models import Motion
from requests_app.services import motions as motion_services
from requests_app.services import reports as report_services
from tests.factories import AnswerReportFactory, MotionFactory

pytestmark = pytest.mark.django_db

NEW = reverse("requests_app:motion_create")


def detail_url(motion):
    return reverse("requests_app:workspace_motion", kwargs={"pk": motion.pk})


def edit_url(motion):
    return reverse("requests_app:motion_edit", kwargs={"pk": motion.pk})


def action_url(motion, action):
    return reverse("requests_app:motion_action", kwargs={"pk": motion.pk, "action": action})


def form_data(**overrides):
    data = {
        "kind": "RA",
        "title": "Beleuchtung Stadthallenpark",
        "text": "Wir fragen **dringend**:",
        "reasoning": "Weil es *dunkel* ist.",
        "version": "",
        "fragen-TOTAL_FORMS": "3",
        "fragen-INITIAL_FORMS": "0",
        "fragen-MIN_NUM_FORMS": "0",
        "fragen-MAX_NUM_FORMS": "1000",
        "fragen-0-text": "Wie viele Leuchten sind defekt?",
        "fragen-1-text": "Wann werden sie ersetzt?",
        "fragen-2-text": "Was kostet das?",
        "save": "1",
    }
    data.update(overrides)
    return data


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


def element_with(html: str, marker: str) -> str:
    """The start tag of the element carrying `marker` (an id or name attribute)."""
    return re.search(rf"<[^>]*{re.escape(marker)}[^>]*>", html)[0]


# --- preview and focus ----------------------------------------------------------------------


def test_preview_shows_title_questions_and_text_above_the_form(as_persona, faction):
    data = form_data(faction=faction.pk, preview="1")
    del data["save"]
    html = as_persona("owner").post(NEW, data).content.decode()
    preview = html[html.index('id="vorschau-bereich"') : html.index('id="formular"')]
    assert "Beleuchtung Stadthallenpark" in preview
    assert "<strong>dringend</strong>" in preview and "<em>dunkel</em>" in preview
    for question in ("Wie viele Leuchten sind defekt?", "Wann werden sie ersetzt?", "Was kostet"):
        assert question in preview
    assert html.index("Antragstext") < html.index("Wie viele") < html.index("Weil es")
    tag = element_with(html, 'id="vorschau-bereich"')
    assert 'tabindex="-1"' in tag and "autofocus" in tag  # the page goes to the preview
    assert not Motion.objects.exists()


def test_add_question_focuses_the_new_field_and_shows_no_errors_yet(as_persona, faction):
    data = form_data(faction=faction.pk, title="", add_question="1")
    del data["save"]
    html = as_persona("owner").post(NEW, data).content.decode()
    assert "autofocus" in element_with(html, 'name="fragen-3-text"')
    assert "autofocus" not in element_with(html, 'name="fragen-0-text"')
    assert "error-summary" not in html and not title_of(html).startswith("Fehler")
    assert "Was kostet das?" in html


def test_add_question_with_garbled_management_data_is_no_server_error(as_persona, faction):
    data = form_data(faction=faction.pk, add_question="1", **{"fragen-INITIAL_FORMS": "x"})
    del data["save"]
    response = as_persona("owner").post(NEW, data)
    assert response.status_code == 200
    assert not Motion.objects.exists()


def test_an_error_moves_focus_to_the_summary_and_names_it_in_the_title(as_persona, faction):
    html = as_persona("owner").post(NEW, form_data(faction=faction.pk, title="")).content.decode()
    assert title_of(html).startswith("Fehler: ")
    tag = element_with(html, 'id="fehler"')
    assert "autofocus" in tag and 'tabindex="-1"' in tag
    assert not title_of(as_persona("owner").get(NEW).content.decode()).startswith("Fehler")


def test_a_too_long_question_is_listed_in_the_error_summary(as_persona, faction):
    data = form_data(faction=faction.pk, **{"fragen-1-text": "x" * 2001})
    html = as_persona("owner").post(NEW, data).content.decode()
    summary = html[html.index('id="fehler"') : html.index('id="formular"')]
    assert 'href="#id_fragen-1-text"' in summary
    assert title_of(html).startswith("Fehler: ")
    assert not Motion.objects.exists()


def test_error_title_on_other_forms_too(as_persona, submitted):
    response = as_persona("office").post(action_url(submitted, "return"), {"return-reason": ""})
    assert title_of(response.content.decode()).startswith("Fehler: ")
    response = as_persona("anonymous").post(
        reverse("login"), {"username": "niemand", "password": "falsch"}
    )
    assert title_of(response.content.decode()).startswith("Fehler: ")


def test_the_error_title_is_translated(as_persona, faction):
    client = as_persona("owner")
    client.cookies["django_language"] = "en"
    html = client.post(NEW, form_data(faction=faction.pk, title="")).content.decode()
    assert title_of(html).startswith(("Error: ", "Fehler: "))  # "Error: " once merged


# --- submitting needs a confirmation --------------------------------------------------------


def test_submit_without_confirmation_publishes_nothing(as_persona, draft, client):
    response = as_persona("owner").post(action_url(draft, "submit"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte bestätigen Sie, dass Sie einreichen möchten." in html
    assert title_of(html).startswith("Fehler: ")
    draft.refresh_from_db()
    assert draft.status == "draft" and not Motion.objects.published().exists()


def test_the_confirmation_says_what_becomes_public_and_submit_publishes(as_persona, draft):
    client = as_persona("owner")
    html = client.get(detail_url(draft)).content.decode()
    assert "Nach dem Einreichen ist die Anfrage öffentlich" in html
    assert 'name="submit-confirm"' in html
    response = client.post(action_url(draft, "submit"), {"submit-confirm": "on"}, follow=True)
    assert "Die Anfrage wurde eingereicht. Sie ist jetzt öffentlich." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"
    as_persona("anonymous")
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("kind", "button", "message"),
    [
        ("RA", "Anfrage einreichen", "Die Anfrage wurde eingereicht."),
        ("IA", "Anfrage einreichen", "Die Anfrage wurde eingereicht."),
        ("BA", "Antrag einreichen", "Der Antrag wurde eingereicht."),
    ],
)
def test_the_word_fits_the_kind(as_persona, faction, owner, kind, button, message):
    motion = MotionFactory(faction=faction, kind=kind, created_by=owner)
    assert motion.questions.exists()
    client = as_persona("owner")
    html = client.get(detail_url(motion)).content.decode()
    other = "Antrag einreichen" if button.startswith("Anfrage") else "Anfrage einreichen"
    assert button in html and other not in html
    response = client.post(action_url(motion, "submit"), {"submit-confirm": "on"}, follow=True)
    assert message in response.content.decode()
    html = client.get(detail_url(motion)).content.decode()
    noun = button.split()[0]
    assert f"{noun} zurückziehen" in html


# --- deleting a draft -------------------------------------------------------------------------


def test_a_draft_offers_delete_not_withdraw(as_persona, draft, submitted):
    html = as_persona("owner").get(detail_url(draft)).content.decode()
    assert "Entwurf löschen" in html and "zurückziehen" not in html
    html = as_persona("owner").get(detail_url(submitted)).content.decode()
    assert "Anfrage zurückziehen" in html and "Entwurf löschen" not in html


def test_deleting_a_draft_needs_the_confirmation(as_persona, draft):
    client = as_persona("owner")
    assert client.post(action_url(draft, "delete")).status_code == 400
    assert Motion.objects.filter(pk=draft.pk).exists()
    response = client.post(action_url(draft, "delete"), {"delete-confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("ratsportal:workspace")
    assert "Der Entwurf wurde gelöscht." in response.content.decode()
    assert not Motion.all_objects.filter(pk=draft.pk).exists()
    assert client.get(detail_url(draft)).status_code == 404


@pytest.mark.parametrize("persona", ["other_faction_member", "office"])
def test_outsiders_cannot_delete_a_draft(as_persona, draft, persona):
    response = as_persona(persona).post(action_url(draft, "delete"), {"delete-confirm": "on"})
    assert response.status_code in (403, 404)
    assert Motion.objects.filter(pk=draft.pk).exists()


# --- returned and rejected --------------------------------------------------------------------


def test_the_submitters_see_why_their_motion_was_returned(as_persona, submitted, office):
    motion_services.motion_return(
        motion=submitted, user=office, reason="Bitte Frage 2 genauer fassen."
    )
    html = as_persona("owner").get(detail_url(submitted)).content.decode()
    banner = html[html.index('id="rueckgabe"') : html.index("</div>", html.index('id="rueckgabe"'))]
    assert "Vom Ratsbüro zurückgegeben" in banner and "Bitte Frage 2 genauer fassen." in banner
    assert html.index('id="rueckgabe"') < html.index('id="aktionen"')


def test_a_rejected_motion_reads_once_and_offers_no_alert(client, submitted, office):
    motion_services.motion_reject(
        motion=submitted, user=office, reason="Unzulässig: keine Angelegenheit der Stadt."
    )
    html = client.get(submitted.get_absolute_url()).content.decode()
    assert "Anfrage als unzulässig zurückgewiesen" in html
    assert "keine Angelegenheit der Stadt." in html
    assert "Unzulässig:" not in html
    assert "benachrichtigen" not in html.lower().split('id="antwort"')[1].split("</section>")[0]
    subscribe = reverse("requests_app:alert_subscribe") + f"?antrag={submitted.public_slug}"
    assert f"{submitted.title}" not in client.get(subscribe).content.decode().split("<main")[-1]


def test_an_open_motion_still_offers_the_alert(client, submitted):
    html = client.get(submitted.get_absolute_url()).content.decode()
    assert "Per E-Mail benachrichtigen, wenn die Antwort erscheint" in html


def test_the_approver_sees_no_empty_actions_heading_after_publishing(client, make_user):
    report = AnswerReportFactory(publish=True, pdf=True)
    approver = make_user(roles.APPROVER, organizations=[report.motion.lead_department])
    client.force_login(approver)
    html = client.get(report.get_workspace_url()).content.decode()
    assert 'id="aktionen"' not in html


# --- a stale save, saved deliberately on top --------------------------------------------------


def test_a_stale_motion_save_shows_the_other_change_and_saves_on_top(as_persona, draft):
    opened = draft.version
    first = as_persona("owner").post(
        edit_url(draft), form_data(version=opened, title="Titel der Kollegin")
    )
    assert first.status_code == 302
    client = as_persona("colleague")
    refused = client.post(edit_url(draft), form_data(version=opened, title="Mein Titel"))
    html = refused.content.decode()
    assert "Jemand anderes hat diesen Eintrag gespeichert" in html
    assert 'value="Mein Titel"' in html  # the input is kept
    table = html[html.index('class="table table-sm stale-table"') :]
    table = table[: table.index("</table>")]
    assert "Titel der Kollegin" in table and "Mein Titel" in table
    seen = re.search(r'name="seen_version" value="(\d+)"', html)[1]
    draft.refresh_from_db()
    assert seen == str(draft.version) and draft.title == "Titel der Kollegin"

    # the normal save still refuses; "Trotzdem speichern" saves on top of what was shown
    again = client.post(edit_url(draft), form_data(version=opened, title="Mein Titel"))
    assert again.status_code == 200
    saved = client.post(
        edit_url(draft),
        form_data(version=opened, title="Mein Titel", seen_version=seen, overwrite="1"),
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Mein Titel"
    assert [q.text for q in draft.questions.all()][-1] == "Was kostet das?"


def test_saving_on_top_of_an_outdated_version_is_refused_again(as_persona, draft):
    opened = draft.version
    as_persona("owner").post(edit_url(draft), form_data(version=opened, title="Zweite"))
    as_persona("owner").post(edit_url(draft), form_data(version=opened + 1, title="Dritte"))
    response = as_persona("colleague").post(
        edit_url(draft),
        form_data(version=opened, title="Meine", seen_version=opened + 1, overwrite="1"),
    )
    assert response.status_code == 200
    assert "Dritte" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Dritte"


def test_a_stale_report_save_shows_the_other_change_and_saves_on_top(
    client, registered, prevention_office
):
    report = report_services.report_create(motion=registered, user=prevention_office)
    answer = report.answers.first()
    opened = report.version

    def post(text, **extra):
        data = {
            "title": report.title,
            "summary": "",
            "version": opened,
            f"answer_{answer.pk}": text,
            "save": "1",
            **extra,
        }
        return client.post(reverse("requests_app:report_edit", args=[report.pk]), data)

    client.force_login(prevention_office)
    assert post("Antwort der Kollegin").status_code == 302
    refused = post("Meine Antwort")
    html = refused.content.decode()
    assert "Jemand anderes hat diesen Eintrag gespeichert" in html
    assert "Antwort der Kollegin" in html and "Meine Antwort" in html
    seen = re.search(r'name="seen_version" value="(\d+)"', html)[1]
    assert post("Meine Antwort", seen_version=seen, overwrite="1").status_code == 302
    answer.refresh_from_db()
    assert answer.text == "Meine Antwort"


def test_a_stale_exhibit_save_shows_the_saved_exhibit_and_saves_on_top(
    client, registered, prevention_office
):
    from requests_app.models import Exhibit

    report = report_services.report_create(motion=registered, user=prevention_office)
    client.force_login(prevention_office)
    data = {
        "answer": report.answers.first().pk,
        "kind": "measures",
        "position": 1,
        "caption": "Projekte der Kollegin",
        "version": report.version,
    }
    assert (
        client.post(reverse("requests_app:exhibit_create", args=[report.pk]), data).status_code
        == 302
    )
    exhibit = Exhibit.objects.get()
    url = reverse("requests_app:exhibit_edit", args=[report.pk, exhibit.pk])
    refused = client.post(url, {**data, "caption": "Meine Projekte"})  # opened before that save
    html = refused.content.decode()
    assert "Jemand anderes hat diesen Eintrag gespeichert" in html
    assert "Projekte der Kollegin" in html and 'value="Meine Projekte"' in html
    seen = re.search(r'name="seen_version" value="(\d+)"', html)[1]
    saved = client.post(
        url, {**data, "caption": "Meine Projekte", "seen_version": seen, "overwrite": "1"}
    )
    assert saved.status_code == 302
    exhibit.refresh_from_db()
    assert exhibit.caption == "Meine Projekte"
