"""GraphQL types, queries and mutations of installation."""
