"""`saleor-automation beat`: the Celery beat scheduler; run exactly one per deployment."""

from ..processes import PassThroughCommand, beat_schedule_path, celery_beat_argv


class Command(PassThroughCommand):
    help = (
        "Run Celery beat (`celery -A saleor_automation beat`): exactly one per deployment. "
        "Its schedule file defaults to DATA_DIR/celerybeat-schedule. Other options go to Celery."
    )

    def handle(self, *args: str, **options: object) -> None:
        beat_schedule_path().parent.mkdir(parents=True, exist_ok=True)
        self.exec(celery_beat_argv(self.passthrough))
