"""Triggers: what starts enrollments. One module per trigger family:

    events.py       customer, account and order events (event_triggers_apply)
    abandonment.py  checkout_abandoned, debounced per checkout
    metadata.py     which customer metadata keys an event changed
    scheduled.py    daily date_field and no_order_for_days, in each contact's time zone
    segments.py     segment_entered (and leaving), with windows.py's order-window facts
    pending.py      pending entries falling due (debounced abandonments, deferrals)
    lifecycle.py    flow state when contacts merge or are deleted
    common.py       the flows listening for a trigger, contact views, context snapshots
    models.py       PendingEntry, MetadataSnapshot, SegmentMembership, SegmentState

Every trigger ends in flows/entry.py's gate. Nothing is imported here, so importing one
family never loads the others.
"""
