"""The production shape, for real: two gunicorn servers and two task workers on one database.

Issue 9. The web servers run `ratsportal/gunicorn_conf.py` with DEBUG off and TASKS_BACKEND=db,
two processes each; the workers are `manage.py db_worker`. All of them use the test database
(this test commits, so they see its data) and one MEDIA_ROOT.

1. An approver publishes 20 approved reports at once, the POSTs split over both servers. Every
   publication queues its PDF; the test queues each a second time on top. Every PDF is rendered
   exactly once: 20 renderings, 20 files, each matching the hash its report names.
   Citizens' pages, cached by both servers in the shared Redis cache before, show the answer
   and its PDF afterwards: the writes of web processes and workers invalidate them all.
2. A worker is killed (SIGKILL) in the middle of a task. Its task stays RUNNING for ever until
   `manage.py requeue_stale_tasks` gives it to the queue again; the other worker finishes it.

To catch the worker mid-task without guessing at timings, the test holds the row lock of the
report in question: the worker takes the task and then waits for the lock inside the task,
which the test sees in PostgreSQL's lock table before it kills the worker.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from requests_app.models import AnswerReport
from requests_app.services import reports as services
from requests_app.tasks import render_report_pdf
from tests.factories import AnswerReportFactory, MotionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# collectstatic writes the manifest that DEBUG off needs (the PDF's stylesheet is a static
# file); kept between runs, so only the first run pays for compressing every file.
STATIC_ROOT = ROOT / "var" / "ops-static"
BIN = Path(sys.executable).parent
REPORTS = 20
DEADLINE = 120  # seconds for anything to happen; a loaded CI machine needs most of them
WORKERS = ("worker-1", "worker-2")


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free port below the kernel's ephemeral range (32768–60999 here): a port the kernel
    hands out for bind(0) may be taken a moment later as the local end of an outgoing
    connection (to PostgreSQL, Redis, the other server), and gunicorn then cannot listen on it
    ("Connection in use", seen once in CI)."""
    candidates = [port for port in range(20000, 32000) if port not in _HANDED_OUT]
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)  # the servers bind later: never give one port twice
        return port
    raise RuntimeError("no free port between 20000 and 32000")


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what, processes=(), timeout: float = DEADLINE):
    """Poll `condition` until it is truthy; fail if the time runs out or a process died.

    `what` names the awaited state; a callable is asked only then (for the current state).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for process in processes:
            assert process.poll() is None, f"{process.args[:3]} ended: {process.log.read_text()}"
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what() if callable(what) else what}")


class Cluster:
    """The subprocesses; each logs to a file, all are ended by `stop()`."""

    def __init__(self, work: Path):
        self.work = work
        self.media = work / "media"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "TASKS_BACKEND": "db",
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,  # the sessions the test creates must be valid
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",  # no TLS on the loopback; nginx does it in production
            "MEDIA_ROOT": str(self.media),
            "STATIC_ROOT": str(STATIC_ROOT),
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("EMAIL_HOST", "DJANGO_SETTINGS_MODULE"):
            self.env.pop(name, None)
        # Production shape: the page cache on a Redis shared by web processes and workers.
        self.env["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
        self.env["CACHE_KEY_PREFIX"] = f"ops-test-{os.getpid()}-{time.time_ns()}"
        self.env["PAGE_CACHE_HEADER"] = "1"  # the tests read X-Page-Cache
        self.processes: list[subprocess.Popen] = []
        self.servers: dict[int, subprocess.Popen] = {}
        self.workers: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], **env) -> subprocess.Popen:
        log = self.work / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends gunicorn's workers too
            )
        process.log = log
        self.processes.append(process)
        return process

    def start_server(self) -> int:
        port = free_port()
        command = [
            str(BIN / "gunicorn"),
            *("-c", "python:ratsportal.gunicorn_conf", "ratsportal.wsgi"),
        ]
        command.append("--no-control-socket")  # two servers on one host would share its path
        self.servers[port] = self.start(f"web-{port}", command, GUNICORN_BIND=f"127.0.0.1:{port}")
        return port

    def start_worker(self, worker_id: str) -> None:
        command = [sys.executable, "manage.py", "db_worker", "--worker-id", worker_id]
        command += ["--interval", "0.2", "--no-startup-delay", "--no-reload"]
        self.workers[worker_id] = self.start(worker_id, command)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=DEADLINE,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def wait_until_up(self, port: int) -> None:
        def healthy() -> bool:
            try:
                return request(port, "GET", "/healthz")[0] == 200
            except OSError:
                return False

        wait_for(healthy, f"gunicorn on port {port}", [self.servers[port]])

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def page(port: int, path: str) -> tuple[str, str]:
    """An anonymous visitor's GET: (X-Page-Cache header, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        text = response.read().decode()
        assert response.status == 200, (path, response.status)
        return response.getheader("X-Page-Cache", ""), text
    finally:
        conn.close()


def request(port: int, method: str, path: str, body: str = "", headers=None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


@pytest.fixture
def cluster(tmp_path, settings):
    cluster = Cluster(tmp_path)
    assert cluster.media == settings.MEDIA_ROOT  # one MEDIA_ROOT for the test and theirs
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def approved(prevention_office, approver, department, faction):
    """20 reports drafted by the KPR office and approved by the department head."""
    reports = []
    for number in range(REPORTS):
        motion = MotionFactory(
            registered=True, faction=faction, lead_department=department, questions=["Stand?"]
        )
        report = services.report_create(motion=motion, user=prevention_office)
        report = services.report_update(
            report=report,
            user=prevention_office,
            version=report.version,
            title=f"Antwort {number}",
            summary="",
            answers={report.answers.get().pk: f"Antwort Nummer {number}."},
        )
        report = services.report_submit(report=report, user=prevention_office)
        reports.append(services.report_approve(report=report, user=approver))
    return reports


def render_results(report_id: int | None = None) -> list[DBTaskResult]:
    results = DBTaskResult.objects.filter(task_path=render_report_pdf.module_path)
    return [r for r in results if report_id in (None, r.args_kwargs["args"][0])]


def enqueue_in_database(report_id: int) -> str:
    """Queue a render task as the web processes do (the test process itself runs immediate)."""
    return DatabaseBackend("default", {}).enqueue(render_report_pdf, [report_id], {}).id


def browser_headers(client, user, report) -> tuple[dict, str]:
    """Cookies and CSRF token of `user`, as a browser has them after opening the report."""
    client.force_login(user)
    page = client.get(report.get_workspace_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    cookie = f"sessionid={client.cookies['sessionid'].value}; "
    cookie += f"csrftoken={client.cookies['csrftoken'].value}"
    return {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, token


def publish_all_at_once(reports, ports, headers, token) -> list[tuple[int, str]]:
    """POST every report's "publish", ten at a time, alternating between the servers."""

    def publish(index: int) -> tuple[int, str]:
        path = reverse("requests_app:report_action", args=[reports[index].pk, "publish"])
        body = urlencode({"csrfmiddlewaretoken": token})
        return request(ports[index % len(ports)], "POST", path, body=body, headers=headers)

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(publish, range(len(reports))))


def waiting_for_a_lock() -> bool:
    """Whether a session of the test database waits for a lock (the test's own polls do not)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0] == 1


def kill_the_worker_of(cluster: Cluster, report: AnswerReport) -> tuple[DBTaskResult, str]:
    """Queue the report's PDF, SIGKILL the worker that takes it mid-task; (its task, worker)."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    ) as lock:
        # Holding the report's row lock stops the worker inside the task, at its claim.
        table = AnswerReport._meta.db_table
        lock.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [report.pk])
        task = DBTaskResult.objects.filter(pk=enqueue_in_database(report.pk), status="RUNNING")
        result = wait_for(task.first, "a worker to take the task", cluster.processes)
        wait_for(waiting_for_a_lock, "the worker to wait inside the task", cluster.processes)
        victim = result.worker_ids[-1]
        cluster.workers[victim].send_signal(signal.SIGKILL)
        cluster.workers[victim].wait(timeout=DEADLINE)
        lock.rollback()
    return result, victim


def test_web_and_worker_processes_publish_and_render_every_pdf_exactly_once(
    cluster, approved, approver, client
):
    reports, ids = approved, {report.pk for report in approved}
    cluster.manage("collectstatic", "--no-input", "-v", "0")
    ports = [cluster.start_server(), cluster.start_server()]
    for worker_id in WORKERS:
        cluster.start_worker(worker_id)
    for port in ports:
        cluster.wait_until_up(port)
    headers, token = browser_headers(client, approver, reports[0])
    # Citizens look at the first motion on both servers: cached there, no answer yet.
    motion_url = reports[0].motion.get_absolute_url()
    for port in ports:
        page(port, motion_url)
        cached, text = page(port, motion_url)
        assert cached == "hit" and reports[0].get_absolute_url() not in text

    started = time.monotonic()
    answers = publish_all_at_once(reports, ports, headers, token)
    assert answers == [(302, report.get_workspace_url()) for report in reports]
    published = AnswerReport.objects.filter(pk__in=ids, status=AnswerReport.Status.PUBLISHED)
    assert published.count() == REPORTS
    for pk in ids:  # a second task per report, as a staff retry or the recovery command adds
        enqueue_in_database(pk)
    done = AnswerReport.objects.filter(pk__in=ids, pdf_status=AnswerReport.PdfStatus.DONE)
    wait_for(
        lambda: done.count() == REPORTS,
        lambda: f"20 PDFs; task results: {[r.return_value for r in render_results()]}",
        cluster.processes,
    )
    wait_for(
        lambda: all(r.status in ("SUCCESSFUL", "FAILED") for r in render_results()),
        "the duplicate tasks",
        cluster.processes,
    )
    rendered_in = time.monotonic() - started
    # The publication (web) and the finished PDF (worker) reached every server's page cache.
    for port in ports:
        assert reports[0].get_absolute_url() in page(port, motion_url)[1]
        assert reports[0].get_pdf_url() in page(port, reports[0].get_absolute_url())[1]

    results = render_results()
    assert [r.status for r in results] == ["SUCCESSFUL"] * 2 * REPORTS
    outcomes = sorted((r.args_kwargs["args"][0], r.return_value["outcome"]) for r in results)
    assert outcomes == sorted((pk, outcome) for pk in ids for outcome in ("rendered", "skipped"))
    assert len(os.listdir(cluster.media / "berichte")) == REPORTS
    for report in AnswerReport.objects.filter(pk__in=ids):
        data = (cluster.media / report.pdf_file.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == report.pdf_sha256
        assert report.pdf_attempts == 1

    # A worker dies mid-task: its task stays RUNNING, nobody else would ever look at it.
    report = AnswerReportFactory(publish=True)
    lost, victim = kill_the_worker_of(cluster, report)
    survivor = next(worker for worker in WORKERS if worker != victim)
    lost.refresh_from_db()
    assert lost.status == "RUNNING"
    # The recovery command with a timeout of one second, once the task is older than that.
    time.sleep(max(0, 1.5 - (timezone.now() - lost.started_at).total_seconds()))
    output = cluster.manage("requeue_stale_tasks", "--timeout", "1")
    assert f"Aufgabe {lost.pk} " in output and f"Worker {victim}" in output
    report_done = AnswerReport.objects.filter(pk=report.pk, pdf_status=AnswerReport.PdfStatus.DONE)
    wait_for(report_done.exists, "the survivor to render it", [cluster.workers[survivor]])
    lost.refresh_from_db()
    assert lost.status == "FAILED" and lost.exception_class_path.endswith("WorkerLost")
    again = [r for r in render_results(report.pk) if r.pk != lost.pk]
    assert [(r.worker_ids, r.return_value["outcome"]) for r in again] == [([survivor], "rendered")]
    assert "0 verwaiste Aufgabe(n)" in cluster.manage("requeue_stale_tasks", "--timeout", "1")
    assert len(os.listdir(cluster.media / "berichte")) == REPORTS + 1

    cluster.stop()
    for port, server in cluster.servers.items():
        log = server.log.read_text()
        assert "Traceback" not in log and not re.search(r'" 5\d\d ', log), log
        assert log.count('"POST /arbeitsbereich/') == REPORTS // 2, f"port {port}: {log}"
    for worker_id, worker in cluster.workers.items():
        log = worker.log.read_text()
        assert "Traceback" not in log and " ERROR " not in log, f"{worker_id}: {log}"
    print(f"\n{REPORTS} publications and their PDFs in {rendered_in:.1f} s")
