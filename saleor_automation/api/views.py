"""The GraphQL endpoint, POST /graphql/.

Authentication happens here, before GraphQL runs: missing, invalid, expired or foreign
credentials get HTTP 401 with a GraphQL-shaped body (`extensions.code = "UNAUTHENTICATED"`).
Authorisation is per field (permissions.py): a denial is a GraphQL error with
`extensions.code = "FORBIDDEN"` in an HTTP 200 answer, so one query can mix fields.
No cookies are involved (tokens travel in headers), so CSRF does not apply; the page is
served from the same origin, so no CORS either.
"""

import json
import logging
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from .auth import AuthenticationFailed, Principal, authenticate
from .context import Context
from .schema import schema

logger = logging.getLogger(__name__)

UNAUTHENTICATED = "UNAUTHENTICATED"
BAD_USER_INPUT = "BAD_USER_INPUT"
# PostgreSQL text cannot hold NUL, so a NUL in any argument could only fail deep inside a
# resolver: it is refused at the door, as a NUL in a variable or a \u0000 escape in the
# document's string literals.
NUL_ESCAPE = re.compile(r"\\u0000", re.IGNORECASE)


def _holds_nul(body: bytes) -> bool:
    try:
        payload = json.loads(body)
    except ValueError:
        return False  # strawberry answers a malformed body itself
    if not isinstance(payload, dict):
        return False
    query = payload.get("query")
    if isinstance(query, str) and (NUL_ESCAPE.search(query) or "\x00" in query):
        return True
    return _has_nul(payload.get("variables"))


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def unauthenticated(message: str) -> JsonResponse:
    response = JsonResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": UNAUTHENTICATED}}]},
        status=401,
    )
    # Both ways in are bearer tokens; the dashboard's header is named in the realm.
    response["WWW-Authenticate"] = 'Bearer realm="saleor-automation"'
    return response


@method_decorator(csrf_exempt, name="dispatch")
class AppGraphQLView(GraphQLView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        try:
            request.principal = authenticate(request)  # type: ignore[attr-defined]
        except AuthenticationFailed as exc:
            # The reason only: never the token, the address or the claims.
            logger.info("GraphQL request refused: %s", exc)
            return unauthenticated(str(exc))
        if _holds_nul(request.body):
            return JsonResponse(
                {
                    "data": None,
                    "errors": [
                        {
                            "message": "Arguments must not contain NUL characters.",
                            "extensions": {"code": BAD_USER_INPUT},
                        }
                    ],
                },
                status=400,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, response: HttpResponse) -> Context:
        principal: Principal = request.principal  # type: ignore[attr-defined]
        return Context(request=request, response=response, principal=principal)


graphql_view = AppGraphQLView.as_view(schema=schema, graphql_ide=None, allow_queries_via_get=False)
