"""`edubureau admissions lottery|verify-lottery|allocate`: the verifiable lottery and the offline
allocation engine, from published files (no database needed). The work is admissions/offline.py,
which the console script also runs directly, without Django's start-up."""

from django.core.management.base import BaseCommand, CommandError

from edubureau.admissions import offline


class Command(BaseCommand):
    help = "民办摇号与录取分配：按公开算法计算或核验，离线使用。Verifiable lottery and allocation, offline."
    # The subcommands read only the given files: no database, so skip the system checks (which
    # import every URLconf and view, half of the start-up of a 38,000-applicant allocation).
    requires_system_checks = []

    def add_arguments(self, parser):
        offline.add_subcommands(parser.add_subparsers(dest="action", required=True))

    def handle(self, *args, **options):
        try:
            offline.run(options, self.stdout.write)
        except offline.OfflineError as e:
            raise CommandError(str(e)) from e
