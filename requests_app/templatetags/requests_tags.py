"""Formatting of motions in templates: the deadline light."""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from requests_app.models import Motion

register = template.Library()


def deadline_text(motion: Motion) -> tuple[str, str]:
    """(colour, German text) of a motion's deadline: the text never relies on colour alone."""
    colour, days = motion.deadline()
    if colour == "grey":
        if motion.status == Motion.Status.ANSWERED:
            return colour, _("beantwortet")
        return colour, _("abgeschlossen")
    if colour == "none":
        return colour, _("keine Frist")
    if colour == "red":
        return colour, ngettext(
            "überfällig seit %(days)s Tag", "überfällig seit %(days)s Tagen", days
        ) % {"days": days}
    if days == 0:
        return colour, _("heute fällig")
    return colour, ngettext("noch %(days)s Tag", "noch %(days)s Tage", days) % {"days": days}


@register.filter
def deadline_light(motion: Motion):
    """{{ motion|deadline_light }}: a badge such as „noch 12 Tage“ with its colour."""
    colour, text = deadline_text(motion)
    return format_html(
        '<span class="deadline deadline-{}"><span class="visually-hidden">{} </span>{}</span>',
        colour,
        _("Frist:"),
        text,
    )


@register.simple_tag
def motion_rows(motions, workspace: bool = False) -> list[dict]:
    """{% motion_rows motions workspace as rows %}: the cells of a motion table, computed in one
    pass instead of per-row lookups, filters and tags in the template (issue 20)."""
    rows = []
    for motion in motions:
        deadline = deadline_light(motion)
        if motion.due_date:
            deadline = format_html(
                "{}<br>{}", formats.date_format(motion.due_date, "SHORT_DATE_FORMAT"), deadline
            )
        rows.append(
            {
                "reference": motion.reference or "–",
                "url": motion.get_workspace_url() if workspace else motion.get_absolute_url(),
                "title": motion.title,
                "kind": motion.get_kind_display(),
                "faction": motion.faction.display_name if motion.faction_id else "",
                "status": motion.get_status_display(),
                "confidential": motion.confidential,
                "deadline": deadline,
            }
        )
    return rows
