from django.urls import path, re_path

from ratsportal.oparl import papers, views

# Importing `papers` registers motions and consultations as OParl object kinds.
_ = papers

app_name = "oparl"

urlpatterns = [
    path("oparl/", views.help_page, name="help"),
    path("oparl/v1/system", views.system, name="system"),
    path("oparl/v1/bodies", views.bodies, name="bodies"),
    path("oparl/v1/body/<int:pk>", views.body_detail, name="body"),
    path("oparl/v1/body/<int:body>/<str:list_name>", views.object_list, name="list"),
    path("oparl/v1/file/<int:pk>/access", views.file_access, name="file_access"),
    path("oparl/v1/file/<int:pk>/download", views.file_download, name="file_download"),
    path(
        "oparl/v1/reportFile/<int:pk>/download",
        views.report_file_download,
        name="report_file_download",
    ),
    path(
        "oparl/v1/paperFile/<int:pk>/download",
        papers.paper_file_download,
        name="paper_file_download",
    ),
    path(
        "oparl/v1/reportDocument/<int:pk>/access",
        papers.report_document_access,
        name="report_document_access",
    ),
    path(
        "oparl/v1/reportDocument/<int:pk>/download",
        papers.report_document_download,
        name="report_document_download",
    ),
    path("oparl/v1/<str:kind>/<int:pk>", views.object_detail, name="object"),
    # Anything else under /oparl/ is an OParl error object, not Django's HTML 404 (spec §2.12).
    re_path(r"^oparl/(?P<rest>.+)$", views.not_found, name="not_found"),
]
