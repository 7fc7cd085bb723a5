"""Delete e-mail alert subscriptions left unconfirmed for more than a week (run daily)."""

from django.core.management.base import BaseCommand

from requests_app.alerts import purge_unconfirmed


class Command(BaseCommand):
    help = "Löscht E-Mail-Benachrichtigungen, die seit über einer Woche unbestätigt sind."

    def handle(self, *args, **options) -> None:
        deleted = purge_unconfirmed()
        self.stdout.write(f"{deleted} unbestätigte Benachrichtigung(en) gelöscht.")
