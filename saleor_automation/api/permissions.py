"""What a caller may do, declared on each field (never an `if` inside a resolver).

Dashboard users are authorised by their Saleor permissions (the JWT's `user_permissions`,
what app-sdk's createProtectedHandler checks). API keys carry no Saleor user: a read key
may read, a read_write key may also change; managing API keys needs a dashboard user.

| operations | Saleor permission | API key |
|---|---|---|
| queries (all but apiKeys) | MANAGE_USERS | read or read_write |
| CSV exports (GET /api/flows/<id>/stats.csv, recipients.csv) | MANAGE_USERS | read or read_write |
| flow mutations, messageTestSend, suppress / unsuppress | MANAGE_USERS | read_write |
| installationSettingsUpdate | MANAGE_USERS and MANAGE_APPS | read_write |
| backfillStart | MANAGE_USERS and MANAGE_ORDERS | read_write |
| apiKeys, apiKeyCreate, apiKeyRevoke | MANAGE_APPS | never |

A denial is a GraphQL error with `extensions.code = "FORBIDDEN"` on that field.
"""

from collections.abc import Sequence
from functools import partial
from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from .auth import Principal
from .context import Info

FORBIDDEN = "FORBIDDEN"


class Requires(BasePermission):
    error_extensions = {"code": FORBIDDEN}

    def __init__(
        self, *permissions: str, write: bool = False, dashboard_only: bool = False
    ) -> None:
        self.permissions = frozenset(permissions)
        self.write = write
        self.dashboard_only = dashboard_only
        self.message = "You do not have permission to perform this action."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return self.allows(info.context.principal)

    def allows(self, principal: Principal) -> bool:
        """The rule itself, for callers outside GraphQL (the CSV exports)."""
        if principal.is_dashboard:
            return self.permissions <= principal.permissions
        if self.dashboard_only:
            return False
        return principal.can_write or not self.write


def requires(
    *permissions: str, write: bool = False, dashboard_only: bool = False
) -> Sequence[FieldExtension]:
    """Field extensions refusing callers without `permissions` (see the module's table)."""
    rule = Requires(*permissions, write=write, dashboard_only=dashboard_only)
    # use_directives=False: the rule is documented here, not leaked into the public SDL.
    return [PermissionExtension(permissions=[rule], use_directives=False)]


MANAGE_USERS = "MANAGE_USERS"
MANAGE_APPS = "MANAGE_APPS"
MANAGE_ORDERS = "MANAGE_ORDERS"

# Factories, called once per field: a field extension instance belongs to one field.
READ = partial(requires, MANAGE_USERS)
WRITE = partial(requires, MANAGE_USERS, write=True)
SETTINGS_WRITE = partial(requires, MANAGE_USERS, MANAGE_APPS, write=True)
BACKFILL = partial(requires, MANAGE_USERS, MANAGE_ORDERS, write=True)
KEYS_READ = partial(requires, MANAGE_APPS, dashboard_only=True)
KEYS_WRITE = partial(requires, MANAGE_APPS, write=True, dashboard_only=True)
