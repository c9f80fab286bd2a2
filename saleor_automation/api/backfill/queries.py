"""Reading backfill runs with their progress."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from ...contacts.backfill_models import BackfillRun
from ...contacts.selectors import backfill_run_list
from ..context import Info
from ..permissions import READ
from .types import BackfillRunType


@strawberry.type
class Query:
    @strawberry_django.connection(DjangoListConnection[BackfillRunType], extensions=READ())
    def backfill_runs(self, info: Info) -> Iterable[BackfillRun]:
        """Latest first; a running one shows how far each resource got."""
        return backfill_run_list(info.context.installation)
