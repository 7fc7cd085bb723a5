"""Prevention council profile, measures, funding, attendance (issue 4)."""

from decimal import Decimal

import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_legal_pages"),
        ("prevention", "0002_indicators"),
    ]

    operations = [
        migrations.CreateModel(
            name="Measure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="angelegt"
                    ),
                ),
                ("modified", models.DateTimeField(auto_now=True, verbose_name="geändert")),
                (
                    "deleted",
                    models.BooleanField(
                        default=False,
                        help_text="Gelöschte Einträge verschwinden aus dem Portal; die API meldet sie als gelöscht.",
                        verbose_name="gelöscht",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="Titel")),
                (
                    "description",
                    models.TextField(blank=True, verbose_name="Beschreibung (Markdown)"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "geplant"),
                            ("running", "laufend"),
                            ("completed", "abgeschlossen"),
                            ("cancelled", "abgebrochen"),
                        ],
                        default="planned",
                        max_length=20,
                        verbose_name="Stand",
                    ),
                ),
                ("start_date", models.DateField(blank=True, null=True, verbose_name="Beginn")),
                ("end_date", models.DateField(blank=True, null=True, verbose_name="Ende")),
                ("public", models.BooleanField(default=True, verbose_name="öffentlich")),
                (
                    "demo_content",
                    models.BooleanField(
                        default=False,
                        help_text="Erfundener Inhalt der Demo",
                        verbose_name="Beispieldaten",
                    ),
                ),
                (
                    "districts",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Leer lassen, wenn die Maßnahme im gesamten Stadtgebiet wirkt.",
                        related_name="measures",
                        to="prevention.district",
                        verbose_name="Stadtteile",
                    ),
                ),
                (
                    "partners",
                    models.ManyToManyField(
                        blank=True,
                        related_name="partner_measures",
                        to="portal.organization",
                        verbose_name="Partner",
                    ),
                ),
                (
                    "working_group",
                    models.ForeignKey(
                        blank=True,
                        limit_choices_to={"kind": "working_group"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="measures",
                        to="portal.organization",
                        verbose_name="Arbeitsgruppe",
                    ),
                ),
            ],
            options={
                "verbose_name": "Maßnahme",
                "verbose_name_plural": "Maßnahmen",
                "ordering": ["-start_date", "title", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Funding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="angelegt"
                    ),
                ),
                ("modified", models.DateTimeField(auto_now=True, verbose_name="geändert")),
                (
                    "deleted",
                    models.BooleanField(
                        default=False,
                        help_text="Gelöschte Einträge verschwinden aus dem Portal; die API meldet sie als gelöscht.",
                        verbose_name="gelöscht",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        default="Freistaat Sachsen – RL KommPräv / ASSKomm",
                        max_length=200,
                        verbose_name="Förderquelle",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="Jahr")),
                (
                    "requested",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0"),
                        max_digits=12,
                        verbose_name="beantragt (Euro)",
                    ),
                ),
                (
                    "granted",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0"),
                        max_digits=12,
                        verbose_name="bewilligt (Euro)",
                    ),
                ),
                (
                    "own_share",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0"),
                        max_digits=12,
                        verbose_name="Eigenanteil (Euro)",
                    ),
                ),
                (
                    "measure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fundings",
                        to="prevention.measure",
                        verbose_name="Maßnahme",
                    ),
                ),
            ],
            options={
                "verbose_name": "Förderung",
                "verbose_name_plural": "Förderungen",
                "ordering": ["measure", "year", "source"],
            },
        ),
        migrations.CreateModel(
            name="PreventionCouncil",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="angelegt"
                    ),
                ),
                ("modified", models.DateTimeField(auto_now=True, verbose_name="geändert")),
                (
                    "deleted",
                    models.BooleanField(
                        default=False,
                        help_text="Gelöschte Einträge verschwinden aus dem Portal; die API meldet sie als gelöscht.",
                        verbose_name="gelöscht",
                    ),
                ),
                (
                    "former_name",
                    models.CharField(blank=True, max_length=200, verbose_name="früherer Name"),
                ),
                (
                    "founded_on",
                    models.DateField(blank=True, null=True, verbose_name="gegründet am"),
                ),
                (
                    "founding_note",
                    models.CharField(
                        blank=True,
                        help_text="z. B. „auf Initiative des Stadtrats“",
                        max_length=300,
                        verbose_name="Gründung",
                    ),
                ),
                (
                    "reconstituted_on",
                    models.DateField(blank=True, null=True, verbose_name="neu konstituiert am"),
                ),
                (
                    "chair_title",
                    models.CharField(
                        blank=True,
                        help_text="Die Funktion, nicht der Name: „Bürgermeister für Recht, Sicherheit …“",
                        max_length=200,
                        verbose_name="Vorsitz (Amt)",
                    ),
                ),
                (
                    "office_building",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="Sitz der Geschäftsstelle"
                    ),
                ),
                ("mission", models.TextField(blank=True, verbose_name="Auftrag (Markdown)")),
                ("history", models.TextField(blank=True, verbose_name="Geschichte (Markdown)")),
                (
                    "asskomm_agreement_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="ASSKomm-Kooperationsvereinbarung vom"
                    ),
                ),
                (
                    "security_analysis_on",
                    models.DateField(blank=True, null=True, verbose_name="Sicherheitsanalyse vom"),
                ),
                (
                    "demo_note",
                    models.CharField(
                        blank=True,
                        help_text="Wird auf allen Seiten des Präventionsrats angezeigt, solange er gesetzt ist.",
                        max_length=300,
                        verbose_name="Hinweis auf Beispieldaten",
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.organization",
                        verbose_name="Geschäftsstelle bei",
                    ),
                ),
                (
                    "organization",
                    models.OneToOneField(
                        limit_choices_to={"kind": "prevention_council"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="prevention_council",
                        to="portal.organization",
                        verbose_name="Organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "Präventionsrat (Profil)",
                "verbose_name_plural": "Präventionsrat (Profile)",
            },
        ),
        migrations.CreateModel(
            name="Attendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("present", "anwesend"),
                            ("excused", "entschuldigt"),
                            ("absent", "abwesend"),
                        ],
                        max_length=10,
                        verbose_name="Anwesenheit",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="portal.meeting",
                        verbose_name="Sitzung",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="portal.membership",
                        verbose_name="Mitgliedschaft",
                    ),
                ),
            ],
            options={
                "verbose_name": "Anwesenheit",
                "verbose_name_plural": "Anwesenheiten",
                "ordering": ["meeting", "membership"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting", "membership"),
                        name="attendance_unique_meeting_membership",
                        violation_error_message="Die Anwesenheit ist für dieses Mitglied schon erfasst.",
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    ("start_date__isnull", True),
                    ("end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="measure_end_after_start",
                violation_error_message="Das Ende darf nicht vor dem Beginn liegen.",
            ),
        ),
        migrations.AddConstraint(
            model_name="funding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("requested__gte", 0), ("granted__gte", 0), ("own_share__gte", 0)
                ),
                name="funding_amounts_not_negative",
                violation_error_message="Beträge dürfen nicht negativ sein.",
            ),
        ),
        migrations.AddConstraint(
            model_name="funding",
            constraint=models.CheckConstraint(
                condition=models.Q(("granted__lte", models.F("requested"))),
                name="funding_granted_not_above_requested",
                violation_error_message="Es kann nicht mehr bewilligt werden, als beantragt wurde.",
            ),
        ),
        migrations.AddConstraint(
            model_name="funding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "granted__lte",
                        django.db.models.expressions.CombinedExpression(
                            models.F("own_share"), "*", models.Value(9)
                        ),
                    )
                ),
                name="funding_grant_at_most_90_percent",
                violation_error_message="Die Förderung darf höchstens 90 %% der Kosten betragen; der Eigenanteil muss mindestens 10 %% sein.",
            ),
        ),
        migrations.AddConstraint(
            model_name="funding",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 1990), ("year__lte", 2100)),
                name="funding_plausible_year",
                violation_error_message="Bitte ein Jahr zwischen 1990 und 2100 angeben.",
            ),
        ),
        migrations.AddConstraint(
            model_name="funding",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted", False)),
                fields=("measure", "source", "year"),
                name="funding_unique_measure_source_year",
                violation_error_message="Für diese Maßnahme gibt es aus dieser Quelle schon eine Zeile für dieses Jahr.",
            ),
        ),
        migrations.AddConstraint(
            model_name="preventioncouncil",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reconstituted_on__isnull", True),
                    ("founded_on__isnull", True),
                    ("reconstituted_on__gte", models.F("founded_on")),
                    _connector="OR",
                ),
                name="preventioncouncil_reconstituted_after_founding",
                violation_error_message="Die Neukonstituierung kann nicht vor der Gründung liegen.",
            ),
        ),
    ]
