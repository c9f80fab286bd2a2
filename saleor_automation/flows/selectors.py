"""Reads of flows: parsed versions (cached per process) and what the engine copies into a
NodeContext, loaded for a whole batch of enrollments at once.

    flow_version_parsed(version_id) -> ParsedVersion
    contact_views(contact_ids, *, assume_consent) -> dict[int, ContactRecord]
    enrollment_messages(enrollment_ids) -> dict[int, dict[str, dict[str, datetime]]]
    recent_marketing_sends(contact_ids, *, since) -> dict[int, list[datetime]]
    enrollment_steps(*, installation, enrollment_id) -> QuerySet[StepRun]
"""

import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from ..contacts.models import Contact, ContactSpend
from ..messaging.models import Message, MessageStatus
from ..saleor.models import Installation
from .context import ContactView
from .context import MessageEvent as Event
from .definition import FlowGraph, FlowSettings, parse_graph, parse_settings
from .models import FlowVersion, GroupMember, StepRun, VersionState

GRAPH_CACHE_SIZE = 512


@dataclass(frozen=True)
class ParsedVersion:
    version_id: int
    graph: FlowGraph
    settings: FlowSettings


_versions: OrderedDict[int, ParsedVersion] = OrderedDict()
_versions_lock = threading.Lock()


def flow_version_parsed(version_id: int) -> ParsedVersion:
    """The typed graph and settings of a version, parsed once per process. Only frozen
    (active or retired) versions are cached: their content can never change."""
    with _versions_lock:
        parsed = _versions.get(version_id)
        if parsed is not None:
            _versions.move_to_end(version_id)
            return parsed
    version = FlowVersion.objects.only("graph", "settings", "state").get(pk=version_id)
    parsed = ParsedVersion(version_id, parse_graph(version.graph), parse_settings(version.settings))
    if version.state != VersionState.DRAFT:
        with _versions_lock:
            _versions[version_id] = parsed
            while len(_versions) > GRAPH_CACHE_SIZE:
                _versions.popitem(last=False)
    return parsed


@dataclass(frozen=True)
class ContactRecord:
    """A contact as nodes see it, plus what messages are addressed and rendered with."""

    view: ContactView
    email: str
    phone: str
    names: dict[str, str]


def _birthday(contact: Contact) -> str | None:
    month, day, year = contact.birthday_month, contact.birthday_day, contact.birthday_year
    if not (month and day):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


def contact_views(
    contact_ids: Collection[int], *, assume_consent: bool
) -> dict[int, ContactRecord]:
    """Three queries for any number of contacts. `assume_consent` is what an unknown
    consent (the store never said) means."""
    ids = list(contact_ids)
    spend: dict[int, dict[str, Decimal]] = {}
    for contact_id, currency, amount in ContactSpend.objects.filter(contact_id__in=ids).values_list(
        "contact_id", "currency", "amount"
    ):
        spend.setdefault(contact_id, {})[currency] = amount
    groups: dict[int, set[str]] = {}
    for contact_id, name in GroupMember.objects.filter(contact_id__in=ids).values_list(
        "contact_id", "group__name"
    ):
        groups.setdefault(contact_id, set()).add(name)
    records = {}
    for contact in Contact.objects.filter(pk__in=ids):
        consent = contact.marketing_consent
        consent = assume_consent if consent is None else consent
        birthday = _birthday(contact)
        view = ContactView(
            id=contact.pk,
            email=contact.email,
            phone=contact.phone,
            country=contact.country,
            city=contact.city,
            postal_code=contact.postal_code,
            language=contact.language_code,
            # One consent in the store's metadata covers both channels.
            marketing_consent=consent,
            sms_consent=consent,
            order_count=contact.order_count,
            first_order_at=contact.first_order_at,
            last_order_at=contact.last_order_at,
            spend=spend.get(contact.pk, {}),
            groups=frozenset(groups.get(contact.pk, ())),
            attributes={"birthday": birthday} if birthday else {},
        )
        names = {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "email": contact.email,
        }
        records[contact.pk] = ContactRecord(view, contact.email, contact.phone, names)
    return records


def enrollment_messages(
    enrollment_ids: Collection[int],
) -> dict[int, dict[str, dict[str, datetime]]]:
    """enrollment id -> send node id -> {event kind: first time it happened}, in one query.
    A node with a message has an entry even before anything happened to it."""
    result: dict[int, dict[str, dict[str, datetime]]] = {}
    rows = Message.objects.filter(enrollment_id__in=list(enrollment_ids)).values_list(
        "enrollment_id", "node_id", "sent_at", "events__kind", "events__occurred_at"
    )
    for enrollment_id, node_id, sent_at, kind, occurred_at in rows:
        kinds = result.setdefault(enrollment_id, {}).setdefault(node_id, {})
        if sent_at is not None:
            kinds[Event.SENT] = sent_at
        if kind in Event.ALL and (kind not in kinds or occurred_at < kinds[kind]):
            kinds[kind] = occurred_at
    return result


def recent_marketing_sends(
    contact_ids: Collection[int], *, since: datetime
) -> dict[int, list[datetime]]:
    """contact id -> when each message counting towards the frequency cap was queued."""
    result: dict[int, list[datetime]] = {}
    rows = (
        Message.objects.filter(contact_id__in=list(contact_ids), created_at__gt=since)
        .filter(counts_towards_cap=True)
        .exclude(status__in=[MessageStatus.FAILED, MessageStatus.SKIPPED])
        .values_list("contact_id", "created_at")
    )
    for contact_id, created_at in rows:
        result.setdefault(contact_id, []).append(created_at)
    return result


def enrollment_steps(*, installation: Installation, enrollment_id: int) -> QuerySet[StepRun]:
    """An enrollment's history, oldest step first."""
    return StepRun.objects.filter(installation=installation, enrollment_id=enrollment_id).order_by(
        "step_seq"
    )
