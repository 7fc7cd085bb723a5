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

The bare view exists only in this module's URLconf, which only this WSGI entry point uses:
``ratsportal.urls`` and therefore the production site never contain it.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BARE_PATH = "/__bench__/bare/"
MIX_SCRIPT = """
paths = {%(paths)s}
threads = {}
setup = function(thread)
  thread:set("offset", #threads * 97)
  table.insert(threads, thread)
end
init = function(args)
  n = offset
  hits = 0
  answers = 0
end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
response = function(status, headers, body)
  answers = answers + 1
  if headers["X-Page-Cache"] == "hit" then hits = hits + 1 end
end
done = function(summary, latency, requests)
  local h, t = 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    t = t + thread:get("answers")
  end
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d\\n", latency:percentile(95.0),
    summary.requests, e.connect + e.read + e.write + e.timeout + e.status, summary.duration, h, t))
end
"""
# A day's anonymous visits: (share in percent, kind of page); the URLs of each kind rotate over
# many objects, so the page cache holds what a real day's visitors would find in it.
MIX = [
    (15, "home"),
    (10, "motion_list"),
    (25, "motion"),
    (15, "report"),
    (10, "district"),
    (5, "indicator"),
    (8, "search"),
    (5, "oparl"),
    (5, "pdf"),
    (2, "feed"),
]
MIX_CODE = """
import json
from prevention.models import District, Indicator
from requests_app.models import AnswerReport, Motion
motions = Motion.objects.published().order_by("-pk")[:300]
reports = AnswerReport.objects.published().order_by("-pk")[:100]
print(json.dumps({
    "motion": [m.get_absolute_url() for m in motions],
    "report": [r.get_absolute_url() for r in reports],
    "pdf": [r.get_pdf_url() for r in
            AnswerReport.objects.published().filter(pdf_status="done").order_by("-pk")[:20]],
    "district": [d.get_absolute_url() for d in District.objects.order_by("number")],
    "indicator": ["/kennzahlen/%s/" % i.key for i in Indicator.objects.order_by("key")[:10]],
}))
"""
MEMORY_FIRST = 100
MEMORY_TOTAL = 10_000
SEARCH_TERMS = ["Videoüberwachung", "Polizei", "Sicherheit", "Beleuchtung", "Zentrum", "Schule"]
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

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d\\n", latency:percentile(95.0), summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, summary.duration))
end
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


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, **kwargs)


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


# Issue 9's targets as ratios to the bare view: cached pages and the PDF 0.6, the rest 0.15.
TARGETS = {
    "hit": 0.6,
    "bypassed": 0.15,
    "none": 0.15,
    ("PDF download", "none"): 0.6,
    ("bare Django view", "none"): None,
}


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


def oparl_list(base: str) -> str:
    with urllib.request.urlopen(base + "/oparl/v1/bodies", timeout=10) as response:
        body = json.load(response)["data"][0]
    return urlsplit(body["paper"]).path


def settle(url: str) -> None:
    """Let gunicorn finish what the previous load left in its backlog, so it does not slow down
    the start of the next measurement."""
    time.sleep(2)
    urllib.request.urlopen(url, timeout=30).read()


def load(
    wrk: str,
    url: str,
    lua: str,
    args,
    *,
    bypass_cache: bool = False,
    cookie: str = "",
    duration: int | None = None,
) -> dict:
    settle(url)
    # Any cookie the page cache does not know keeps a request out of it (portal/pagecache.py):
    # the same URL, rendered by the view every time.
    if bypass_cache:
        cookie = "bench-uncached=1"
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        [
            wrk,
            *header,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{duration or args.duration}s",
            "--timeout",
            "10s",
            "-s",
            lua,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    p95_us, requests, errors, duration_us, *hits = (int(v) for v in line.split()[1:])
    result = {
        "rps": requests / (duration_us / 1e6),
        "p95_ms": p95_us / 1000,
        "errors": errors,
        "requests": requests,
    }
    if hits:
        result["hit_rate"] = hits[0] / hits[1] if hits[1] else 0.0
    return result


def mixed_paths(base: str, env: dict, python: str) -> list[str]:
    """The anonymous visits of the mixed run, in MIX's proportions, in a fixed shuffled order."""
    import random
    from urllib.parse import quote

    urls = json.loads(
        run([python, "manage.py", "shell", "-c", MIX_CODE], env, capture_output=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    paper_list = oparl_list(base)
    urls |= {
        "home": ["/"],
        "motion_list": [
            "/antraege/",
            *(f"/antraege/?seite={n}" for n in range(2, 6)),
            "/antraege/?kind=RA",
            "/antraege/?status=answered",
        ],
        "search": [f"/suche/?q={quote(term)}" for term in SEARCH_TERMS],
        "oparl": [paper_list, *(f"{paper_list}?page={n}" for n in range(2, 5))],
        "feed": ["/feeds/antraege/", "/feeds/berichte/"],
    }
    rng = random.Random(20)
    paths = []
    for share, kind in MIX:
        choices = urls[kind] or ["/"]
        paths += [rng.choice(choices) for _ in range(share * 20)]
    rng.shuffle(paths)
    return paths


def workers_of(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return sorted(int(pid) for pid in children)


def resident_mib(pids: list[int]) -> dict[int, float]:
    """VmRSS of each process in MiB (processes that ended meanwhile are left out)."""
    sizes = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return sizes


def fresh_workers(base: str, master: int, timeout: float = 60) -> list[int]:
    """Restart gunicorn's workers (HUP) and wait until all new ones answer."""
    old = set(workers_of(master))
    os.kill(master, signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = workers_of(master)
        if now and not old & set(now) and len(now) >= len(old):
            break
        time.sleep(0.5)
    for _ in range(len(old) * 3):
        urllib.request.urlopen(base + BARE_PATH, timeout=30).read()
    return workers_of(master)


def first_requests(base: str, paths: list[str], count: int) -> int:
    """The first `count` visits of the mix, a few at a time (they reach every worker); returns
    how many failed."""
    from concurrent.futures import ThreadPoolExecutor

    def visit(path: str) -> int:
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
            return 0
        except OSError:  # HTTPError included: counted, the run goes on
            return 1

    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(visit, (paths[n % len(paths)] for n in range(count))))


def mixed_run(wrk: str, base: str, work: Path, env: dict, python: str, args, master: int) -> dict:
    paths = mixed_paths(base, env, python)
    lua = work / "mixed.lua"
    lua.write_text(MIX_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)})
    # The restarted workers load the code as it is now: its static files must be collected.
    run([python, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    workers = fresh_workers(base, master)
    warm_up_errors = first_requests(base, paths, MEMORY_FIRST)
    after_first = resident_mib(workers)
    # A day's visitors find the cache warm: every page of the mix is visited once before the
    # measurement, so the hit rate shows what the writes cost, not a cold start.
    distinct = list(dict.fromkeys(paths))
    warm_up_errors += first_requests(base, distinct, len(distinct))
    warmed = MEMORY_FIRST + len(distinct)
    out = work / "writer.json"
    writer = subprocess.Popen(
        [python, str(ROOT / "docs" / "bench_writer.py"), str(args.mixed_duration), str(out)],
        cwd=ROOT,
        env=env,
    )
    try:
        result = load(wrk, base + "/", str(lua), args, duration=args.mixed_duration)
    finally:
        writer.wait(timeout=args.mixed_duration + 300)
    result["writer"] = json.loads(out.read_text()) if out.exists() else {"failed": "no output"}
    result["mix"] = {kind: share for share, kind in MIX}
    result["warm_up"] = {"requests": warmed, "errors": warm_up_errors}
    served = warmed + result["requests"]
    while served < MEMORY_TOTAL:  # more of the same visits (without the writer) up to the total
        more = load(wrk, base + "/", str(lua), args, duration=5)
        served += more["requests"]
    after_total = resident_mib(workers)
    growth = [after_total[pid] / after_first[pid] - 1 for pid in after_total if pid in after_first]
    result["memory"] = {
        "workers": len(workers),
        "after_first": {"requests": MEMORY_FIRST, "rss_mib": after_first},
        "after_total": {"requests": served, "rss_mib": after_total},
        "max_growth": max(growth) if growth else None,
        "recycled": sorted(set(workers) - set(workers_of(master))),
    }
    return result


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


def versions(wrk: str, python: str, env: dict) -> str:
    code = "import django, gunicorn; print(django.get_version(), gunicorn.__version__)"
    django_version, gunicorn_version = run(
        [python, "-c", code], env, capture_output=True
    ).stdout.split()
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split()[1]
    return (
        f"Python {platform.python_version()}, Django {django_version}, "
        f"gunicorn {gunicorn_version}, wrk {wrk_version}"
    )


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({model})"


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

    bare_rps = results[0][2]["first"]["rps"]
    workers = env.get("WEB_CONCURRENCY") or f"{os.cpu_count() * 2 + 1} (2 × cores + 1)"
    sizes = ", ".join(f"{count:,} {name}" for name, count in targets["sizes"].items())
    print()
    print(f"Machine:  {machine()}")
    print(f"Versions: {versions(wrk, python, env)}, PostgreSQL {targets['postgres']}")
    print(f"Data:     {sizes}")
    print(
        f"Load:     wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page, "
        f"gunicorn workers {workers}, DEBUG=0, anonymous"
    )
    print()
    print("| page | path | cache | req/s | p95 ms | errors | ratio to bare | target |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for label, path, measured in results:
        state = "logged in" if measured.get("logged_in") else "none"
        rows = [("hit" if measured["cached"] else state, measured["first"])]
        if "uncached" in measured:
            rows.append(("bypassed", measured["uncached"]))
        for cache_state, r in rows:
            ratio = r["rps"] / bare_rps
            target = TARGETS.get((label, cache_state), TARGETS.get(cache_state))
            verdict = ""
            if target is not None:
                verdict = f"≥ {target} {'ok' if ratio >= target else 'MISSED'}"
            print(
                f"| {label} | `{path}` | {cache_state} | {r['rps']:.0f} | {r['p95_ms']:.1f} | "
                f"{r['errors']} | {ratio:.2f} | {verdict} |"
            )
    if mixed:
        print()
        print(
            f"Mixed run ({args.mixed_duration} s, anonymous visitors over all page types while "
            "staff write):"
        )
        print()
        print("| req/s | ratio to bare | p95 ms | page-cache hits | errors |")
        print("|---:|---:|---:|---:|---:|")
        print(
            f"| {mixed['rps']:.0f} | {mixed['rps'] / bare_rps:.2f} | {mixed['p95_ms']:.1f} | "
            f"{mixed['hit_rate']:.1%} | {mixed['errors']} |"
        )
        writes = ", ".join(
            f"{name} {w['done']}" + (f" ({w['failed']} failed)" if w["failed"] else "")
            for name, w in mixed["writer"].items()
            if isinstance(w, dict)
        )
        print(f"\nStaff writes meanwhile: {writes}")
        warm = mixed.get("warm_up", {})
        print(f"Warm-up before: {warm.get('requests')} requests, {warm.get('errors')} failed")
        for name, w in mixed["writer"].items():
            if isinstance(w, dict):
                tables = ", ".join(f"{t} {n}" for t, n in sorted(w.get("invalidated", {}).items()))
                print(f"- {name} invalidated: {tables or 'nothing'}")
        memory = mixed["memory"]
        first = memory["after_first"]["rss_mib"].values()
        total = memory["after_total"]["rss_mib"].values()
        growth = memory["max_growth"]
        print(
            f"\nWorker memory (VmRSS, {memory['workers']} workers): after "
            f"{memory['after_first']['requests']} mixed requests {min(first):.0f}–{max(first):.0f}"
            f" MiB, after {memory['after_total']['requests']:,} {min(total):.0f}–{max(total):.0f}"
            f" MiB; largest growth {growth:+.1%} (target ≤ +20 %)"
            if first and total and growth is not None
            else "\nWorker memory: not measured"
        )
    if pdf:
        task, alone = pdf["task"], pdf["weasyprint"]
        print(
            f"\nLong report PDF ({task['questions']} questions, {task['exhibits']} exhibits, "
            f"{task['pdf_bytes'] / 1024:.0f} KiB): PDF task {task['cpu_seconds']:.2f} s CPU "
            f"({task['seconds']:.2f} s wall), peak {task['peak_mib']:.0f} MiB; WeasyPrint alone "
            f"{alone['cpu_seconds']:.2f} s CPU ({alone['seconds']:.2f} s wall), peak "
            f"{alone['peak_mib']:.0f} MiB; ratio (CPU) {pdf['ratio']:.2f} (target ≤ 1.15)"
        )
    report = {
        "commit": commit(),
        "machine": machine(),
        "versions": versions(wrk, python, env),
        "data": targets["sizes"],
        "load": {
            "threads": args.threads,
            "connections": args.connections,
            "duration": args.duration,
            "workers": workers,
        },
        "bare_rps": bare_rps,
        "pages": [
            {
                "label": label,
                "path": path,
                **{
                    key: (
                        {**value, "ratio": value["rps"] / bare_rps}
                        if isinstance(value, dict)
                        else value
                    )
                    for key, value in measured.items()
                },
            }
            for label, path, measured in results
        ],
        "mixed": mixed and {**mixed, "ratio": mixed["rps"] / bare_rps},
        "pdf": pdf,
    }
    out = (
        Path(args.json)
        if args.json
        else (ROOT / "var" / "bench" / f"{report['commit']}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print()
    print(f"All figures: {out}")
    print(
        "Repeat: make bench  (BENCH_DURATION=…, BENCH_MIXED_DURATION=…, "
        "BENCH_DATABASE_URL=postgres://…)"
    )


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    main()
