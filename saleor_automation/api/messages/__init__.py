"""GraphQL types, queries and mutations of messages."""
