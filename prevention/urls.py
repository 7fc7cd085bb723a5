from django.urls import path

from prevention.views import council, effects, indicators, office

app_name = "prevention"

urlpatterns = [
    # --- districts and indicators (issue 5) ---
    path("stadtteile/", indicators.district_list, name="district_list"),
    path("stadtteile/<slug:slug>/", indicators.district_detail, name="district_detail"),
    path("kennzahlen/", indicators.indicator_list, name="indicator_list"),
    path("kennzahlen/<indicator_key:key>/", indicators.indicator_detail, name="indicator_detail"),
    path("kennzahlen/<indicator_key:key>.csv", indicators.indicator_csv, name="indicator_csv"),
    path("kennzahlen/<indicator_key:key>.json", indicators.indicator_json, name="indicator_json"),
    # --- effect analysis (issue 16) ---
    path("wirkung/", effects.effect_overview, name="effect_overview"),
    path("wirkung/methode/", effects.effect_method, name="effect_method"),
    path("kennzahlen/<indicator_key:key>/wirkung/", effects.effect_detail, name="effect_detail"),
    path("kennzahlen/<indicator_key:key>/wirkung.csv", effects.effect_csv, name="effect_csv"),
    path("kennzahlen/<indicator_key:key>/wirkung.json", effects.effect_json, name="effect_json"),
    path("arbeitsbereich/kennzahlen/import/", office.indicator_import, name="indicator_import"),
    path(
        "arbeitsbereich/kennzahlen/import/<int:pk>/",
        office.indicator_import_preview,
        name="indicator_import_preview",
    ),
    # --- prevention council (issue 4) ---
    path("praeventionsrat/", council.council, name="council"),
    path("praeventionsrat/sitzungen/", council.meeting_list, name="meeting_list"),
    path("praeventionsrat/sitzungen.ics", council.meeting_ics, name="meeting_ics"),
    path("praeventionsrat/sitzungen/<int:pk>/", council.meeting_detail, name="meeting_detail"),
    path(
        "praeventionsrat/sitzungen/<int:pk>/anlagen/<int:attachment_pk>/",
        council.meeting_attachment,
        name="meeting_attachment",
    ),
    path("arbeitsbereich/praeventionsrat/", office.office_index, name="office_index"),
    path("arbeitsbereich/praeventionsrat/profil/", office.office_profile, name="office_profile"),
    path(
        "arbeitsbereich/praeventionsrat/mitglieder/", office.office_members, name="office_members"
    ),
    path(
        "arbeitsbereich/praeventionsrat/arbeitsgruppen/",
        office.office_working_groups,
        name="office_working_groups",
    ),
    path(
        "arbeitsbereich/praeventionsrat/sitzungen/neu/",
        office.office_meeting_edit,
        name="office_meeting_create",
    ),
    path(
        "arbeitsbereich/praeventionsrat/sitzungen/<int:pk>/",
        office.office_meeting_edit,
        name="office_meeting_edit",
    ),
    path(
        "arbeitsbereich/praeventionsrat/sitzungen/<int:pk>/niederschrift/",
        office.office_meeting_minutes,
        name="office_meeting_minutes",
    ),
    path(
        "arbeitsbereich/praeventionsrat/sitzungen/<int:pk>/anwesenheit/",
        office.office_meeting_attendance,
        name="office_meeting_attendance",
    ),
    path(
        "arbeitsbereich/praeventionsrat/sitzungen/<int:pk>/anlagen/",
        office.office_meeting_attachments,
        name="office_meeting_attachments",
    ),
    path(
        "arbeitsbereich/praeventionsrat/sitzungen/<int:pk>/anlagen/<int:attachment_pk>/",
        office.office_attachment,
        name="office_attachment",
    ),
    path(
        "arbeitsbereich/praeventionsrat/massnahmen/neu/",
        office.office_measure_edit,
        name="office_measure_create",
    ),
    path(
        "arbeitsbereich/praeventionsrat/massnahmen/<int:pk>/",
        office.office_measure_edit,
        name="office_measure_edit",
    ),
]
