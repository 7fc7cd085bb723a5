"""Council and committee sessions, bodies, factions and persons (issue 14)."""

from django.urls import path

from requests_app.views import sessions, sessions_public

app_name = "sessions"

urlpatterns = [
    # public
    path("sitzungen/", sessions_public.meeting_list, name="meeting_list"),
    path("sitzungen/<int:pk>/", sessions_public.meeting_detail, name="meeting_detail"),
    path("sitzungen/<int:pk>.ics", sessions_public.meeting_ics, name="meeting_ics"),
    path(
        "sitzungen/<int:pk>/anlagen/<int:attachment_pk>/",
        sessions_public.meeting_attachment,
        name="meeting_attachment",
    ),
    path("gremien/", sessions_public.body_list, name="body_list"),
    path("gremien/<slug:slug>/", sessions_public.body_detail, name="body_detail"),
    path("gremien/<slug:slug>/sitzungen.ics", sessions_public.body_ics, name="body_ics"),
    path("fraktionen/<slug:slug>/", sessions_public.faction_detail, name="faction_detail"),
    path("personen/<int:pk>/", sessions_public.person_detail, name="person_detail"),
    # the council office's work area
    path("arbeitsbereich/sitzungen/", sessions.office_list, name="office_list"),
    path("arbeitsbereich/sitzungen/neu/", sessions.office_create, name="office_create"),
    path("arbeitsbereich/sitzungen/<int:pk>/", sessions.office_meeting, name="office_meeting"),
    path("arbeitsbereich/sitzungen/<int:pk>/bearbeiten/", sessions.office_edit, name="office_edit"),
    path(
        "arbeitsbereich/sitzungen/<int:pk>/anlagen/",
        sessions.office_attachments,
        name="office_attachments",
    ),
    path(
        "arbeitsbereich/sitzungen/<int:pk>/anlagen/<int:attachment_pk>/",
        sessions.office_attachment,
        name="office_attachment",
    ),
    path(
        "arbeitsbereich/sitzungen/<int:pk>/<str:action>/",
        sessions.office_action,
        name="office_action",
    ),
    path("arbeitsbereich/sitzungen/punkte/<int:pk>/", sessions.office_item, name="office_item"),
    path(
        "arbeitsbereich/sitzungen/beratungen/<int:pk>/",
        sessions.office_consultation,
        name="office_consultation",
    ),
]
