"""Forms of the prevention app's staff pages: the KPR's meetings, measures and master data
(issue 4) and the indicator upload (issue 5). They only validate; the services in
prevention/services.py write, taking what `field_values()` and `formset_rows()` hand them."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import (
    BaseFormSet,
    BaseInlineFormSet,
    ModelForm,
    inlineformset_factory,
    modelformset_factory,
)
from django.utils.translation import gettext_lazy as _

from portal import formats
from portal.concurrency import VersionField
from portal.models import AgendaItem, Meeting, Membership, Organization
from portal.uploads import check_upload
from prevention.importers import MAX_FILE_BYTES
from prevention.models import Attendance, Funding, Measure, PreventionCouncil
from prevention.models.council import council_organizations_q

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


# --- what the services take ------------------------------------------------------------------


def field_values(form: ModelForm) -> dict[str, Any]:
    """The cleaned values of a model form's own fields (without its version)."""
    return {
        name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data
    }


def formset_rows(formset: BaseFormSet, *, with_unchanged: bool = False) -> list[dict[str, Any]]:
    """The rows a valid model formset asks to write, each with "id" (the existing row's pk or
    None). Unchanged rows are left out unless `with_unchanged` (the agenda renumbers them all)."""
    deleted = formset.deleted_forms
    return [
        {"id": form.instance.pk, **field_values(form)}
        for form in formset.forms
        if form.cleaned_data
        and form not in deleted
        and (form.has_changed() or (with_unchanged and form.instance.pk))
    ]


def formset_removed(formset: BaseFormSet) -> list[int]:
    """The pks of the existing rows a valid model formset asks to remove."""
    return [form.instance.pk for form in formset.deleted_forms if form.instance.pk]


# --- meetings --------------------------------------------------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Meeting
        fields = ["organization", "name", "start", "end", "location", "state", "public"]
        widgets = {"start": DateTimeLocalInput(), "end": DateTimeLocalInput()}
        help_texts = {
            "public": _("Öffentliche Sitzungen erscheinen im Portal und im Kalender."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            council_organizations_q()
        ).order_by("kind", "name")
        self.fields["organization"].label = _("Gremium (Präventionsrat oder Arbeitsgruppe)")
        for name in ("start", "end"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]


class AgendaItemForm(forms.ModelForm):
    order = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=0,
        help_text=_("Zum Umsortieren Zahlen ändern; leer = ans Ende."),
    )

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "public", "result", "resolution_text"]
        widgets = {"resolution_text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "public": _(
                "Bei nichtöffentlichen Punkten zeigt das Portal nur, dass ein "
                "nichtöffentlicher Teil stattfand."
            )
        }


AgendaItemFormSet = inlineformset_factory(
    Meeting,
    AgendaItem,
    form=AgendaItemForm,
    extra=3,
    can_delete=True,
)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Niederschrift (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Überschriften mit ##, Listen mit -, Hervorhebung mit **fett**. "
            "Mit „Vorschau“ sehen Sie das Ergebnis, bevor Sie speichern."
        ),
    )
    version = VersionField()


class AttendanceForm(forms.Form):
    """One choice per membership of the meeting's body."""

    version = VersionField()

    def __init__(self, *args, memberships, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– nicht erfasst –")), *Attendance.Status.choices]
        self.memberships = list(memberships)
        for membership in self.memberships:
            self.fields[f"m{membership.pk}"] = forms.ChoiceField(
                label=membership_label(membership),
                choices=choices,
                required=False,
                initial=current.get(membership.pk, ""),
            )

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"m{m.pk}", "") for m in self.memberships}


def membership_label(membership) -> str:
    parts = [membership.role_title or membership.get_role_display()]
    if membership.person_id:
        parts.append(membership.person.name)
    if membership.on_behalf_of_id:
        parts.append(membership.on_behalf_of.name)
    return " – ".join(parts)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("PDF, PNG oder JPEG. Der Typ wird am Inhalt der Datei geprüft."),
    )
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=200,
        required=False,
        help_text=_("Leer lassen, um den Dateinamen zu verwenden."),
    )
    public = forms.BooleanField(
        label=_("öffentlich"),
        required=False,
        help_text=_("Nur öffentliche Anlagen können Bürgerinnen und Bürger herunterladen."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class AttachmentChangeForm(forms.Form):
    """The buttons beside an attachment: which one, and what to do with it."""

    anlage = forms.IntegerField()
    aktion = forms.ChoiceField(
        choices=[
            ("publish", _("veröffentlichen")),
            ("unpublish", _("nicht mehr veröffentlichen")),
            ("remove", _("entfernen")),
        ]
    )


# --- measures and the council's master data --------------------------------------------------


class MeasureForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "status",
            "start_date",
            "end_date",
            "working_group",
            "districts",
            "partners",
            "public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "districts": forms.CheckboxSelectMultiple(),
            "partners": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = Organization.objects.filter(
            kind=Organization.Kind.WORKING_GROUP
        ).order_by("name")
        self.fields["partners"].queryset = Organization.objects.filter(
            ~Q(
                kind__in=[
                    Organization.Kind.COUNCIL,
                    Organization.Kind.FACTION,
                    Organization.Kind.WORKING_GROUP,
                    Organization.Kind.PREVENTION_COUNCIL,
                ]
            )
        ).order_by("name")


GERMAN_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


class EuroField(forms.DecimalField):
    """Accepts German amounts as typed in spreadsheets: `12.500,00`, `12500,5`, `12 500 €`."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\xa0", "").replace(" ", "").strip()
            if GERMAN_GROUPED.match(value):
                value = value.replace(".", "")
            value = value.replace(",", ".")
        return super().to_python(value)


class FundingForm(forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["source", "year", "requested", "granted", "own_share"]
        localized_fields = ["requested", "granted", "own_share"]
        field_classes = {"requested": EuroField, "granted": EuroField, "own_share": EuroField}

    def clean(self):
        cleaned = super().clean()
        requested = cleaned.get("requested")
        granted = cleaned.get("granted")
        own_share = cleaned.get("own_share")
        if granted is not None and own_share is not None and granted > own_share * 9:
            self.add_error(
                "granted",
                _(
                    "Nach der RL KommPräv darf die Förderung höchstens 90 %% der Kosten "
                    "betragen; der Eigenanteil muss mindestens 10 %% sein. Bei diesem "
                    "Eigenanteil sind höchstens %(max)s Euro Förderung möglich."
                )
                % {"max": formats.number(own_share * 9, 2)},
            )
        if requested is not None and granted is not None and granted > requested:
            self.add_error(
                "granted", _("Es kann nicht mehr bewilligt werden, als beantragt wurde.")
            )
        return cleaned


class BaseFundingFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            key = (data.get("source"), data.get("year"))
            if key in seen:
                raise forms.ValidationError(
                    _(
                        "Jede Förderquelle darf pro Jahr nur einmal vorkommen "
                        "(%(source)s, %(year)s)."
                    )
                    % {"source": key[0], "year": key[1]}
                )
            seen.add(key)


FundingFormSet = inlineformset_factory(
    Measure,
    Funding,
    form=FundingForm,
    formset=BaseFundingFormSet,
    extra=2,
    can_delete=True,
)


class CouncilProfileForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = PreventionCouncil
        fields = [
            "former_name",
            "founded_on",
            "founding_note",
            "reconstituted_on",
            "chair_title",
            "office",
            "office_building",
            "history",
            "mission",
            "asskomm_agreement_on",
            "security_analysis_on",
            "demo_note",
        ]
        widgets = {
            "founded_on": DateInput(),
            "reconstituted_on": DateInput(),
            "asskomm_agreement_on": DateInput(),
            "security_analysis_on": DateInput(),
            "history": forms.Textarea(attrs={"rows": 5}),
            "mission": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Organization.objects.filter(
            kind=Organization.Kind.DEPARTMENT
        ).order_by("name")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "role",
            "role_title",
            "on_behalf_of",
            "person",
            "voting_right",
            "start_date",
            "end_date",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "person": _(
                "Öffentlich mit Namen erscheinen nur Personen, die als öffentlich markiert sind."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_of"].queryset = Organization.objects.exclude(
            kind__in=[Organization.Kind.WORKING_GROUP, Organization.Kind.PREVENTION_COUNCIL]
        ).order_by("name")


MembershipFormSet = inlineformset_factory(
    Organization,
    Membership,
    fk_name="organization",
    form=MembershipForm,
    extra=2,
    can_delete=True,
)


class WorkingGroupForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "short_name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"name": _("Name der Arbeitsgruppe")}


WorkingGroupFormSet = modelformset_factory(
    Organization, form=WorkingGroupForm, extra=2, can_delete=True
)


# --- indicators --------------------------------------------------------------------------------


class IndicatorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_(
            "Spalten district, indicator, period, value und optional note; Trennzeichen "
            "Semikolon oder Komma; UTF-8 oder Windows-1252. Höchstens 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als %(mb)s MB."), params={"mb": MAX_FILE_BYTES // 2**20}
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                _("Bitte eine CSV-Datei hochladen (Endung .csv oder .txt).")
            )
        self.cleaned_data["data"] = upload.read()
        return upload
