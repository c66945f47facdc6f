"""Publish the steering group's answers that wait for their round's results, and e-mail the authors.

Run it on a schedule (e.g. hourly, next to ``purge_pending_uploads``): without it, answers that wait
for the result phase become public only when someone first opens the round's results.
"""

from django.core.management.base import BaseCommand

from agenda.models import RoundPage
from agenda.steering import publish_due_answers


class Command(BaseCommand):
    help = "Veröffentlicht fällige Antworten der Steuerungsgruppe und benachrichtigt die Verfasser."

    def handle(self, *args, **options):
        total = 0
        for round_page in RoundPage.objects.live().specific():
            published = publish_due_answers(round_page)
            if published and options["verbosity"] > 0:
                self.stdout.write(f"{round_page.title}: {published} Antwort(en) veröffentlicht.")
            total += published
        if options["verbosity"] > 0:
            self.stdout.write(f"{total} Antwort(en) veröffentlicht.")
