"""The `/graphql/` endpoint: auth, validation and execution as Saleor's GraphQL view does it.

Invalid documents get HTTP 400; everything that executes gets 200 with `data` and `errors`.
An unknown, revoked or deactivated token is not a 401: the request runs anonymously.
"""

import json
import threading
from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    OperationType,
    get_operation_ast,
    parse,
    validate,
)

from .execution import RequestContext, emulator_faults, format_error, run
from .mutation_resolvers import mutation_root
from .permissions import field_rules
from .query_resolvers import computed_fields, query_root
from .records import AppRecord, GraphQLRequest
from .store import Store

APP_TOKEN_LENGTH = 30  # Saleor looks up exactly-30-char bearer tokens as app tokens


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """`Authorization: Bearer|JWT <t>` or `Authorization-Bearer: <t>` (PROTOCOL §6)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    authorization = lowered.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() in ("bearer", "jwt") and token.strip():
        return token.strip()
    return lowered.get("authorization-bearer") or None


def _operation_name(request: dict[str, Any]) -> str | None:
    """The executed operation's own name when the client sent no operationName."""
    try:
        operation = get_operation_ast(parse(request.get("query") or ""))
    except GraphQLError:
        return None
    return operation.name.value if operation is not None and operation.name else None


def _bad_request(message: str) -> tuple[int, dict[str, Any]]:
    return 400, {
        "errors": [{"message": message, "extensions": {"exception": {"code": "GraphQLError"}}}]
    }


class GraphQLApi:
    def __init__(self, schema: GraphQLSchema, store: Store, lock: threading.RLock) -> None:
        self.schema = schema
        self.store = store
        self.lock = lock
        self.rules = field_rules(schema)
        self.computed = computed_fields()
        self.requests: list[GraphQLRequest] = []
        self.faults: list[str] = []  # emulator bugs seen while answering (see execution.py)
        self.emitted: list[tuple[str, dict, dict | None]] = []

    def authenticate(self, token: str | None) -> AppRecord | None:
        if token is None or len(token) != APP_TOKEN_LENGTH:
            return None
        app = self.store.app_by_token(token)
        return app if app is not None and app.can_authenticate else None

    def context(self, app: AppRecord | None) -> RequestContext:
        return RequestContext(self.store, app, self.rules, self.computed)

    def handle(self, headers: Mapping[str, str], raw_body: bytes) -> tuple[int, dict[str, Any]]:
        token = bearer_token(headers)
        with self.lock:
            app = self.authenticate(token)
            try:
                status, response, request = self._answer(app, raw_body)
            except Exception as error:  # an emulator bug: answer like a crashed server, and tell
                self.faults.append(f"{type(error).__name__}: {error}")
                status, response, request = 500, {"errors": [{"message": str(error)}]}, {}
            self.requests.append(
                GraphQLRequest(
                    operation_name=request.get("operationName") or _operation_name(request),
                    query=request.get("query") or "",
                    variables=request.get("variables") or {},
                    token=token,
                    app_id=app.id if app else None,
                    status=status,
                    response=response,
                )
            )
        return status, response

    def _answer(
        self, app: AppRecord | None, raw_body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, Any]]:
        try:
            request = json.loads(raw_body or b"null")
        except ValueError:
            return *_bad_request("Unable to parse query."), {}
        if not isinstance(request, dict):
            return *_bad_request("Unable to parse query."), {}
        query = request.get("query")
        if not isinstance(query, str) or not query.strip():
            return *_bad_request("Must provide a query string."), request
        try:
            document = parse(query)
        except GraphQLError as error:
            return 400, {"errors": [format_error(error)]}, request
        errors = validate(self.schema, document)
        if errors:
            return 400, {"errors": [format_error(e) for e in errors]}, request
        variables = request.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return *_bad_request("Variables must be an object."), request
        operation_name = request.get("operationName")
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return *_bad_request("Unknown operation named or no operation name given."), request
        if operation.operation == OperationType.SUBSCRIPTION:
            return *_bad_request("Subscriptions run only as webhook payloads."), request
        root = query_root() if operation.operation == OperationType.QUERY else mutation_root()
        context = self.context(app)
        result = run(self.schema, document, context, root, variables, operation_name)
        self.faults.extend(emulator_faults(result))
        self.emitted.extend(context.emitted)
        response: dict[str, Any] = {}
        if result.errors:
            response["errors"] = [format_error(e) for e in result.errors]
        # Errors with no path (bad variables) mean nothing executed: Saleor answers 400.
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            return 400, response, request
        response["data"] = result.data
        return 200, response, request
