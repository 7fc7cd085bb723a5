from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.roles import ROLES


def portal(request):
    user = getattr(request, "user", None)
    return {
        "city_name": settings.PORTAL_CITY_NAME,
        # Only the work area shows them: read (one query) when a template asks.
        "user_role_labels": SimpleLazyObject(lambda: _role_labels(user)),
    }


def _role_labels(user) -> list:
    if user is None or not user.is_authenticated:
        return []
    return [label for name, label in ROLES.items() if user.has_role(name)]
