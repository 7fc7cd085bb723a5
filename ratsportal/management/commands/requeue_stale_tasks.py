"""Recover the work of dead task workers (docs/workers.md); run every minute by a systemd timer.

`manage.py db_worker` (django-tasks-db) marks a task RUNNING when it takes it and never looks at
it again: a worker killed with SIGKILL, by the OOM killer or a power cut leaves it RUNNING for
ever. This command

1. marks every task RUNNING for longer than `--timeout` as failed (exception `WorkerLost`, with
   the worker's id in the traceback text) and enqueues it again as a new task, in one
   transaction per run;
2. enqueues the PDFs of published reports that are pending with nobody working on them (a claim
   whose lease ran out, or a lost enqueue; `requests_app.tasks.requeue_orphaned_pdfs`).

Idempotent and safe to run on several hosts at once: rows another run is handling are skipped
(`SELECT … FOR UPDATE SKIP LOCKED`), a recovered task is no longer RUNNING. A task that is only
slow and still alive after the timeout runs twice: the PDF task is guarded against that, others
(the alert mails) are at least once, so the timeout must be well above their longest run.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.management.base import BaseCommand
from django.db import transaction
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from requests_app.tasks import requeue_missing_motion_documents, requeue_orphaned_pdfs


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker stopped answering (never raised)."""


def database_backends() -> list[str]:
    return [alias for alias in settings.TASKS if isinstance(task_backends[alias], DatabaseBackend)]


def requeue_stale_results(*, older_than: timedelta) -> list[tuple[DBTaskResult, str]]:
    """Fail and re-enqueue tasks RUNNING since before `older_than`; [(old result, new id)].

    The new id is "" when the task's code no longer exists (it is only marked failed).
    """
    now = timezone.now()
    done = []
    with transaction.atomic():
        stale = (
            DBTaskResult.objects.running()
            .filter(backend_name__in=database_backends(), started_at__lt=now - older_than)
            .select_for_update(skip_locked=True)
            .order_by("started_at")
        )
        for result in stale:
            try:
                task = result.task
            except (ImportError, SuspiciousOperation):
                new_id = ""
            else:
                arguments = result.args_kwargs
                new_id = task.enqueue(*arguments["args"], **arguments["kwargs"]).id
            worker = result.worker_ids[-1] if result.worker_ids else "?"
            reason = (
                f"{WorkerLost.__name__}: running on worker {worker} since "
                f"{result.started_at.isoformat()}, more than {older_than.total_seconds():g} s; "
                "the worker is presumed dead. "
                + (f"Enqueued again as task {new_id}." if new_id else "Task code not found.")
            )
            DBTaskResult.objects.filter(pk=result.pk).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=reason,
            )
            done.append((result, new_id))
    return done


class Command(BaseCommand):
    help = (
        "Stellt Hintergrundaufgaben abgestürzter Worker neu ein (länger als --timeout im Status "
        "RUNNING) und stößt liegengebliebene PDF-Erstellungen neu an. Für einen minütlichen "
        "systemd-Timer; mehrfaches Ausführen schadet nicht."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--timeout",
            type=float,
            default=settings.PORTAL_TASK_STALE_SECONDS,
            help="Sekunden, nach denen eine laufende Aufgabe als verwaist gilt (Standard: "
            "PORTAL_TASK_STALE_SECONDS, 3600).",
        )

    def handle(self, *args, timeout: float, **options) -> None:
        recovered = requeue_stale_results(older_than=timedelta(seconds=timeout))
        for result, new_id in recovered:
            worker = result.worker_ids[-1] if result.worker_ids else "?"
            target = f"neu eingestellt als {new_id}" if new_id else "Code fehlt, nur beendet"
            self.stdout.write(
                f"Aufgabe {result.id} ({result.task_path}, Worker {worker}): {target}"
            )
        reports = requeue_orphaned_pdfs()
        if reports:
            self.stdout.write(f"PDF neu angestoßen für Bericht(e): {', '.join(map(str, reports))}")
        motions = requeue_missing_motion_documents()
        if motions:
            self.stdout.write(f"Drucksache neu angestoßen für Antrag/Anträge: {len(motions)}")
        self.stdout.write(
            f"{len(recovered)} verwaiste Aufgabe(n) neu eingestellt, "
            f"{len(reports)} PDF-Erstellung(en) neu angestoßen."
        )
