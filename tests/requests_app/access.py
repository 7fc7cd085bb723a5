"""Access-table entries of this area; merged into tests/access.py (see its docstring)."""

from tests.access_types import LOGGED_IN, PUBLIC, Access, only


def _published_motion() -> dict:
    from tests.factories import MotionFactory

    return {"slug": MotionFactory(registered=True).public_slug}


def _draft() -> dict:
    from tests.factories import MotionFactory

    return {"pk": MotionFactory().pk}


# A draft of some faction: the office reads it (read-only insider: 403 on the edit page),
# every other account gets 404 (its existence is not revealed).
ENTRIES: dict[str, Access] = {
    "requests_app:motion_list": Access(PUBLIC),
    "requests_app:motion_detail": Access(PUBLIC, kwargs=_published_motion),
    "requests_app:motion_create": Access(only("council_member")),
    "requests_app:workspace_motion": Access(only("council_office"), denied=404, kwargs=_draft),
    "requests_app:motion_edit": Access(
        only(),
        denied=404,
        kwargs=_draft,
        statuses={"council_office": 403, "superuser": 403},
    ),
    # POST only: accounts get 405 for a GET, anonymous visitors the login page.
    "requests_app:motion_action": Access(
        LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1, "action": "submit"}
    ),
}


# --- answer reports ---


def _published_report() -> dict:
    from tests.factories import AnswerReportFactory

    return {"slug": AnswerReportFactory(publish=True, pdf=True).slug}


def _draft_report() -> dict:
    from tests.factories import AnswerReportFactory

    return {"pk": AnswerReportFactory().pk}


def _draft_exhibit() -> dict:
    from tests.factories import ExhibitFactory

    exhibit = ExhibitFactory()
    return {"pk": exhibit.answer.report_id, "exhibit_pk": exhibit.pk}


# A draft report of some department: its office and approvers work on it; nobody else learns
# that it exists (404). The superuser may do everything.
ENTRIES.update(
    {
        "requests_app:report_list": Access(PUBLIC),
        "requests_app:report_detail": Access(PUBLIC, kwargs=_published_report),
        "requests_app:report_pdf": Access(PUBLIC, kwargs=_published_report),
        "requests_app:workspace_report": Access(only(), denied=404, kwargs=_draft_report),
        "requests_app:report_edit": Access(only(), denied=404, kwargs=_draft_report),
        "requests_app:exhibit_create": Access(only(), denied=404, kwargs=_draft_report),
        "requests_app:exhibit_edit": Access(only(), denied=404, kwargs=_draft_exhibit),
        # POST only: accounts get 405 for a GET, anonymous visitors the login page.
        "requests_app:report_start": Access(LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1}),
        "requests_app:exhibit_delete": Access(
            LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1, "exhibit_pk": 1}
        ),
        "requests_app:report_action": Access(
            LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1, "action": "submit"}
        ),
    }
)
