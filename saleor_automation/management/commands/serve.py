"""`saleor-automation serve`: the production web server (gunicorn, sync workers)."""

from django.core.management.base import CommandParser

from ..processes import PassThroughCommand, default_web_workers, gunicorn_argv


class Command(PassThroughCommand):
    help = (
        "Serve the app with gunicorn sync workers. Put it behind a TLS-terminating proxy. "
        "Other options go to gunicorn (e.g. --timeout 30, --max-requests 1000)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="0.0.0.0:8000", help="Address to listen on [0.0.0.0:8000]."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_web_workers(),
            help="Worker processes [2 x cores + 1].",
        )

    def handle(self, *args: str, bind: str, workers: int, **options: object) -> None:
        self.exec(gunicorn_argv(bind=bind, workers=workers, extra=self.passthrough))
