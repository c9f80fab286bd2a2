"""Imports of the store's existing customers, orders and checkouts."""

import strawberry
import strawberry_django
from strawberry import auto, relay

from ...contacts.backfill import RESOURCES
from ...contacts.backfill_models import BackfillRun, BackfillStatus

BackfillStatusEnum = strawberry.enum(BackfillStatus, name="BackfillStatus")


@strawberry.type
class BackfillResourceProgress:
    name: str
    imported: int
    total: int | None = strawberry.field(description="Saleor's count when last read.")
    done: bool


@strawberry_django.type(BackfillRun, name="BackfillRun")
class BackfillRunType(relay.Node):
    status: BackfillStatusEnum
    since: auto
    error: auto
    started_at: auto
    updated_at: auto
    finished_at: auto

    @strawberry_django.field(only=["progress"])
    def progress(self) -> list[BackfillResourceProgress]:
        """One entry per resource, in import order (customers, orders, checkouts)."""
        run: BackfillRun = self  # type: ignore[assignment]
        progress = run.progress or {}
        return [
            BackfillResourceProgress(
                name=resource.name,
                imported=int(progress.get(resource.name, {}).get("imported") or 0),
                total=progress.get(resource.name, {}).get("total"),
                done=bool(progress.get(resource.name, {}).get("done")),
            )
            for resource in RESOURCES
        ]
