"""Load the demo content of every app (idempotent). See portal/demo.py."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DEMO_PASSWORD, accounts_summary
from requests_app import demo_contributions


class Command(BaseCommand):
    help = (
        "Lädt die Beispieldaten (Demo-Inhalte und Demo-Konten). Mehrfaches Ausführen ändert nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch mit DEBUG=0 ausführen (legt Konten mit dem Passwort 'demo' an!).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG ist aus: Das sieht nach einer Produktionsumgebung aus. Die Beispieldaten "
                "legen Konten mit bekanntem Passwort an. Wer das wirklich will: --force."
            )
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(config.name) and find_spec(module_name):
                    import_module(module_name).load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Beispieldaten geladen."))
        self.stdout.write(f"Demo-Konten (Passwort für alle: {DEMO_PASSWORD}):")
        for username, role in accounts_summary() + demo_contributions.accounts_summary():
            self.stdout.write(f"  {username:<10} {role}")
