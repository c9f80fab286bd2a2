"""Reading the store's settings."""

import strawberry

from ..context import Info
from ..permissions import READ
from .types import InstallationSettingsType


@strawberry.type
class Query:
    @strawberry.field(extensions=READ())
    def installation_settings(self, info: Info) -> InstallationSettingsType:
        return InstallationSettingsType.of(info.context.installation)
