"""`make bench`: load test of the portal under gunicorn with production settings (issue 9).

Run as a script (``.venv/bin/python docs/bench.py``; options: ``--help``). It

1. installs Debian's ``wrk`` if it is missing (``apt-get install -y wrk``),
2. creates the PostgreSQL database ``BENCH_DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/ratsportal_bench``) if needed, migrates it and fills it
   with ``manage.py seed_scale`` unless it is seeded already,
3. collects the static files and starts gunicorn (``ratsportal/gunicorn_conf.py``) with ``DEBUG=0``,
   serving this module's ``application``: the portal plus a bare Django view
   ``/__bench__/bare/`` that returns a short text through the same middleware,
4. loads the bare view and each page with the same wrk settings and prints a table of requests
   per second, p95 latency, errors, and the ratio to the bare view; three work-area pages are
   loaded logged in (never cached),
5. the **mixed run** (issue 20): anonymous visitors over all page types in a day's proportions
   (``MIX``, many different motions, reports, districts; each visited once before, as a day's
   visitors find the cache warm) while ``docs/bench_writer.py`` does what
   staff do through the real services (a draft save every second, an answer edit every 5 s, a
   publication every minute, an indicator import every 10 minutes); it reports throughput as a
   ratio to the bare view, p95 latency, the page-cache hit rate and errors,
6. memory: gunicorn's workers are restarted before the mixed run; their resident memory
   (``VmRSS``) is read after the first ``MEMORY_FIRST`` mixed requests and again after
   ``MEMORY_TOTAL`` (the mixed run, topped up with more of the same visits if it served fewer);
   workers are not recycled during the bench (``GUNICORN_MAX_REQUESTS=0``), so growth shows,
7. the PDF line (docs/bench_pdf.py): a long report (50 questions, 30 exhibits) through the PDF
   task, against WeasyPrint alone on the same HTML, with each one's time and peak memory,
8. writes every figure as JSON (``--json``, default ``var/bench/<commit>-<time>.json``) so two
   commits can be compared side by side.

The pieces: docs/bench_load.py (one page under wrk), docs/bench_mixed.py (the mixed run and
worker memory), docs/bench_writer.py (the staff's writes), docs/bench_pdf.py (the PDF line),
docs/bench_report.py (the tables, the targets and the JSON).

The bare view exists only in this module's URLconf, which only this WSGI entry point uses:
``ratsportal.urls`` and therefore the production site never contain it.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench_load import BARE_PATH, ROOT, WRK_SCRIPT, load, oparl_list, run
from bench_mixed import mixed_run
from bench_report import write_report

# Logged-in staff pages (never cached): the accounts and a draft come from bench_writer.Staff.
LOGIN_CODE = """
import json
from django.conf import settings
from django.test import Client
from bench_writer import Staff
staff = Staff()
def cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
print(json.dumps({
    "cookie_name": settings.SESSION_COOKIE_NAME,
    "office": cookie(staff.office),
    "author": cookie(staff.author),
    "report": staff.report.pk,
}))
"""

# --- the WSGI application gunicorn serves (imported as `bench:application`) -------------------


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok\n", content_type="text/plain")


def _wsgi():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratsportal.settings")
    django.setup(set_prefix=False)

    from django.conf import settings

    # The baseline is never looked up in the page cache (before the handler loads middleware).
    settings.PAGE_CACHE_EXCLUDED_PATHS = [*settings.PAGE_CACHE_EXCLUDED_PATHS, BARE_PATH]

    from django.contrib.auth.decorators import login_not_required
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import include, path

    global urlpatterns
    urlpatterns = [
        path(BARE_PATH.strip("/") + "/", login_not_required(bare)),
        path("", include("ratsportal.urls")),
    ]

    class BenchHandler(WSGIHandler):
        def get_response(self, request):
            request.urlconf = __name__  # this module: the portal plus the bare view
            return super().get_response(request)

    return BenchHandler()


if __name__ != "__main__":
    application = _wsgi()


# --- the benchmark driver --------------------------------------------------------------------


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        print("wrk fehlt, installiere Debians Paket wrk …", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)
    return shutil.which("wrk")


def ensure_database(url: str, env: dict, python: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    seeded = run(
        [python, "manage.py", "shell", "-c", SEEDED_CHECK], env, capture_output=True
    ).stdout.split()[-1]
    if seeded != "True":
        print("Skalierungsdaten anlegen (manage.py seed_scale) …", flush=True)
        run([python, "manage.py", "seed_scale", "--force"], env)
    run([python, "manage.py", "shell", "-c", ENSURE_PDF], env, capture_output=True)
    # Fresh planner statistics and clean GIN pending lists, as autovacuum would leave them in
    # production (it may be off on a test server; without statistics search plans are poor).
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


SEEDED_CHECK = (
    "from portal.models import Organization; "
    "print(Organization.all_objects.filter(name='Stadtrat (Skalierungsdaten)').exists())"
)
# The seeded reports share one PDF file; put it back if this media folder lacks it.
ENSURE_PDF = (
    "from django.core.files.base import ContentFile; "
    "from django.core.files.storage import default_storage as s; "
    "from ratsportal.management.commands.seed_scale import PDF_NAME, sample_pdf; "
    "s.exists(PDF_NAME) or s.save(PDF_NAME, ContentFile(sample_pdf()))"
)
TARGETS_CODE = """
import json
from django.db import connection
from portal.models import Meeting
from prevention.models import District, Indicator, IndicatorValue
from requests_app.models import AnswerReport, Motion, Question
report = AnswerReport.objects.published().filter(pdf_status="done").order_by("pk").first()
motion = Motion.objects.filter(status="answered", confidential=False).order_by("pk").first()
with connection.cursor() as cursor:
    cursor.execute("SHOW server_version")
    pg = cursor.fetchone()[0]
print(json.dumps({
    "motion": motion.get_absolute_url(),
    "report": report.slug,
    "district": District.objects.order_by("number").first().slug,
    "indicator": Indicator.objects.order_by("key").filter(key__startswith="skalierung.")
        .first().key,
    "postgres": pg,
    "sizes": {
        "motions": Motion.all_objects.count(),
        "questions": Question.objects.count(),
        "published reports": AnswerReport.objects.published().count(),
        "meetings": Meeting.all_objects.count(),
        "indicator values": IndicatorValue.objects.count(),
    },
}))
"""


def wait_until_up(base: str, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn ist beendet, siehe Ausgabe oben.")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn antwortet nicht.")


def pdf_line(python: str, env: dict, work: Path) -> dict:
    """docs/bench_pdf.py: the PDF task on a long report, and WeasyPrint alone on its HTML."""
    html = work / "long-report.html"
    results = {}
    for mode in ("task", "weasyprint"):
        output = run(
            [python, str(ROOT / "docs" / "bench_pdf.py"), mode, str(html)],
            env,
            capture_output=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("BENCH-PDF "))
        results[mode] = json.loads(line.removeprefix("BENCH-PDF "))
    # CPU time: what other load on the machine does not inflate (both are single-threaded).
    results["ratio"] = results["task"]["cpu_seconds"] / results["weasyprint"]["cpu_seconds"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument(
        "--only", action="append", default=[], help="measure only pages whose label contains this"
    )
    parser.add_argument(
        "--mixed-duration",
        type=int,
        default=int(os.environ.get("BENCH_MIXED_DURATION", 60)),
        help="seconds of the mixed run (0: skip it)",
    )
    parser.add_argument("--no-pdf", action="store_true", help="skip the long report's PDF")
    parser.add_argument("--json", help="write all figures here (default: var/bench/…json)")
    args = parser.parse_args()

    python = sys.executable
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ratsportal_bench"
    )
    work = Path(tempfile.mkdtemp(prefix="ratsportal-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": os.environ.get("BENCH_MEDIA_ROOT", str(ROOT / "var" / "bench-media")),
        "STATIC_ROOT": str(work / "static"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # no TLS on the loopback; nginx does it in production
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "LOG_LEVEL": "WARNING",
        # Production runs the page cache on Redis; a fresh key prefix starts it empty.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "PAGE_CACHE_HEADER": "1",  # the hit rate is read from X-Page-Cache
        "PYTHONPATH": f"{ROOT / 'docs'}:{ROOT}",
        # Workers live through the whole bench, so memory growth with traffic shows.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    wrk = ensure_wrk()
    ensure_database(database_url, env, python)
    run([python, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    targets = json.loads(
        run([python, "manage.py", "shell", "-c", TARGETS_CODE], env, capture_output=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    lua = work / "p95.lua"
    lua.write_text(WRK_SCRIPT)

    gunicorn = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "-c",
            "python:ratsportal.gunicorn_conf",
            "--access-logfile",
            "/dev/null",
            "bench:application",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(base, gunicorn)
        pages = [
            ("bare Django view", BARE_PATH),
            ("home", "/"),
            ("motion list", "/antraege/"),
            ("a motion", targets["motion"]),
            ("a report", f"/berichte/{targets['report']}/"),
            ("district page", f"/stadtteile/{targets['district']}/"),
            ("indicator page", f"/kennzahlen/{targets['indicator']}/"),
            ("search", "/suche/?q=Videoüberwachung".replace("ü", "%C3%BC")),
            ("OParl paper list", oparl_list(base)),
            ("PDF download", f"/berichte/{targets['report']}.pdf"),
        ]
        if args.only:
            pages = pages[:1] + [p for p in pages[1:] if any(o in p[0] for o in args.only)]
        results = []
        for label, path in pages:
            for _ in range(2):  # the second answer shows whether the page is cached
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    assert response.status == 200, (label, response.status)
                    cached = response.headers.get("X-Page-Cache") == "hit"
            print(f"… {label} ({path})", file=sys.stderr, flush=True)
            measured = {"cached": cached, "first": load(wrk, base + path, str(lua), args)}
            if cached:
                print(f"… {label}, ohne Seiten-Cache", file=sys.stderr, flush=True)
                measured["uncached"] = load(wrk, base + path, str(lua), args, bypass_cache=True)
            results.append((label, path, measured))
        if not args.only:
            staff = json.loads(
                run([python, "manage.py", "shell", "-c", LOGIN_CODE], env, capture_output=True)
                .stdout.strip()
                .splitlines()[-1]
            )
            for label, path, account in [
                ("work area (council office)", "/arbeitsbereich/", "office"),
                ("motion list (council office)", "/antraege/", "office"),
                (
                    "report editor (KPR office)",
                    f"/arbeitsbereich/berichte/{staff['report']}/",
                    "author",
                ),
            ]:
                print(f"… {label} ({path}), angemeldet", file=sys.stderr, flush=True)
                cookie = f"{staff['cookie_name']}={staff[account]}"
                measured = {
                    "cached": False,
                    "logged_in": True,
                    "first": load(wrk, base + path, str(lua), args, cookie=cookie),
                }
                results.append((label, path, measured))
        mixed = None
        if args.mixed_duration > 0:
            print(f"… gemischter Lauf ({args.mixed_duration} s)", file=sys.stderr, flush=True)
            mixed = mixed_run(wrk, base, work, env, python, args, gunicorn.pid)
        pdf = None
        if not args.only and not args.no_pdf:
            print(
                "… PDF eines langen Berichts (50 Fragen, 30 Anlagen)", file=sys.stderr, flush=True
            )
            pdf = pdf_line(python, env, work)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)

    write_report(args, env, wrk, python, targets, results, mixed, pdf)


if __name__ == "__main__":
    main()
