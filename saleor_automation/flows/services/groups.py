"""The app's own contact groups, written by action nodes.

    group_add(*, installation, name, contact_id, now) -> bool
    group_move(*, installation, name, contact_id, now) -> bool

Both are idempotent: running an action twice leaves the same membership.
"""

from datetime import datetime

from django.db import transaction

from ...saleor.models import Installation
from ..models import Group, GroupMember


def _group(installation: Installation, name: str) -> Group:
    group, _ = Group.objects.get_or_create(installation=installation, name=name)
    return group


def group_add(*, installation: Installation, name: str, contact_id: int, now: datetime) -> bool:
    """Add the contact to the group (created on first use); False when already a member."""
    with transaction.atomic():
        group = _group(installation, name)
        _, created = GroupMember.objects.get_or_create(
            installation=installation,
            group=group,
            contact_id=contact_id,
            defaults={"added_at": now},
        )
    return created


def group_move(*, installation: Installation, name: str, contact_id: int, now: datetime) -> bool:
    """Make the group the contact's only group: a contact moves through stages (new ->
    active -> lapsed) one group at a time. False when nothing changed."""
    with transaction.atomic():
        group = _group(installation, name)
        removed, _ = (
            GroupMember.objects.filter(installation=installation, contact_id=contact_id)
            .exclude(group=group)
            .delete()
        )
        added = group_add(installation=installation, name=name, contact_id=contact_id, now=now)
    return bool(removed) or added
