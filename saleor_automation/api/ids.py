"""Relay global ids: the API names objects by GlobalID ("Flow:12" in base64)."""

from strawberry import relay


def node_pk(global_id: relay.GlobalID, type_name: str) -> int | None:
    """The primary key inside `global_id`, or None when it names another type or is not a
    number (treated as "no such object", never as an error that tells ids apart)."""
    if global_id.type_name != type_name:
        return None
    try:
        return int(global_id.node_id)
    except ValueError:
        return None
