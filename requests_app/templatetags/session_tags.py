"""The motion's route through the council for templates/requests_app/sessions/_motion_route.html:
the public consultations of a motion, so the motion page needs only the one include line."""

from django import template

from requests_app.models import Consultation

register = template.Library()


@register.simple_tag
def motion_route(motion) -> list[Consultation]:
    """Public consultations of `motion`, in the order of their meetings (one query)."""
    return list(Consultation.objects.public().filter(motion=motion).for_route())
