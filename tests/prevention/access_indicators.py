"""Access-table entries of this area; merged into tests/access.py (see its docstring)."""

from tests.access_types import LOGGED_IN, PUBLIC, Access, only  # noqa: F401

ENTRIES: dict[str, Access] = {}
