"""Forms of the motion, report and alert pages. They only validate; the services write.

A form that edits shared data carries the version it showed (`portal.concurrency.VersionField`).
"""

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.concurrency import VersionField, version_of
from portal.models import Meeting, Organization, Person
from portal.validators import TEXT_VALIDATORS, validate_single_line
from prevention.models import District, Indicator
from requests_app import citations, deadlines
from requests_app.models import Exhibit, Motion, faction_colleagues, user_factions

MAX_QUESTIONS = 30


class MotionForm(forms.Form):
    faction = forms.ModelChoiceField(
        label=_("Fraktion"), queryset=Organization.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Art"), choices=Motion.Kind.choices)
    title = forms.CharField(label=_("Titel"), max_length=300)
    text = forms.CharField(
        label=_("Antragstext"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **fett**, *kursiv*, Listen mit „-“, Links als [Text](https://…)."),
    )
    reasoning = forms.CharField(
        label=_("Begründung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown wie beim Antragstext."),
    )
    co_submitters = forms.ModelMultipleChoiceField(
        label=_("Miteinreichende"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ratsmitglieder Ihrer Fraktion, die mit einreichen. Sie werden als Einreichende "
            "genannt und erhalten alle E-Mails zum Antrag."
        ),
    )
    version = VersionField()

    def __init__(self, *args, user, motion: Motion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if motion is None:
            factions = user_factions(user)
            self.fields["faction"].queryset = factions
            colleagues = faction_colleagues(factions)
        else:
            del self.fields["faction"]  # a motion stays with its faction
            colleagues = faction_colleagues(motion.faction)
        colleagues = colleagues.exclude(pk=user.person_id) if user.person_id else colleagues
        self.fields["co_submitters"].queryset = colleagues.order_by("family_name", "given_name")
        if not self.fields["co_submitters"].queryset.exists():
            del self.fields["co_submitters"]  # nobody to choose: no empty fieldset


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Frage"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    validate_max=True,
)


def questions_from(formset) -> list[str]:
    """The question texts in order, without removed and empty rows."""
    return [
        form.cleaned_data["text"]
        for form in formset.forms
        if form.cleaned_data.get("text") and not form.cleaned_data.get("DELETE")
    ]


class SubmitForm(forms.Form):
    """Submitting publishes: nothing goes out before the faction has confirmed it."""

    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie einreichen möchten.")},
    )

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = motion.by_kind(
            _(
                "Ja, einreichen: Nach dem Einreichen ist der Antrag öffentlich – Titel, "
                "Antragstext, Fragen, Begründung, Fraktion und Einreichende."
            ),
            _(
                "Ja, einreichen: Nach dem Einreichen ist die Anfrage öffentlich – Titel, "
                "Antragstext, Fragen, Begründung, Fraktion und Einreichende."
            ),
        )


class DeleteDraftForm(forms.Form):
    """Deleting a draft that was never submitted removes it for good: confirmed first."""

    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": _("Bitte bestätigen Sie, dass der Entwurf gelöscht wird.")},
    )

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _(
            "Ja, den Entwurf „%(title)s“ mit allen Fragen endgültig löschen."
        ) % {"title": motion.title}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Bemerkung (freiwillig)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class RegisterForm(forms.Form):
    lead_department = forms.ModelChoiceField(
        label=_("federführendes Dezernat"),
        queryset=Organization.objects.filter(kind=Organization.Kind.DEPARTMENT),
        empty_label=_("bitte wählen"),
    )
    due_date = forms.DateField(
        label=_("Frist"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Vorbelegt mit der üblichen Antwortfrist; leer gelassen gilt sie ebenfalls. "
            "Bei Beschlussanträgen legt das Ratsbüro die Frist fest oder lässt sie leer."
        ),
    )
    confidential = forms.BooleanField(
        label=_("vertraulich (nicht öffentlich zeigen)"), required=False
    )

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = deadlines.default_due_date(
            motion.kind, timezone.localdate()
        )


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
    )


REASON_LABEL = _("Begründung")


def _reason_field(label=REASON_LABEL):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        validators=TEXT_VALIDATORS,
    )


class ExtendDeadlineForm(forms.Form):
    """The council office extends the due date of a registered motion."""

    due_date = _date_field(
        _("neue Frist"),
        _("Fällt sie auf ein Wochenende oder einen Feiertag, gilt der nächste Werktag."),
    )
    reason = _reason_field()
    version = VersionField()

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(motion)


class ChangeLeadForm(forms.Form):
    """The council office hands the motion to another lead department."""

    lead_department = forms.ModelChoiceField(
        label=_("neues federführendes Dezernat"),
        queryset=Organization.objects.filter(kind=Organization.Kind.DEPARTMENT),
        empty_label=_("bitte wählen"),
    )
    reason = _reason_field()
    version = VersionField()

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(motion)
        self.fields["lead_department"].queryset = self.fields["lead_department"].queryset.exclude(
            pk=motion.lead_department_id
        )


class InterimReplyForm(forms.Form):
    """The lead department's interim reply: why the answer takes longer, and until when."""

    text = _reason_field(_("Zwischennachricht (wird veröffentlicht)"))
    expected_date = _date_field(_("Antwort voraussichtlich bis"))


class TreatmentForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Sitzung des Stadtrats"),
        # The sessions the office keeps under /arbeitsbereich/sitzungen/, newest first.
        queryset=Meeting.objects.filter(organization__kind=Organization.Kind.COUNCIL)
        .exclude(state=Meeting.State.CANCELLED)
        .order_by("-start"),
        empty_label=_("bitte wählen"),
    )
    agenda_number = forms.CharField(label=_("Tagesordnungspunkt (Nummer)"), max_length=20)
    decision = forms.ChoiceField(
        label=_("Beschluss"), choices=Motion.Decision.choices, required=False
    )
    votes_yes = forms.IntegerField(label=_("Ja-Stimmen"), min_value=0, required=False)
    votes_no = forms.IntegerField(label=_("Nein-Stimmen"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Enthaltungen"), min_value=0, required=False)

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        if motion.kind != Motion.Kind.BA:  # only a Beschlussantrag is voted on
            for name in ("decision", "votes_yes", "votes_no", "votes_abstain"):
                del self.fields[name]


class MotionFilterForm(forms.Form):
    """The public list's filters (GET). Unknown values are ignored, never an error page."""

    SORTS = [("datum", _("neueste zuerst")), ("frist", _("nach Frist"))]

    kind = forms.ChoiceField(
        label=_("Art"), choices=[("", _("alle")), *Motion.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("alle"))]
        + [(s.value, s.label) for s in Motion.Status if s in Motion.PUBLIC_STATUSES],
        required=False,
    )
    faction = forms.ModelChoiceField(
        label=_("Fraktion"),
        queryset=Organization.objects.filter(kind=Organization.Kind.FACTION),
        required=False,
        empty_label=_("alle"),
    )
    department = forms.ModelChoiceField(
        label=_("Dezernat"),
        queryset=Organization.objects.filter(kind=Organization.Kind.DEPARTMENT),
        required=False,
        empty_label=_("alle"),
    )
    year = forms.TypedChoiceField(label=_("Jahr"), coerce=int, required=False, empty_value=None)
    sort = forms.ChoiceField(label=_("Sortierung"), choices=SORTS, required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("alle"))] + [(y, str(y)) for y in years]

    def filter(self, queryset):
        self.is_valid()  # invalid fields are left out of cleaned_data and so ignored
        data = dict.fromkeys(self.fields) | self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["faction"]:
            queryset = queryset.filter(faction=data["faction"])
        if data["department"]:
            queryset = queryset.filter(lead_department=data["department"])
        if data["year"]:
            queryset = queryset.filter(submitted_at__year=data["year"])
        if data["sort"] == "frist":
            return queryset.order_by(F("due_date").asc(nulls_last=True), "-submitted_at", "-pk")
        return queryset.order_by("-submitted_at", "-pk")


# --- answer reports ------------------------------------------------------------------------------


CITATION_HELP = _(
    "Zahlen aus den Kennzahlen nicht abtippen, sondern zitieren: "
    "[[kennzahl:pks.890000:zentrum:2019]] (Wert) oder [[hz:pks.890000:stadt:2019]] "
    "(Häufigkeitszahl); „stadt“ steht für die ganze Stadt. Die Vorschau zeigt den Wert, die "
    "Freigabe hält ihn fest."
)


class ReportForm(forms.Form):
    """Title, summary and one answer field per question (`answer_<pk>`), plus the version."""

    title = forms.CharField(label=_("Titel"), max_length=300)
    summary = forms.CharField(
        label=_("Zusammenfassung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: **fett**, *kursiv*, Listen mit „-“, Links als [Text](https://…)."),
    )
    signatory_name = forms.CharField(
        label=_("unterzeichnet von"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
    )
    signatory_function = forms.CharField(
        label=_("Funktion der unterzeichnenden Person"),
        max_length=300,
        required=False,
        validators=[validate_single_line],
        help_text=_("z. B. Bürgermeister für Recht, Sicherheit und Umweltschutz"),
    )
    version = VersionField()

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = list(answers)
        for answer in self.answers:
            self.fields[f"answer_{answer.pk}"] = forms.CharField(
                label=_("Antwort auf Frage %(number)s") % {"number": answer.question.number},
                required=False,  # a draft may be incomplete; submitting for review checks
                max_length=50_000,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=CITATION_HELP,
            )

    def clean(self):
        cleaned = super().clean()
        # A cited figure must name one (requests_app/citations.py).
        for name in ["summary", *(f"answer_{answer.pk}" for answer in self.answers)]:
            for problem in citations.problems(cleaned.get(name, "")):
                self.add_error(name, problem)
        return cleaned

    def answer_fields(self):
        """(question, bound field, reviewer's note) for the template."""
        return [
            (answer.question, self[f"answer_{answer.pk}"], answer.review_comment)
            for answer in self.answers
        ]

    def answer_texts(self) -> dict[int, str]:
        return {answer.pk: self.cleaned_data[f"answer_{answer.pk}"] for answer in self.answers}


class ExhibitForm(forms.Form):
    answer = forms.ModelChoiceField(label=_("zu Frage"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Art der Anlage"), choices=Exhibit.Kind.choices)
    indicator = forms.ModelChoiceField(
        label=_("Kennzahl"),
        queryset=Indicator.objects.all(),
        required=False,
        empty_label=_("keine (für Sitzungen, Maßnahmen, Vergleich)"),
        help_text=_("Nur für „Kennzahl als Diagramm“ und „Kennzahl als Tabelle“."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Stadtteile"),
        queryset=District.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Keine Auswahl: alle Stadtteile. Ein einzelner Stadtteil zeigt beim Diagramm "
            "den Verlauf über die Jahre."
        ),
    )
    year_from = forms.IntegerField(
        label=_("von Jahr"), required=False, min_value=1990, max_value=2100
    )
    year_to = forms.IntegerField(
        label=_("bis Jahr"), required=False, min_value=1990, max_value=2100
    )
    position = forms.IntegerField(label=_("Reihenfolge"), min_value=1, max_value=99, initial=1)
    caption = forms.CharField(label=_("Bildunterschrift"), required=False, max_length=300)
    version = VersionField()

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = report.answers.select_related("question").order_by(
            "question__number"
        )
        self.fields["answer"].label_from_instance = lambda answer: (
            _("Frage %(number)s") % {"number": answer.question.number}
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") in Exhibit.INDICATOR_KINDS and not data.get("indicator"):
            self.add_error("indicator", _("Bitte wählen Sie eine Kennzahl."))
        first, last = data.get("year_from"), data.get("year_to")
        if first and last and last < first:
            self.add_error("year_to", _("„bis Jahr“ darf nicht vor „von Jahr“ liegen."))
        return data


class ReviewCommentForm(forms.Form):
    """Sending a report back: what to change overall, and a note per question (optional)."""

    comment = forms.CharField(
        label=_("Was ist zu ändern?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        validators=TEXT_VALIDATORS,
    )

    def __init__(self, *args, answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = list(answers)
        for answer in self.answers:
            self.fields[f"note_{answer.pk}"] = forms.CharField(
                label=_("Anmerkung zu Frage %(number)s") % {"number": answer.question.number},
                required=False,
                max_length=5000,
                validators=TEXT_VALIDATORS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[int, str]:
        """answer pk -> the reviewer's note on it."""
        return {answer.pk: self.cleaned_data[f"note_{answer.pk}"] for answer in self.answers}


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_(
            "Wir speichern nur diese Adresse und das Thema. Sie erhalten zuerst eine E-Mail "
            "mit einem Bestätigungslink; vorher schicken wir nichts."
        ),
    )
    topic = forms.ChoiceField(label=_("Benachrichtigen bei"), widget=forms.RadioSelect)
    # At most one narrowing of a topic (requests_app/alerts.py validates the combination).
    faction = forms.ModelChoiceField(
        label=_("nur von der Fraktion"),
        queryset=Organization.objects.filter(kind=Organization.Kind.FACTION).order_by("name"),
        required=False,
        empty_label=_("alle Fraktionen"),
    )
    department = forms.ModelChoiceField(
        label=_("nur Antworten dieses Dezernats"),
        queryset=Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).order_by("name"),
        required=False,
        empty_label=_("alle Dezernate"),
    )
    district = forms.ModelChoiceField(
        label=_("nur wenn dieser Stadtteil genannt wird"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("alle Stadtteile"),
    )
    keyword = forms.CharField(
        label=_("nur mit diesem Stichwort"),
        max_length=60,
        required=False,
        validators=[validate_single_line],
        help_text=_(
            "Gefunden wird das Wort im Titel, im Text und in den Fragen, auch ohne Umlaute."
        ),
    )

    def __init__(self, *args, topics: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topics
        self.fields["topic"].initial = self.initial.get("topic", topics[0][0])
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class ReportDocumentForm(forms.Form):
    """A PDF document answered with a report (services/report_documents.py checks the file)."""

    file = forms.FileField(
        label=_("PDF-Dokument"),
        help_text=_(
            "Wird mit dem Bericht veröffentlicht, z. B. ein Schreiben der Polizeidirektion."
        ),
    )
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text=_("Leer: der Dateiname."),
    )
    version = VersionField()
