"""Run every retention purge (civic.privacy.register_purger) and print what it did.

    manage.py purge_personal_data                 # once (cron / systemd timer: daily)
    manage.py purge_personal_data --schedule      # a small loop: enqueue the task once a day

``--schedule`` is what ``make run`` and ``bin/serve.sh`` start beside the job worker: django-tasks
has no scheduler of its own, so the loop enqueues :func:`civic.privacy.purge_personal_data_task`
every ``--every`` hours (default 24) on the "jobs" backend, where the worker runs it.
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from civic import privacy


class Command(BaseCommand):
    help = (
        "Löscht personenbezogene Daten, deren Aufbewahrungsfrist abgelaufen ist "
        "(alle registrierten Löschläufe)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            action="append",
            default=None,
            help="Nur diesen Löschlauf ausführen (Name, mehrfach möglich).",
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Dauerhaft laufen und den Löschlauf regelmäßig als Aufgabe einreihen.",
        )
        parser.add_argument(
            "--every", type=float, default=24.0, help="Abstand in Stunden (mit --schedule)."
        )
        parser.add_argument(
            "--times",
            type=int,
            default=0,
            help="Mit --schedule: nach so vielen Läufen aufhören (0 = nie).",
        )

    def handle(self, *args, only=None, schedule=False, every=24.0, times=0, **options):
        if schedule:
            return self.loop(every, times)
        results = privacy.run_purgers(only=only)
        for purger, count in results:
            self.stdout.write(f"{purger.label}: {count}")
        self.stdout.write(f"Insgesamt {sum(count for _p, count in results)} gelöscht.")

    def loop(self, every: float, times: int) -> None:
        runs = 0
        while True:
            result = privacy.purge_personal_data_task.enqueue()
            runs += 1
            self.stdout.write(
                f"{timezone.now():%Y-%m-%d %H:%M} Löschlauf eingereiht ({result.id})."
            )
            self.stdout.flush()
            if times and runs >= times:
                return
            time.sleep(max(every, 0.0) * 3600)
