"""Reading flows: the list, one flow, a dry run of its draft, its stats, the templates."""

from collections.abc import Iterable
from datetime import date

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from ...flows.models import Flow
from ...flows.selectors import flow_list
from ...flows.simulation import flow_simulate
from ...flows.templates import TEMPLATES
from ...stats.selectors import flow_stats, flow_timeseries
from ..context import Info
from ..permissions import READ
from .lookup import flow_or_none
from .types import (
    FlowStatsType,
    FlowStatusEnum,
    FlowTemplateType,
    FlowType,
    SimulationReportType,
)

# The longest period flowStats answers (its timeseries has one entry a day).
STATS_MAX_DAYS = 366


@strawberry.type
class Query:
    @strawberry_django.connection(DjangoListConnection[FlowType], extensions=READ())
    def flows(self, info: Info, status: FlowStatusEnum | None = None) -> Iterable[Flow]:
        """The installation's flows, newest first."""
        value = status.value if status is not None else None
        return flow_list(installation=info.context.installation, status=value)

    @strawberry_django.field(extensions=READ())
    def flow(self, info: Info, id: relay.GlobalID) -> FlowType | None:
        return flow_or_none(info, id)  # type: ignore[return-value]

    @strawberry.field(extensions=READ())
    def flow_simulation(
        self, info: Info, flow_id: relay.GlobalID, days: int = 30
    ) -> SimulationReportType | None:
        """Dry run of the flow's draft over the last `days` days (1 to 366). Writes nothing.
        Null for an unknown flow."""
        flow = flow_or_none(info, flow_id)
        if flow is None:
            return None
        try:
            report = flow_simulate(flow=flow, days=days)
        except ValueError as error:
            # A bad `days` or no draft: the caller's mistake, reported as such.
            raise ValidationError(str(error)) from error
        return SimulationReportType.of(report)

    @strawberry.field(extensions=READ())
    def flow_stats(
        self, info: Info, flow_id: relay.GlobalID, since: date, until: date
    ) -> FlowStatsType | None:
        """The flow's counts per node, its totals and one entry a day, from `since` to
        `until` (UTC days, both included, at most 366 days). Null for an unknown flow."""
        if until < since:
            raise ValidationError("until must not be before since.")
        if (until - since).days >= STATS_MAX_DAYS:
            raise ValidationError(f"At most {STATS_MAX_DAYS} days.")
        flow = flow_or_none(info, flow_id)
        if flow is None:
            return None
        installation = info.context.installation
        result = FlowStatsType.of(
            since=since,
            until=until,
            stats=flow_stats(installation, flow.pk, since=since, until=until),
            series=flow_timeseries(installation, flow.pk, since, until),
        )
        result.flow_pk = flow.pk
        return result

    @strawberry.field(extensions=READ())
    def flow_templates(self, info: Info) -> list[FlowTemplateType]:
        """The ready-made flows flowCreateFromTemplate starts from."""
        return [FlowTemplateType.of(template) for template in TEMPLATES.values()]
