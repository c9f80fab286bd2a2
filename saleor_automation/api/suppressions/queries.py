"""Reading the suppression list."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from ...messaging.selectors import suppression_list
from ...messaging.suppression_models import Suppression
from ..context import Info
from ..messages.types import MessageChannelEnum
from ..permissions import READ
from .types import SuppressionType


@strawberry.type
class Query:
    @strawberry_django.connection(DjangoListConnection[SuppressionType], extensions=READ())
    def suppressions(
        self,
        info: Info,
        channel: MessageChannelEnum | None = None,
        address: str | None = None,
    ) -> Iterable[Suppression]:
        """Newest first; `address` finds one address exactly (any case, any phone format)."""
        return suppression_list(
            installation_id=info.context.installation.pk,
            channel=channel.value if channel else None,
            address=address,
        )
