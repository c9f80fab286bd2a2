from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ...contacts.backfill import RESOURCES, BackfillError, backfill_run, backfill_start
from ...saleor.models import Installation


class Command(BaseCommand):
    help = (
        "Import an installation's customers, orders and open checkouts from Saleor. "
        "Resumes an interrupted import unless --restart is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--installation",
            help="Saleor API URL of the installation (optional when there is only one).",
        )
        parser.add_argument("--restart", action="store_true", help="Start from the first page.")

    def _installation(self, api_url: str | None) -> Installation:
        installations = Installation.objects.filter(is_active=True).exclude(token="")
        if api_url:
            installations = installations.filter(saleor_api_url=api_url)
        found = list(installations[:2])
        if not found:
            raise CommandError("no active installation" + (f" at {api_url}" if api_url else ""))
        if len(found) > 1:
            raise CommandError("several installations: choose one with --installation URL")
        return found[0]

    def handle(self, *args: object, **options: object) -> None:
        installation = self._installation(options["installation"])
        try:
            run = backfill_start(installation, restart=bool(options["restart"]))
        except BackfillError as exc:
            raise CommandError(str(exc)) from exc
        bars = {
            resource.name: tqdm(
                desc=resource.name,
                unit=" rows",
                initial=run.progress.get(resource.name, {}).get("imported", 0),
                total=run.progress.get(resource.name, {}).get("total"),
                file=self.stderr,
                dynamic_ncols=True,
            )
            for resource in RESOURCES
        }

        def on_progress(name: str, imported: int, total: int | None) -> None:
            bar = bars[name]
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(imported - bar.n)

        try:
            backfill_run(run, on_progress=on_progress)
        except BackfillError as exc:
            raise CommandError(f"{exc} (run the command again to resume)") from exc
        finally:
            for bar in bars.values():
                bar.close()
        summary = ", ".join(
            f"{name} {state.get('imported', 0)}" for name, state in run.progress.items()
        )
        self.stdout.write(f"backfill #{run.pk} done: {summary}")
