"""The app's GraphQL schema: per-domain Query and Mutation classes merged at the root.

Limits run at validation, before any resolver: depth (the root field is 0, so
`flows { edges { node { versions { number } } } }` is 4), tokens (what a parser must read)
and aliases (one field asked many times). Lists are Relay connections capped at
GRAPHQL_MAX_PAGE_SIZE items a page.
"""

import logging

import strawberry
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry_django.optimizer import DjangoOptimizerExtension

from .api_keys import mutations as api_keys_mutations
from .api_keys import queries as api_keys_queries
from .backfill import mutations as backfill_mutations
from .backfill import queries as backfill_queries
from .contacts import queries as contacts_queries
from .flows import mutations as flows_mutations
from .flows import queries as flows_queries
from .installation import mutations as installation_mutations
from .installation import queries as installation_queries
from .messages import preview as messages_preview
from .messages import queries as messages_queries
from .suppressions import mutations as suppressions_mutations
from .suppressions import queries as suppressions_queries

logger = logging.getLogger(__name__)

Query = merge_types(
    "Query",
    (
        flows_queries.Query,
        contacts_queries.Query,
        messages_queries.Query,
        messages_preview.Query,
        suppressions_queries.Query,
        installation_queries.Query,
        api_keys_queries.Query,
        backfill_queries.Query,
    ),
)

Mutation = merge_types(
    "Mutation",
    (
        flows_mutations.Mutation,
        suppressions_mutations.Mutation,
        messages_preview.Mutation,
        installation_mutations.Mutation,
        api_keys_mutations.Mutation,
        backfill_mutations.Mutation,
    ),
)

# The caller's own mistakes: answered as they are, never logged (a query or a message may
# hold an address). ValueError is how strawberry's relay refuses bad cursors and page sizes.
CALLER_ERRORS = (GraphQLError, ValidationError, ObjectDoesNotExist, PermissionDenied, ValueError)


def _unexpected(error: GraphQLError) -> bool:
    return error.original_error is not None and not isinstance(error.original_error, CALLER_ERRORS)


class AppSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log faults with their path and traceback only: strawberry's default logs the
        query text at ERROR for every error, a caller's typo included."""
        for error in errors:
            if _unexpected(error):
                logger.error("GraphQL field %s failed", error.path, exc_info=error.original_error)


schema = AppSchema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE),
    # Factories: strawberry builds fresh extensions for each request.
    extensions=[
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        DjangoOptimizerExtension,
        # A fault's message may describe internals: the caller sees a generic one.
        lambda: MaskErrors(should_mask_error=_unexpected),
    ],
)
