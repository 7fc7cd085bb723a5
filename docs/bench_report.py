"""`make bench`'s report: the table of ratios to the bare view with the issue's targets, the
mixed run, memory and the PDF line, and all figures as JSON (docs/bench.py)."""

import json
import os
import platform
import subprocess
import time
from pathlib import Path

from bench_load import ROOT, run

# Issue 20's targets as ratios to the bare view: every page from the cache 0.7, every public page
# uncached 0.15, logged-in staff pages 0.1; the mixed run 0.6 with 95 % page-cache hits.
TARGETS = {
    "hit": 0.7,
    "bypassed": 0.15,
    "none": 0.15,
    "logged in": 0.1,
    ("bare Django view", "none"): None,
}


MIXED_TARGETS = {"ratio": 0.6, "hit_rate": 0.95, "errors": 0}


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


def write_report(args, env, wrk, python, targets, results, mixed, pdf) -> None:
    """Print the tables and write every figure as JSON."""
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
        ratio = mixed["rps"] / bare_rps
        print(
            f"| {mixed['rps']:.0f} | {ratio:.2f} | {mixed['p95_ms']:.1f} | "
            f"{mixed['hit_rate']:.1%} | {mixed['errors']} |"
        )
        goal = MIXED_TARGETS
        print(
            f"Targets: ratio ≥ {goal['ratio']} {'ok' if ratio >= goal['ratio'] else 'MISSED'}, "
            f"hits ≥ {goal['hit_rate']:.0%} "
            f"{'ok' if mixed['hit_rate'] >= goal['hit_rate'] else 'MISSED'}, "
            f"errors {goal['errors']} {'ok' if mixed['errors'] <= goal['errors'] else 'MISSED'}"
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
