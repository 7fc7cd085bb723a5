"""`manage.py requeue_stale_tasks`: tasks of dead workers run again, lost PDFs are enqueued."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from requests_app.models import AnswerReport
from requests_app.tasks import render_report_pdf
from tests.factories import AnswerReportFactory

pytestmark = pytest.mark.django_db
PdfStatus = AnswerReport.PdfStatus


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def requeue(*args) -> str:
    out = StringIO()
    call_command("requeue_stale_tasks", *args, stdout=out)
    return out.getvalue()


def running(report_id: int, *, since: timedelta, worker: str = "dead-worker") -> DBTaskResult:
    """A render task a worker took `since` ago (and, unless it is alive, died with)."""
    result = DBTaskResult.objects.get(pk=render_report_pdf.enqueue(report_id).id)
    result.claim(worker)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - since)
    return result


def test_a_task_running_longer_than_the_timeout_is_failed_and_enqueued_again(database_queue):
    report = AnswerReportFactory(publish=True)
    dead = running(report.pk, since=timedelta(minutes=2))
    alive = running(report.pk, since=timedelta(seconds=5), worker="busy-worker")

    output = requeue("--timeout", "60")

    dead.refresh_from_db()
    assert dead.status == "FAILED"
    assert dead.exception_class_path.endswith("requeue_stale_tasks.WorkerLost")
    assert "dead-worker" in dead.traceback and "presumed dead" in dead.traceback
    again = DBTaskResult.objects.get(status="READY")
    assert (again.task_path, again.args_kwargs) == (dead.task_path, dead.args_kwargs)
    assert str(again.id) in dead.traceback and str(again.id) in output
    alive.refresh_from_db()
    assert alive.status == "RUNNING"
    assert "1 verwaiste Aufgabe(n) neu eingestellt" in output


def test_running_it_again_changes_nothing(database_queue):
    report = AnswerReportFactory(publish=True)
    running(report.pk, since=timedelta(hours=2))
    requeue()  # the default timeout is an hour
    before = set(DBTaskResult.objects.values_list("pk", "status"))
    assert "0 verwaiste Aufgabe(n)" in requeue()
    assert set(DBTaskResult.objects.values_list("pk", "status")) == before


def test_a_task_whose_code_is_gone_is_only_failed(database_queue):
    report = AnswerReportFactory(publish=True)
    gone = running(report.pk, since=timedelta(hours=2))
    DBTaskResult.objects.filter(pk=gone.pk).update(task_path="requests_app.tasks.removed")
    requeue()
    gone.refresh_from_db()
    assert gone.status == "FAILED" and "Task code not found" in gone.traceback
    assert not DBTaskResult.objects.filter(status="READY").exists()


def pending(**fields) -> AnswerReport:
    report = AnswerReportFactory(publish=True)
    AnswerReport.objects.filter(pk=report.pk).update(**fields)
    return report


def test_a_pdf_whose_worker_died_is_rendered_once_the_lease_ran_out():
    expired = pending(pdf_claim="dead", pdf_lease_until=timezone.now() - timedelta(seconds=1))
    live = pending(pdf_claim="busy", pdf_lease_until=timezone.now() + timedelta(minutes=4))
    output = requeue()
    # The immediate backend renders at once.
    assert AnswerReport.objects.get(pk=expired.pk).pdf_status == PdfStatus.DONE
    assert AnswerReport.objects.get(pk=live.pk).pdf_status == PdfStatus.PENDING
    assert f"Bericht(e): {expired.pk}\n" in output


def test_a_pdf_pending_without_a_task_for_longer_than_a_lease_is_enqueued():
    lost = pending(modified=timezone.now() - timedelta(minutes=6))
    fresh = pending()  # just published: its task is on the way
    requeue()
    assert AnswerReport.objects.get(pk=lost.pk).pdf_status == PdfStatus.DONE
    assert AnswerReport.objects.get(pk=fresh.pk).pdf_status == PdfStatus.PENDING


def test_a_pdf_whose_retry_waits_in_the_queue_is_left_alone(database_queue):
    waiting = pending(modified=timezone.now() - timedelta(minutes=6), pdf_attempts=1)
    render_report_pdf.using(run_after=timezone.now() + timedelta(seconds=30)).enqueue(waiting.pk)
    assert "0 PDF-Erstellung(en)" in requeue()
    assert DBTaskResult.objects.count() == 1
