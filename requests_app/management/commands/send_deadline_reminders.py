"""Mail lead departments about motions whose deadline is near (amber) or past (red).

Run once a day by cron or a systemd timer. Each motion is reminded at most once per light and
due date, so running the command twice (or on two servers) sends nothing new.
"""

from django.core.management.base import BaseCommand

from requests_app.services.contributions import contribution_reminders_send
from requests_app.services.motions import deadline_reminders_send


class Command(BaseCommand):
    help = (
        "Erinnert die federführenden Dezernate an Anträge mit bald ablaufender oder "
        "überschrittener Frist (einmal je Antrag und Ampelstand)."
    )

    def handle(self, *args, **options):
        count = deadline_reminders_send()
        self.stdout.write(f"{count} Erinnerung(en) versandt.")
        # Overdue contributions (Zuarbeit): the organization asked is reminded once.
        self.stdout.write(f"{contribution_reminders_send()} Erinnerung(en) an Zuarbeiten versandt.")
