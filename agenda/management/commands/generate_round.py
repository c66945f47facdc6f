"""``generate_round --proposals 30000 --comments 250000 --votes 2000000``: a Madrid-size round."""

from django.core.management.base import BaseCommand, CommandError

from agenda import bench_data
from civic.bench_data import DEFAULT_USER_PREFIX


class Command(BaseCommand):
    help = (
        "Generate one participation round with proposals, votes of generated users and threaded "
        "comments in bulk (see agenda.bench_data). Run generate_users first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=2_000)
        parser.add_argument("--comments", type=int, default=20_000)
        parser.add_argument("--votes", type=int, default=100_000)
        parser.add_argument("--users-from", default=DEFAULT_USER_PREFIX)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--slug", default=None, help="Slug of the round (default bench-runde-<seed>)."
        )
        parser.add_argument("--title", default=None)
        parser.add_argument("--phase", choices=["vote", "result"], default="vote")
        parser.add_argument("--busy-comments", type=int, default=bench_data.BUSY_COMMENTS)
        parser.add_argument("--batch-size", type=int, default=20_000)

    def handle(self, *args, **options):
        out = self.stdout if options["verbosity"] else None
        try:
            result = bench_data.generate_round(
                n_proposals=options["proposals"],
                n_comments=options["comments"],
                n_votes=options["votes"],
                users_prefix=options["users_from"],
                seed=options["seed"],
                slug=options["slug"],
                title=options["title"],
                phase=options["phase"],
                busy_comments=options["busy_comments"],
                out=out,
                batch_size=options["batch_size"],
            )
        except bench_data.BenchDataError as error:
            raise CommandError(str(error)) from error
        round_ = result["round"]
        self.stdout.write(
            f"Fertig in {result['seconds']:.1f} s: Runde {round_.pk} ({round_.url_path}), "
            f"Vorschlag mit den meisten Kommentaren: {result['busy_proposal_id']}."
        )
