"""Citizens' e-mail alerts: subscribe (double opt-in), confirm, one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal import throttle
from requests_app import alerts
from requests_app.forms import SubscribeForm
from requests_app.models import Motion

NARROWINGS = ("faction", "department", "district", "keyword")


def _motion_from_slug(slug: str) -> Motion | None:
    """The published motion a subscribe link names, or None (unknown or not public, or
    rejected or withdrawn: no answer will come)."""
    try:
        return Motion.objects.published().answer_may_come().get_by_slug(slug)
    except Motion.DoesNotExist:
        return None


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_subscribe(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("antrag", "")
    motion = _motion_from_slug(slug) if slug else None
    topics = [
        (alerts.REPORTS, _("neuen Antworten der Verwaltung")),
        (alerts.MOTIONS, _("neu eingereichten Anträgen und Anfragen")),
    ]
    if motion is not None:
        label = _("der Antwort auf %(motion)s") % {"motion": motion}
        topics.insert(0, (alerts.motion_topic(motion.pk), label))
    # Links from faction pages and the motion list preselect a narrowing (?faction=<pk>).
    initial = {name: request.GET[name] for name in NARROWINGS if request.GET.get(name)}
    if initial and motion is None:
        initial["topic"] = alerts.MOTIONS
    form = SubscribeForm(request.POST or None, topics=topics, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        one_motion = data["topic"] not in (alerts.REPORTS, alerts.MOTIONS)
        scope = alerts.Scope.MOTIONS if data["topic"] == alerts.MOTIONS else alerts.Scope.ANSWERS
        topic = alerts.Topic(
            scope=scope,
            faction=data["faction"],
            department=data["department"],
            district=data["district"],
            keyword=data["keyword"],
        )
        narrowed = any(data[name] for name in NARROWINGS)
        try:
            if one_motion and narrowed:
                raise ValidationError(
                    _("Die Antwort auf einen Antrag lässt sich nicht weiter einschränken.")
                )
            alerts.alert_subscribe(
                email=data["email"],
                motion=motion if one_motion else None,
                topic=None if one_motion else topic,
                client=throttle.client_address(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Fast geschafft: Wir haben Ihnen eine E-Mail mit einem Bestätigungslink "
                    "geschickt. Erst nach der Bestätigung erhalten Sie Benachrichtigungen."
                ),
            )
            return redirect(request.get_full_path())
    context = {"form": form, "motion": motion, "unknown_motion": bool(slug) and motion is None}
    return render(request, "requests_app/alerts/subscribe.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not confirm), POST confirms."""
    if request.method == "POST":
        try:
            subscription = alerts.alert_confirm(token=token)
        except ValidationError as error:
            return render(request, "requests_app/alerts/invalid.html", {"error": error}, status=400)
        messages.success(
            request,
            _("Danke, Ihre Benachrichtigung ist bestätigt: %(topic)s.")
            % {"topic": alerts.topic_label(subscription)},
        )
        return redirect("ratsportal:home")
    return render(request, "requests_app/alerts/confirm.html", {"token": token})


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a CSRF token
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click: the link in the mail (GET) or the mail program (POST) deletes the row."""
    if request.method == "HEAD":
        return HttpResponse()
    try:
        alerts.alert_unsubscribe(token=token)
    except ValidationError:
        # Already unsubscribed, or a broken link: either way nothing is sent any more.
        return render(request, "requests_app/alerts/unsubscribed.html", {"already": True})
    return render(request, "requests_app/alerts/unsubscribed.html", {"already": False})
