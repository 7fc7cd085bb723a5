from django.urls import path

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
    path("oparl/v1/file/<int:pk>/download", views.file_download, name="file_download"),
    path("oparl/v1/<str:kind>/<int:pk>", views.object_detail, name="object"),
]
