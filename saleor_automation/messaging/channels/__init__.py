"""Channels deliver one outbox message each; `send(message)` raises when nothing went out."""
