"""Forms of the contribution and co-sign pages. They only validate; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.concurrency import VersionField
from portal.validators import MAX_TEXT_LENGTH, TEXT_VALIDATORS
from requests_app import contribution_access as rules
from requests_app.models import AnswerReport

MARKDOWN_HELP = _("Markdown: **fett**, *kursiv*, Listen mit „-“, Links als [Text](https://…).")


class ContributionRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, empty_label=_("bitte wählen")
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Fragen"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(
        label=_("Zuarbeit erbeten bis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    message = forms.CharField(
        label=_("Nachricht an die Organisation"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        validators=TEXT_VALIDATORS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args, report: AnswerReport, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = rules.organizations_to_ask(report)
        self.fields["questions"].queryset = report.motion.questions.order_by("number")
        self.fields["questions"].label_from_instance = lambda question: (
            _("Frage %(number)s") % {"number": question.number}
        )


class CoSignRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Dezernat oder Amt"), queryset=None, empty_label=_("bitte wählen")
    )

    def __init__(self, *args, report: AnswerReport, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = rules.departments_to_cosign(report)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class HandInForm(forms.Form):
    text = forms.CharField(
        label=_("Ihre Zuarbeit"),
        max_length=MAX_TEXT_LENGTH,
        validators=TEXT_VALIDATORS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=MARKDOWN_HELP,
    )
    files = MultipleFileField(
        label=_("Dateien (freiwillig)"),
        required=False,
        help_text=_("PDF, PNG oder JPEG, höchstens fünf. Der Typ wird am Inhalt geprüft."),
    )
    version = VersionField()


class CoSignDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("sign", _("mitzeichnen")), ("object", _("Einwand erheben"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Bemerkung"),
        required=False,
        max_length=5000,
        validators=TEXT_VALIDATORS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Bei einem Einwand bitte begründen; die Bemerkung geht an das federführende Dezernat."
        ),
    )
    version = VersionField()

    def clean(self):
        data = super().clean()
        if data.get("decision") == "object" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Bitte begründen Sie Ihren Einwand."))
        return data
