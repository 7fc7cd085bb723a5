"""requests_app's sources of the site-wide search: published motions, their questions,
published answer reports and their answers (see portal/search.py)."""

from django.utils.translation import gettext_lazy as _

from portal.search import Source
from requests_app.models import Answer, AnswerReport, Motion, Question

GROUPS = {
    "antraege": _("Anträge und Anfragen"),
    "berichte": _("Antwortberichte"),
}


def _motions():
    return Motion.objects.published()


def _questions():
    return Question.objects.filter(motion__in=_motions())


def _reports():
    return AnswerReport.objects.published()


def _answers():
    return Answer.objects.filter(report__in=_reports())


def _report_title(report) -> str:
    """A report hit names its motion's reference: "BA-044/2020 – Antwort der Verwaltung: …"."""
    reference = report.motion.reference
    return f"{reference} – {report.title}" if reference else report.title


def _question_title(question) -> str:
    return _("%(motion)s – Frage %(number)s") % {
        "motion": question.motion,
        "number": question.number,
    }


SOURCES: list[Source] = [
    Source(
        key="antrag",
        group="antraege",
        label=_("Antrag / Anfrage"),
        queryset=_motions,
        title_fields=("reference", "title"),
        body_fields=("text", "reasoning"),
        date_field="submitted_at",
        title=str,
        url=lambda motion: motion.get_absolute_url(),
        related=("faction",),
    ),
    Source(
        key="frage",
        group="antraege",
        label=_("Frage"),
        queryset=_questions,
        title_fields=(),
        body_fields=("text",),
        date_field="motion__submitted_at",
        title=_question_title,
        url=lambda question: f"{question.motion.get_absolute_url()}#fragen",
        related=("motion",),
    ),
    Source(
        key="bericht",
        group="berichte",
        label=_("Antwortbericht"),
        queryset=_reports,
        title_fields=("title",),
        body_fields=("summary",),
        date_field="published_at",
        title=_report_title,
        url=lambda report: report.get_absolute_url(),
        related=("motion",),
    ),
    Source(
        key="antwort",
        group="berichte",
        label=_("Antwort"),
        queryset=_answers,
        title_fields=(),
        body_fields=("text",),
        date_field="report__published_at",
        title=lambda answer: (
            _("%(report)s – Antwort auf Frage %(number)s")
            % {"report": _report_title(answer.report), "number": answer.question.number}
        ),
        url=lambda answer: answer.report.get_absolute_url(),
        related=("report__motion", "question"),
    ),
]
