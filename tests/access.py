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

from collections.abc import Callable
from dataclasses import dataclass, field

from portal import roles

PUBLIC = "public"
LOGGED_IN = "logged_in"

# The accounts every entry is tried with. "no_role" is an account without any group.
ACCOUNTS = ["anonymous", "no_role", *roles.ROLES, "superuser"]


@dataclass(frozen=True)
class Access:
    who: str | frozenset[str]
    ok: int = 200
    denied: int = 403
    kwargs: Callable[[], dict] | None = None
    query: str = ""
    statuses: dict[str, int] = field(default_factory=dict)  # per-account overrides

    def expected(self, account: str) -> int:
        if account in self.statuses:
            return self.statuses[account]
        if self.who == PUBLIC:
            return self.ok
        if account == "anonymous":
            return 302
        if self.who == LOGGED_IN or account == "superuser" or account in self.who:
            return self.ok
        return self.denied


def only(*role_names: str) -> frozenset[str]:
    return frozenset(role_names)


ENTRIES: dict[str, Access] = {
    # portal
    "portal:home": Access(PUBLIC),
    "portal:impressum": Access(PUBLIC),
    "portal:datenschutz": Access(PUBLIC),
    "portal:barrierefreiheit": Access(PUBLIC),
    "portal:healthz": Access(PUBLIC),
    "portal:workspace": Access(LOGGED_IN),
    "login": Access(PUBLIC),
    # POST only: a GET is answered with 405 for accounts, anonymous visitors go to the login.
    "logout": Access(LOGGED_IN, ok=405),
    # GET just redirects back; the language is changed by POST.
    "set_language": Access(PUBLIC, ok=302),
}

# Everything in the admin namespace: staff only, the admin sends others to its own login page.
ADMIN_NAMESPACE = "admin"
