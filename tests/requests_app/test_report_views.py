"""Answer report pages: public list, page and PDF; the work area's report, form and exhibits."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import roles
from requests_app import snapshots
from requests_app.models import AnswerReport, Exhibit
from requests_app.services import reports as services
from tests.factories import AnswerReportFactory, CouncilMeetingFactory, MotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(registered, prevention_office):
    return services.report_create(motion=registered, user=prevention_office)


@pytest.fixture
def published_report():
    return AnswerReportFactory(
        title="Antwort zur Beleuchtung", answers=["Es wurden 40 Leuchten ersetzt."], publish=True
    )


def _post_answers(client, report, **extra):
    answer = report.answers.first()
    data = {
        "title": report.title,
        "summary": "",
        "version": report.version,
        f"answer_{answer.pk}": "Die Streifen wurden verdoppelt.",
        "save": "1",
        **extra,
    }
    return client.post(reverse("requests_app:report_edit", args=[report.pk]), data)


# --- public ------------------------------------------------------------------------------------


def test_the_list_shows_published_reports_only(client, published_report, draft):
    response = client.get("/berichte/")
    assert response.status_code == 200
    assert "Antwort zur Beleuchtung" in response.text
    assert draft.title not in response.text


def test_the_list_without_the_page_cache_is_never_stale_and_reads_no_report_twice(
    published_report,
):
    uncached = Client()
    uncached.cookies["unbekannt"] = "1"  # a visitor the page cache never answers
    first = uncached.get("/berichte/").text
    with CaptureQueriesContext(connection) as queries:
        assert uncached.get("/berichte/").text == first
    assert not [q for q in queries.captured_queries if "requests_app_" in q["sql"]]
    AnswerReportFactory(title="Antwort zu den Streifen", publish=True)
    page = uncached.get("/berichte/").text
    assert "Antwort zu den Streifen" in page
    assert "2 veröffentlichte Berichte" in page


def test_the_report_page_shows_the_frozen_answer(client, published_report):
    response = client.get(published_report.get_absolute_url())
    assert response.status_code == 200
    assert "Es wurden 40 Leuchten ersetzt." in response.text
    assert "Prüfsumme" not in response.text  # no PDF yet, so no PDF checksum


def test_the_shown_checksum_is_the_sha256_of_the_downloaded_pdf(client):
    import hashlib
    import re

    report = AnswerReportFactory(publish=True, pdf=True)
    page = client.get(report.get_absolute_url()).text
    shown = re.search(r"Prüfsumme \(SHA-256\)</dt><dd><code[^>]*>([0-9a-f]{64})<", page)[1]
    download = client.get(report.get_pdf_url())
    assert hashlib.sha256(download.getvalue()).hexdigest() == shown
    assert download["ETag"] == f'"{shown}"'


@pytest.mark.parametrize("status", ["draft", "in_review", "approved"])
def test_anonymous_visitors_get_404_for_an_unpublished_report(client, status):
    report = AnswerReportFactory()
    AnswerReport.objects.filter(pk=report.pk).update(status=status)
    assert client.get(f"/berichte/{report.slug}/").status_code == 404
    assert client.get(f"/berichte/{report.slug}.pdf").status_code == 404


def test_the_pdf_is_served_with_its_hash_as_etag(client):
    report = AnswerReportFactory(publish=True, pdf=True)
    response = client.get(report.get_pdf_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{report.pdf_sha256}"'
    assert response.getvalue().startswith(b"%PDF-")
    again = client.get(report.get_pdf_url(), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_a_pdf_is_served_whole_and_from_the_page_cache(client):
    report = AnswerReportFactory(publish=True, pdf=True)
    first = client.get(report.get_pdf_url())
    second = client.get(report.get_pdf_url())
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Disposition"] == f'inline; filename="{report.slug}.pdf"'
    assert len(second.content) == report.pdf_size


def test_a_big_pdf_is_streamed_from_storage(client, settings):
    settings.PAGE_CACHE_MAX_FILE_BYTES = 100
    report = AnswerReportFactory(publish=True, pdf=True)
    response = client.get(report.get_pdf_url())
    assert response.streaming
    assert response.getvalue().startswith(b"%PDF-")
    assert response["Content-Disposition"] == f'inline; filename="{report.slug}.pdf"'


def test_a_pdf_still_being_rendered_is_not_served(client, published_report):
    assert published_report.pdf_status == AnswerReport.PdfStatus.PENDING
    response = client.get(published_report.get_pdf_url())
    assert response.status_code == 404


def _report_with_exhibits(count: int) -> AnswerReport:
    report = AnswerReportFactory()
    CouncilMeetingFactory()
    answer = report.answers.first()
    for position in range(count):
        Exhibit.objects.create(answer=answer, kind=Exhibit.Kind.MEETINGS, position=position + 1)
    return snapshots.freeze(report)


def test_the_report_page_query_count_does_not_grow_with_exhibits(client):
    small, large = _report_with_exhibits(1), _report_with_exhibits(15)
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = client.get(large.get_absolute_url())
    assert response.text.count("report-exhibit-title") == 15
    assert len(many) == len(few)


def test_the_staff_preview_query_count_does_not_grow_with_exhibits(client, make_user):
    small, large = _report_with_exhibits(1), _report_with_exhibits(15)
    client.force_login(make_user("superuser"))
    counts = []
    for report in (small, large):
        AnswerReport.objects.filter(pk=report.pk).update(status="draft")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(report.get_workspace_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_motion_page_links_its_report(client, published_report):
    response = client.get(published_report.motion.get_absolute_url())
    assert published_report.get_absolute_url() in response.text


def test_a_corrected_report_says_so_and_links_the_correction(client, published_report):
    correction = AnswerReportFactory(
        motion=published_report.motion, edition=2, supersedes=published_report, publish=True
    )
    response = client.get(published_report.get_absolute_url())
    assert response.status_code == 200
    assert "Diese Fassung wurde korrigiert." in response.text
    assert correction.get_absolute_url() in response.text


def test_an_unpublished_correction_is_not_announced(client, published_report):
    AnswerReportFactory(motion=published_report.motion, edition=2, supersedes=published_report)
    response = client.get(published_report.get_absolute_url())
    assert "korrigiert" not in response.text
    assert "korrigiert" not in client.get("/berichte/").text


# --- work area ---------------------------------------------------------------------------------


def test_the_office_starts_a_report_from_the_motion(client, registered, prevention_office):
    client.force_login(prevention_office)
    page = client.get(registered.get_workspace_url())
    assert "Antwortbericht anlegen" in page.text
    response = client.post(reverse("requests_app:report_start", args=[registered.pk]))
    report = AnswerReport.objects.get(motion=registered)
    assert response.url == reverse("requests_app:report_edit", args=[report.pk])


def test_the_workspace_shows_exhibits_live(client, draft, prevention_office):
    CouncilMeetingFactory(name="Frühjahrssitzung KPR")
    Exhibit.objects.create(answer=draft.answers.first(), kind=Exhibit.Kind.MEETINGS)
    client.force_login(prevention_office)
    response = client.get(draft.get_workspace_url())
    assert response.status_code == 200
    assert "Frühjahrssitzung KPR" in response.text


def test_other_departments_do_not_see_the_report(client, draft, make_user):
    client.force_login(make_user(roles.PREVENTION_OFFICE))
    assert client.get(draft.get_workspace_url()).status_code == 404
    assert client.get(reverse("requests_app:report_edit", args=[draft.pk])).status_code == 404


def test_saving_the_form_stores_the_answers(client, draft, prevention_office):
    client.force_login(prevention_office)
    response = _post_answers(client, draft)
    assert response.status_code == 302
    assert draft.answers.first().text == "Die Streifen wurden verdoppelt."


def test_a_stale_form_is_refused_with_a_message(client, draft, prevention_office):
    client.force_login(prevention_office)
    response = _post_answers(client, draft, version=draft.version - 1)
    assert response.status_code == 200
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.text
    assert draft.answers.first().text == ""


def test_the_preview_renders_markdown_without_saving(client, draft, prevention_office):
    client.force_login(prevention_office)
    answer = draft.answers.first()
    response = _post_answers(
        client,
        draft,
        save="",
        preview="1",
        **{f"answer_{answer.pk}": "**fett** <script>x</script>"},
    )
    assert "<strong>fett</strong>" in response.text
    assert "<script>x</script>" not in response.text
    assert draft.answers.first().text == ""


def test_adding_an_exhibit(client, draft, prevention_office):
    client.force_login(prevention_office)
    url = reverse("requests_app:exhibit_create", args=[draft.pk])
    data = {
        "answer": draft.answers.first().pk,
        "kind": "indicator_chart",
        "position": 1,
        "version": draft.version,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Bitte wählen Sie eine Kennzahl." in refused.text
    assert not Exhibit.objects.exists()
    response = client.post(url, {**data, "kind": "measures", "caption": "Projekte"})
    assert response.status_code == 302
    assert Exhibit.objects.get().caption == "Projekte"


def test_submitting_an_incomplete_report_shows_which_question_is_open(
    client, draft, prevention_office
):
    client.force_login(prevention_office)
    response = client.post(
        reverse("requests_app:report_action", args=[draft.pk, "submit"]), follow=True
    )
    assert "Noch offen: Frage 1." in response.text
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_self_approval_is_forbidden(client, draft, make_user, department):
    both = make_user(roles.PREVENTION_OFFICE, organizations=[department])
    both.groups.add(*make_user(roles.APPROVER).groups.all())
    client.force_login(both)
    _post_answers(client, draft)
    client.post(reverse("requests_app:report_action", args=[draft.pk, "submit"]))
    response = client.post(reverse("requests_app:report_action", args=[draft.pk, "approve"]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "in_review"


def test_the_approver_sees_what_changed_since_the_last_review(
    client, draft, prevention_office, approver
):
    client.force_login(prevention_office)
    _post_answers(client, draft)
    client.post(reverse("requests_app:report_action", args=[draft.pk, "submit"]))
    client.force_login(approver)
    client.post(
        reverse("requests_app:report_action", args=[draft.pk, "return"]),
        {"return-comment": "Bitte genauer."},
    )
    draft.refresh_from_db()
    client.force_login(prevention_office)
    answer = draft.answers.first()
    _post_answers(client, draft, **{f"answer_{answer.pk}": "Die Streifen wurden verdreifacht."})
    client.post(reverse("requests_app:report_action", args=[draft.pk, "submit"]))
    client.force_login(approver)
    response = client.get(draft.get_workspace_url())
    assert "Änderungen seit der letzten Prüfung" in response.text
    assert "Die Streifen wurden verdoppelt." in response.text  # before
    assert "Die Streifen wurden verdreifacht." in response.text  # now


def test_sending_back_without_a_comment_shows_the_error(client, draft, prevention_office, approver):
    services.report_update(
        report=draft,
        user=prevention_office,
        version=draft.version,
        title=draft.title,
        summary="",
        answers={draft.answers.first().pk: "Text."},
    )
    services.report_submit(report=draft, user=prevention_office)
    client.force_login(approver)
    response = client.post(reverse("requests_app:report_action", args=[draft.pk, "return"]), {})
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.text


def test_the_dashboard_lists_reports_in_review_and_drafts(
    client, draft, prevention_office, approver
):
    client.force_login(prevention_office)
    assert draft.title in client.get("/arbeitsbereich/").text
    services.report_update(
        report=draft,
        user=prevention_office,
        version=draft.version,
        title=draft.title,
        summary="",
        answers={draft.answers.first().pk: "Text."},
    )
    services.report_submit(report=draft, user=prevention_office)
    client.force_login(approver)
    page = client.get("/arbeitsbereich/").text
    assert "Berichte in Prüfung" in page and draft.title in page


def test_a_council_member_sees_only_the_published_report(client, owner, faction, department):
    motion = MotionFactory(faction=faction, registered=True, lead_department=department)
    motion.submitters.add(owner.person)
    draft = AnswerReportFactory(motion=motion)
    client.force_login(owner)
    assert draft.title not in client.get(motion.get_workspace_url()).text
    assert client.get(draft.get_workspace_url()).status_code == 404


def test_the_faction_does_not_read_the_administrations_review(
    client, draft, prevention_office, approver, owner, office
):
    """The send-back comment and the staff's names on an unpublished report stay in the
    lead department; the faction and the council office see the motion's own steps."""
    prevention_office.first_name, prevention_office.last_name = "Sachbearbeiterin", "Intern"
    prevention_office.save()
    _post_answers_as(client, prevention_office, draft)
    draft.refresh_from_db()
    report = services.report_submit(report=draft, user=prevention_office)
    services.report_return(report=report, user=approver, comment="INTERNE-ANMERKUNG Zahlen prüfen")
    url = reverse("requests_app:workspace_motion", kwargs={"pk": draft.motion.pk})
    for outsider in (owner, office):
        client.force_login(outsider)
        page = client.get(url).content.decode()
        assert draft.motion.title in page
        assert "INTERNE-ANMERKUNG" not in page
        assert "Sachbearbeiterin" not in page
    client.force_login(prevention_office)
    assert "INTERNE-ANMERKUNG" in client.get(url).content.decode()


def _post_answers_as(client, user, report):
    client.force_login(user)
    _post_answers(client, report)


def test_the_approver_is_warned_before_publishing_a_confidential_motions_answer(
    client, draft, prevention_office, approver
):
    _post_answers_as(client, prevention_office, draft)
    report = services.report_submit(
        report=AnswerReport.objects.get(pk=draft.pk), user=prevention_office
    )
    report = services.report_approve(report=report, user=approver)
    report.motion.confidential = True
    report.motion.save(update_fields=["confidential"])
    client.force_login(approver)
    page = client.get(report.get_workspace_url()).content.decode()
    assert "Achtung: Der Antrag ist vertraulich." in page and 'name="disclose"' in page
    url = reverse("requests_app:report_action", kwargs={"pk": report.pk, "action": "publish"})
    refused = client.post(url, follow=True).content.decode()
    assert "bestätigen Sie das ausdrücklich" in refused
    assert AnswerReport.objects.get(pk=report.pk).status == AnswerReport.Status.APPROVED
    client.post(url, {"disclose": "1"})
    assert AnswerReport.objects.get(pk=report.pk).status == AnswerReport.Status.PUBLISHED


# --- the staff preview: drawn once per report version and data version (issue 20) ---------------


def _answer_queries(client, report) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(report.get_workspace_url()).status_code == 200
    return sum('FROM "requests_app_answer"' in query["sql"] for query in queries)


def test_the_preview_is_drawn_once_per_version(client, draft, prevention_office):
    client.force_login(prevention_office)
    first = _answer_queries(client, draft)
    assert _answer_queries(client, draft) == first - 1  # only the page's own list of answers


def test_the_preview_shows_a_draft_edit_at_once(client, draft, prevention_office):
    client.force_login(prevention_office)
    assert "Noch nicht beantwortet." in client.get(draft.get_workspace_url()).text
    answer = draft.answers.first()
    services.report_update(  # a draft's edit bumps no table, only the report's version
        report=draft,
        user=prevention_office,
        version=draft.version,
        title=draft.title,
        summary="",
        answers={answer.pk: "Die Streifen wurden verdoppelt."},
    )
    page = client.get(draft.get_workspace_url()).text
    assert "Die Streifen wurden verdoppelt." in page
    assert "Noch nicht beantwortet." not in page


def test_the_preview_follows_a_change_that_keeps_the_version(client, draft, prevention_office):
    client.force_login(prevention_office)
    client.get(draft.get_workspace_url())
    AnswerReport.objects.filter(pk=draft.pk).update(summary="Kurz gesagt: mehr Licht.")
    assert "Kurz gesagt: mehr Licht." in client.get(draft.get_workspace_url()).text
