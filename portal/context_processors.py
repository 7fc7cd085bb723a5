from django.conf import settings

from portal.roles import ROLES


def portal(request):
    user = getattr(request, "user", None)
    roles = []
    if user is not None and user.is_authenticated:
        roles = [label for name, label in ROLES.items() if user.has_role(name)]
    return {"city_name": settings.PORTAL_CITY_NAME, "user_role_labels": roles}
