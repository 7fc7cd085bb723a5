"""Models of requests_app, split by topic (CONVENTIONS: split a module past ~600 lines).

- motions: Motion, Question, MotionEvent, ReferenceCounter, DeadlineReminder
- reports: AnswerReport, Answer, Exhibit
- alerts: AlertSubscription (citizens' e-mail alerts)
"""

from requests_app.models.alerts import AlertSubscription
from requests_app.models.motions import (
    AMBER_DAYS,
    SLUG_RE,
    DeadlineReminder,
    Motion,
    MotionEvent,
    MotionQuerySet,
    Question,
    ReferenceCounter,
    user_departments,
    user_factions,
)
from requests_app.models.reports import Answer, AnswerReport, AnswerReportQuerySet, Exhibit

__all__ = [
    "AMBER_DAYS",
    "SLUG_RE",
    "AlertSubscription",
    "Answer",
    "AnswerReport",
    "AnswerReportQuerySet",
    "DeadlineReminder",
    "Exhibit",
    "Motion",
    "MotionEvent",
    "MotionQuerySet",
    "Question",
    "ReferenceCounter",
    "user_departments",
    "user_factions",
]
