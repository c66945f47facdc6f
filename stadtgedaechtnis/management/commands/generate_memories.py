"""``generate_memories --count 100000``: deterministic published memories for benchmarks."""

from django.core.management.base import BaseCommand

from stadtgedaechtnis import bench_data


class Command(BaseCommand):
    help = (
        "Generate published memories in bulk, spread over the districts (see "
        "stadtgedaechtnis.bench_data). The same seed never adds a memory twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument(
            "--users-from",
            default=None,
            help="E-mail prefix of generated users (e.g. bench-) to take authors from.",
        )

    def handle(self, *args, count, seed, batch_size, users_from, **options):
        out = self.stdout if options["verbosity"] else None
        result = bench_data.generate_memories(
            count, seed=seed, out=out, batch_size=batch_size, author_prefix=users_from
        )
        self.stdout.write(
            f"{result['created']:,} Erinnerungen angelegt, {result['existing']:,} waren schon da "
            f"({result['seconds']:.1f} s)."
        )
