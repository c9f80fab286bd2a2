"""Benchmark 5: a flow's per-node stats over many message events.

A synthetic flow with 10 send nodes gets E message events (delivered, opened, clicked and
some repeats) on E/4 sent messages over 90 days, all counted into the per-node daily
counters by the real rollup. Then `stats.selectors.flow_stats` answers the flow's stats
for the 90 days, 200 times (p50/p99), beside the naive answer from the raw rows: COUNT
... GROUP BY node and kind over the events, run in the same benchmark.

Goal (issue 8): flow_stats p99 <= 50 ms over 10,000,000 events.

    python -m bench.stats [--events 10000000] [--calls 200]
"""

import argparse
import itertools
import time
from datetime import UTC, date, datetime, timedelta

from bench.common import (
    Figure,
    django_setup,
    percentile,
    progress,
    results_save,
)

NODES = 10
DAYS = 90
CHUNK = 1_000_000  # events inserted per statement (progress shows each)


def _setup(events: int) -> tuple[object, int]:
    from django.db import connection

    from saleor_automation.contacts.models import Contact
    from saleor_automation.flows.models import Enrollment
    from saleor_automation.flows.services import flow_activate, flow_create, flow_save_draft
    from saleor_automation.messaging.models import Message, MessageEvent
    from saleor_automation.saleor.models import Installation

    installation = Installation.objects.create(
        saleor_api_url="https://bench.example.com/graphql/", app_id="app", token="t" * 30
    )
    contact = Contact.objects.create(installation=installation, email="p@example.com")
    mjml = "<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>"
    nodes = [{"id": "trigger", "type": "trigger", "params": {"event": "customer_created"}}]
    nodes += [
        {
            "id": f"s{i}",
            "type": "send_email",
            "params": {"message": {"subject": "Hi", "mjml": mjml}},
        }
        for i in range(NODES)
    ]
    nodes.append({"id": "exit", "type": "exit", "params": {}})
    ids = [node["id"] for node in nodes]
    edges = [{"source": a, "target": b, "label": "next"} for a, b in itertools.pairwise(ids)]
    flow = flow_create(installation=installation, name="stats")
    flow_save_draft(
        flow=flow, graph={"schema_version": 1, "nodes": nodes, "edges": edges}, settings={}
    )
    flow_activate(flow=flow, now=datetime.now(UTC))
    flow.refresh_from_db()

    messages = events // 4
    enrollments = max(1, messages // NODES)
    start = datetime.now(UTC) - timedelta(days=DAYS)
    params = {
        "inst": installation.pk,
        "flow": flow.pk,
        "version": flow.active_version_id,
        "contact": contact.pk,
        "start": start,
        "days": DAYS,
        "nodes": NODES,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Enrollment._meta.db_table} (installation_id, flow_id, version_id,
                contact_id, entry_key, status, current_node, step_seq, node_entered_at,
                context, holdout, created_at, finished_at, finish_reason)
            SELECT %(inst)s, %(flow)s, %(version)s, %(contact)s, g::text, 'finished', 'exit',
                {NODES + 2}, %(start)s, '{{}}'::jsonb, false, %(start)s, %(start)s, 'exit'
            FROM generate_series(1, %(n)s) AS g
            """,
            {**params, "n": enrollments},
        )
        cursor.execute(f"SELECT min(id) FROM {Enrollment._meta.db_table}")
        first_enrollment = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO {Message._meta.db_table} (installation_id, contact_id, enrollment_id,
                node_id, channel, idempotency_key, to_address, content, render_context,
                language, subject, preheader, body_text, body_html, provider_message_id,
                marketing, counts_towards_cap, status, created_at, sent_at, error)
            SELECT %(inst)s, %(contact)s, %(first)s + (g %% %(enrollments)s),
                's' || (g %% %(nodes)s), 'email', gen_random_uuid(), 'p@example.com', '{{}}',
                '{{}}', 'en', 'Hi', '', '', '', '', true, true, 'sent', t, t, ''
            FROM generate_series(1, %(n)s) AS g,
                LATERAL (SELECT %(start)s
                         + make_interval(secs => (g * 7919) %% (%(days)s * 86400))) AS x(t)
            """,
            {**params, "n": messages, "first": first_enrollment, "enrollments": enrollments},
        )
        cursor.execute(f"SELECT min(id), max(id) FROM {Message._meta.db_table}")
        first_message, last_message = cursor.fetchone()
        kinds = ["delivered", "opened", "clicked", "opened"]  # the second open is a repeat
        done = 0
        while done < events:
            size = min(CHUNK, events - done)
            cursor.execute(
                f"""
                INSERT INTO {MessageEvent._meta.db_table} (installation_id, message_id, kind,
                    occurred_at, data, dedupe_key)
                SELECT %(inst)s, m.id, (%(kinds)s::text[])[1 + (g %% 4)],
                    m.sent_at + make_interval(secs => 60 + g %% 4 * 600), '{{}}', ''
                FROM generate_series(%(lo)s, %(hi)s) AS g
                JOIN {Message._meta.db_table} m ON m.id = %(first)s + (g / 4) %% %(span)s
                """,
                {
                    **params,
                    "kinds": kinds,
                    "lo": done,
                    "hi": done + size - 1,
                    "first": first_message,
                    "span": last_message - first_message + 1,
                },
            )
            done += size
            progress("events", done, events)
        cursor.execute("ANALYZE")
    return installation, flow.pk


def _naive(flow_id: int, since: datetime) -> float:
    from django.db import connection

    from saleor_automation.flows.models import Enrollment
    from saleor_automation.messaging.models import Message, MessageEvent

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT m.node_id, ev.kind, count(DISTINCT ev.message_id)
            FROM {MessageEvent._meta.db_table} ev
            JOIN {Message._meta.db_table} m ON m.id = ev.message_id
            JOIN {Enrollment._meta.db_table} e ON e.id = m.enrollment_id
            WHERE e.flow_id = %(flow)s AND ev.occurred_at >= %(since)s
            GROUP BY 1, 2
            """,
            {"flow": flow_id, "since": since},
        )
        cursor.fetchall()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args(argv)
    django_setup()
    print(f"stats: {args.events:,} message events")
    installation, flow_id = _setup(args.events)

    from saleor_automation.stats.rollup import stats_rollup
    from saleor_automation.stats.selectors import flow_stats

    started = time.perf_counter()
    stats_rollup(settle=False)  # what beat runs, over every row at once
    rollup_seconds = time.perf_counter() - started

    until = date.today()
    since = until - timedelta(days=DAYS + 1)
    timings = []
    for _ in range(args.calls):
        t0 = time.perf_counter()
        result = flow_stats(installation, flow_id, since=since, until=until)
        timings.append(time.perf_counter() - t0)
    naive = [
        _naive(flow_id, datetime.now(UTC) - timedelta(days=DAYS + 1))
        for _ in range(args.naive_runs)
    ]
    p99 = percentile(timings, 99) * 1000
    naive_p50 = percentile(naive, 50) * 1000
    opened = sum(node.get("opened", 0) for node in result["nodes"].values())
    figures = [
        Figure(name="flow_stats p50", value=percentile(timings, 50) * 1000, unit="ms"),
        Figure(
            name="flow_stats p99",
            value=p99,
            unit="ms",
            goal="<= 50 ms",
            met=p99 <= 50,
        ),
        Figure(name="naive COUNT/GROUP BY over raw events, p50", value=naive_p50, unit="ms"),
        Figure(
            name="naive / counters (p50 over p99)", value=naive_p50 / p99 if p99 else 0, unit="x"
        ),
        Figure(name="rollup of every raw row into the counters", value=rollup_seconds, unit="s"),
    ]
    notes = [f"counters answered {opened:,} first opens over {NODES} nodes"]
    results_save(
        "stats", f"Stats: a flow's per-node stats over {args.events:,} events", figures, notes
    )


if __name__ == "__main__":
    main()
