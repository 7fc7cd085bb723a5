"""Nothing unpublished leaks to an anonymous visitor (DESIGN §10).

The test creates unpublished content whose titles and texts carry distinctive markers, then
crawls the site as an anonymous visitor: every same-site link reachable from `/` and every URL
in the OParl API reachable from `/oparl/v1/system` (bounded), plus every PUBLIC entry of the
access table (tests/access.py). No response body may contain a marker.

How to extend (later issues): write a function that creates your app's unpublished content
(unapproved answer reports, non-public meetings, withheld indicator values, ...) using marker
strings from `marker("...")`, decorate it with `@unpublished`, and return the markers it used.
Create some *published* content next to it too (decorate with `@published`), so the crawler has
pages that could leak: lists, details, feeds, search results, OParl objects.
"""

import json
from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import NoReverseMatch, reverse

from tests.access import ENTRIES, PUBLIC
from tests.requests_app.test_pdf_task import pdf_text

MAX_PAGES = 400
OPARL_LISTS = (
    "organization", "person", "membership", "meeting", "agendaItem", "paper", "file",
    "consultation", "locationList", "legislativeTermList",
)  # fmt: skip
SKIP_PREFIXES = ("/admin/", "/static/", "/konto/abmelden/", "/i18n/")

UNPUBLISHED: list[Callable[[], list[str]]] = []
PUBLISHED: list[Callable[[], None]] = []


def unpublished(func: Callable[[], list[str]]) -> Callable[[], list[str]]:
    UNPUBLISHED.append(func)
    return func


def published(func: Callable[[], None]) -> Callable[[], None]:
    PUBLISHED.append(func)
    return func


def marker(name: str) -> str:
    """A string that cannot appear on a page by chance."""
    return f"LEAKMARKER{name.upper().replace(' ', '')}ZQX"


# --- portal: the OParl body, so that the API's lists exist --------------------------------


@published
def oparl_body() -> None:
    from portal.models import Body

    if not Body.objects.exists():
        Body.objects.create(name="Stadt Chemnitz", ags="14511000")


@unpublished
def oparl_unpublished_after_publication() -> list[str]:
    """Things that were public and then were not: OParl sends them as deletion stubs
    (modified_since), which must carry none of their content."""
    from django.core.files.base import ContentFile

    from portal.models import AgendaItem, Attachment, Membership
    from requests_app.models import Consultation
    from tests.factories import CouncilMeetingFactory, MotionFactory, PersonFactory

    used = [marker(f"oparlstub{n}") for n in range(6)]
    meeting = CouncilMeetingFactory(name=used[0])
    item = AgendaItem.objects.create(meeting=meeting, order=1, title=used[1], result=used[1])
    motion = MotionFactory(registered=True, title=used[2])
    Consultation.objects.create(motion=motion, agenda_item=item)
    person = PersonFactory(public=True, family_name=used[3])
    Membership.objects.create(
        person=person, organization=meeting.organization, role_title="Mitglied"
    )
    public_meeting = CouncilMeetingFactory()
    attachment = Attachment(
        name=used[4], mime_type="text/plain", size=len(used[5]), sha512="0" * 128, public=True
    )
    attachment.file.save("stub.txt", ContentFile(used[5].encode()), save=True)
    public_meeting.attachments.add(attachment)
    for obj, field, value in (
        (meeting, "public", False),
        (motion, "confidential", True),
        (person, "public", False),
        (attachment, "public", False),
    ):
        setattr(obj, field, value)
        obj.save()
    return used


# --- requests_app ---------------------------------------------------------------------------


@published
def published_motions() -> None:
    from tests.factories import MotionFactory

    MotionFactory(submitted=True, title="Öffentlich eingereicht")
    MotionFactory(registered=True, title="Öffentlich registriert")


@unpublished
def unpublished_motions() -> list[str]:
    """A draft, a returned, a confidential and a withdrawn-before-submission motion."""
    from portal.models import Organization
    from requests_app.models import Motion
    from requests_app.services import motions as services
    from tests.factories import MotionFactory, UserFactory

    faction = Organization.objects.create(name="Fraktion Leck", kind="faction")
    used = []

    def motion(state: str, **fields) -> Motion:
        title, text, question = (marker(f"{state}{part}") for part in ("title", "text", "q"))
        used.extend([title, text, question])
        return MotionFactory(
            faction=faction,
            title=title,
            text=text,
            reasoning=text,
            questions=[question],
            **fields,
        )

    motion("draft")
    motion("withdrawndraft", status="withdrawn")
    motion("confidential", registered=True, confidential=True)
    # returned with a reason: neither the motion nor the office's reason may show
    returned = motion("returned", submitted=True)
    office = UserFactory(roles=["council_office"])
    reason = marker("returnreason")
    used.append(reason)
    services.motion_return(motion=returned, user=office, reason=reason)
    return used


# --- requests_app: answer reports ------------------------------------------------------------


@published
def published_reports() -> None:
    from tests.factories import AnswerReportFactory

    AnswerReportFactory(title="Öffentliche Antwort", publish=True, pdf=True)


@unpublished
def unpublished_reports() -> list[str]:
    """A draft report and one in review, both for public (registered) motions, and an
    unpublished correction of a published report."""
    from requests_app.models import AnswerReport
    from tests.factories import AnswerReportFactory, ExhibitFactory

    used = []

    def report(state: str, **fields) -> AnswerReport:
        title, answer, caption = (marker(f"report{state}{part}") for part in ("t", "a", "c"))
        used.extend([title, answer, caption])
        made = AnswerReportFactory(title=title, answers=[answer], **fields)
        ExhibitFactory(answer=made.answers.first(), caption=caption)
        return made

    report("draft")
    in_review = report("review")
    AnswerReport.objects.filter(pk=in_review.pk).update(status=AnswerReport.Status.IN_REVIEW)
    approved = report("approved")
    AnswerReport.objects.filter(pk=approved.pk).update(status=AnswerReport.Status.APPROVED)
    first = AnswerReportFactory(title="Erste Fassung", publish=True, pdf=True)
    report("correction", motion=first.motion, edition=2, supersedes=first)
    return used


# --- the crawl ------------------------------------------------------------------------------


# --- the review of a report, and the KPR's meetings, people and attachments ------------------


@unpublished
def review_comment() -> list[str]:
    """An approver's send-back comment on a report of a public motion."""
    from requests_app.services import reports as services
    from tests.factories import AnswerReportFactory, MotionFactory, OrganizationFactory, UserFactory

    department = OrganizationFactory(kind="department", name="Dezernat Leck")
    motion = MotionFactory(
        registered=True, lead_department=department, title="Öffentlich mit Prüfung"
    )
    staff = UserFactory(roles=["prevention_office"], organizations=[department])
    approver = UserFactory(roles=["approver"], organizations=[department])
    report = AnswerReportFactory(motion=motion, title="Bericht in Prüfung", answers=["Antwort"])
    report = services.report_submit(report=report, user=staff)
    comment = marker("reviewcomment")
    services.report_return(report=report, user=approver, comment=comment)
    return [comment]


@unpublished
def private_kpr_content() -> list[str]:
    """A non-public KPR meeting with minutes, a non-public agenda item and a non-public
    attachment of a public meeting, and a person who is not public."""
    from django.core.files.base import ContentFile

    from portal.models import Attachment
    from tests.factories import AgendaItemFactory, CouncilMeetingFactory, PersonFactory

    names = {key: marker(key) for key in ("meeting", "minutes", "item", "file", "person")}
    CouncilMeetingFactory(name=names["meeting"], minutes=names["minutes"], public=False)
    public_meeting = CouncilMeetingFactory(name="Öffentliche Sitzung", public=True)
    AgendaItemFactory(meeting=public_meeting, title=names["item"], public=False)
    attachment = Attachment(
        name=names["file"], mime_type="application/pdf", size=8, sha512="0" * 128, public=False
    )
    attachment.file.save("intern.pdf", ContentFile(b"%PDF-1.4"), save=True)
    public_meeting.attachments.add(attachment)
    PersonFactory(family_name=names["person"], public=False)
    return list(names.values())


@unpublished
def review_notes_and_deadline_reasons() -> list[str]:
    """A reviewer's note on one question, and the office's reason for extending a deadline."""
    import datetime

    from requests_app.services import motions as motion_services
    from requests_app.services import reports as services
    from tests.factories import AnswerReportFactory, MotionFactory, OrganizationFactory, UserFactory

    department = OrganizationFactory(kind="department", name="Dezernat Notiz")
    motion = MotionFactory(registered=True, lead_department=department, title="Mit Notizen")
    staff = UserFactory(roles=["prevention_office"], organizations=[department])
    approver = UserFactory(roles=["approver"], organizations=[department])
    report = AnswerReportFactory(motion=motion, title="Bericht mit Notiz", answers=["Antwort"])
    report = services.report_submit(report=report, user=staff)
    note, reason = marker("questionnote"), marker("extensionreason")
    services.report_return(
        report=report,
        user=approver,
        comment="Bitte ergänzen.",
        notes={report.answers.first().pk: note},
    )
    office = UserFactory(roles=["council_office"])
    motion.refresh_from_db()
    motion_services.motion_extend_deadline(
        motion=motion,
        user=office,
        reason=reason,
        due_date=(motion.due_date or datetime.date.today()) + datetime.timedelta(days=30),
    )
    return [note, reason]


@unpublished
def returned_after_publication() -> list[str]:
    """A motion that was public and was then returned: its old URL answers 410 without it."""
    from requests_app.services import motions as services
    from tests.factories import MotionFactory, UserFactory

    title, text = marker("goneTitle"), marker("goneText")
    motion = MotionFactory(submitted=True, title=title, text=text)
    services.motion_return(
        motion=motion, user=UserFactory(roles=["council_office"]), reason="Bitte präzisieren."
    )
    return [title, text]


@unpublished
def documents_of_unpublished_reports() -> list[str]:
    """PDF documents of a draft report and of a report that left the public (deleted)."""
    from django.core.files.base import ContentFile

    from portal.models import Attachment
    from requests_app.models import AnswerReport
    from tests.factories import AnswerReportFactory

    used = []
    for state, report in [
        ("draft", AnswerReportFactory(title="Entwurf mit Dokument")),
        ("gone", AnswerReportFactory(title="Zurückgezogen mit Dokument", publish=True)),
    ]:
        name, content = marker(f"document{state}name"), marker(f"document{state}content")
        used += [name, content]
        document = Attachment.objects.create(
            name=name, mime_type="application/pdf", size=100, sha512="d" * 128
        )
        document.file.save("dokument.pdf", ContentFile(f"%PDF-1.4 {content} %%EOF"), save=True)
        report.documents.add(document)
        if state == "gone":
            AnswerReport.all_objects.filter(pk=report.pk).update(deleted=True)
    return used


@published
def public_council_session() -> None:
    """A public Stadtrat session treating a public motion, so the crawl has session pages."""
    from requests_app.models import Consultation
    from tests.factories import AgendaItemFactory, MeetingFactory, MotionFactory

    meeting = MeetingFactory(name="Öffentliche Ratssitzung", public=True, start=_session_start())
    item = AgendaItemFactory(meeting=meeting, number="7", title="Öffentlicher Punkt", public=True)
    motion = MotionFactory(registered=True, title="Öffentlich beraten")
    Consultation.objects.create(
        motion=motion,
        agenda_item=item,
        role=Consultation.Role.DECISION,
        result=Consultation.Result.ADOPTED,
        votes_yes=10,
        votes_no=2,
        votes_abstain=1,
    )


@unpublished
def private_council_sessions() -> list[str]:
    """A non-public session, a non-public item of a public session treating a confidential
    motion, minutes not yet published, and a council member who is not public."""
    from portal.models import Membership
    from requests_app.models import Consultation
    from tests.factories import (
        AgendaItemFactory,
        MeetingFactory,
        MotionFactory,
        PersonFactory,
    )

    names = {key: marker(key) for key in (
        "sessionname", "sessionitem", "confidentialtitle", "draftminutes", "privatemember",
    )}  # fmt: skip
    MeetingFactory(name=names["sessionname"], public=False, start=_session_start())
    public = MeetingFactory(
        name="Öffentliche Sitzung mit Geheimem",
        public=True,
        minutes=names["draftminutes"],
        start=_session_start(),
    )
    item = AgendaItemFactory(meeting=public, number="9", title=names["sessionitem"], public=False)
    confidential = MotionFactory(
        registered=True, confidential=True, title=names["confidentialtitle"]
    )
    Consultation.objects.create(
        motion=confidential, agenda_item=item, role=Consultation.Role.DECISION
    )
    person = PersonFactory(family_name=names["privatemember"], public=False)
    Membership.objects.create(person=person, organization=public.organization)
    return list(names.values())


def _session_start():
    import datetime

    from portal.models import Meeting

    return datetime.datetime(2024, 3, 4, 16, tzinfo=datetime.UTC) + datetime.timedelta(
        days=7 * Meeting.all_objects.count()
    )


def contributions() -> list[str]:
    from tests.requests_app.contributions_leaks import contributions_content

    return contributions_content()


UNPUBLISHED.append(contributions)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "link"):
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_site_links(base: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme in ("", "http") and parts.netloc in ("", "testserver"):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/") and not path.startswith(SKIP_PREFIXES):
                links.append(path)
    return links


def json_links(text: str) -> list[str]:
    """Same-site URLs anywhere in a JSON document (OParl objects and lists link by URL)."""
    links, stack = [], [json.loads(text)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and value.startswith("http://testserver/"):
            parts = urlsplit(value)
            links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def public_access_table_urls() -> list[str]:
    urls = []
    for name, access in sorted(ENTRIES.items()):
        if access.who != PUBLIC:
            continue
        try:
            kwargs = access.kwargs() if access.kwargs else None
            urls.append(reverse(name, kwargs=kwargs) + access.query)
        except NoReverseMatch:
            continue
    return urls


@pytest.fixture
def oparl_ids_on_testserver(settings):
    """OParl ids are built from PORTAL_BASE_URL: on the test client's host, json_links()
    follows them to every OParl object, file and deletion stub."""
    settings.PORTAL_BASE_URL = "http://testserver"


@pytest.mark.django_db
@pytest.mark.usefixtures("oparl_ids_on_testserver")
def test_no_unpublished_content_reaches_an_anonymous_visitor(client):
    for create in PUBLISHED:
        create()
    markers = [m for create in UNPUBLISHED for m in create()]
    assert markers, "no unpublished content was created"

    # Besides what links reach: the calendar and every OParl list as a mirror syncs it
    # (with modified_since, deleted objects appear as stubs: they must carry no content).
    extra = ["/praeventionsrat/sitzungen.ics"]
    extra += [
        f"/oparl/v1/body/{body}/{name}?modified_since=2000-01-01T00:00:00%2B00:00"
        for body in _oparl_body_ids()
        for name in OPARL_LISTS
    ]
    queue = deque(["/", "/oparl/v1/system", *public_access_table_urls(), *extra])
    seen: set[str] = set(queue)
    visited, leaks, pdfs = 0, [], 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        if path in extra:
            assert response.status_code == 200, (
                path
            )  # a channel that answers nothing proves nothing
        body = b"".join(response) if response.streaming else response.content
        if response.get("Content-Type", "").startswith("application/pdf"):
            text = pdf_text(body)  # the PDF's words, not its compressed streams
            pdfs += "Öffentliche Antwort" in text
        else:
            text = body.decode("utf-8", errors="replace")
        leaks += [f"{path}: {m}" for m in markers if m in text]
        follow = []
        if response.status_code in (301, 302, 303, 307, 308):
            follow = [response["Location"]]
        elif "html" in response.get("Content-Type", ""):
            follow = same_site_links(path, text)
        elif "json" in response.get("Content-Type", "") and response.status_code == 200:
            follow = json_links(text)
        for link in follow:
            if link.startswith("/") and link not in seen and not link.startswith(SKIP_PREFIXES):
                seen.add(link)
                queue.append(link)
    assert not leaks, "Unpublished content visible to anonymous visitors:\n" + "\n".join(leaks)
    # the crawl really reached the published content (a crawler that stops at / proves nothing)
    assert "/antraege/" in seen and visited > 5
    assert pdfs, "no report PDF was read as text"
    # uploaded files are never served by their storage path, public or not
    from django.conf import settings

    from portal.models import Attachment

    for attachment in Attachment.objects.all():
        path = f"{settings.MEDIA_URL}{attachment.file.name}"
        assert client.get(path).status_code == 404, path
    assert any(path.startswith("/oparl/v1/body/") and "/paper" in path for path in seen)


def _oparl_body_ids() -> list[int]:
    from portal.models import Body

    return list(Body.objects.values_list("pk", flat=True))


def test_links_are_collected_only_on_the_same_site():
    html = (
        '<a href="/antraege/">a</a><a href="https://example.org/x">b</a>'
        '<a href="detail/#top">c</a><a href="/admin/">d</a><a href="mailto:x@y">e</a>'
    )
    assert same_site_links("/start/", html) == ["/antraege/", "/start/detail/"]


# --- portal: discovery (search, feeds, sitemap, alert mails) -------------------------------


def _body(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    return body.decode("utf-8", errors="replace")


def _sitemap_paths(xml: str) -> list[str]:
    import re

    return [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


@pytest.mark.django_db
def test_search_feeds_sitemap_and_alert_mails_show_nothing_unpublished(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from requests_app.alerts import send_confirmation
    from requests_app.models import AlertSubscription, Motion

    for create in PUBLISHED:
        create()
    markers = [m for create in UNPUBLISHED for m in create()]
    leaks = []
    # every marker as a search word finds nothing (the page repeats the query itself)
    for m in markers:
        if "haben wir nichts gefunden" not in _body(client.get(f"/suche/?q={m}")):
            leaks.append(f"/suche/?q={m}: found")
    urls = ["/feeds/antraege/", "/feeds/berichte/", "/sitemap.xml", "/robots.txt"]
    # a word all markers share (a substring match on SQLite), every type, sorted by date
    urls += [f"/suche/?q=LEAKMARKER&typ={typ}&sortierung=datum" for typ in ("", "berichte")]
    # the subscribe page offered for every unpublished motion must not name it
    hidden = Motion.objects.exclude(pk__in=Motion.objects.published())
    urls += [f"/benachrichtigungen/?antrag={motion.public_slug}" for motion in hidden]
    for url in urls:
        text = _body(client.get(url))
        leaks += [f"{url}: {m}" for m in markers if m in text]
        if url == "/sitemap.xml":
            for path in _sitemap_paths(text):
                page = _body(client.get(path))
                leaks += [f"{path} (sitemap): {m}" for m in markers if m in page]
    # an unpublished motion cannot be subscribed to, so no alert mail can ever name it
    for motion in hidden:
        client.post(
            f"/benachrichtigungen/?antrag={motion.public_slug}",
            {"email": "leck@example.org", "topic": f"antrag:{motion.pk}"},
        )
    assert not AlertSubscription.objects.filter(motion__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/benachrichtigungen/", {"email": "leck@example.org", "topic": "berichte"})
    # a motion that was public when subscribed and is hidden later is not named in mails
    subscription = AlertSubscription.objects.get()
    subscription.motion = hidden.first()
    subscription.save()
    send_confirmation.call(subscription_pk=subscription.pk)
    assert len(mailoutbox) == 2, "the mails were not sent: nothing was checked"
    for mail in mailoutbox:
        leaks += [f"mail {mail.subject!r}: {m}" for m in markers if m in mail.subject + mail.body]
    assert not leaks, "Unpublished content in search, feeds, sitemap or mails:\n" + "\n".join(leaks)
