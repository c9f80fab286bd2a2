"""Errors raised while applying Saleor data to contacts."""


class ContactConflict(Exception):
    """Two registered Saleor users claim one email here, because an event telling that one
    of them moved away has not arrived yet. Transient: the inbox retries the row later."""
