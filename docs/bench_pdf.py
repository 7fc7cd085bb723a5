"""The PDF line of `make bench` (issue 20): a long answer report through the PDF task, and
WeasyPrint alone on the same HTML.

Run by docs/bench.py with the bench's environment, in two processes so each reports its own peak
memory (``ru_maxrss``):

* ``python docs/bench_pdf.py task HTML_OUT`` builds a report with 50 questions and 30 exhibits
  (indicator charts and tables, meeting lists) through the real services, publishes it and runs
  the PDF task on it (claim, HTML, WeasyPrint, PDF/UA finishing, hashes, text extraction, storage).
  Everything happens in one transaction that is rolled back, and the stored PDF is deleted: the
  bench database stays as it was. It writes the task's HTML to HTML_OUT and prints one JSON line.
* ``python docs/bench_pdf.py weasyprint HTML_IN`` renders that HTML with WeasyPrint alone into
  the same kind of PDF (the same URL fetcher for style sheets and images, PDF/UA-1 with tags;
  none of the portal's own steps) and prints one JSON line.

Each rendering runs ``ROUNDS`` times; the fastest counts. Both the wall-clock time and the
process's CPU time are reported; the ratio uses CPU time, which other load on a shared machine
does not inflate (both renderings are single-threaded).
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratsportal.settings")

QUESTIONS = 50
EXHIBITS = 30
ROUNDS = 2


class Rollback(Exception):
    pass


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def task(html_out: Path) -> dict:
    import django

    django.setup()
    from bench_writer import Staff
    from django.core.files.storage import default_storage
    from django.db import transaction

    from prevention.models import District, Indicator
    from requests_app import tasks
    from requests_app.models import AnswerReport, Exhibit
    from requests_app.services import motions as motion_services
    from requests_app.services import reports as report_services

    result = {}
    try:
        with transaction.atomic():
            staff = Staff()
            motion = motion_services.motion_create(
                user=staff.member,
                faction=staff.faction,
                kind="RA",
                title="Langer Bericht (Bench)",
                questions=[f"Frage {n}: Wie hat sich die Lage entwickelt?" for n in range(1, 51)],
            )
            motion = motion_services.motion_submit(motion=motion, user=staff.member)
            motion = motion_services.motion_register(
                motion=motion, user=staff.office, lead_department=staff.department
            )
            report = report_services.report_create(motion=motion, user=staff.author)
            answers = list(report.answers.order_by("pk"))
            paragraph = (
                "Die Verwaltung hat die Zahlen der Polizeilichen Kriminalstatistik ausgewertet "
                "und mit den Stadtteilen besprochen. Die Maßnahmen wirken, aber nicht überall. "
            ) * 4
            report = report_services.report_update(
                report=report,
                user=staff.author,
                version=report.version,
                title="Langer Bericht (Bench)",
                summary="Zusammenfassung.",
                answers={answer.pk: f"{paragraph}\n\n{paragraph}" for answer in answers},
            )
            indicators = list(Indicator.objects.order_by("key")[:10])
            districts = list(District.objects.order_by("number")[:5])
            kinds = [Exhibit.Kind.INDICATOR_CHART, Exhibit.Kind.INDICATOR_TABLE]
            for n in range(EXHIBITS):
                kind = kinds[n % 2] if n % 5 else Exhibit.Kind.MEETINGS
                report = AnswerReport.objects.get(pk=report.pk)
                report_services.exhibit_save(
                    report=report,
                    user=staff.author,
                    version=report.version,
                    answer=answers[n % len(answers)],
                    kind=kind,
                    indicator=indicators[n % len(indicators)],
                    districts=districts if kind in Exhibit.INDICATOR_KINDS else (),
                    position=n // len(answers) + 1,
                    caption=f"Abbildung {n + 1}",
                )
            report = AnswerReport.objects.get(pk=report.pk)
            report = report_services.report_submit(report=report, user=staff.author)
            report = report_services.report_approve(report=report, user=staff.approver)
            report = report_services.report_publish(report=report, user=staff.approver)
            html = tasks.report_pdf_html(AnswerReport.objects.get(pk=report.pk))
            html_out.write_text(html)
            times = []
            for _ in range(ROUNDS):
                AnswerReport.objects.filter(pk=report.pk).update(
                    pdf_status=AnswerReport.PdfStatus.PENDING,
                    pdf_claim="",
                    pdf_lease_until=None,
                    pdf_attempts=0,
                )
                began, cpu = time.perf_counter(), time.process_time()
                outcome = tasks.render_report_pdf.call(report.pk)
                times.append((time.process_time() - cpu, time.perf_counter() - began))
                assert outcome["outcome"] == "rendered", outcome
                stored = AnswerReport.objects.get(pk=report.pk)
                result["pdf_bytes"] = stored.pdf_size
                default_storage.delete(stored.pdf_file.name)
            result |= {
                "cpu_seconds": min(times)[0],
                "seconds": min(times)[1],
                "peak_mib": peak_mib(),
                "questions": report.answers.count(),
                "exhibits": Exhibit.objects.filter(answer__report=report).count(),
                "html_bytes": len(html.encode()),
            }
            raise Rollback
    except Rollback:
        pass
    return result


def weasyprint_alone(html_in: Path) -> dict:
    import django

    django.setup()
    from weasyprint import HTML

    from portal import pdf

    html = html_in.read_text()
    times = []
    for _ in range(ROUNDS):
        began, cpu = time.perf_counter(), time.process_time()
        document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.PortalURLFetcher())
        data = document.write_pdf(pdf_variant=pdf.PDF_VARIANT, pdf_tags=True)
        times.append((time.process_time() - cpu, time.perf_counter() - began))
    return {
        "cpu_seconds": min(times)[0],
        "seconds": min(times)[1],
        "peak_mib": peak_mib(),
        "pdf_bytes": len(data),
    }


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    result = task(path) if mode == "task" else weasyprint_alone(path)
    print("BENCH-PDF " + json.dumps(result))


if __name__ == "__main__":
    main()
