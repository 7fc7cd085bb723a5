"""The public answer statistics: how quickly each department answers (`/antraege/statistik/`)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.opendata import SafeWriter, csv_response
from requests_app import statistics


@login_not_required
@require_safe
def answer_statistics(request: HttpRequest) -> HttpResponse:
    rows, totals = statistics.answer_statistics()
    context = {
        "rows": rows,
        "totals": totals,
        "chart": statistics.chart(totals) if totals else "",
        "counts_chart": statistics.counts_chart(totals) if totals else "",
        "summary": statistics.summary(totals),
    }
    return render(request, "requests_app/statistics.html", context)


@login_not_required
@require_safe
def answer_statistics_csv(request: HttpRequest) -> HttpResponse:
    rows, _totals = statistics.answer_statistics()

    def write(writer: SafeWriter) -> None:
        writer.writerow(statistics.CSV_HEADER)
        writer.writerows(statistics.csv_rows(rows))

    return csv_response(request, "antwortstatistik.csv", write)
