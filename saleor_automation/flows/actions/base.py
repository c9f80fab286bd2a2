"""What every external action shares: how it reports an outcome, and how it calls Saleor.

An action is `run(effect, now) -> None`. It returns when the effect is done, raises
ActionFailed when repeating it cannot help (a refusal, bad data, a guest contact) and
ActionRetry when it can (a timeout, a 5xx): effects.py turns these into the effect's status.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from ...saleor.client import SaleorClient
from ...saleor.exceptions import SaleorGraphQLError, SaleorTransportError
from ...saleor.models import Installation

# Saleor answers a mutation's failures in the payload; the text stored on the effect keeps
# the first few, each cut short (their messages never carry personal data, but can be long).
MAX_ERRORS = 3
MAX_ERROR_TEXT = 200


class ActionFailed(Exception):
    """The effect cannot succeed by repeating it; the message says why."""


class ActionRetry(Exception):
    """The effect may succeed later: a transport error, a timeout, a 5xx."""


def saleor_execute(
    installation: Installation, name: str, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """Run `graphql/saleor/<name>.graphql` with the app token; return `data`.

    Transport failures are worth retrying; GraphQL errors (PermissionDenied for a missing
    permission or a revoked token) are not.
    """
    if not installation.is_active or not installation.token:
        raise ActionFailed("the app is not active in this Saleor (deactivated or uninstalled)")
    client = SaleorClient.for_installation(installation)
    try:
        return client.execute(name, dict(variables))
    except SaleorTransportError as exc:
        raise ActionRetry(str(exc)[:MAX_ERROR_TEXT]) from exc
    except SaleorGraphQLError as exc:
        raise ActionFailed(str(exc)[:MAX_ERROR_TEXT]) from exc


def payload_errors(data: Mapping[str, Any], field: str) -> list[dict[str, Any]]:
    """The `errors` of mutation `field` in `data` (a missing payload counts as an error)."""
    payload = data.get(field)
    if not isinstance(payload, Mapping):
        return [{"code": "MISSING", "message": f"Saleor returned no {field} payload"}]
    return list(payload.get("errors") or [])


def errors_text(operation: str, errors: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for error in list(errors)[:MAX_ERRORS]:
        field = f" on {error['field']}" if error.get("field") else ""
        message = str(error.get("message") or "")[:MAX_ERROR_TEXT]
        parts.append(f"{error.get('code')}{field}: {message}")
    return f"{operation} refused: " + "; ".join(parts)
