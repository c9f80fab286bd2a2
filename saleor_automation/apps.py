from django.apps import AppConfig


class SaleorAutomationConfig(AppConfig):
    name = "saleor_automation"
    label = "saleor_automation"
    verbose_name = "Saleor automation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers system checks)
        from .contacts import receivers as contact_receivers  # noqa: F401
        from .flows import receivers  # noqa: F401  (connects the triggers and goals)
        from .messaging.sms import checks as sms_checks  # noqa: F401
        from .messaging.sms import receivers as sms_receivers  # noqa: F401
        from .messaging.tracking import receivers as tracking_receivers  # noqa: F401
        from .stats import receivers as stats_receivers  # noqa: F401  (attribution)
        from .stats import tasks as stats_tasks  # noqa: F401  (registers the rollup task)
