"""The typed context every resolver gets: the request and who is calling."""

from dataclasses import dataclass

import strawberry
from strawberry.django.context import StrawberryDjangoContext

from ..saleor.models import Installation
from .auth import Principal


@dataclass
class Context(StrawberryDjangoContext):
    principal: Principal

    @property
    def installation(self) -> Installation:
        """The caller's installation: every resolver reads and writes only inside it."""
        return self.principal.installation


Info = strawberry.Info[Context, None]


def installation_of(info: Info) -> Installation:
    return info.context.installation
