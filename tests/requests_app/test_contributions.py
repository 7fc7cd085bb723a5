"""Contributions (Zuarbeit) and co-signing (Mitzeichnung): every step and every refusal."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from portal import roles
from portal.models import Attachment
from requests_app import access
from requests_app import contribution_access as rules
from requests_app.models import AnswerReport, ContributionRequest, CoSignRequest, MotionEvent
from requests_app.services import contributions as services
from tests.factories import OrganizationFactory
from tests.requests_app.contributions_fixtures import *  # noqa: F403 (the fixtures)
from tests.requests_app.contributions_fixtures import in_days

pytestmark = pytest.mark.django_db
State = ContributionRequest.State
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def comments(report) -> list[str]:
    return list(MotionEvent.objects.filter(report=report).values_list("comment", flat=True))


# --- requesting ---


def test_request_asks_the_organization_and_logs_the_step(
    report, author, police, contributor, commit
):
    with commit():
        contribution = services.contribution_request(
            report=report,
            user=author,
            organization=police,
            questions=list(report.motion.questions.all()),
            due_date=in_days(10),
        )
    assert contribution.state == State.REQUESTED
    assert contribution.requested_by == author
    assert [m.to for m in mail.outbox] == [["streife@example.invalid"]]
    assert "Bitte um Zuarbeit" in mail.outbox[0].subject
    assert contribution.get_absolute_url() in mail.outbox[0].body
    assert any(
        "Zuarbeit angefordert bei Polizeidirektion Beispiel zu Frage 1, 2" in c
        for c in comments(report)
    )


def test_request_refuses_a_due_date_in_the_past(report, author, police):
    with pytest.raises(ValidationError, match="nicht in der Vergangenheit"):
        services.contribution_request(
            report=report,
            user=author,
            organization=police,
            questions=list(report.motion.questions.all()),
            due_date=in_days(-1),
        )
    assert not ContributionRequest.objects.exists()


def test_request_needs_a_question_of_this_motion(report, author, police):
    with pytest.raises(ValidationError, match="mindestens eine Frage"):
        services.contribution_request(
            report=report, user=author, organization=police, questions=[], due_date=in_days(3)
        )
    other = OrganizationFactory(kind="department")
    from tests.factories import MotionFactory

    foreign = MotionFactory(registered=True, lead_department=other).questions.get()
    with pytest.raises(ValidationError, match="gehört nicht zu diesem Antrag"):
        services.contribution_request(
            report=report,
            user=author,
            organization=police,
            questions=[foreign],
            due_date=in_days(3),
        )
    assert not ContributionRequest.objects.exists()


def test_request_refuses_the_lead_department_and_factions(report, author, department, faction):
    for organization in (department, faction):
        with pytest.raises(ValidationError, match="keine Zuarbeit angefordert"):
            services.contribution_request(
                report=report,
                user=author,
                organization=organization,
                questions=list(report.motion.questions.all()),
                due_date=in_days(3),
            )


def test_only_the_drafters_of_the_lead_department_ask(report, police, approver, make_user):
    outsider = make_user(
        roles.PREVENTION_OFFICE, organizations=[OrganizationFactory(kind="department")]
    )
    for user in (approver, outsider):
        with pytest.raises(PermissionDenied):
            services.contribution_request(
                report=report,
                user=user,
                organization=police,
                questions=list(report.motion.questions.all()),
                due_date=in_days(3),
            )


def test_request_only_while_the_report_is_a_draft(report, author, police):
    AnswerReport.objects.filter(pk=report.pk).update(status=AnswerReport.Status.IN_REVIEW)
    with pytest.raises(ValidationError, match="in Prüfung"):
        services.contribution_request(
            report=report,
            user=author,
            organization=police,
            questions=list(report.motion.questions.all()),
            due_date=in_days(3),
        )


# --- handing in ---


def test_hand_in_once_with_files_and_tell_the_author(requested, contributor, author, commit):
    upload = SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")
    with commit():
        contribution = services.contribution_hand_in(
            contribution=requested,
            user=contributor,
            version=requested.version,
            text="  Zweimal je Nacht.  ",
            files=[upload],
        )
    assert contribution.state == State.HANDED_IN
    assert contribution.text == "Zweimal je Nacht."
    assert contribution.handed_in_by == contributor and contribution.handed_in_at
    attachment = contribution.attachments.get()
    assert attachment.mime_type == "application/pdf" and not attachment.public
    assert mail.outbox[-1].to == [author.email]
    assert "Zuarbeit eingegangen" in mail.outbox[-1].subject
    assert any(
        "Zuarbeit von Polizeidirektion Beispiel eingegangen" in c
        for c in comments(requested.report)
    )
    with pytest.raises(ValidationError, match="schon eingereicht"):
        services.contribution_hand_in(
            contribution=contribution, user=contributor, version=contribution.version, text="Neu"
        )
    contribution.refresh_from_db()
    assert contribution.text == "Zweimal je Nacht."


def test_hand_in_after_withdrawal_is_refused_and_saves_nothing(requested, contributor, author):
    services.contribution_withdraw(contribution=requested, user=author, version=requested.version)
    requested.refresh_from_db()
    with pytest.raises(ValidationError, match="zurückgezogen"):
        services.contribution_hand_in(
            contribution=requested, user=contributor, version=requested.version, text="Spät"
        )
    requested.refresh_from_db()
    assert requested.state == State.WITHDRAWN and requested.text == ""


def test_hand_in_only_by_the_organization_asked(requested, outside_contributor, author):
    for user in (outside_contributor, author):
        with pytest.raises(PermissionDenied):
            services.contribution_hand_in(
                contribution=requested, user=user, version=requested.version, text="Fremd"
            )
    requested.refresh_from_db()
    assert requested.state == State.REQUESTED


def test_hand_in_refuses_empty_text_a_bad_file_and_a_stale_form(requested, contributor):
    with pytest.raises(ValidationError, match="Bitte schreiben Sie"):
        services.contribution_hand_in(
            contribution=requested, user=contributor, version=requested.version, text="   "
        )
    fake = SimpleUploadedFile("brief.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="Dateityp"):
        services.contribution_hand_in(
            contribution=requested,
            user=contributor,
            version=requested.version,
            text="Text",
            files=[fake],
        )
    with pytest.raises(ValidationError, match="Jemand anderes"):
        services.contribution_hand_in(
            contribution=requested, user=contributor, version=requested.version - 1, text="Text"
        )
    requested.refresh_from_db()
    assert requested.state == State.REQUESTED and not Attachment.objects.exists()


def test_withdraw_only_open_requests_by_the_author(handed_in, author, contributor):
    with pytest.raises(PermissionDenied):
        services.contribution_withdraw(
            contribution=handed_in, user=contributor, version=handed_in.version
        )
    with pytest.raises(ValidationError, match="nicht mehr offen"):
        services.contribution_withdraw(
            contribution=handed_in, user=author, version=handed_in.version
        )


# --- adopting ---


def test_adopt_copies_and_quotes_into_the_answer(handed_in, author):
    report = handed_in.report
    question = report.motion.questions.get(number=1)
    report = services.contribution_adopt(
        contribution=handed_in, user=author, question=question, mode="copy", version=report.version
    )
    answer = report.answers.get(question=question)
    assert answer.text == "Die Polizei streift **zweimal** je Nacht."
    report = services.contribution_adopt(
        contribution=handed_in, user=author, question=question, mode="quote", version=report.version
    )
    answer.refresh_from_db()
    assert answer.text == (
        "Die Polizei streift **zweimal** je Nacht.\n\n"
        "Polizeidirektion Beispiel teilt mit:\n\n> Die Polizei streift **zweimal** je Nacht."
    )
    assert report.version == 3  # created, then two saves through the report-editing service
    assert any("zitiert" in c for c in comments(report))


def test_adopt_refuses_a_stale_report_another_question_and_an_open_request(
    handed_in, requested, author, police
):
    report = handed_in.report
    first, second = report.motion.questions.order_by("number")
    with pytest.raises(ValidationError, match="Jemand anderes"):
        services.contribution_adopt(
            contribution=handed_in, user=author, question=first, mode="copy", version=0
        )
    with pytest.raises(ValidationError, match="gehört nicht zu der Zuarbeit"):
        services.contribution_adopt(
            contribution=handed_in,
            user=author,
            question=second,
            mode="copy",
            version=report.version,
        )
    waiting = services.contribution_request(
        report=report, user=author, organization=police, questions=[first], due_date=in_days(2)
    )
    with pytest.raises(ValidationError, match="noch nicht eingegangen"):
        services.contribution_adopt(
            contribution=waiting, user=author, question=first, mode="copy", version=report.version
        )
    assert report.answers.get(question=first).text == ""


# --- co-signing ---


def test_cosign_request_refuses_the_lead_department(report, author, department):
    with pytest.raises(ValidationError, match="federführende Dezernat"):
        services.cosign_request(report=report, user=author, organization=department)
    assert not CoSignRequest.objects.exists()


def test_cosign_request_refuses_a_second_open_one_and_non_departments(
    cosign, report, author, other_department, police
):
    with pytest.raises(ValidationError, match="steht noch aus"):
        services.cosign_request(report=report, user=author, organization=other_department)
    with pytest.raises(ValidationError, match="Nur ein Dezernat"):
        services.cosign_request(report=report, user=author, organization=police)
    assert CoSignRequest.objects.count() == 1


def test_open_cosign_blocks_review_and_signing_frees_it(cosign, signer, report, commit):
    assert (
        rules.cosign_blocking(report) == "Die Mitzeichnung steht noch aus: Dezernat Soziales Test."
    )
    with commit():
        services.cosign_sign(cosign=cosign, user=signer, version=cosign.version)
    assert rules.cosign_blocking(report) is None
    assert "mitgezeichnet" in mail.outbox[-1].subject


def test_objection_needs_a_reason_and_blocks_until_asked_again(cosign, signer, report, author):
    with pytest.raises(ValidationError, match="begründen"):
        services.cosign_object(cosign=cosign, user=signer, version=cosign.version, comment=" ")
    services.cosign_object(
        cosign=cosign, user=signer, version=cosign.version, comment="Zahl falsch"
    )
    blocking = rules.cosign_blocking(report)
    assert "Einwand" in blocking and "Dezernat Soziales Test" in blocking
    again = services.cosign_request(report=report, user=author, organization=cosign.organization)
    assert "steht noch aus" in rules.cosign_blocking(report)
    services.cosign_sign(cosign=again, user=signer, version=again.version)
    assert rules.cosign_blocking(report) is None


def test_only_the_department_asked_signs_and_only_once(cosign, signer, author, approver):
    for user in (author, approver):
        with pytest.raises(PermissionDenied):
            services.cosign_sign(cosign=cosign, user=user, version=cosign.version)
    cosign = services.cosign_sign(cosign=cosign, user=signer, version=cosign.version)
    with pytest.raises(ValidationError, match="schon entschieden"):
        services.cosign_object(cosign=cosign, user=signer, version=cosign.version, comment="Doch")


# --- reminders ---


def test_overdue_requests_are_reminded_once_by_the_daily_command(requested, contributor, commit):
    ContributionRequest.objects.filter(pk=requested.pk).update(due_date=in_days(-1))
    mail.outbox.clear()
    with commit():
        call_command("send_deadline_reminders", stdout=io.StringIO())
        call_command("send_deadline_reminders", stdout=io.StringIO())
    reminders = [m for m in mail.outbox if "Zuarbeit überfällig" in m.subject]
    assert [m.to for m in reminders] == [[contributor.email]]


def test_handed_in_requests_are_not_reminded(handed_in):
    ContributionRequest.objects.filter(pk=handed_in.pk).update(due_date=in_days(-3))
    assert services.contribution_reminders_send() == 0


def test_outsiders_never_count_as_authors_of_the_report(handed_in, contributor, cosign, signer):
    """The police and a co-signing department are named in the log, but never as editors:
    an editor counts as an author (four-eyes rule, the send-back mail with review comments)."""
    services.cosign_object(cosign=cosign, user=signer, version=cosign.version, comment="Nein")
    report = handed_in.report
    assert not access.has_edited(contributor, report) and not access.has_edited(signer, report)
    edits = report.events.filter(action__in=services.AUTHOR_ACTIONS)
    assert not edits.filter(user__in=[contributor, signer]).exists()
    for person, text in [(contributor, "eingegangen"), (signer, "Einwand erhoben")]:
        event = report.events.get(comment__contains=text)
        assert event.user == person or f"({person.username})" in event.comment
