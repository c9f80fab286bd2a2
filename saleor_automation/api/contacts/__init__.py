"""GraphQL types, queries and mutations of contacts."""
