"""Bringing an installation's webhooks in line with the current manifest.

Saleor copies manifest webhooks only at install time (PROTOCOL.md §1.2), so each deploy
that changes a subscription or a URL must patch existing installations with the app's own
token. Webhooks are matched by name; anything of ours that the manifest no longer declares
is deleted.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from .client import SaleorClient
from .exceptions import SaleorError
from .manifest import webhook_definitions
from .models import Installation

logger = logging.getLogger(__name__)


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _normalise_query(query: str | None) -> str:
    return " ".join((query or "").split())


def _differs(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    events = sorted(e["eventType"] for e in existing.get("asyncEvents") or [])
    return (
        existing.get("targetUrl") != wanted["targetUrl"]
        or bool(existing.get("isActive")) != wanted["isActive"]
        or events != sorted(wanted["asyncEvents"])
        or _normalise_query(existing.get("subscriptionQuery")) != _normalise_query(wanted["query"])
    )


def _input(wanted: dict[str, Any]) -> dict[str, Any]:
    # No `identifier`: it exists only from Saleor 3.23 and we support 3.22.
    return {
        "name": wanted["name"],
        "targetUrl": wanted["targetUrl"],
        "asyncEvents": wanted["asyncEvents"],
        "isActive": wanted["isActive"],
        "query": wanted["query"],
    }


def _check(result: dict[str, Any], what: str) -> None:
    errors = result.get("errors") or []
    if errors:
        detail = "; ".join(f"{e.get('field')}: {e.get('code')} {e.get('message')}" for e in errors)
        raise SaleorError(f"{what} refused by Saleor: {detail}")


def webhooks_sync(installation: Installation, dry_run: bool = False) -> SyncResult:
    """Create, update and delete the installation's webhooks to match the manifest."""
    client = SaleorClient.for_installation(installation)
    app = client.execute("queries/own-webhooks").get("app")
    if not app:
        raise SaleorError("the app token no longer works (app deactivated or deleted)")
    existing = {hook["name"]: hook for hook in app.get("webhooks") or []}
    result = SyncResult()
    wanted_names = set()
    for wanted in webhook_definitions():
        name = wanted["name"]
        wanted_names.add(name)
        hook = existing.get(name)
        if hook is None:
            if not dry_run:
                data = client.execute("mutations/webhook-create", {"input": _input(wanted)})
                _check(data["webhookCreate"], f"creating {name}")
            result.created.append(name)
        elif _differs(hook, wanted):
            if not dry_run:
                data = client.execute(
                    "mutations/webhook-update", {"id": hook["id"], "input": _input(wanted)}
                )
                _check(data["webhookUpdate"], f"updating {name}")
            result.updated.append(name)
        else:
            result.unchanged.append(name)
    for name, hook in existing.items():
        if name in wanted_names:
            continue
        if not dry_run:
            data = client.execute("mutations/webhook-delete", {"id": hook["id"]})
            _check(data["webhookDelete"], f"deleting {name}")
        result.deleted.append(name)
    if result.changed:
        logger.info(
            "installation %s webhooks: %d created, %d updated, %d deleted",
            installation.pk,
            len(result.created),
            len(result.updated),
            len(result.deleted),
        )
    return result
