"""``generate_users --count 500000``: deterministic bench residents (see civic.bench_data)."""

from django.core.management.base import BaseCommand

from civic import bench_data


class Command(BaseCommand):
    help = (
        "Generate verified residents <prefix><n>@example.invalid in bulk for benchmarks "
        f"(password: {bench_data.BENCH_PASSWORD}). Existing ones are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default=bench_data.DEFAULT_USER_PREFIX)
        parser.add_argument("--batch-size", type=int, default=10_000)

    def handle(self, *args, count, seed, prefix, batch_size, **options):
        out = self.stdout if options["verbosity"] else None
        result = bench_data.generate_users(
            count, seed=seed, prefix=prefix, out=out, batch_size=batch_size
        )
        self.stdout.write(
            f"{result['created']:,} Benutzerkonten angelegt, {result['existing']:,} waren schon da "
            f"({result['seconds']:.1f} s). Passwort: {bench_data.BENCH_PASSWORD}"
        )
