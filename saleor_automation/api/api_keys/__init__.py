"""GraphQL types, queries and mutations of api_keys."""
