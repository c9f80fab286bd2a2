"""The counting SQL: each function aggregates raw rows into StatsCounter increments with one
INSERT ... ON CONFLICT DO UPDATE SET value = value + excluded.value, so concurrent writers
never lose an increment and a batch costs one statement per source.

The incremental rollup (stats.rollup) and the rebuild (stats.rebuild) run the same
functions, with different bounds: what one counts, the other counts the same way.

Metrics (node_id "" for flow-level ones, currency "" for counts; days are UTC):
- entered: a StepRun of the node, on its entered_at day;
- sent: a flow message with sent_at, on that day;
- delivered, opened, clicked, bounced, complained, unsubscribed: the first event of that
  kind of a message (lowest id), on its occurred_at day; repeats are not counted;
- converted (flow level): enrollments that reached a goal, on converted_at's day; holdout
  enrollments count as holdout_converted, the control group. They give the conversion rate
  and the holdout lift, never revenue (a goal's order may be another flow's revenue too);
- attributed_orders: orders attributed to the node's messages (stats.attribution), once per
  order per node, and at flow level (node "") once per order per flow, so a flow's total is
  not the sum of its nodes; zero again if the order is cancelled;
- revenue (per node, per currency): the attributed net revenue (refunds deducted,
  cancellations zeroed). Refunds and cancellations move the counters on the order's UTC day,
  not on the refund's: a period's revenue is the net revenue of the orders placed in it.
  Revenue everywhere is attributed revenue, so no order is counted twice.
"""

from datetime import datetime

from django.db import connection

from ..flows.models import Enrollment, StepRun
from ..messaging.models import Message, MessageEvent, MessageEventKind
from . import counters_portable as portable
from .models import AttributedLine, StatsCounted, StatsCounter

EVENT_METRICS = (
    MessageEventKind.DELIVERED,
    MessageEventKind.OPENED,
    MessageEventKind.CLICKED,
    MessageEventKind.BOUNCED,
    MessageEventKind.COMPLAINED,
    MessageEventKind.UNSUBSCRIBED,
)
COUNT_METRICS = ("entered", "sent", *(str(kind) for kind in EVENT_METRICS))
CONVERSION_METRICS = ("converted", "holdout_converted")  # flow level only
ORDER_METRICS = ("attributed_orders",)  # per node, and once per flow at node ""
# Metrics whose flow total is the flow's own row (node ""), not the nodes' rows summed: an
# order credited to two nodes is one order, and a contact entering the flow is one entry
# however many nodes it then enters.
FLOW_ROW_METRICS = ("entered", *ORDER_METRICS)
REVENUE_METRICS = ("revenue",)  # per node and currency

COUNTER = StatsCounter._meta.db_table
COUNTED = StatsCounted._meta.db_table
STEPRUN = StepRun._meta.db_table
ENROLLMENT = Enrollment._meta.db_table
MESSAGE = Message._meta.db_table
EVENT = MessageEvent._meta.db_table
ATTRIBUTED = AttributedLine._meta.db_table

# `ctes`: a WITH clause; Postgres only allows a data-modifying one (marking rows counted)
# at the top of the statement.
_UPSERT = f"""
    {{ctes}}
    INSERT INTO {COUNTER}
        (installation_id, flow_id, version_id, node_id, day, metric, currency, value)
    {{select}}
    ON CONFLICT (flow_id, version_id, node_id, day, metric, currency)
    DO UPDATE SET value = {COUNTER}.value + EXCLUDED.value
"""


def _installation_filter(alias: str, installation_id: int | None) -> str:
    return "" if installation_id is None else f" AND {alias}.installation_id = %(installation)s"


def _since_filter(column: str, since: datetime | None) -> str:
    return "" if since is None else f" AND {column} >= %(since)s"


def _run(select: str, params: dict[str, object], ctes: str = "") -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(ctes=ctes, select=select), params)
        return cursor.rowcount


def count_steps(*, after_id: int, upto_id: int, installation_id: int | None = None) -> int:
    """Count StepRuns with after_id < id <= upto_id as "entered" of their node, and those of
    trigger nodes also as "entered" of the flow (node "")."""
    if connection.vendor != "postgresql":  # SQLite: make run, make demo
        return portable.count_steps(
            after_id=after_id, upto_id=upto_id, installation_id=installation_id
        )
    select = f"""
        WITH s AS (
            SELECT s.installation_id, s.enrollment_id, s.node_id, s.node_type, s.entered_at
            FROM {STEPRUN} s
            WHERE s.id > %(after)s AND s.id <= %(upto)s{_installation_filter("s", installation_id)}
        )
        SELECT s.installation_id, e.flow_id, e.version_id, s.node_id,
               (s.entered_at AT TIME ZONE 'UTC')::date, 'entered', '', count(*)
        FROM s JOIN {ENROLLMENT} e ON e.id = s.enrollment_id
        GROUP BY 1, 2, 3, 4, 5
        UNION ALL
        SELECT s.installation_id, e.flow_id, e.version_id, '',
               (s.entered_at AT TIME ZONE 'UTC')::date, 'entered', '', count(*)
        FROM s JOIN {ENROLLMENT} e ON e.id = s.enrollment_id
        WHERE s.node_type = 'trigger'
        GROUP BY 1, 2, 3, 4, 5
    """  # noqa: S608 (table names from models; values are parameters)
    params = {"after": after_id, "upto": upto_id, "installation": installation_id}
    return _run(select, params)


def count_events(*, after_id: int, upto_id: int, installation_id: int | None = None) -> int:
    """Count MessageEvents with after_id < id <= upto_id that are the first of their kind
    for their message (message_event_kind_idx answers the NOT EXISTS)."""
    if connection.vendor != "postgresql":  # SQLite: make run, make demo
        return portable.count_events(
            after_id=after_id,
            upto_id=upto_id,
            kinds=[str(kind) for kind in EVENT_METRICS],
            installation_id=installation_id,
        )
    select = f"""
        SELECT m.installation_id, e.flow_id, e.version_id, m.node_id,
               (ev.occurred_at AT TIME ZONE 'UTC')::date, ev.kind, '', count(*)
        FROM {EVENT} ev
        JOIN {MESSAGE} m ON m.id = ev.message_id
        JOIN {ENROLLMENT} e ON e.id = m.enrollment_id
        WHERE ev.id > %(after)s AND ev.id <= %(upto)s AND ev.kind = ANY(%(kinds)s)
          {_installation_filter("ev", installation_id)}
          AND NOT EXISTS (
              SELECT 1 FROM {EVENT} p
              WHERE p.message_id = ev.message_id AND p.kind = ev.kind AND p.id < ev.id
          )
        GROUP BY 1, 2, 3, 4, 5, 6
    """  # noqa: S608 (table names from models; values are parameters)
    params = {
        "after": after_id,
        "upto": upto_id,
        "installation": installation_id,
        "kinds": [str(kind) for kind in EVENT_METRICS],
    }
    return _run(select, params)


def count_sent(*, installation_id: int | None = None, since: datetime | None = None) -> int:
    """Count flow messages sent and not counted yet, marking them counted in the same
    statement (ON CONFLICT DO NOTHING: a concurrent run counts each one once). `since`
    bounds the scan to messages sent from then on (message_flow_sent_idx), so a rollup reads
    the recent sends only, not every send ever made; None scans them all (the rebuild)."""
    if connection.vendor != "postgresql":  # SQLite: make run, make demo
        return portable.count_sent(installation_id=installation_id, since=since)
    ctes = f"""
        WITH new AS (
            INSERT INTO {COUNTED} (installation_id, kind, object_id)
            SELECT m.installation_id, 'sent', m.id FROM {MESSAGE} m
            WHERE m.sent_at IS NOT NULL AND m.enrollment_id IS NOT NULL
              {_installation_filter("m", installation_id)}{_since_filter("m.sent_at", since)}
              AND NOT EXISTS (
                  SELECT 1 FROM {COUNTED} c WHERE c.kind = 'sent' AND c.object_id = m.id
              )
            ON CONFLICT (kind, object_id) DO NOTHING
            RETURNING object_id
        )
    """  # noqa: S608 (table names from models; values are parameters)
    select = f"""
        SELECT m.installation_id, e.flow_id, e.version_id, m.node_id,
               (m.sent_at AT TIME ZONE 'UTC')::date, 'sent', '', count(*)
        FROM new
        JOIN {MESSAGE} m ON m.id = new.object_id
        JOIN {ENROLLMENT} e ON e.id = m.enrollment_id
        GROUP BY 1, 2, 3, 4, 5
    """  # noqa: S608 (table names from models; values are parameters)
    return _run(select, {"installation": installation_id, "since": since}, ctes)


def count_conversions(*, installation_id: int | None = None, since: datetime | None = None) -> int:
    """Count converted enrollments not counted yet (goal conversions: counts, no revenue);
    `since` bounds the scan like count_sent's (enrollment_converted_idx)."""
    if connection.vendor != "postgresql":  # SQLite: make run, make demo
        return portable.count_conversions(installation_id=installation_id, since=since)
    ctes = f"""
        WITH new AS (
            INSERT INTO {COUNTED} (installation_id, kind, object_id)
            SELECT e.installation_id, 'converted', e.id FROM {ENROLLMENT} e
            WHERE e.converted_at IS NOT NULL{_installation_filter("e", installation_id)}
              {_since_filter("e.converted_at", since)}
              AND NOT EXISTS (
                  SELECT 1 FROM {COUNTED} c WHERE c.kind = 'converted' AND c.object_id = e.id
              )
            ON CONFLICT (kind, object_id) DO NOTHING
            RETURNING object_id
        )
    """  # noqa: S608 (table names from models; values are parameters)
    select = f"""
        SELECT e.installation_id, e.flow_id, e.version_id, '',
               (e.converted_at AT TIME ZONE 'UTC')::date,
               CASE WHEN e.holdout THEN 'holdout_converted' ELSE 'converted' END, '', count(*)
        FROM new JOIN {ENROLLMENT} e ON e.id = new.object_id
        GROUP BY 1, 2, 3, 5, 6
    """  # noqa: S608 (table names from models; values are parameters)
    return _run(select, {"installation": installation_id, "since": since}, ctes)


def count_attribution(*, installation_id: int | None = None) -> int:
    """Add what changed in attributed lines since they were last counted (new lines, refunds,
    cancellations) and mark them counted in the same statement. The lines are locked
    (FOR UPDATE) as they are read, so a concurrent attribution update waits and is counted
    by the next run: every change is added exactly once. Counter rows that come back to zero
    are deleted, so the counters stay what a rebuild would write."""
    if connection.vendor != "postgresql":  # SQLite: make run, make demo
        return portable.count_attribution(installation_id=installation_id)
    ctes = f"""
        WITH d AS (
            SELECT l.id, l.installation_id, l.flow_id, l.version_id, l.node_id, l.day,
                   l.currency, l.amount, l.orders, l.flow_orders,
                   l.amount - l.counted_amount AS d_amount,
                   l.orders - l.counted_orders AS d_orders,
                   l.flow_orders - l.counted_flow_orders AS d_flow_orders
            FROM {ATTRIBUTED} l
            WHERE (l.amount <> l.counted_amount OR l.orders <> l.counted_orders
                   OR l.flow_orders <> l.counted_flow_orders)
              {_installation_filter("l", installation_id)}
            ORDER BY l.id
            FOR UPDATE
        ),
        marked AS (
            UPDATE {ATTRIBUTED} l
            SET counted_amount = d.amount, counted_orders = d.orders,
                counted_flow_orders = d.flow_orders
            FROM d WHERE l.id = d.id
        )
    """  # noqa: S608 (table names from models; values are parameters)
    select = """
        SELECT installation_id, flow_id, version_id, node_id, day, 'revenue', currency,
               sum(d_amount)
        FROM d GROUP BY 1, 2, 3, 4, 5, 7 HAVING sum(d_amount) <> 0
        UNION ALL
        SELECT installation_id, flow_id, version_id, node_id, day, 'attributed_orders', '',
               sum(d_orders)
        FROM d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d_orders) <> 0
        UNION ALL
        SELECT installation_id, flow_id, version_id, '', day, 'attributed_orders', '',
               sum(d_flow_orders)
        FROM d GROUP BY 1, 2, 3, 5 HAVING sum(d_flow_orders) <> 0
    """
    statement = _UPSERT.format(ctes=ctes, select=select) + f" RETURNING {COUNTER}.id, value"
    with connection.cursor() as cursor:
        cursor.execute(statement, {"installation": installation_id})
        rows = cursor.fetchall()
        zeros = [row_id for row_id, value in rows if value == 0]
        if zeros:
            cursor.execute(
                f"DELETE FROM {COUNTER} WHERE id = ANY(%(ids)s) AND value = 0",  # noqa: S608
                {"ids": zeros},
            )
    return len(rows)
