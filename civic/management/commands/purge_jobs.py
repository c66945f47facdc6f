from django.core.management.base import BaseCommand

from civic.jobs import purge_finished_jobs


class Command(BaseCommand):
    help = "Delete finished background jobs and their files after CIVIC_JOB_RETENTION_DAYS."

    def handle(self, *args, **options):
        count = purge_finished_jobs()
        if options["verbosity"]:
            self.stdout.write(f"{count} job(s) deleted.")
