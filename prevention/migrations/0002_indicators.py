"""Indicators, values, revisions, import batches (issue 5); the 39 districts and the indicator
catalogue as reference data (also on a fresh production database)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def load_reference_data(apps, schema_editor):
    from prevention.models.districts import load_districts
    from prevention.models.indicators import load_catalogue

    load_districts(
        apps.get_model("prevention", "District"), apps.get_model("prevention", "Population")
    )
    load_catalogue(apps.get_model("prevention", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [
        ("prevention", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="hochgeladen am")),
                (
                    "imported_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="importiert am"),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="Dateiname")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("content", models.BinaryField(verbose_name="Inhalt")),
                (
                    "encoding",
                    models.CharField(blank=True, max_length=20, verbose_name="Zeichenkodierung"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("preview", "Vorschau"),
                            ("imported", "importiert"),
                            ("refused", "abgelehnt"),
                        ],
                        default="preview",
                        max_length=10,
                        verbose_name="Status",
                    ),
                ),
                ("rows_total", models.PositiveIntegerField(default=0, verbose_name="Zeilen")),
                ("rows_new", models.PositiveIntegerField(default=0, verbose_name="neu")),
                ("rows_changed", models.PositiveIntegerField(default=0, verbose_name="geändert")),
                (
                    "rows_unchanged",
                    models.PositiveIntegerField(default=0, verbose_name="unverändert"),
                ),
                ("errors", models.JSONField(blank=True, default=list, verbose_name="Probleme")),
                (
                    "plan_sha256",
                    models.CharField(
                        blank=True,
                        help_text="Ändert sich der Datenbestand nach der Vorschau, wird der Import abgelehnt.",
                        max_length=64,
                        verbose_name="Prüfsumme der Vorschau",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="hochgeladen von",
                    ),
                ),
            ],
            options={
                "verbose_name": "Kennzahl-Import",
                "verbose_name_plural": "Kennzahl-Importe",
                "ordering": ["-created", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Indicator",
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
                    "key",
                    models.CharField(
                        help_text="Steht in der Importdatei und in der Adresse, z. B. pks.890000.",
                        max_length=60,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[a-z0-9_]+(?:\\.[a-z0-9_]+)*$",
                                "Nur Kleinbuchstaben, Ziffern, Unterstrich und Punkt, z. B. pks.890000.",
                            )
                        ],
                        verbose_name="Schlüssel",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Name")),
                ("description", models.TextField(blank=True, verbose_name="Definition (Markdown)")),
                ("unit", models.CharField(blank=True, max_length=40, verbose_name="Einheit")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("count", "Anzahl"),
                            ("rate", "Rate"),
                            ("percent", "Prozent"),
                            ("score", "Punktwert"),
                        ],
                        default="count",
                        max_length=10,
                        verbose_name="Art",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("pks", "Polizeiliche Kriminalstatistik (Polizeidirektion Chemnitz)"),
                            ("sod", "Stadtordnungsdienst"),
                            ("survey", "Kommunale Bürgerumfrage"),
                            ("other", "andere Quelle"),
                        ],
                        max_length=10,
                        verbose_name="Quelle",
                    ),
                ),
                (
                    "source_note",
                    models.CharField(
                        blank=True,
                        help_text="z. B. Tabelle oder Stand",
                        max_length=300,
                        verbose_name="Quellenangabe",
                    ),
                ),
                (
                    "pks_key",
                    models.CharField(blank=True, max_length=10, verbose_name="PKS-Schlüssel"),
                ),
                (
                    "per_100k",
                    models.BooleanField(
                        default=False,
                        help_text="Fälle je 100.000 Einwohner aus der Einwohnerzahl des Stadtteils.",
                        verbose_name="Häufigkeitszahl berechnen",
                    ),
                ),
                (
                    "higher_is_better",
                    models.BooleanField(default=False, verbose_name="höherer Wert ist besser"),
                ),
                (
                    "suppression_threshold",
                    models.PositiveSmallIntegerField(
                        default=3,
                        help_text="Anzahlen unter dieser Schwelle werden öffentlich als „.“ gezeigt (0 = nie).",
                        verbose_name="Schwelle für Zurückhaltung",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="Reihenfolge"),
                ),
            ],
            options={
                "verbose_name": "Kennzahl",
                "verbose_name_plural": "Kennzahlen",
                "ordering": ["position", "key"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("per_100k", False), ("kind", "count"), _connector="OR"),
                        name="indicator_rate_only_for_counts",
                        violation_error_message="Eine Häufigkeitszahl lässt sich nur aus Anzahlen berechnen.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="IndicatorValue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="Jahr",
                    ),
                ),
                (
                    "quarter",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="0: ganzes Jahr",
                        validators=[django.core.validators.MaxValueValidator(4)],
                        verbose_name="Quartal",
                    ),
                ),
                (
                    "value",
                    models.DecimalField(decimal_places=3, max_digits=15, verbose_name="Wert"),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="Anmerkung")),
                (
                    "synthetic",
                    models.BooleanField(
                        default=False,
                        help_text="Erfundene Zahl, keine amtliche Angabe",
                        verbose_name="Beispieldaten",
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="angelegt")),
                ("modified", models.DateTimeField(auto_now=True, verbose_name="geändert")),
                (
                    "batch",
                    models.ForeignKey(
                        blank=True,
                        help_text="Der Import, aus dem der aktuelle Wert stammt",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="values",
                        to="prevention.importbatch",
                        verbose_name="Import",
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        blank=True,
                        help_text="Leer: die ganze Stadt",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="indicator_values",
                        to="prevention.district",
                        verbose_name="Stadtteil",
                    ),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="values",
                        to="prevention.indicator",
                        verbose_name="Kennzahl",
                    ),
                ),
            ],
            options={
                "verbose_name": "Kennzahlwert",
                "verbose_name_plural": "Kennzahlwerte",
                "ordering": ["indicator", "district", "year", "quarter"],
            },
        ),
        migrations.CreateModel(
            name="IndicatorValueRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "value",
                    models.DecimalField(decimal_places=3, max_digits=15, verbose_name="alter Wert"),
                ),
                (
                    "note",
                    models.CharField(blank=True, max_length=300, verbose_name="alte Anmerkung"),
                ),
                ("synthetic", models.BooleanField(default=False, verbose_name="Beispieldaten")),
                ("replaced_at", models.DateTimeField(auto_now_add=True, verbose_name="ersetzt am")),
                (
                    "batch",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="prevention.importbatch",
                        verbose_name="Import des alten Werts",
                    ),
                ),
                (
                    "indicator_value",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="prevention.indicatorvalue",
                        verbose_name="Kennzahlwert",
                    ),
                ),
                (
                    "replaced_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="revisions",
                        to="prevention.importbatch",
                        verbose_name="ersetzt durch Import",
                    ),
                ),
            ],
            options={
                "verbose_name": "früherer Kennzahlwert",
                "verbose_name_plural": "frühere Kennzahlwerte",
                "ordering": ["indicator_value", "-replaced_at", "-id"],
            },
        ),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")),
                name="importbatch_sha256_hex",
                violation_error_message="Die Prüfsumme ist kein SHA-256-Wert.",
            ),
        ),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "imported"), _negated=True),
                    ("imported_at__isnull", False),
                    _connector="OR",
                ),
                name="importbatch_imported_has_time",
                violation_error_message="Ein ausgeführter Import braucht seinen Zeitpunkt.",
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorvalue",
            index=models.Index(fields=["indicator", "year"], name="indicatorvalue_ind_year"),
        ),
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.UniqueConstraint(
                condition=models.Q(("district__isnull", False)),
                fields=("indicator", "district", "year", "quarter"),
                name="indicatorvalue_unique_district_period",
                violation_error_message="Für diese Kennzahl, diesen Stadtteil und diesen Zeitraum gibt es schon einen Wert.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.UniqueConstraint(
                condition=models.Q(("district__isnull", True)),
                fields=("indicator", "year", "quarter"),
                name="indicatorvalue_unique_city_period",
                violation_error_message="Für diese Kennzahl und diesen Zeitraum gibt es schon einen Wert der Stadt.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.CheckConstraint(
                condition=models.Q(("quarter__gte", 0), ("quarter__lte", 4)),
                name="indicatorvalue_quarter_0_to_4",
                violation_error_message="Das Quartal ist 1 bis 4 (0 für das ganze Jahr).",
            ),
        ),
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
    ]
