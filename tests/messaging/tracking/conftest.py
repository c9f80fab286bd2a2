import pytest

from .payloads import MAILGUN_SIGNING_KEY, WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def anymail_settings(settings):
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": [WEBHOOK_SECRET],
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
    }
