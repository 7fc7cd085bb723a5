"""manage.py import_indicators FILE [--dry-run]: the same importer as the staff upload page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from prevention.importers import Action
from prevention.services import import_file


class Command(BaseCommand):
    help = "Kennzahlen aus einer CSV-Datei importieren (district,indicator,period,value[,note])."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV-Datei")
        parser.add_argument(
            "--dry-run", action="store_true", help="nur prüfen und anzeigen, nichts speichern"
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Datei nicht lesbar: {error}") from error
        plan, batch = import_file(data=data, file_name=file.name, dry_run=dry_run)
        if not plan.ok:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Import abgelehnt: {len(plan.problems)} Problem(e), nichts wurde geändert."
            )
        summary = (
            f"{len(plan.rows)} Zeilen ({plan.encoding}, Trennzeichen „{plan.delimiter}“): "
            f"{plan.count(Action.NEW)} neu, {plan.count(Action.CHANGED)} geändert, "
            f"{plan.count(Action.UNCHANGED)} unverändert."
        )
        if dry_run:
            for row in plan.changes:
                old = "" if row.old_value is None else f"{row.old_value} → "
                self.stdout.write(
                    f"Zeile {row.line}: {row.indicator.key} {row.place} {row.period}: "
                    f"{old}{row.value}"
                )
            self.stdout.write(f"Probelauf, nichts gespeichert. {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Import {batch.pk} ausgeführt. {summary}"))
