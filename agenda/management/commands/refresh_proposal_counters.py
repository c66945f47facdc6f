"""``refresh_proposal_counters [--round ID] [--check]``: recompute the proposals' counters."""

from django.core.management.base import BaseCommand, CommandError

from agenda.counters import counter_mismatches, refresh_counters
from agenda.models import Proposal


class Command(BaseCommand):
    help = (
        "Recompute the stored vote, paper-vote and comment counters of proposals from the rows "
        "(a repair after raw SQL, imports or bulk loads). --check only reports differences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="Only the proposals of this round (page id).")
        parser.add_argument(
            "--check", action="store_true", help="Report differences, change nothing (exit 1)."
        )

    def handle(self, *args, **options):
        queryset = Proposal.objects.all()
        if options["round"]:
            queryset = queryset.filter(round_id=options["round"])
        if options["check"]:
            problems = counter_mismatches(queryset)
            for row in problems[:50]:
                self.stdout.write(
                    f"Vorschlag {row['pk']}: {row['field']} gespeichert {row['stored']}, "
                    f"gezählt {row['actual']}"
                )
            if problems:
                raise CommandError(f"{len(problems)} abweichende Zähler.")
            self.stdout.write("Alle Zähler stimmen.")
            return
        updated = refresh_counters(queryset)
        self.stdout.write(f"Zähler von {updated} Vorschlägen neu berechnet.")
