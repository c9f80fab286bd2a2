"""`saleor-automation stats_rebuild`: recompute flow stats counters from the raw rows."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from ...saleor.models import Installation
from ...stats.rebuild import stats_rebuild


class Command(BaseCommand):
    help = "Recompute the stats counters of one installation (--installation) or all."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--installation", type=int, help="installation id (default: all)")

    def handle(self, *args: str, **options: object) -> None:
        installations = Installation.objects.order_by("pk")
        if options["installation"] is not None:
            installations = installations.filter(pk=options["installation"])
            if not installations.exists():
                raise CommandError(f"no installation #{options['installation']}")
        for installation in installations:
            stats_rebuild(installation)
            self.stdout.write(f"installation #{installation.pk}: rebuilt")
