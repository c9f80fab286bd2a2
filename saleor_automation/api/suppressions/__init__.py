"""GraphQL types, queries and mutations of suppressions."""
