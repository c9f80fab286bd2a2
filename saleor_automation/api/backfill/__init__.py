"""GraphQL types, queries and mutations of backfill."""
