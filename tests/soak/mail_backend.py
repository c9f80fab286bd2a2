"""An email backend for the soak tests: every message becomes its own file in SOAK_MAIL_DIR,
named by its outbox idempotency key (the X-Message-Key header) and a random suffix.

The file is written and closed before `send_messages` returns, so a worker SIGKILLed right
after the "provider" call still leaves its send on disk: a second send of the same message
would be a second file with the same key, which is what the tests look for.
"""

import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

KEY_HEADER = "X-Message-Key"


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(os.environ["SOAK_MAIL_DIR"])
        for message in email_messages:
            key = message.extra_headers.get(KEY_HEADER, "none")
            path = folder / f"{key}.{uuid.uuid4().hex}.eml"
            with path.open("xb") as out:
                out.write(message.message().as_bytes())
        return len(email_messages)


def sent_keys(folder: Path) -> dict[str, int]:
    """How many files (sends) each message key has."""
    counts: dict[str, int] = {}
    for path in folder.glob("*.eml"):
        key = path.name.split(".", 1)[0]
        counts[key] = counts.get(key, 0) + 1
    return counts
