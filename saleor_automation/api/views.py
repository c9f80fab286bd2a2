"""The GraphQL endpoint, POST /graphql/.

Authentication happens here, before GraphQL runs: missing, invalid, expired or foreign
credentials get HTTP 401 with a GraphQL-shaped body (`extensions.code = "UNAUTHENTICATED"`).
Authorisation is per field (permissions.py): a denial is a GraphQL error with
`extensions.code = "FORBIDDEN"` in an HTTP 200 answer, so one query can mix fields.
No cookies are involved (tokens travel in headers), so CSRF does not apply; the page is
served from the same origin, so no CORS either.
"""

import logging
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
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, response: HttpResponse) -> Context:
        principal: Principal = request.principal  # type: ignore[attr-defined]
        return Context(request=request, response=response, principal=principal)


graphql_view = AppGraphQLView.as_view(schema=schema, graphql_ide=None, allow_queries_via_get=False)
