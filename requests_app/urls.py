from django.contrib.auth.decorators import login_not_required
from django.urls import path

from requests_app import feeds
from requests_app.views import (
    alerts,
    contributions,
    motion_document,
    motions,
    report_documents,
    reports,
    statistics,
)

app_name = "requests_app"

urlpatterns = [
    path("antraege/", motions.motion_list, name="motion_list"),
    # Before the motion detail: "statistik" would be taken as a motion's slug.
    path("antraege/statistik/", statistics.answer_statistics, name="answer_statistics"),
    path("antraege/statistik.csv", statistics.answer_statistics_csv, name="answer_statistics_csv"),
    path("antraege/<slug:slug>/", motions.motion_detail, name="motion_detail"),
    path(
        "antraege/<slug:slug>/drucksache.pdf",
        motion_document.motion_document,
        name="motion_document",
    ),
    path("arbeitsbereich/antraege/neu/", motions.motion_create, name="motion_create"),
    path("arbeitsbereich/antraege/<int:pk>/", motions.workspace_motion, name="workspace_motion"),
    path("arbeitsbereich/antraege/<int:pk>/bearbeiten/", motions.motion_edit, name="motion_edit"),
    path(
        "arbeitsbereich/antraege/<int:pk>/bericht/",
        reports.report_start,
        name="report_start",
    ),
    path(
        "arbeitsbereich/antraege/<int:pk>/<str:action>/",
        motions.motion_action,
        name="motion_action",
    ),
    # answer reports
    path("berichte/", reports.report_list, name="report_list"),
    path("berichte/<slug:slug>.pdf", reports.report_pdf, name="report_pdf"),
    path("berichte/<slug:slug>/", reports.report_detail, name="report_detail"),
    path(
        "berichte/<slug:slug>/dokumente/<int:document_pk>/",
        report_documents.report_document,
        name="report_document",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/dokumente/",
        report_documents.report_document_add,
        name="report_document_add",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/dokumente/<int:document_pk>/",
        report_documents.workspace_report_document,
        name="workspace_report_document",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/dokumente/<int:document_pk>/entfernen/",
        report_documents.report_document_remove,
        name="report_document_remove",
    ),
    path("arbeitsbereich/berichte/<int:pk>/", reports.workspace_report, name="workspace_report"),
    path(
        "arbeitsbereich/berichte/<int:pk>/bearbeiten/",
        reports.report_edit,
        name="report_edit",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/anlagen/neu/",
        reports.exhibit_edit,
        name="exhibit_create",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/anlagen/<int:exhibit_pk>/",
        reports.exhibit_edit,
        name="exhibit_edit",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/anlagen/<int:exhibit_pk>/entfernen/",
        reports.exhibit_delete,
        name="exhibit_delete",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/aktion/<str:action>/",
        reports.report_action,
        name="report_action",
    ),
    # feeds and e-mail alerts
    path("feeds/berichte/", login_not_required(feeds.ReportFeed()), name="feed_reports"),
    path("feeds/antraege/", login_not_required(feeds.MotionFeed()), name="feed_motions"),
    path("benachrichtigungen/", alerts.alert_subscribe, name="alert_subscribe"),
    path(
        "benachrichtigungen/bestaetigen/<str:token>/",
        alerts.alert_confirm,
        name="alert_confirm",
    ),
    path(
        "benachrichtigungen/abbestellen/<str:token>/",
        alerts.alert_unsubscribe,
        name="alert_unsubscribe",
    ),
]

# Contributions (Zuarbeit) and co-signing (Mitzeichnung) of answer reports: never public.
urlpatterns += [
    path(
        "arbeitsbereich/berichte/<int:pk>/zuarbeit/",
        contributions.contributions_report,
        name="contributions_report",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/zuarbeit/anfordern/",
        contributions.contribution_request_create,
        name="contribution_request_create",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/mitzeichnung/anfordern/",
        contributions.cosign_request_create,
        name="cosign_request_create",
    ),
    path(
        "arbeitsbereich/zuarbeit/<int:pk>/",
        contributions.contribution_detail,
        name="contribution_detail",
    ),
    path(
        "arbeitsbereich/zuarbeit/<int:pk>/zurueckziehen/",
        contributions.contribution_withdraw,
        name="contribution_withdraw",
    ),
    path(
        "arbeitsbereich/zuarbeit/<int:pk>/uebernehmen/",
        contributions.contribution_adopt,
        name="contribution_adopt",
    ),
    path(
        "arbeitsbereich/zuarbeit/<int:pk>/dateien/<int:attachment_pk>/",
        contributions.contribution_attachment,
        name="contribution_attachment",
    ),
    path(
        "arbeitsbereich/mitzeichnung/<int:pk>/",
        contributions.cosign_detail,
        name="cosign_detail",
    ),
]
