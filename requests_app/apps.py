from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.roles import APPROVER, COUNCIL_MEMBER, COUNCIL_OFFICE, PREVENTION_OFFICE


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Anfragen und Anträge")
    # What the app hands the site-wide layer: see portal/registry.py.
    contributes = {
        "workspace": "requests_app.workspace.section",
        "sitemaps": "requests_app.sitemaps.SITEMAPS",
        "search_groups": "requests_app.search.GROUPS",
        "search_sources": "requests_app.search.SOURCES",
    }
    page_cache = True
    # Query parameters its public pages read (the motion list's filters, the pagers).
    page_cache_parameters = (
        *("kind", "status", "faction", "department", "year", "sort", "seite"),
        "gremium",  # the body filter of the session list
        "format",  # the CSV variant of the statistics (German or international)
    )
    # Anyone may subscribe to alerts, and no public page shows them: a flood of subscriptions
    # must not empty the page cache.
    # Contributions and co-signing are work in progress, shown on no public page either.
    page_cache_ignored = (
        "AlertSubscription",
        "ContributionRequest",
        "ContributionRequest_questions",
        "ContributionRequest_attachments",
        "CoSignRequest",
    )
    # A motion's own page, its reports' pages and PDFs show only its rows of these tables
    # (`pagecache.scope`); services that change one motion say so (`pagecache.writes_rows_of`),
    # so publishing one motion's answer leaves the pages of the others cached.
    page_cache_rows = {
        "motion": (
            "Motion",
            "Motion_submitters",
            "Question",
            "MotionEvent",
            "AnswerReport",
            "AnswerReport_documents",
            "Answer",
            "Exhibit",
            "Exhibit_districts",
        )
    }
    # Motions are drafted and moved through their workflow on the portal's own pages (access.py
    # checks faction and role there); these are the admin permissions on top.
    role_permissions = {
        COUNCIL_MEMBER: [],
        COUNCIL_OFFICE: [
            "view_motion",
            "change_motion",
            "view_question",
            "view_motionevent",
            "view_referencecounter",
            "view_deadlinereminder",
        ],
        PREVENTION_OFFICE: [
            "view_motion",
            "view_question",
            "view_motionevent",
            # answer reports are written on the work area's pages; the admin only shows them
            "view_answerreport",
            "view_answer",
            "view_exhibit",
        ],
        APPROVER: [
            "view_motion",
            "view_question",
            "view_motionevent",
            "view_answerreport",
            "view_answer",
            "view_exhibit",
        ],
    }
