"""`make bench`'s mixed run (issue 20): anonymous visitors over all page types in a day's
proportions while docs/bench_writer.py does what staff do; worker memory before and after
(docs/bench.py, docs/deployment.md §9)."""

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from bench_load import BARE_PATH, ROOT, load, oparl_list, run

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
