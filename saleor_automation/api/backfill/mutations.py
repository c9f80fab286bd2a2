"""Starting an import of the store's existing data."""

import strawberry
import strawberry_django
from django.db import transaction

from ...contacts.backfill import backfill_start
from ...contacts.selectors import backfill_run_running
from ...contacts.tasks import backfill_run_task
from ..context import Info
from ..errors import as_validation_errors
from ..permissions import BACKFILL
from .types import BackfillRunType


@strawberry.type
class Mutation:
    @strawberry_django.mutation(handle_django_errors=True, extensions=BACKFILL())
    def backfill_start(self, info: Info, restart: bool = False) -> BackfillRunType:
        """Start the import, or resume the last failed one; `restart` starts from the
        beginning. A run already going is returned as it is, not started twice."""
        installation = info.context.installation
        with transaction.atomic(), as_validation_errors():
            running = backfill_run_running(installation)
            run = backfill_start(installation, restart=restart)
            # Two workers on one run would race over its cursors.
            if running is None or running.pk != run.pk:
                transaction.on_commit(lambda: backfill_run_task.delay(run.pk))
        return run  # type: ignore[return-value]
