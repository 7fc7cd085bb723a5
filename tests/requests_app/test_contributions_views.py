"""The contribution and co-sign pages: what the author, the organization asked, the co-signing
department and everybody else see and may do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from portal.models import Attachment
from requests_app.models import Answer, ContributionRequest, CoSignRequest
from requests_app.services import contributions as services
from requests_app.views.contributions import panel_for
from tests.requests_app.contributions_fixtures import *  # noqa: F403 (the fixtures)
from tests.requests_app.contributions_fixtures import in_days

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DRAFT_ANSWER = "Geheimer Entwurfstext der Verwaltung"


@pytest.fixture
def drafted(report):
    Answer.objects.filter(report=report).update(text=DRAFT_ANSWER)
    return report


def page_url(report) -> str:
    return reverse("requests_app:contributions_report", kwargs={"pk": report.pk})


# --- the organization asked ---


def test_contributor_sees_only_what_was_sent(client, drafted, requested, contributor):
    client.force_login(contributor)
    workspace = client.get(reverse("ratsportal:workspace")).content.decode()
    assert requested.get_absolute_url() in workspace
    page = client.get(requested.get_absolute_url()).content.decode()
    assert "Wie oft wird gestreift?" in page and "Bitte um Ihre Einschätzung." in page
    assert DRAFT_ANSWER not in page
    assert "Was kostet das?" not in page  # question 2 was not sent to them
    assert drafted.get_workspace_url() not in page
    # the report itself stays closed to them
    assert client.get(drafted.get_workspace_url()).status_code == 404
    assert client.get(page_url(drafted)).status_code == 404


def test_other_organizations_get_404(client, requested, outside_contributor, author, signer):
    for user in (outside_contributor, author, signer):
        client.force_login(user)
        assert client.get(requested.get_absolute_url()).status_code == 404


def test_preview_shows_without_saving_then_hand_in(client, requested, contributor):
    client.force_login(contributor)
    url = requested.get_absolute_url()
    data = {"text": "**Zweimal** je Nacht", "version": requested.version, "preview": "1"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "<strong>Zweimal</strong>" in response.content.decode()
    requested.refresh_from_db()
    assert requested.state == ContributionRequest.State.REQUESTED
    upload = SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")
    data = {"text": "**Zweimal** je Nacht", "version": requested.version, "files": [upload]}
    response = client.post(url, data)
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.state == ContributionRequest.State.HANDED_IN
    page = client.get(url).content.decode()
    assert "Zuarbeit einreichen" not in page and "<strong>Zweimal</strong>" in page
    attachment = requested.attachments.get()
    download = reverse(
        "requests_app:contribution_attachment",
        kwargs={"pk": requested.pk, "attachment_pk": attachment.pk},
    )
    assert client.get(download).status_code == 200
    client.logout()  # the file is no public OParl file, and its page needs a login
    assert (
        client.get(reverse("oparl:file_download", kwargs={"pk": attachment.pk})).status_code == 404
    )
    assert client.get(download).status_code == 302


def test_hand_in_with_a_bad_file_saves_nothing(client, requested, contributor):
    client.force_login(contributor)
    upload = SimpleUploadedFile("brief.pdf", b"<script>", content_type="application/pdf")
    data = {"text": "Text", "version": requested.version, "files": [upload]}
    response = client.post(requested.get_absolute_url(), data)
    assert response.status_code == 400
    assert "Dieser Dateityp ist nicht erlaubt" in response.content.decode()
    requested.refresh_from_db()
    assert requested.state == ContributionRequest.State.REQUESTED
    assert not Attachment.objects.exists()


def test_withdrawn_request_offers_no_form(client, requested, contributor, author):
    services.contribution_withdraw(contribution=requested, user=author, version=requested.version)
    client.force_login(contributor)
    page = client.get(requested.get_absolute_url()).content.decode()
    assert "zurückgezogen" in page and "Zuarbeit einreichen" not in page
    response = client.post(requested.get_absolute_url(), {"text": "Spät", "version": "2"})
    assert response.status_code == 200
    requested.refresh_from_db()
    assert requested.text == ""


# --- the author ---


def test_author_requests_a_contribution_through_the_form(client, report, author, police):
    client.force_login(author)
    question = report.motion.questions.get(number=2)
    data = {
        "zuarbeit-organization": police.pk,
        "zuarbeit-questions": [question.pk],
        "zuarbeit-due_date": in_days(5).isoformat(),
        "zuarbeit-message": "Bitte bis Freitag.",
    }
    response = client.post(
        reverse("requests_app:contribution_request_create", kwargs={"pk": report.pk}), data
    )
    assert response.status_code == 302
    contribution = ContributionRequest.objects.get()
    assert list(contribution.questions.all()) == [question]
    data["zuarbeit-due_date"] = in_days(-2).isoformat()
    response = client.post(
        reverse("requests_app:contribution_request_create", kwargs={"pk": report.pk}), data
    )
    assert response.status_code == 400
    assert "nicht in der Vergangenheit" in response.content.decode()
    assert ContributionRequest.objects.count() == 1


def test_author_sees_the_contribution_beside_its_question_and_adopts_it(client, handed_in, author):
    report = handed_in.report
    client.force_login(author)
    page = client.get(page_url(report)).content.decode()
    assert "Zuarbeit von Polizeidirektion Beispiel" in page
    assert "übernehmen" in page and "zitieren" in page
    question = report.motion.questions.get(number=1)
    url = reverse("requests_app:contribution_adopt", kwargs={"pk": handed_in.pk})
    response = client.post(url, {"question": question.pk, "mode": "quote", "version": "1"})
    assert response.status_code == 302
    answer = report.answers.get(question=question)
    assert answer.text.startswith("Polizeidirektion Beispiel teilt mit:")
    # the same form again is stale: refused with the one German message, nothing added
    response = client.post(
        url, {"question": question.pk, "mode": "copy", "version": "1"}, follow=True
    )
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    answer.refresh_from_db()
    assert answer.text.count("Die Polizei streift") == 1


def test_approver_reads_the_page_but_may_not_ask(client, report, approver, police):
    client.force_login(approver)
    page = client.get(page_url(report))
    assert page.status_code == 200
    assert "Zuarbeit anfordern" not in page.content.decode()
    data = {"zuarbeit-organization": police.pk}
    response = client.post(
        reverse("requests_app:contribution_request_create", kwargs={"pk": report.pk}), data
    )
    assert response.status_code == 403


def test_panel_for_the_report_page(handed_in, cosign, report):
    html = render_to_string(
        "requests_app/contributions/_report_panel.html",
        {"contribution_panel": panel_for(report)},
    )
    assert "Zuarbeiten: 1 eingegangen, 0 offen, davon 0 überfällig." in html
    assert "Mitzeichnung Dezernat Soziales Test: erbeten" in html
    assert "Die Mitzeichnung steht noch aus" in html
    assert page_url(report) in html
    assert render_to_string("requests_app/contributions/_report_panel.html", {}).strip() == ""


# --- co-signing ---


def test_signer_reads_the_draft_and_objects_with_a_reason(client, drafted, cosign, signer):
    client.force_login(signer)
    url = cosign.get_absolute_url()
    assert f'href="{url}"' in client.get(reverse("ratsportal:workspace")).content.decode()
    page = client.get(url).content.decode()
    assert DRAFT_ANSWER in page
    response = client.post(url, {"decision": "object", "comment": "", "version": cosign.version})
    assert response.status_code == 400
    assert "Bitte begründen Sie Ihren Einwand." in response.content.decode()
    data = {"decision": "object", "comment": "Zahlen prüfen", "version": cosign.version}
    assert client.post(url, data).status_code == 302
    cosign.refresh_from_db()
    assert cosign.state == CoSignRequest.State.OBJECTED and cosign.decided_by == signer


def test_cosign_page_is_closed_to_others(client, cosign, contributor, author):
    for user in (contributor, author):
        client.force_login(user)
        assert client.get(cosign.get_absolute_url()).status_code == 404


def test_author_asks_for_a_cosignature_and_the_lead_is_refused(
    client, report, author, department, other_department
):
    client.force_login(author)
    url = reverse("requests_app:cosign_request_create", kwargs={"pk": report.pk})
    response = client.post(url, {"mitzeichnung-organization": department.pk})
    assert response.status_code == 400  # not offered: the lead department is not a choice
    assert not CoSignRequest.objects.exists()
    assert client.post(url, {"mitzeichnung-organization": other_department.pk}).status_code == 302
    assert CoSignRequest.objects.get().organization == other_department


def test_hostile_posts_get_a_clear_answer_and_change_nothing(
    client, handed_in, contributor, author, cosign, signer
):
    client.force_login(author)
    adopt = reverse("requests_app:contribution_adopt", kwargs={"pk": handed_in.pk})
    for question, version, mode in [("9" * 30, "1", "copy"), ("x", "1", "copy")]:
        data = {"question": question, "mode": mode, "version": version}
        assert client.post(adopt, data).status_code == 404
    question = handed_in.questions.get()
    response = client.post(
        adopt, {"question": question.pk, "mode": "\x00", "version": "\x00"}, follow=True
    )
    assert response.status_code == 200
    assert handed_in.report.answers.get(question=question).text == ""
    withdraw = reverse("requests_app:contribution_withdraw", kwargs={"pk": handed_in.pk})
    assert client.post(withdraw, {"version": "9" * 5000}, follow=True).status_code == 200
    client.force_login(signer)
    data = {"decision": "object", "comment": "Nein\x00", "version": cosign.version}
    assert client.post(cosign.get_absolute_url(), data).status_code == 400
    cosign.refresh_from_db()
    assert cosign.is_open
