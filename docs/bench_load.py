"""`make bench`'s way of loading a page: wrk with a Lua script that reports p95 latency, errors
and (in the mixed run) page-cache hits (docs/bench.py)."""

import json
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The bare Django view every page is compared with (docs/bench.py's own URLconf).
BARE_PATH = "/__bench__/bare/"


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d\\n", latency:percentile(95.0), summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, summary.duration))
end
"""


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def oparl_list(base: str) -> str:
    with urllib.request.urlopen(base + "/oparl/v1/bodies", timeout=10) as response:
        body = json.load(response)["data"][0]
    return urlsplit(body["paper"]).path


def settle(url: str) -> None:
    """Let gunicorn finish what the previous load left in its backlog, so it does not slow down
    the start of the next measurement."""
    time.sleep(2)
    urllib.request.urlopen(url, timeout=120).read()


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
