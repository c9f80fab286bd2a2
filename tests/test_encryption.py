import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from saleor_automation.encryption import decrypt, encrypt
from saleor_automation.saleor.models import Installation

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.mark.django_db
def test_app_token_is_encrypted_at_rest():
    with override_settings(ENCRYPTION_KEYS=[KEY_A]):
        installation = Installation.objects.create(
            saleor_api_url="https://shop.example.com/graphql/", app_id="QXBwOjE=", token="t" * 30
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT token FROM saleor_automation_installation WHERE id = %s",
                [installation.pk],
            )
            (stored,) = cursor.fetchone()
        assert "t" * 30 not in stored
        assert Installation.objects.get(pk=installation.pk).token == "t" * 30


def test_old_keys_still_decrypt_after_rotation_and_removed_keys_fail_clearly():
    with override_settings(ENCRYPTION_KEYS=[KEY_A]):
        token = encrypt("secret")
    with override_settings(ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert decrypt(token) == "secret"
    with override_settings(ENCRYPTION_KEYS=[KEY_B]), pytest.raises(ImproperlyConfigured):
        decrypt(token)


def test_a_malformed_key_is_a_configuration_error():
    with override_settings(ENCRYPTION_KEYS=["not-a-key"]), pytest.raises(ImproperlyConfigured):
        encrypt("x")


def test_a_secret_key_rotated_with_fallbacks_keeps_secrets_readable():
    with override_settings(ENCRYPTION_KEYS=[], SECRET_KEY="old-secret-key-" * 4):
        token = encrypt("secret")
    with override_settings(
        ENCRYPTION_KEYS=[],
        SECRET_KEY="new-secret-key-" * 4,
        SECRET_KEY_FALLBACKS=["old-secret-key-" * 4],
    ):
        assert decrypt(token) == "secret"
