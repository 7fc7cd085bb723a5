from django.urls import path

from requests_app import report_views, views

app_name = "requests_app"

urlpatterns = [
    path("antraege/", views.motion_list, name="motion_list"),
    path("antraege/<slug:slug>/", views.motion_detail, name="motion_detail"),
    path("arbeitsbereich/antraege/neu/", views.motion_create, name="motion_create"),
    path("arbeitsbereich/antraege/<int:pk>/", views.workspace_motion, name="workspace_motion"),
    path("arbeitsbereich/antraege/<int:pk>/bearbeiten/", views.motion_edit, name="motion_edit"),
    path(
        "arbeitsbereich/antraege/<int:pk>/bericht/",
        report_views.report_start,
        name="report_start",
    ),
    path(
        "arbeitsbereich/antraege/<int:pk>/<str:action>/",
        views.motion_action,
        name="motion_action",
    ),
    # answer reports
    path("berichte/", report_views.report_list, name="report_list"),
    path("berichte/<slug:slug>.pdf", report_views.report_pdf, name="report_pdf"),
    path("berichte/<slug:slug>/", report_views.report_detail, name="report_detail"),
    path(
        "arbeitsbereich/berichte/<int:pk>/", report_views.workspace_report, name="workspace_report"
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/bearbeiten/",
        report_views.report_edit,
        name="report_edit",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/anlagen/neu/",
        report_views.exhibit_edit,
        name="exhibit_create",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/anlagen/<int:exhibit_pk>/",
        report_views.exhibit_edit,
        name="exhibit_edit",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/anlagen/<int:exhibit_pk>/entfernen/",
        report_views.exhibit_delete,
        name="exhibit_delete",
    ),
    path(
        "arbeitsbereich/berichte/<int:pk>/aktion/<str:action>/",
        report_views.report_action,
        name="report_action",
    ),
]
