"""Models of requests_app, split by topic (CONVENTIONS: split a module past ~600 lines).

- motions: Motion, Question, ReferenceCounter
- events: MotionEvent (the audit log), DeadlineReminder
- reports: AnswerReport, Answer, Exhibit
- alerts: AlertSubscription (citizens' e-mail alerts)
- contributions: ContributionRequest, CoSignRequest (Zuarbeit and Mitzeichnung of reports)
"""

from requests_app.models.alerts import AlertSubscription
from requests_app.models.contributions import ContributionRequest, CoSignRequest
from requests_app.models.events import DeadlineReminder, MotionEvent
from requests_app.models.motions import (
    AMBER_DAYS,
    SLUG_RE,
    Motion,
    MotionQuerySet,
    Question,
    ReferenceCounter,
    faction_colleagues,
    user_departments,
    user_factions,
)
from requests_app.models.reports import Answer, AnswerReport, AnswerReportQuerySet, Exhibit
from requests_app.models.sessions import Consultation, MeetingEvent  # noqa: F401 (sessions)

__all__ = [
    "AMBER_DAYS",
    "SLUG_RE",
    "AlertSubscription",
    "Answer",
    "AnswerReport",
    "AnswerReportQuerySet",
    "CoSignRequest",
    "ContributionRequest",
    "DeadlineReminder",
    "Exhibit",
    "Motion",
    "MotionEvent",
    "MotionQuerySet",
    "Question",
    "ReferenceCounter",
    "faction_colleagues",
    "user_departments",
    "user_factions",
]
