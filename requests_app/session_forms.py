"""Forms of the council office's session pages (/arbeitsbereich/sitzungen/): they only validate;
requests_app.services.sessions does the work."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.concurrency import VersionField
from portal.models import Location, Organization
from portal.validators import TEXT_VALIDATORS, validate_single_line
from requests_app.models import Consultation, Motion
from requests_app.services.sessions import SESSION_KINDS, TREATABLE_STATUSES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _datetime_field(label, required=True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
    )


class MeetingForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Gremium"),
        queryset=Organization.objects.filter(kind__in=SESSION_KINDS).order_by("kind", "name"),
        empty_label=_("bitte wählen"),
    )
    name = forms.CharField(
        label=_("Bezeichnung"), max_length=200, validators=[validate_single_line]
    )
    start = _datetime_field(_("Beginn"))
    end = _datetime_field(_("Ende"), required=False)
    location = forms.ModelChoiceField(
        label=_("Ort"), queryset=Location.objects.order_by("description"), required=False
    )
    public = forms.BooleanField(
        label=_("öffentliche Sitzung"),
        required=False,
        initial=True,
        help_text=_("Öffentliche Sitzungen erscheinen im Portal und im Kalender."),
    )
    version = VersionField()

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # the body of a meeting does not change
            del self.fields["organization"]


class VersionForm(forms.Form):
    """A step without input (invite): only the version of the page it was sent from."""

    version = VersionField()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Absage"),
        required=False,
        max_length=500,
        validators=[validate_single_line],
    )
    version = VersionField()


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Niederschrift (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        validators=TEXT_VALIDATORS,
    )
    publish = forms.BooleanField(
        label=_("Niederschrift veröffentlichen"),
        required=False,
        help_text=_("Erst dann erscheint sie auf der öffentlichen Seite der Sitzung."),
    )
    version = VersionField()


class AgendaItemForm(forms.Form):
    number = forms.CharField(
        label=_("Nummer"),
        max_length=20,
        validators=[validate_single_line],
        help_text=_("z. B. Ö 4"),
    )
    title = forms.CharField(label=_("Titel"), max_length=300, validators=[validate_single_line])
    public = forms.BooleanField(label=_("öffentlich"), required=False, initial=True)
    version = VersionField()


class MoveForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    direction = forms.ChoiceField(choices=[("up", _("nach oben")), ("down", _("nach unten"))])
    version = VersionField()


class ConsultationForm(forms.Form):
    motion = forms.ModelChoiceField(
        label=_("Antrag"),
        queryset=Motion.objects.filter(status__in=TREATABLE_STATUSES).order_by(
            "-year", "kind", "-number"
        ),
        empty_label=_("bitte wählen"),
        help_text=_("Nur registrierte Anträge."),
    )
    role = forms.ChoiceField(label=_("Beratung als"), choices=Consultation.Role.choices)


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Ergebnis"), choices=Consultation.Result.choices, required=False
    )
    votes_yes = forms.IntegerField(
        label=_("Ja-Stimmen"), min_value=0, max_value=1000, required=False
    )
    votes_no = forms.IntegerField(
        label=_("Nein-Stimmen"), min_value=0, max_value=1000, required=False
    )
    votes_abstain = forms.IntegerField(
        label=_("Enthaltungen"), min_value=0, max_value=1000, required=False
    )
    faction_votes = forms.CharField(
        label=_("Stimmen nach Fraktionen (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eine Zeile je Fraktion: Name: Ja/Nein/Enthaltung, z. B. „CDU: 8/0/1“."),
    )
    version = VersionField()

    def clean_faction_votes(self) -> list[dict]:
        rows = []
        for number, line in enumerate(self.cleaned_data["faction_votes"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, counts = line.rpartition(":")
            parts = counts.split("/")
            if not name.strip() or len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
                raise ValidationError(
                    _("Zeile %(line)d: bitte „Fraktion: Ja/Nein/Enthaltung“ angeben.")
                    % {"line": number}
                )
            yes, no, abstain = (int(p) for p in parts)
            rows.append({"faction": name.strip(), "yes": yes, "no": no, "abstain": abstain})
        return rows


def faction_votes_text(rows: list[dict]) -> str:
    """The form's text for stored faction votes."""
    return "\n".join(f"{r['faction']}: {r['yes']}/{r['no']}/{r['abstain']}" for r in rows or [])
