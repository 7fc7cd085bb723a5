from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from portal import accounts
from ratsportal import views

app_urls = (
    [
        path("", views.home, name="home"),
        path("arbeitsbereich/", views.workspace, name="workspace"),
        path("impressum/", views.site_page, {"slug": "impressum"}, name="impressum"),
        path("datenschutz/", views.site_page, {"slug": "datenschutz"}, name="datenschutz"),
        path(
            "barrierefreiheit/",
            views.site_page,
            {"slug": "barrierefreiheit"},
            name="barrierefreiheit",
        ),
        path("healthz", views.healthz, name="healthz"),
        path("suche/", views.search_page, name="search"),
        path("sitemap.xml", views.sitemap, name="sitemap"),
        path("robots.txt", views.robots_txt, name="robots_txt"),
    ],
    "ratsportal",
)

urlpatterns = [
    path("", include(app_urls)),
    path("", include("prevention.urls")),
    path("", include("requests_app.urls")),
    path("", include("requests_app.sessions_urls")),
    path("", include("ratsportal.oparl.urls")),
    path(
        "konto/anmelden/",
        auth_views.LoginView.as_view(authentication_form=accounts.LoginForm),
        name="login",
    ),
    path("konto/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail (Django's views; the mail goes through portal.mail).
    path(
        "konto/passwort-vergessen/",
        accounts.PortalPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "konto/passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-neu/<uidb64>/<token>/",
        accounts.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Without CSRF protection: it only sets the language cookie (see includes/language_switch.html).
    path("i18n/sprache/", csrf_exempt(login_not_required(set_language)), name="set_language"),
    path("admin/", admin.site.urls),
]

handler500 = "ratsportal.views.server_error"
# Uploaded files are never served from MEDIA_URL directly: downloads go through views that check
# publication, so a non-public attachment cannot leak by guessing its path.
