"""The civic core: users and the council's organisations, people and meetings.

Names follow OParl 1.1 so the API can map them one to one. This module imports no app
(DESIGN §2): prevention and requests_app build on it, never the other way round.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CoreQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted=False)

    def public(self):
        """Rows marked public (persons, meetings, agenda items, attachments). Soft-deleted rows
        are already hidden by the default manager; `all_objects.public()` keeps them for the
        OParl deletion stubs."""
        return self.filter(public=True)


class AliveManager(models.Manager.from_queryset(CoreQuerySet)):
    """Default manager: hides soft-deleted rows. `all_objects` sees them (OParl deletions)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)


class MeetingQuerySet(CoreQuerySet):
    def upcoming(self, now=None):
        """Meetings from now on (the clock decides, so pages showing them expire from caches)."""
        return self.filter(start__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(start__lt=now or timezone.now())


# The default manager of meetings: soft-deleted rows hidden like everywhere, plus upcoming()/past().
MeetingManager = AliveManager.from_queryset(MeetingQuerySet)


class CoreModel(models.Model):
    """Base of every model the OParl API exposes: timestamps and soft deletion."""

    created = models.DateTimeField(_("angelegt"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("geändert"), auto_now=True)
    deleted = models.BooleanField(
        _("gelöscht"),
        default=False,
        help_text=_(
            "Gelöschte Einträge verschwinden aus dem Portal; die API meldet sie als gelöscht."
        ),
    )

    objects = AliveManager()
    all_objects = CoreQuerySet.as_manager()

    class Meta:
        abstract = True

    def soft_delete(self) -> None:
        self.deleted = True
        self.save(update_fields=["deleted", "modified"])


def _dates_in_order(prefix: str, start: str = "start_date", end: str = "end_date"):
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=f"{prefix}_end_after_start",
        violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
    )


class Body(CoreModel):
    """The municipality itself (OParl Body): one row, Stadt Chemnitz."""

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("Der AGS hat genau acht Ziffern."))],
    )
    website = models.URLField(_("Website"), blank=True)
    license = models.URLField(
        _("Lizenz"), blank=True, default="https://www.govdata.de/dl-de/by-2-0"
    )

    class Meta:
        verbose_name = _("Körperschaft")
        verbose_name_plural = _("Körperschaften")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegislativeTerm(CoreModel):
    """Wahlperiode of the city council."""

    name = models.CharField(_("Bezeichnung"), max_length=100)
    start_date = models.DateField(_("Beginn"))
    end_date = models.DateField(_("Ende"), null=True, blank=True)

    class Meta:
        verbose_name = _("Wahlperiode")
        verbose_name_plural = _("Wahlperioden")
        ordering = ["start_date"]
        constraints = [_dates_in_order("legislativeterm")]

    def __str__(self) -> str:
        return self.name


class Location(CoreModel):
    description = models.CharField(_("Bezeichnung"), max_length=200)
    street_address = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    locality = models.CharField(_("Ort"), max_length=100, blank=True, default="Chemnitz")
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    geojson = models.JSONField(_("GeoJSON"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ort")
        verbose_name_plural = _("Orte")
        ordering = ["description"]

    def __str__(self) -> str:
        return self.description


class Organization(CoreModel):
    class Kind(models.TextChoices):
        COUNCIL = "council", _("Stadtrat")
        COMMITTEE = "committee", _("Ausschuss")
        FACTION = "faction", _("Fraktion")
        DEPARTMENT = "department", _("Dezernat / Amt")
        PREVENTION_COUNCIL = "prevention_council", _("Präventionsrat")
        WORKING_GROUP = "working_group", _("Arbeitsgruppe")
        EXTERNAL = "external", _("Externe Organisation")

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    website = models.URLField(_("Website"), blank=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["kind", "name"]
        constraints = [
            _dates_in_order("organization"),
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=Q(deleted=False),
                name="organization_unique_name_per_kind",
                violation_error_message=_(
                    "Eine Organisation dieser Art mit diesem Namen gibt es schon."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="organization_not_own_parent",
                violation_error_message=_(
                    "Eine Organisation kann nicht ihre eigene Oberorganisation sein."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Person(CoreModel):
    form_of_address = models.CharField(_("Anrede"), max_length=30, blank=True)
    title = models.CharField(_("Titel"), max_length=50, blank=True)
    given_name = models.CharField(_("Vorname"), max_length=100)
    family_name = models.CharField(_("Nachname"), max_length=100)
    public = models.BooleanField(
        _("öffentlich"),
        default=False,
        help_text=_(
            "Nur Personen in einem öffentlichen Amt oder Mandat "
            "werden öffentlich mit Namen genannt."
        ),
    )

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.title, self.given_name, self.family_name) if part)


class Membership(CoreModel):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Vorsitz")
        DEPUTY_CHAIR = "deputy_chair", _("stellv. Vorsitz")
        MEMBER = "member", _("Mitglied")
        DEPUTY_MEMBER = "deputy_member", _("stellv. Mitglied")
        MANAGEMENT = "management", _("Geschäftsführung")

    person = models.ForeignKey(
        Person,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Leer lassen, wenn nur die Organisation und die Funktion genannt werden."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Gremium"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("Funktion"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    role_title = models.CharField(
        _("Amtsbezeichnung"),
        max_length=200,
        blank=True,
        help_text=_("z. B. „Bürgermeister für Recht, Sicherheit und Umweltschutz“"),
    )
    voting_right = models.BooleanField(_("stimmberechtigt"), default=True)
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("entsandt von"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["organization", "role", "pk"]
        constraints = [
            _dates_in_order("membership"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(on_behalf_of__isnull=False),
                name="membership_has_person_or_organization",
                violation_error_message=_(
                    "Eine Mitgliedschaft braucht eine Person oder eine entsendende Organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        holder = self.person or self.on_behalf_of
        return f"{holder} – {self.get_role_display()} ({self.organization})"


class Attachment(CoreModel):
    """An uploaded file (OParl File): minutes, invitations, reports' PDFs."""

    name = models.CharField(_("Name"), max_length=200)
    file = models.FileField(_("Datei"), upload_to="anlagen/%Y/")
    mime_type = models.CharField(_("MIME-Typ"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"))
    sha512 = models.CharField(_("SHA-512"), max_length=128)
    public = models.BooleanField(_("öffentlich"), default=False)
    # A PDF's text, extracted when it is stored (OParl File.text, portal/uploads.py).
    text = models.TextField(_("Text der Datei"), blank=True, editable=False)

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Meeting(CoreModel):
    class State(models.TextChoices):
        PLANNED = "planned", _("geplant")
        INVITED = "invited", _("eingeladen")
        HELD = "held", _("durchgeführt")
        CANCELLED = "cancelled", _("abgesagt")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Gremium"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"), null=True, blank=True)
    location = models.ForeignKey(
        Location,
        verbose_name=_("Ort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.PLANNED
    )
    public = models.BooleanField(_("öffentlich"), default=True)
    minutes = models.TextField(_("Niederschrift (Markdown)"), blank=True)
    attachments = models.ManyToManyField(
        Attachment, verbose_name=_("Anlagen"), blank=True, related_name="meetings"
    )
    # Council and committee sessions (requests_app.services.sessions): when the invitation went
    # out, and when the office published the minutes (until then they stay internal).
    invited_at = models.DateTimeField(_("eingeladen am"), null=True, blank=True)
    minutes_published_at = models.DateTimeField(
        _("Niederschrift veröffentlicht am"), null=True, blank=True
    )

    objects = MeetingManager()
    all_objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["-start", "pk"]
        constraints = [_dates_in_order("meeting", "start", "end")]
        indexes = [models.Index(fields=["organization", "start"])]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.name} ({local:%d.%m.%Y})"


class AgendaItem(CoreModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("Sitzung"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    number = models.CharField(_("Nummer"), max_length=20, blank=True)
    title = models.CharField(_("Titel"), max_length=300)
    public = models.BooleanField(_("öffentlich"), default=True)
    result = models.CharField(_("Ergebnis"), max_length=200, blank=True)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            # A number finds its item (recording a result): it must never name two items.
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=~Q(number="") & Q(deleted=False),
                name="agendaitem_unique_number_per_meeting",
                violation_error_message=_(
                    "Diese Nummer hat schon ein anderer Tagesordnungspunkt der Sitzung."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class User(AbstractUser):
    """A login. Roles are Django groups (portal.roles); the person link names the account holder."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("Organisationen"),
        blank=True,
        related_name="users",
        help_text=_("Fraktion eines Ratsmitglieds, Dezernat oder Amt von Beschäftigten."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: str) -> bool:
        if not self.is_authenticated:
            return False
        if self.is_superuser:
            return True
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names


class SitePage(models.Model):
    """Operator-editable text of the legal pages (Impressum, Datenschutz, Barrierefreiheit)."""

    class Slug(models.TextChoices):
        IMPRINT = "impressum", _("Impressum")
        PRIVACY = "datenschutz", _("Datenschutzerklärung")
        ACCESSIBILITY = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")

    slug = models.SlugField(_("Seite"), max_length=40, unique=True, choices=Slug.choices)
    title = models.CharField(_("Überschrift"), max_length=200)
    body = models.TextField(_("Text (Markdown)"))
    modified = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Rechtliche Seite")
        verbose_name_plural = _("Rechtliche Seiten")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(f"ratsportal:{self.slug}")
