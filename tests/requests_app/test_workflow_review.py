"""Review that binds (issue 15): per-question comments and a mail on send-back, the author's
recall, approval bound to the version reviewed, the signatory, the answered mail's link."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from requests_app import snapshots
from requests_app.models import AnswerReport, MotionEvent
from requests_app.services import reports as services

pytestmark = pytest.mark.django_db
Status = AnswerReport.Status


@pytest.fixture
def report(registered, prevention_office):
    report = services.report_create(motion=registered, user=prevention_office)
    answer = report.answers.get()
    return services.report_update(
        report=report,
        user=prevention_office,
        version=report.version,
        title=report.title,
        summary="",
        answers={answer.pk: "Zwölf Streifen je Woche."},
        signatory_name="Dora Beispiel",
        signatory_function="Bürgermeisterin für Recht, Sicherheit und Umweltschutz",
    )


@pytest.fixture
def in_review(report, prevention_office):
    return services.report_submit(report=report, user=prevention_office)


def test_send_back_mails_the_author_with_the_per_question_notes(
    client, in_review, approver, prevention_office, commit
):
    answer = in_review.answers.get()
    mail.outbox.clear()
    with commit():
        report = services.report_return(
            report=in_review,
            user=approver,
            comment="Bitte Quellen nennen.",
            notes={answer.pk: "Woher stammt die Zahl zwölf?"},
        )
    [sent] = [m for m in mail.outbox if m.to == [prevention_office.email]]
    assert "zurückgegeben mit Anmerkungen" in sent.subject
    assert "Bitte Quellen nennen." in sent.body and "Zu Frage 1: Woher stammt" in sent.body
    client.force_login(prevention_office)
    form = client.get(reverse("requests_app:report_edit", args=[report.pk])).text
    assert "Zurückgegeben mit Anmerkungen" in form and "Woher stammt die Zahl zwölf?" in form
    home = client.get(reverse("ratsportal:workspace")).text
    assert "zurückgegeben mit Anmerkungen" in home


def test_the_approver_sends_back_per_question_notes_through_the_page(client, in_review, approver):
    answer = in_review.answers.get()
    client.force_login(approver)
    url = reverse("requests_app:report_action", args=[in_review.pk, "return"])
    client.post(url, {"return-comment": "Siehe Anmerkung.", f"return-note_{answer.pk}": "Genauer"})
    answer.refresh_from_db()
    assert answer.review_comment == "Genauer"
    assert AnswerReport.objects.get(pk=in_review.pk).status == Status.DRAFT


def test_review_notes_are_never_public(client, in_review, approver, prevention_office):
    answer = in_review.answers.get()
    report = services.report_return(
        report=in_review, user=approver, comment="Intern.", notes={answer.pk: "GEHEIMNOTIZ"}
    )
    report = services.report_submit(report=report, user=prevention_office)
    report = services.report_approve(report=report, user=approver)
    services.report_publish(report=report, user=approver)
    report.refresh_from_db()
    assert "GEHEIMNOTIZ" not in client.get(report.get_absolute_url()).text
    assert "GEHEIMNOTIZ" not in client.get(report.motion.get_absolute_url()).text


def test_the_author_recalls_a_report_from_review(in_review, prevention_office, approver):
    report = services.report_recall(report=in_review, user=prevention_office)
    assert report.status == Status.DRAFT
    assert report.events.filter(action=MotionEvent.Action.REPORT_RECALLED).exists()
    with pytest.raises(ValidationError):
        services.report_approve(report=report, user=approver)


def test_approval_binds_the_version_seen(in_review, approver):
    with pytest.raises(ValidationError, match="Jemand anderes"):
        services.report_approve(report=in_review, user=approver, version=in_review.version - 1)
    report = services.report_approve(report=in_review, user=approver, version=in_review.version)
    assert report.approved_version == report.version and report.snapshot


def test_publish_refuses_a_report_changed_since_approval(in_review, approver):
    report = services.report_approve(report=in_review, user=approver)
    AnswerReport.objects.filter(pk=report.pk).update(version=report.version + 1)
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="nach der Freigabe geändert"):
        services.report_publish(report=report, user=approver)
    assert AnswerReport.objects.get(pk=report.pk).status == Status.APPROVED


def test_exhibit_data_is_frozen_at_approval_not_at_publication(in_review, approver, monkeypatch):
    report = services.report_approve(report=in_review, user=approver)
    approved_body = snapshots.render_body(report.snapshot)

    def changed_data(report):  # an import between approval and publication
        raise AssertionError("publication must not draw the data again")

    monkeypatch.setattr(snapshots, "report_content", changed_data)
    report = services.report_publish(report=report, user=approver, version=report.version)
    assert report.published_html == approved_body


def test_the_signatory_is_on_the_page_and_in_the_pdf(client, in_review, approver, commit):
    report = services.report_approve(report=in_review, user=approver)
    with commit():
        report = services.report_publish(report=report, user=approver)
    report.refresh_from_db()
    page = client.get(report.get_absolute_url()).text
    assert "Dora Beispiel" in page and "Bürgermeisterin für Recht" in page
    assert "Dora Beispiel" in report.published_html  # the body the PDF prints


def test_the_answered_mail_links_to_the_public_answer(in_review, approver, owner, commit):
    report = services.report_approve(report=in_review, user=approver)
    mail.outbox.clear()
    with commit():
        report = services.report_publish(report=report, user=approver)
    [sent] = [m for m in mail.outbox if owner.email in m.to]
    assert f"http://127.0.0.1:8000{report.get_absolute_url()}" in sent.body


def test_the_demo_ba_044_report_names_its_signatory(demo, client):
    page = client.get("/berichte/ba-044-2020/").text
    assert "Bürgermeister für Recht, Sicherheit und Umweltschutz" in page
