"""`saleor-automation generate-key`: a new Fernet key for ENCRYPTION_KEYS."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new Fernet key for ENCRYPTION_KEYS."
    requires_system_checks = ()

    def handle(self, *args: str, **options: object) -> None:
        self.stdout.write(Fernet.generate_key().decode())
