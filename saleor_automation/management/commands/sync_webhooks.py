from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...saleor.exceptions import SaleorError
from ...saleor.models import Installation
from ...saleor.webhook_sync import webhooks_sync


class Command(BaseCommand):
    help = "Bring the webhooks of every active installation in line with the current manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Show, change nothing.")
        parser.add_argument("--installation", help="Only this Saleor API URL.")

    def handle(self, *args: object, **options: object) -> None:
        installations = Installation.objects.filter(is_active=True).exclude(token="")
        if options["installation"]:
            installations = installations.filter(saleor_api_url=options["installation"])
        failures = 0
        for installation in installations.order_by("pk"):
            try:
                result = webhooks_sync(installation, dry_run=bool(options["dry_run"]))
            except SaleorError as exc:
                failures += 1
                self.stderr.write(f"{installation.saleor_api_url}: {exc}")
                continue
            self.stdout.write(
                f"{installation.saleor_api_url}: created {len(result.created)}, "
                f"updated {len(result.updated)}, deleted {len(result.deleted)}, "
                f"unchanged {len(result.unchanged)}"
            )
        if failures:
            raise CommandError(f"{failures} installation(s) could not be synced")
