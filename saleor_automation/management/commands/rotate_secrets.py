"""`saleor-automation rotate-secrets`: re-encrypt every encrypted column with the first key.

Rotation: put a new key first in ENCRYPTION_KEYS (keep the old ones after it), deploy, run
this command, then drop the old keys.
"""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast
from tqdm import tqdm

from ...encryption import EncryptedTextField, reencrypt

BATCH_SIZE = 500


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with its encrypted columns, in a stable order."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields and model._meta.managed and not model._meta.proxy:
            found.append((model, fields))
    return sorted(found, key=lambda item: item[0]._meta.label)


def _raw(field: EncryptedTextField) -> Cast:
    # The stored ciphertext: a cast to a plain text field skips the decrypting from_db_value.
    return Cast(field.attname, models.TextField())


def _stored(field: EncryptedTextField) -> models.Q:
    return ~models.Q(**{field.attname: ""}) & models.Q(**{f"{field.attname}__isnull": False})


def rotate_model(
    model: type[models.Model], fields: list[EncryptedTextField], progress: tqdm
) -> int:
    """Re-encrypt the stored values of `fields` on every row; returns how many changed."""
    aliases = {f"_raw_{field.attname}": field for field in fields}
    has_value = models.Q()
    for field in fields:
        has_value |= _stored(field)
    rows = model._default_manager.filter(has_value).order_by("pk")
    done = 0
    last_pk = None
    while True:
        batch_rows = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        # A row lock per batch, so a token written meanwhile (a reinstall) is not replaced
        # by the re-encrypted old one.
        with transaction.atomic():
            batch = list(
                batch_rows.select_for_update()
                .annotate(**{alias: _raw(field) for alias, field in aliases.items()})
                .values("pk", *aliases)[:BATCH_SIZE]
            )
            for row in batch:
                changes = {
                    field.attname: models.Value(reencrypt(row[alias]), models.TextField())
                    for alias, field in aliases.items()
                    if row[alias]
                }
                model._default_manager.filter(pk=row["pk"]).update(**changes)
                done += len(changes)
                progress.update(len(changes))
        if len(batch) < BATCH_SIZE:
            return done
        last_pk = batch[-1]["pk"]


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first key of ENCRYPTION_KEYS "
        "(run after putting a new key first; then the old keys can be dropped)."
    )

    def handle(self, *args: str, **options: object) -> None:
        if not settings.ENCRYPTION_KEYS:
            self.stderr.write(
                "ENCRYPTION_KEYS is not set: secrets are encrypted with a key derived from "
                "SECRET_KEY, and are re-encrypted with that same key."
            )
        targets = encrypted_fields()
        total = sum(
            model._default_manager.filter(_stored(field)).count()
            for model, fields in targets
            for field in fields
        )
        with tqdm(total=total, unit="secret", desc="rotate-secrets") as progress:
            done = sum(rotate_model(model, fields, progress) for model, fields in targets)
        columns = ", ".join(
            f"{model._meta.label}.{field.name}" for model, fields in targets for field in fields
        )
        self.stdout.write(f"Re-encrypted {done} secrets with the first key ({columns}).")
