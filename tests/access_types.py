"""Types of the access table (tests/access.py)."""

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
