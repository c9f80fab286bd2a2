"""GraphQL types, queries and mutations of flows."""
