"""`saleor-automation worker`: a Celery worker for the app's tasks."""

from ..processes import PassThroughCommand, celery_worker_argv


class Command(PassThroughCommand):
    help = (
        "Run a Celery worker (`celery -A saleor_automation worker`). Run as many as the load "
        "needs. Other options go to Celery (e.g. --concurrency 4)."
    )

    def handle(self, *args: str, **options: object) -> None:
        self.exec(celery_worker_argv(self.passthrough))
