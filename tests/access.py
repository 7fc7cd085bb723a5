"""The access table: every URL pattern of the project, who may use it, and how to build its URL.

The test in tests/test_access_matrix.py fails for any URL pattern that has no entry here, so a
new page cannot go live without a decision about who sees it. Apps add their entries to ENTRIES
(one block per app); `kwargs` builds the URL arguments from demo-like objects the test creates.

Expected status codes:
- PUBLIC: everybody gets `ok`.
- LOGGED_IN: anonymous visitors are sent to the login page (302), every account gets `ok`.
- a set of roles: anonymous -> login (302), those roles (and superusers) `ok`, other accounts
  get `denied` (403, or 404 where the page hides that an object exists).
"""

from tests.access_types import LOGGED_IN, PUBLIC, Access
from tests.factories import MeetingFactory, OrganizationFactory
from tests.portal.access_discovery import ENTRIES as _discovery
from tests.prevention.access_council import ENTRIES as _council
from tests.prevention.access_indicators import ENTRIES as _indicators
from tests.requests_app.access import ENTRIES as _requests
from tests.requests_app.access_contributions import ENTRIES as _contributions
from tests.requests_app.access_sessions import ENTRIES as _sessions

ENTRIES: dict[str, Access] = {
    # ratsportal (the site-wide pages)
    "ratsportal:home": Access(PUBLIC),
    "ratsportal:impressum": Access(PUBLIC),
    "ratsportal:datenschutz": Access(PUBLIC),
    "ratsportal:barrierefreiheit": Access(PUBLIC),
    "ratsportal:healthz": Access(PUBLIC),
    "ratsportal:workspace": Access(LOGGED_IN),
    "login": Access(PUBLIC),
    # POST only: a GET is answered with 405 for accounts, anonymous visitors go to the login.
    "logout": Access(LOGGED_IN, ok=405),
    # password reset by e-mail: for every account, so public (an unknown link says so, 200)
    "password_reset": Access(PUBLIC),
    "password_reset_done": Access(PUBLIC),
    "password_reset_confirm": Access(PUBLIC, kwargs=lambda: {"uidb64": "MQ", "token": "x-y"}),
    "password_reset_complete": Access(PUBLIC),
    # GET just redirects back; the language is changed by POST.
    "set_language": Access(PUBLIC, ok=302),
    # OParl API: public and read-only
    "oparl:help": Access(PUBLIC),
    "oparl:system": Access(PUBLIC, kwargs=lambda: _body() and {}),
    "oparl:bodies": Access(PUBLIC, kwargs=lambda: _body() and {}),
    "oparl:body": Access(PUBLIC, kwargs=lambda: {"pk": _body().pk}),
    "oparl:list": Access(PUBLIC, kwargs=lambda: {"body": _body().pk, "list_name": "meeting"}),
    "oparl:object": Access(
        PUBLIC,
        kwargs=lambda: _body() and {"kind": "organization", "pk": OrganizationFactory().pk},
    ),
    "oparl:file_download": Access(PUBLIC, kwargs=lambda: {"pk": _public_file().pk}),
    "oparl:file_access": Access(PUBLIC, kwargs=lambda: {"pk": _public_file().pk}),
    # A report PDF by the id of a report that does not exist: an OParl error object (404).
    "oparl:report_file_download": Access(PUBLIC, ok=404, kwargs=lambda: {"pk": 999999}),
    "oparl:paper_file_download": Access(PUBLIC, ok=404, kwargs=lambda: {"pk": 999999}),
    # Any other path under /oparl/: an OParl error object, never Django's HTML 404.
    "oparl:not_found": Access(PUBLIC, ok=404, kwargs=lambda: _body() and {"rest": "v2/system"}),
}


def _body():
    from portal.models import Body

    return Body.objects.get_or_create(ags="14511000", defaults={"name": "Stadt Chemnitz"})[0]


def _public_file():
    from django.core.files.base import ContentFile

    from portal.models import Attachment

    attachment = Attachment(
        name="Anlage", mime_type="application/pdf", size=8, sha512="0" * 128, public=True
    )
    attachment.file.save("anlage.pdf", ContentFile(b"%PDF-1.4"), save=True)
    MeetingFactory(public=True).attachments.add(attachment)
    return attachment


# Each app (or topic) keeps its entries in its own module (tests/*/access*.py), merged here.
for _entries in (_requests, _indicators, _council, _discovery, _contributions, _sessions):
    if overlap := set(ENTRIES) & set(_entries):
        raise RuntimeError(f"URL names declared twice in tests/access*: {sorted(overlap)}")
    ENTRIES.update(_entries)

# Everything in the admin namespace: staff only, the admin sends others to its own login page.
ADMIN_NAMESPACE = "admin"
