"""Contacts, consent, and the checkout/order mirrors built from Saleor events."""

__all__: list[str] = []
