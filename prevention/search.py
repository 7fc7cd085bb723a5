"""prevention's source of the site-wide search: the public KPR meetings (see portal/search.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.search import Source
from prevention.models.council import public_council_meetings

GROUPS = {"sitzungen": _("Sitzungen des Präventionsrats")}

SOURCES: list[Source] = [
    Source(
        key="sitzung",
        group="sitzungen",
        label=_("Sitzung"),
        queryset=public_council_meetings,
        title_fields=("name",),
        body_fields=("minutes",),
        date_field="start",
        title=str,
        url=lambda meeting: reverse("prevention:meeting_detail", kwargs={"pk": meeting.pk}),
    ),
]
