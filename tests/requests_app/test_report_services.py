"""The answer report's workflow: every step and every refusal (DESIGN §4)."""

import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from portal import roles
from prevention.models import District, Indicator
from prevention.models.districts import load_districts
from prevention.models.indicators import load_catalogue
from prevention.services import import_file
from requests_app import access, snapshots
from requests_app.models import AnswerReport, Exhibit, Motion, MotionEvent
from requests_app.services import reports as services
from tests.factories import AnswerReportFactory, MotionFactory

Action = MotionEvent.Action
pytestmark = pytest.mark.django_db


@pytest.fixture
def motion(registered):
    registered.questions.all().delete()
    for number, text in enumerate(["Wie viele Streifen?", "Was kostet es?"], start=1):
        registered.questions.create(number=number, text=text)
    return registered


@pytest.fixture
def second_approver(make_user, department):
    return make_user(roles.APPROVER, organizations=[department], email="chefin@example.invalid")


@pytest.fixture
def report(motion, prevention_office):
    return services.report_create(motion=motion, user=prevention_office)


def fill(report, user, texts=("Zwölf Streifen je Woche.", "Rund 40.000 Euro.")):
    answers = dict(
        zip(
            report.answers.order_by("question__number").values_list("pk", flat=True),
            texts,
            strict=True,
        )
    )
    return services.report_update(
        report=report,
        user=user,
        version=report.version,
        title=report.title,
        summary="",
        answers=answers,
    )


def in_review(report, prevention_office):
    report = fill(report, prevention_office)
    return services.report_submit(report=report, user=prevention_office)


def test_office_starts_a_report_with_one_empty_answer_per_question(
    report, motion, prevention_office
):
    assert report.status == AnswerReport.Status.DRAFT
    assert [a.question.number for a in report.answers.order_by("question__number")] == [1, 2]
    assert all(a.text == "" for a in report.answers.all())
    assert report.slug == motion.public_slug
    event = motion.events.get(report=report)
    assert (event.action, event.user) == (Action.REPORT_STARTED, prevention_office)


def test_only_the_lead_departments_office_may_start_a_report(motion, make_user):
    outsider = make_user(roles.PREVENTION_OFFICE)
    with pytest.raises(PermissionDenied):
        services.report_create(motion=motion, user=outsider)
    assert not AnswerReport.objects.exists()


def test_an_unregistered_motion_gets_no_report(prevention_office, department, faction):
    submitted = MotionFactory(faction=faction, submitted=True, lead_department=department)
    with pytest.raises(ValidationError, match="registrierter"):
        services.report_create(motion=submitted, user=prevention_office)


def test_saving_stores_answers_and_counts_the_version(report, prevention_office):
    before = report.version
    report = fill(report, prevention_office)
    assert report.version == before + 1
    assert [a.text for a in report.answers.order_by("question__number")] == [
        "Zwölf Streifen je Woche.",
        "Rund 40.000 Euro.",
    ]
    assert report.events.filter(action=Action.REPORT_EDITED, user=prevention_office).exists()


def test_a_stale_form_is_refused_and_changes_nothing(
    report, prevention_office, make_user, department
):
    colleague = make_user(roles.PREVENTION_OFFICE, organizations=[department])
    opened = report.version
    fill(report, colleague, texts=("Kollegin war schneller.", ""))
    with pytest.raises(ValidationError, match="Jemand anderes"):
        services.report_update(
            report=report,
            user=prevention_office,
            version=opened,
            title="Neu",
            summary="",
            answers={},
        )
    report.refresh_from_db()
    assert report.title != "Neu"
    assert report.answers.order_by("question__number")[0].text == "Kollegin war schneller."


def test_a_report_with_an_unanswered_question_cannot_go_to_review(report, prevention_office):
    report = fill(report, prevention_office, texts=("Nur die erste Antwort.", "   "))
    with pytest.raises(ValidationError, match="Frage 2"):
        services.report_submit(report=report, user=prevention_office)
    report.refresh_from_db()
    assert report.status == AnswerReport.Status.DRAFT


def test_submitting_mails_the_departments_approvers(report, prevention_office, approver, commit):
    with commit():
        report = in_review(report, prevention_office)
    assert report.status == AnswerReport.Status.IN_REVIEW
    assert [m.to for m in mail.outbox] == [[approver.email]]
    assert "zur Prüfung" in mail.outbox[0].subject


def test_the_approver_approves_and_publishes(report, prevention_office, approver, owner, commit):
    report = in_review(report, prevention_office)
    report = services.report_approve(report=report, user=approver)
    assert (report.status, report.approver) == (AnswerReport.Status.APPROVED, approver)
    mail.outbox.clear()
    with commit():
        report = services.report_publish(report=report, user=approver)
    report.refresh_from_db()
    assert report.status == AnswerReport.Status.PUBLISHED
    assert "Zwölf Streifen je Woche." in report.published_html
    assert report.content_sha256 == hashlib.sha256(report.published_html.encode()).hexdigest()
    assert report.snapshot["items"][1]["answer"] == "Rund 40.000 Euro."
    assert report.motion.status == Motion.Status.ANSWERED
    assert owner.email in [address for m in mail.outbox for address in m.to]
    # the PDF task ran after the commit (immediate backend)
    assert report.pdf_status == AnswerReport.PdfStatus.DONE
    assert report.pdf_sha256 and report.pdf_file.name.endswith(".pdf")
    actions = list(report.events.values_list("action", flat=True))
    assert actions == [
        Action.REPORT_STARTED,
        Action.REPORT_EDITED,
        Action.REPORT_SUBMITTED,
        Action.REPORT_APPROVED,
        Action.REPORT_PUBLISHED,
    ]


def test_nobody_approves_a_report_they_edited(report, make_user, department):
    both = make_user(roles.PREVENTION_OFFICE, organizations=[department])
    both.groups.add(*make_user(roles.APPROVER).groups.all())
    report = in_review(report, both)
    with pytest.raises(PermissionDenied, match="Vier-Augen"):
        services.report_approve(report=report, user=both)
    assert "approve" not in access.report_actions(report=report, user=both)
    report.refresh_from_db()
    assert report.status == AnswerReport.Status.IN_REVIEW


def test_the_office_cannot_approve(report, prevention_office):
    report = in_review(report, prevention_office)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, user=prevention_office)


def test_sending_back_needs_a_comment_and_remembers_what_was_reviewed(
    report, prevention_office, approver
):
    report = in_review(report, prevention_office)
    with pytest.raises(ValidationError, match="was zu ändern"):
        services.report_return(report=report, user=approver, comment=" ")
    report = services.report_return(report=report, user=approver, comment="Zahlen belegen.")
    assert report.status == AnswerReport.Status.DRAFT
    assert report.review_baseline["answers"]["1"] == "Zwölf Streifen je Woche."
    event = report.events.get(action=Action.REPORT_RETURNED)
    assert (event.user, event.comment) == (approver, "Zahlen belegen.")


def test_an_approver_cannot_publish_before_approval(report, prevention_office, approver):
    report = in_review(report, prevention_office)
    with pytest.raises(ValidationError):
        services.report_publish(report=report, user=approver)


def test_a_published_report_is_never_edited(prevention_office):
    report = AnswerReportFactory(
        motion=MotionFactory(
            registered=True, lead_department=prevention_office.organizations.first()
        ),
        publish=True,
    )
    answer = report.answers.first()
    with pytest.raises(ValidationError, match="veröffentlicht"):
        services.report_update(
            report=report,
            user=prevention_office,
            version=report.version,
            title="x",
            summary="",
            answers={},
        )
    with pytest.raises(ValidationError, match="veröffentlicht"):
        services.exhibit_save(
            report=report,
            user=prevention_office,
            version=report.version,
            answer=answer,
            kind=Exhibit.Kind.MEETINGS,
        )


def test_exhibits_need_an_indicator_where_they_show_one(report, prevention_office):
    answer = report.answers.first()
    with pytest.raises(ValidationError, match="Kennzahl"):
        services.exhibit_save(
            report=report,
            user=prevention_office,
            version=report.version,
            answer=answer,
            kind=Exhibit.Kind.INDICATOR_CHART,
        )


def test_exhibit_changes_count_the_version_and_refuse_stale_forms(report, prevention_office):
    answer = report.answers.first()
    opened = report.version
    services.exhibit_save(
        report=report,
        user=prevention_office,
        version=opened,
        answer=answer,
        kind=Exhibit.Kind.MEETINGS,
    )
    with pytest.raises(ValidationError, match="Jemand anderes"):
        services.exhibit_save(
            report=report,
            user=prevention_office,
            version=opened,
            answer=answer,
            kind=Exhibit.Kind.MEASURES,
        )
    assert Exhibit.objects.count() == 1


def _import(user, rows: str) -> None:
    data = ("district,indicator,period,value\n" + rows).encode()
    plan, _batch = import_file(data=data, file_name="werte.csv", user=user)
    assert plan.ok, [str(p) for p in plan.problems]


def test_the_published_snapshot_survives_a_new_import(report, prevention_office, approver, commit):
    load_districts()  # an earlier transactional test may have flushed the migrations' rows
    load_catalogue()
    indicator = Indicator.objects.get(key="pks.890000")
    district = District.objects.order_by("number").first()
    _import(
        prevention_office,
        f"{district.number},pks.890000,2019,1234\n{district.number},pks.890000,2020,1111\n",
    )
    services.exhibit_save(
        report=report,
        user=prevention_office,
        version=report.version,
        answer=report.answers.first(),
        kind=Exhibit.Kind.INDICATOR_TABLE,
        indicator=indicator,
        districts=[district],
    )
    report.refresh_from_db()
    report = in_review(report, prevention_office)
    report = services.report_approve(report=report, user=approver)
    with commit():
        report = services.report_publish(report=report, user=approver)
    report.refresh_from_db()
    html, snapshot = report.published_html, report.snapshot
    cell = snapshot["items"][0]["exhibits"][0]["table"]["rows"][0]  # [district, 2019, 2020]
    assert cell[0] == district.name and cell[1] != "–"
    assert f'<td class="num">{cell[1]}</td>' in html

    _import(
        prevention_office,
        f"{district.number},pks.890000,2019,9876\n{district.number},pks.890000,2021,5555\n",
    )

    report.refresh_from_db()
    assert (report.published_html, report.snapshot) == (html, snapshot)
    # a draft drawn now would show the new figures: the freeze is what keeps them out
    live = snapshots.report_content(report)["items"][0]["exhibits"][0]["table"]
    assert live["head"][-1] == "2021" and live["rows"][0][1] != cell[1]


def test_a_correction_is_a_new_edition_that_supersedes_the_old_one(
    report, prevention_office, approver, commit
):
    report = in_review(report, prevention_office)
    report = services.report_approve(report=report, user=approver)
    with commit():
        first = services.report_publish(report=report, user=approver)
    correction = services.report_start_correction(report=first, user=prevention_office)
    assert (correction.edition, correction.supersedes, correction.status) == (2, first, "draft")
    assert correction.answers.get(question__number=1).text == "Zwölf Streifen je Woche."
    with pytest.raises(ValidationError):
        services.report_start_correction(report=first, user=prevention_office)
    correction = fill(
        correction, prevention_office, texts=("Dreizehn Streifen je Woche.", "Rund 40.000 Euro.")
    )
    correction = services.report_submit(report=correction, user=prevention_office)
    correction = services.report_approve(report=correction, user=approver)
    with commit():
        correction = services.report_publish(report=correction, user=approver)
    first.refresh_from_db()
    assert first.status == AnswerReport.Status.PUBLISHED  # stays readable
    assert first.superseded_by == correction
    assert list(AnswerReport.objects.current()) == [correction]


def test_publication_alerts_the_confirmed_subscribers_only(
    report, prevention_office, approver, commit
):
    from requests_app.models import AlertSubscription
    from tests.factories import AlertSubscriptionFactory

    everything = AlertSubscriptionFactory(email="alle@example.invalid")
    this_motion = AlertSubscriptionFactory(
        email="dieser@example.invalid", motion_id=report.motion_id
    )
    AlertSubscriptionFactory(email="unbestaetigt@example.invalid", confirmed_at=None)
    assert AlertSubscription.objects.count() == 3
    report = services.report_approve(report=in_review(report, prevention_office), user=approver)
    mail.outbox.clear()
    with commit():
        report = services.report_publish(report=report, user=approver)
    recipients = {address for m in mail.outbox for address in m.to}
    assert {everything.email, this_motion.email} <= recipients
    assert "unbestaetigt@example.invalid" not in recipients
    alert = next(m for m in mail.outbox if m.to == [everything.email])
    assert report.get_absolute_url() in alert.body


def test_the_answer_to_a_confidential_motion_needs_an_explicit_decision(
    motion, prevention_office, approver, commit
):
    Motion.all_objects.filter(pk=motion.pk).update(confidential=True)
    motion.refresh_from_db()
    report = services.report_create(motion=motion, user=prevention_office)
    report = services.report_approve(report=in_review(report, prevention_office), user=approver)
    with pytest.raises(ValidationError, match="Der Antrag ist vertraulich"):
        services.report_publish(report=report, user=approver)
    report.refresh_from_db()
    assert report.status == AnswerReport.Status.APPROVED
    assert not Motion.objects.published().filter(pk=motion.pk).exists()
    with commit():
        report = services.report_publish(report=report, user=approver, disclose=True)
    assert report.status == AnswerReport.Status.PUBLISHED
    assert Motion.objects.published().filter(pk=motion.pk).exists()  # one decision, both public
    assert motion.events.filter(action="disclosed", user=approver).exists()
