"""The page cache for anonymous visitors (portal/pagecache.py): what is cached, and that no page
is ever stale after a publication, an import or an edit – whichever way the write comes."""

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import pagecache
from portal.models import SitePage
from prevention.models import District, Measure
from prevention.services import import_file
from requests_app.models import AnswerReport, Motion
from requests_app.services import motions as motion_services
from requests_app.services import reports as services
from tests.factories import (
    AlertSubscriptionFactory,
    AnswerReportFactory,
    MeasureFactory,
    MotionFactory,
)

ROOT = Path(__file__).resolve().parents[2]
HEADER = pagecache.HEADER

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def warm(client, url):
    """Load a page twice; the second answer must come from the cache."""
    first = get(client, url)
    second = get(client, url)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit"), url
    assert second.content == first.content
    return second


@pytest.fixture
def registered(department):
    return MotionFactory(registered=True, lead_department=department, title="Licht im Park")


# --- what is cached ------------------------------------------------------------------------------


def test_anonymous_visitors_get_public_pages_from_the_cache(client, registered):
    page = warm(client, registered.get_absolute_url())
    assert registered.title in page.text
    # Headers of the original answer come along (CSP, language).
    assert "Content-Security-Policy" in page
    assert page["Content-Language"] == "de"


def test_logged_in_users_always_get_a_fresh_page(client, make_user, registered):
    client.force_login(make_user())
    url = registered.get_absolute_url()
    assert HEADER not in get(client, url)
    Motion.all_objects.filter(pk=registered.pk).update(title="Frisch für Angemeldete")
    page = get(client, url)
    assert HEADER not in page
    assert "Frisch für Angemeldete" in page.text


def test_english_and_german_are_cached_apart(client):
    german = warm(client, "/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = get(client, "/")
    assert english[HEADER] == "miss"
    assert english["Content-Language"] == "en"
    assert english.content != german.content


def test_the_language_switch_works_without_a_csrf_token_so_pages_stay_cacheable():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get("/")["Content-Language"] == "en"


def test_pages_with_a_form_for_visitors_are_not_cached(client):
    url = reverse("requests_app:alert_subscribe")
    assert HEADER not in get(client, url)
    assert HEADER not in get(client, url)


def test_a_visitor_with_pending_messages_is_not_served_from_the_cache(client, registered):
    url = registered.get_absolute_url()
    warm(client, url)
    client.cookies["messages"] = "something"
    assert HEADER not in get(client, url)


@pytest.mark.parametrize("path", ["/healthz", "/konto/anmelden/", "/arbeitsbereich/"])
def test_live_pages_are_never_cached(client, path):
    client.get(path)
    assert HEADER not in client.get(path)


def test_errors_are_not_cached(client):
    assert client.get("/antraege/gibt-es-nicht/").status_code == 404
    assert HEADER not in client.get("/antraege/gibt-es-nicht/")


def test_search_results_are_cached_and_never_stale(client):
    url = "/suche/?q=Straßenbeleuchtung"
    assert "Straßenbeleuchtung im Park" not in warm(client, url).text
    MotionFactory(registered=True, title="Straßenbeleuchtung im Park")
    page = get(client, url)
    assert page[HEADER] == "miss"
    assert "<mark>Straßenbeleuchtung</mark> im Park" in page.text  # the match highlighted


def test_conditional_requests_reach_the_view(client):
    report = AnswerReportFactory(publish=True, pdf=True)
    etag = client.get(report.get_pdf_url())["ETag"]
    assert client.get(report.get_pdf_url(), headers={"if-none-match": etag}).status_code == 304


def test_the_page_cache_can_be_turned_off(client, settings, registered):
    settings.PAGE_CACHE_SECONDS = 0
    url = registered.get_absolute_url()
    assert HEADER not in get(client, url)
    assert HEADER not in get(client, url)


def test_new_alert_subscriptions_do_not_empty_the_cache(client, registered):
    url = registered.get_absolute_url()
    warm(client, url)
    AlertSubscriptionFactory()
    assert get(client, url)[HEADER] == "hit"


# --- never stale ---------------------------------------------------------------------------------


def test_publishing_a_report_shows_it_on_every_public_channel_at_once(
    client, registered, prevention_office, approver, commit
):
    report = services.report_create(motion=registered, user=prevention_office)
    answers = {answer.pk: "Vierzig neue Leuchten." for answer in report.answers.all()}
    report = services.report_update(
        report=report,
        user=prevention_office,
        version=report.version,
        title="Antwort Licht",
        summary="",
        answers=answers,
    )
    report = services.report_submit(report=report, user=prevention_office)
    report = services.report_approve(report=report, user=approver)
    pages = [
        "/",
        reverse("requests_app:report_list"),
        registered.get_absolute_url(),
        reverse("requests_app:feed_reports"),
        reverse("ratsportal:sitemap"),
    ]
    for url in pages:
        warm(client, url)
        assert "Antwort Licht" not in client.get(url).text
    assert client.get(f"/berichte/{report.slug}/").status_code == 404

    with commit():
        services.report_publish(report=report, user=approver)

    for url in pages[:4]:  # the sitemap lists URLs, not titles
        page = get(client, url)
        assert page[HEADER] == "miss", url
        assert "Antwort Licht" in page.text, url
    assert report.get_absolute_url() in get(client, reverse("ratsportal:sitemap")).text
    assert "Vierzig neue Leuchten" in get(client, report.get_absolute_url()).text
    # The PDF, rendered by the task after the commit, is linked at once as well.
    assert AnswerReport.objects.get(pk=report.pk).pdf_status == AnswerReport.PdfStatus.DONE
    assert report.get_pdf_url() in get(client, report.get_absolute_url()).text


def test_an_indicator_import_shows_on_district_and_indicator_pages(client):
    district = District.objects.get(number="01")
    district_url = district.get_absolute_url()
    indicator_url = (
        reverse("prevention:indicator_detail", kwargs={"key": "pks.890000"}) + "?darstellung=anzahl"
    )
    warm(client, district_url)
    warm(client, indicator_url)

    plan, _batch = import_file(
        data=b"district;indicator;period;value;note\n01;pks.890000;2023;4711;\n",
        file_name="neu.csv",
    )
    assert plan.ok

    for url in (district_url, indicator_url):
        page = get(client, url)
        assert page[HEADER] == "miss"
        assert "4.711" in page.text, url


def test_an_edit_in_the_admin_shows_at_once(client, make_user):
    defaults = {"title": "Impressum", "body": "Alt"}
    SitePage.objects.update_or_create(slug="impressum", defaults=defaults)
    url = reverse("ratsportal:impressum")
    warm(client, url)
    admin = Client()
    admin.force_login(make_user("superuser"))
    page = SitePage.objects.get(slug="impressum")
    response = admin.post(
        reverse("admin:portal_sitepage_change", args=[page.pk]),
        {"slug": "impressum", "title": "Impressum", "body": "Neue Anschrift: Markt 1"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert "Neue Anschrift: Markt 1" in get(client, url).text


def test_a_bulk_update_without_model_signals_invalidates_too(client):
    measure = MeasureFactory(title="Alte Maßnahme")
    url = reverse("prevention:council")
    assert "Alte Maßnahme" in warm(client, url).text
    Measure.objects.filter(pk=measure.pk).update(title="Umbenannte Maßnahme")
    assert "Umbenannte Maßnahme" in get(client, url).text


def test_a_deleted_motion_disappears_from_the_list(client):
    motion = MotionFactory(registered=True, title="Bald gelöscht")
    url = reverse("requests_app:motion_list")
    assert "Bald gelöscht" in warm(client, url).text
    Motion.all_objects.filter(pk=motion.pk).delete()
    assert "Bald gelöscht" not in get(client, url).text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_page_read_while_a_write_is_uncommitted_is_not_served_after_the_commit(client):
    """Another process may render the page from the old data after the first bump but before
    the commit; the bump on commit keeps that page from being served."""
    motion = MotionFactory(registered=True, title="Vor dem Schreiben")
    url = motion.get_absolute_url()
    warm(client, url)
    seen = []
    with transaction.atomic():
        Motion.all_objects.filter(pk=motion.pk).update(title="Nach dem Schreiben")
        # A concurrent reader (its own thread and connection) does not see the new title yet
        # and caches the old page under the already bumped version.
        reader = threading.Thread(target=lambda: seen.append(Client().get(url)))
        reader.start()
        reader.join()
    assert "Vor dem Schreiben" in seen[0].text
    assert "Nach dem Schreiben" in get(client, url).text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_in_another_process_invalidates_the_shared_cache(client, settings):
    """Web processes and task workers share the cache (Redis): a write by any of them empties
    the page cache of all."""
    prefix = f"pagecache-test-{os.getpid()}"
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    motion = MotionFactory(registered=True, title="Titel vor dem Prozess")
    url = motion.get_absolute_url()
    warm(client, url)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
    }
    code = (
        "from requests_app.models import Motion;"
        f"Motion.all_objects.filter(pk={motion.pk}).update(title='Titel aus dem Prozess')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True
    )
    page = get(client, url)
    assert page[HEADER] == "miss"
    assert "Titel aus dem Prozess" in page.text


# --- totals remembered per version -------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum("COUNT(*)" in q["sql"] for q in queries)


def test_the_total_behind_a_pager_is_counted_once_per_version(client):
    MotionFactory.create_batch(25, registered=True)
    assert count_queries(client, "/antraege/") == 1
    # Another page of the list (not in the page cache yet) reuses the total …
    assert count_queries(client, "/antraege/?seite=2") == 0
    # … until a write changes what there is to count.
    MotionFactory(registered=True)
    assert count_queries(client, "/antraege/?seite=2") == 1
    assert pagecache.Paginator(Motion.objects.published(), 20).count == 26


def test_outsiders_are_not_told_the_cache_state_unless_it_is_turned_on(
    client, settings, registered
):
    settings.PAGE_CACHE_HEADER = False
    url = registered.get_absolute_url()
    get(client, url)
    with CaptureQueriesContext(connection) as queries:
        second = get(client, url)
    assert len(queries) == 0, "the second answer should come from the cache"
    assert HEADER not in second


def test_unknown_query_parameters_neither_bypass_the_cache_nor_reach_the_page(client, registered):
    get(client, "/antraege/")
    with CaptureQueriesContext(connection) as queries:
        page = get(client, "/antraege/?utm_source=LEAKYPARAM&x=1")
    assert len(queries) == 0, "an unknown parameter made a new cache entry"
    assert "LEAKYPARAM" not in page.text
    # a parameter the page reads still counts: the filter works and is cached apart
    MotionFactory(registered=True, kind="BA", title="Nur der Beschlussantrag")
    filtered = get(client, "/antraege/?kind=BA&utm_source=x").text
    assert "Nur der Beschlussantrag" in filtered and registered.title not in filtered


def test_every_filter_of_the_motion_list_is_known_to_the_page_cache(client, registered):
    from portal import pagecache
    from requests_app.forms import MotionFilterForm

    assert set(MotionFilterForm(years=[]).fields) <= pagecache._parameter_names()


# --- invalidation that follows what the public can see (issue 20) ------------------------------


def test_an_indicator_import_leaves_motion_pages_in_the_cache(client, registered):
    motion_url = registered.get_absolute_url()
    district_url = District.objects.get(number="01").get_absolute_url()
    warm(client, motion_url)
    warm(client, district_url)
    plan, _batch = import_file(
        data=b"district;indicator;period;value;note\n01;pks.890000;2023;4712;\n",
        file_name="neu.csv",
    )
    assert plan.ok
    assert get(client, motion_url)[HEADER] == "hit"
    page = get(client, district_url)
    assert page[HEADER] == "miss"
    assert "4.712" in page.text


def test_a_motion_edit_leaves_district_pages_in_the_cache(client, registered):
    district_url = District.objects.get(number="01").get_absolute_url()
    motion_url = registered.get_absolute_url()
    warm(client, district_url)
    warm(client, motion_url)
    Motion.all_objects.filter(pk=registered.pk).update(title="Neuer Titel")
    assert get(client, district_url)[HEADER] == "hit"
    page = get(client, motion_url)
    assert page[HEADER] == "miss"
    assert "Neuer Titel" in page.text


def test_a_login_invalidates_no_public_page(client, make_user, registered):
    url = registered.get_absolute_url()
    warm(client, url)
    user = make_user()
    user.set_password("geheim-genug-123")
    user.save()
    before = pagecache.current_versions()
    other = Client()
    response = other.post(
        reverse("login"), {"username": user.username, "password": "geheim-genug-123"}
    )
    assert response.status_code == 302
    # Django wrote the login's time into the user table; that outdates nothing.
    assert pagecache.current_versions() == before
    assert get(client, url)[HEADER] == "hit"


def test_private_writes_invalidate_nothing_and_other_writes_still_do(client, registered):
    url = registered.get_absolute_url()
    warm(client, url)
    with pagecache.private_writes():
        MotionFactory(title="Entwurf, den niemand sieht")
    assert get(client, url)[HEADER] == "hit"
    Motion.all_objects.filter(pk=registered.pk).update(title="Öffentlich geändert")
    assert "Öffentlich geändert" in get(client, url).text


def test_a_page_depends_on_the_tables_behind_a_remembered_total(client):
    MotionFactory.create_batch(25, registered=True)
    get(client, "/antraege/")  # counts and remembers the total
    # The second page reads the total from the memo, not from the database – it must still be
    # outdated when a motion is added.
    warm(client, "/antraege/?seite=2")
    MotionFactory(registered=True, title="Die sechsundzwanzigste")
    page = get(client, "/antraege/?seite=2")
    assert page[HEADER] == "miss"
    assert "26" in page.text


def test_staff_work_on_drafts_and_answers_in_progress_leaves_public_pages_cached(
    client, council_member, faction, registered, prevention_office, approver
):
    """A day in the office: a council member's draft and a report on its way through review
    change nothing citizens can see, so their pages stay in the cache; publishing does not."""
    from requests_app.services import motions as motion_services

    pages = ["/", reverse("requests_app:motion_list"), registered.get_absolute_url()]
    for url in pages:
        warm(client, url)
    draft = motion_services.motion_create(
        user=council_member,
        faction=faction,
        kind="RA",
        title="Geheimer Entwurf",
        questions=["Wie?"],
    )
    motion_services.motion_update(
        motion=draft,
        user=council_member,
        version=draft.version,
        kind="RA",
        title="Geheimer Entwurf, überarbeitet",
        questions=["Wie genau?"],
    )
    report = services.report_create(motion=registered, user=prevention_office)
    report = services.report_update(
        report=report,
        user=prevention_office,
        version=report.version,
        title="Antwort im Werden",
        summary="",
        answers={answer.pk: "Noch nicht fertig." for answer in report.answers.all()},
    )
    report = services.report_submit(report=report, user=prevention_office)
    report = services.report_approve(report=report, user=approver, version=report.version)
    for url in pages:
        assert get(client, url)[HEADER] == "hit", url
    services.report_publish(report=report, user=approver, version=report.version)
    for url in pages:
        assert get(client, url)[HEADER] == "miss", url
    for url in (pages[0], pages[2]):
        assert "Antwort im Werden" in get(client, url).text, url


# --- finer rules (issue 20): what a write invalidates follows what the public can see ----------


def district_and_indicator_urls() -> list[str]:
    district = District.objects.get(number="01")
    return [
        district.get_absolute_url(),
        reverse("prevention:indicator_detail", args=["pks.890000"]),
    ]


def test_a_publication_invalidates_its_pages_but_not_district_and_indicator_pages(
    client, registered, prevention_office, approver
):
    report = _approved_report(registered, prevention_office, approver, "Antwort zum Licht im Park")
    statistics = district_and_indicator_urls()
    public = ["/", reverse("requests_app:motion_list"), registered.get_absolute_url()]
    for url in statistics + public:
        warm(client, url)
    services.report_publish(report=report, user=approver, version=report.version)
    for url in statistics:
        assert get(client, url)[HEADER] == "hit", url
    for url in public:
        assert get(client, url)[HEADER] == "miss", url
    for url in (public[0], public[2]):  # the home page and the motion's page show the answer
        assert "Antwort zum Licht im Park" in get(client, url).text, url


def test_an_indicator_import_invalidates_statistics_pages_and_the_home_page_only(
    client, registered
):
    statistics = district_and_indicator_urls()
    motion_pages = [registered.get_absolute_url(), reverse("requests_app:motion_list")]
    for url in [*statistics, *motion_pages, "/"]:
        warm(client, url)
    plan, _batch = import_file(
        data=b"district;indicator;period;value;note\n01;pks.890000;2023;4712;\n",
        file_name="neu.csv",
    )
    assert plan.ok
    for url in motion_pages:
        assert get(client, url)[HEADER] == "hit", url
    for url in statistics:
        assert get(client, url)[HEADER] == "miss", url
    assert "4.712" in get(client, statistics[0]).text  # the district page shows the new count
    # the home page shows the city's key figures
    assert get(client, "/")[HEADER] == "miss"


def test_contributions_sessions_and_queued_tasks_invalidate_nothing(
    client, registered, prevention_office
):
    """Asking another office for a contribution, a visitor's session and a row in the task
    queue: no public page shows any of them."""
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from requests_app.services import contributions
    from tests.factories import OrganizationFactory

    report = services.report_create(motion=registered, user=prevention_office)
    police = OrganizationFactory(name="Polizeidirektion Beispiel", kind="external")
    url = registered.get_absolute_url()
    warm(client, url)
    before = pagecache.current_versions()
    contributions.contribution_request(
        report=report,
        user=prevention_office,
        organization=police,
        questions=list(registered.questions.all()),
        due_date=timezone.localdate() + timedelta(days=10),
    )
    session = SessionStore()
    session["bench"] = 1
    session.save()
    assert DBTaskResult._meta.db_table not in pagecache._watched()
    assert pagecache.current_versions() == before
    assert get(client, url)[HEADER] == "hit"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_in_another_process_invalidates_statistics_pages_only(settings):
    """The finer rules hold across processes: a task worker's import outdates the district page
    in the shared cache of every web process, and leaves motion pages there."""
    prefix = f"pagecache-test-{os.getpid()}-import"
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    from prevention.models import Indicator
    from tests.factories import DistrictFactory, IndicatorFactory

    # Districts and indicators come from data migrations, which an earlier transactional test
    # may have flushed.
    if not District.objects.filter(number="01").exists():
        DistrictFactory(number="01", name="Zentrum", slug="zentrum")
    if not Indicator.objects.filter(key="pks.890000").exists():
        IndicatorFactory(key="pks.890000", name="Straftaten insgesamt")
    client = Client()
    motion_url = MotionFactory(registered=True, title="Licht im Park").get_absolute_url()
    district = District.objects.get(number="01").get_absolute_url()
    warm(client, motion_url)
    warm(client, district)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
    }
    code = (
        "from prevention.services import import_file;"
        "plan, _ = import_file(data=b'district;indicator;period;value;note\\n"
        "01;pks.890000;2023;4712;\\n', file_name='neu.csv');"
        "assert plan.ok"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True
    )
    assert get(client, motion_url)[HEADER] == "hit"
    page = get(client, district)
    assert page[HEADER] == "miss"
    assert "4.712" in page.text


# --- one motion's pages: invalidated by that motion's changes only (issue 20) -------------------


def _approved_report(motion, author, approver, title):
    report = services.report_create(motion=motion, user=author)
    report = services.report_update(
        report=report,
        user=author,
        version=report.version,
        title=title,
        summary="",
        answers={answer.pk: "So ist es." for answer in report.answers.all()},
    )
    report = services.report_submit(report=report, user=author)
    return services.report_approve(report=report, user=approver, version=report.version)


def test_publishing_one_answer_leaves_the_pages_of_other_motions_cached(
    client, registered, department, prevention_office, approver
):
    other = MotionFactory(
        registered=True, lead_department=department, title="Bänke", questions=["Wie viele?"]
    )
    other_report = AnswerReportFactory(motion=other, publish=True, pdf=True)
    report = _approved_report(registered, prevention_office, approver, "Antwort zum Licht")
    other.refresh_from_db()
    others = [
        other.get_absolute_url(),
        other_report.get_absolute_url(),
        other_report.get_pdf_url(),
    ]
    own_and_lists = [
        registered.get_absolute_url(),
        "/",
        reverse("requests_app:motion_list"),
        reverse("requests_app:report_list"),
    ]
    for url in others + own_and_lists:
        warm(client, url)

    services.report_publish(report=report, user=approver, version=report.version)

    for url in others:
        assert get(client, url)[HEADER] == "hit", url
    for url in own_and_lists:
        page = get(client, url)
        assert page[HEADER] == "miss", url
        if url != reverse("requests_app:motion_list"):  # the list shows the motion's status
            assert "Antwort zum Licht" in page.text, url


def test_a_change_to_a_motion_renders_its_own_pages_anew(
    client, registered, department, prevention_office
):
    """An interim reply (a service scoped to its motion) shows at once on that motion's page;
    the page of another motion stays cached."""
    other = MotionFactory(registered=True, lead_department=department, title="Bänke am Teich")
    for url in (registered.get_absolute_url(), other.get_absolute_url()):
        warm(client, url)
    motion_services.motion_interim_reply(
        motion=registered,
        user=prevention_office,
        text="Die Prüfung dauert noch.",
        expected_date=timezone.localdate() + datetime.timedelta(days=40),
    )
    page = get(client, registered.get_absolute_url())
    assert page[HEADER] == "miss"
    assert "Die Prüfung dauert noch." in page.text
    assert get(client, other.get_absolute_url())[HEADER] == "hit"


def test_a_write_no_service_attributes_to_one_motion_renders_every_motion_page_anew(client):
    """The admin, a bulk update or a script: which motion changed is unknown, so every page
    scoped to a motion is rendered anew."""
    first = MotionFactory(registered=True, title="Erster Antrag")
    second = MotionFactory(registered=True, title="Zweiter Antrag")
    for motion in (first, second):
        warm(client, motion.get_absolute_url())
    Motion.all_objects.filter(pk=first.pk).update(title="Erster Antrag, geändert")
    assert "Erster Antrag, geändert" in get(client, first.get_absolute_url()).text
    assert get(client, second.get_absolute_url())[HEADER] == "miss"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_scoped_page_read_while_its_motion_is_written_is_not_served_after_the_commit(client):
    """The race above for a write attributed to the motion (`row_writes`): the page reads the
    motion's own version before its data, and the version is raised again on commit."""
    motion = MotionFactory(registered=True, title="Vor dem Schreiben")
    url = motion.get_absolute_url()
    warm(client, url)
    seen = []
    with pagecache.row_writes("motion", motion.pk), transaction.atomic():
        Motion.all_objects.filter(pk=motion.pk).update(title="Nach dem Schreiben")
        reader = threading.Thread(target=lambda: seen.append(Client().get(url)))
        reader.start()
        reader.join()
    assert "Vor dem Schreiben" in seen[0].text
    assert seen[0][HEADER] == "miss"
    assert "Nach dem Schreiben" in get(client, url).text


def test_a_new_release_serves_nothing_the_old_code_rendered(client, settings, registered):
    """Pages and remembered HTML are kept per release (settings.PORTAL_RELEASE): after a
    deployment the new templates show at once, not after the next write."""
    url = registered.get_absolute_url()
    warm(client, url)
    assert pagecache.remember("release-test", lambda: "alter Code") == "alter Code"
    assert pagecache.remember("release-test", lambda: "neuer Code") == "alter Code"  # kept
    settings.PORTAL_RELEASE = "naechste-version"
    assert get(client, url)[HEADER] == "miss"
    assert pagecache.remember("release-test", lambda: "neuer Code") == "neuer Code"
